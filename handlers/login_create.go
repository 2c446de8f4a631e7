package handlers

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"guichet/auth"
	"guichet/views"
)

// loginCreate signs an agent in: a new session (and a new token, whatever
// the browser had), then the page asked for, or the form kept through an
// expired session.
func (s *Server) loginCreate(c *gin.Context) {
	email, password := c.PostForm("email"), c.PostForm("password")
	data := loginData{Next: c.PostForm("suite"), Resume: c.PostForm("reprise")}
	if !localPath(data.Next) {
		data.Next = ""
	}
	a, err := s.authn.SignIn(c, email, password, c.ClientIP())
	var locked *auth.LockedError
	if err != nil {
		p := s.page(c, "Connexion")
		p.Form = map[string]any{"email": email}
		p.Data = data
		switch {
		case errors.As(err, &locked):
			wait := time.Until(locked.Until)
			c.Header("Retry-After", strconv.Itoa(int(wait.Seconds())+1))
			p.Errors = views.FormErrors{"email": fmt.Sprintf("Trop de tentatives de connexion : par sécurité, la connexion est suspendue jusqu'à %s. Si vous avez oublié votre mot de passe, réinitialisez-le.", parisClock(locked.Until))}
			s.render(c, http.StatusTooManyRequests, "agent/login", p)
		case errors.Is(err, auth.ErrBadCredentials):
			p.Errors = views.FormErrors{"email": "Adresse e-mail ou mot de passe incorrect."}
			s.render(c, http.StatusUnauthorized, "agent/login", p)
		default:
			s.fail(c, err)
		}
		return
	}
	if old, err := c.Cookie(sessionCookie); err == nil {
		if err := auth.EndSession(c, s.DB, old); err != nil {
			s.fail(c, err)
			return
		}
	}
	token, err := auth.StartSession(c, s.DB, a, c.ClientIP(), c.Request.UserAgent())
	if err != nil {
		s.fail(c, err)
		return
	}
	s.setSessionCookie(c, token)
	if r, ok := decodeResume(data.Resume); ok {
		c.Set(keyAgent, a)
		p := s.page(c, "Reprendre votre saisie")
		p.Data = r
		s.render(c, http.StatusOK, "agent/resume", p)
		return
	}
	next := data.Next
	if next == "" {
		next = "/gestion/"
	}
	redirect(c, next)
}

// parisClock is a time of day in Europe/Paris, as "14 h 05".
func parisClock(t time.Time) string {
	return t.In(paris).Format("15 h 04")
}
