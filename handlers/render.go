package handlers

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"guichet/apperr"
	"guichet/models"
	"guichet/views"
)

// Context keys.
const (
	keyCommune = "commune"
	keyAgent   = "agent"
)

// commune is the commune the request is about (set by the commune or agent middleware).
func commune(c *gin.Context) *models.Commune {
	if v, ok := c.Get(keyCommune); ok {
		return v.(*models.Commune)
	}
	return nil
}

// viewCommune converts a commune row for the templates.
func viewCommune(m *models.Commune) *views.Commune {
	if m == nil {
		return nil
	}
	return &views.Commune{Slug: m.Slug, Name: m.Name, AccentColor: m.AccentColor, LogoURL: m.LogoURL,
		Address: m.Address, Phone: m.Phone, Email: m.Email, OpeningHours: m.OpeningHours}
}

// page starts the data of a page: commune, signed-in agent, flash message.
func (s *Server) page(c *gin.Context, title string) views.Page {
	p := views.Page{Title: title, Commune: viewCommune(commune(c)), Flash: s.popFlash(c)}
	if v, ok := c.Get(keyAgent); ok {
		a := v.(*models.Agent)
		p.User = &views.User{Name: a.Name, Email: a.Email, Role: a.Role}
		p.Nav = agentNav(c, a)
	}
	return p
}

func (s *Server) render(c *gin.Context, status int, name string, p views.Page) {
	c.Header("Cache-Control", "no-store")
	s.Views.Render(c.Writer, status, name, p)
	c.Abort()
}

// renderError shows the error page with a French title and message.
func (s *Server) renderError(c *gin.Context, status int, title, message string) {
	p := s.page(c, title)
	p.Data = views.ErrorData{Title: title, Message: message}
	s.render(c, status, "error", p)
}

// statusOf maps an error code to its HTTP status.
func statusOf(code apperr.Code) int {
	switch code {
	case apperr.Invalid:
		return http.StatusUnprocessableEntity
	case apperr.Conflict:
		return http.StatusConflict
	case apperr.Forbidden:
		return http.StatusForbidden
	case apperr.NotFound:
		return http.StatusNotFound
	case apperr.TooMany:
		return http.StatusTooManyRequests
	}
	return http.StatusInternalServerError
}

var errorTitles = map[apperr.Code]string{
	apperr.Invalid:   "Saisie incomplète",
	apperr.Conflict:  "Dossier modifié entre-temps",
	apperr.Forbidden: "Action impossible",
	apperr.NotFound:  "Introuvable",
	apperr.TooMany:   "Trop de demandes",
	apperr.Internal:  "Erreur interne",
}

// fail shows err to the person: its French message for known errors, a
// generic one (and a log line) for internal ones.
func (s *Server) fail(c *gin.Context, err error) {
	if errors.Is(err, models.ErrNotFound) {
		err = apperr.New(apperr.NotFound, "Ce que vous cherchez n'existe pas ou n'est pas accessible.")
	}
	e := apperr.As(err)
	if e.Code == apperr.Internal {
		s.Log.Error("internal error", "route", c.FullPath(), "err", err)
	}
	s.renderError(c, statusOf(e.Code), errorTitles[e.Code], e.Message)
}

const flashCookie = "guichet_flash"

// cookie is one of our cookies: out of scripts' reach, not sent on
// cross-site subrequests, and over HTTPS only outside development.
func (s *Server) cookie(name, value string, maxAge int) *http.Cookie {
	return &http.Cookie{Name: name, Value: value, Path: "/", MaxAge: maxAge,
		HttpOnly: true, Secure: !s.Config.Dev(), SameSite: http.SameSiteLaxMode}
}

// setFlash keeps a one-time message for the page after the redirect.
func (s *Server) setFlash(c *gin.Context, kind, text string) {
	b, _ := json.Marshal(views.Flash{Kind: kind, Text: text})
	http.SetCookie(c.Writer, s.cookie(flashCookie, base64.RawURLEncoding.EncodeToString(b), 60))
}

func (s *Server) popFlash(c *gin.Context) *views.Flash {
	ck, err := c.Request.Cookie(flashCookie)
	if err != nil {
		return nil
	}
	http.SetCookie(c.Writer, s.cookie(flashCookie, "", -1))
	b, err := base64.RawURLEncoding.DecodeString(ck.Value)
	var f views.Flash
	if err != nil || json.Unmarshal(b, &f) != nil || f.Text == "" {
		return nil
	}
	return &f
}

// redirect answers a POST with a 303 to the page to show next (post/redirect/get).
func redirect(c *gin.Context, to string) {
	c.Redirect(http.StatusSeeOther, to)
	c.Abort()
}
