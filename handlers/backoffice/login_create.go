package backoffice

import (
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"guichet/auth"
	"guichet/handlers/web"
	"guichet/models"
	"guichet/validate"
	"guichet/views"
	"guichet/workflow"
)

// loginInput is the sign-in form.
type loginInput struct {
	Email    string `form:"email" label:"l'adresse e-mail de votre compte" example:"prenom.nom@mairie.fr" validate:"required,max=254,address"`
	Password string `form:"password" label:"votre mot de passe" validate:"required"`
}

// loginCreate signs an agent in: a new session (and a new token, whatever
// the browser had), then the page asked for, or the form kept through an
// expired session.
func (s *Handlers) loginCreate(c *gin.Context) {
	ctx := c.Request.Context()
	in := loginInput{Email: strings.TrimSpace(c.PostForm("email")), Password: c.PostForm("password")}
	data := loginData{Next: c.PostForm("suite"), Resume: c.PostForm("reprise")}
	if !localPath(data.Next) {
		data.Next = ""
	}
	form := func() views.Page {
		p := s.Page(c, "Connexion")
		p.Form = map[string]any{"email": in.Email}
		p.Data = data
		return p
	}
	// Not even an address: no account to try, nothing to count.
	if errs := validate.Struct(in); errs != nil {
		p := form()
		p.Errors = errs
		s.Render(c, http.StatusUnprocessableEntity, "agent/login", p)
		return
	}
	// The request's context, so that a client who gives up while the
	// password waits its turn among the hashes frees its place.
	a, err := s.authn.SignIn(c.Request.Context(), in.Email, in.Password, c.ClientIP())
	var locked *auth.LockedError
	if err != nil {
		p := form()
		switch {
		case errors.As(err, &locked):
			wait := locked.Until.Sub(s.Clock.Now())
			c.Header("Retry-After", strconv.Itoa(int(wait.Seconds())+1))
			p.Errors = views.FormErrors{"email": fmt.Sprintf("Trop de tentatives de connexion : par sécurité, la connexion est suspendue jusqu'à %s. Si vous avez oublié votre mot de passe, réinitialisez-le.", parisClock(locked.Until))}
			s.Render(c, http.StatusTooManyRequests, "agent/login", p)
		case errors.Is(err, auth.ErrCommuneClosed):
			p.Errors = views.FormErrors{"email": "Le guichet unique de votre commune n'est plus en service : ses agents ne peuvent plus se connecter. Rien n'a été supprimé ; pour toute question, adressez-vous à l'exploitant du guichet unique."}
			s.Render(c, http.StatusForbidden, "agent/login", p)
		case errors.Is(err, auth.ErrBadCredentials):
			p.Errors = views.FormErrors{"email": "Adresse e-mail ou mot de passe incorrect."}
			s.Render(c, http.StatusUnauthorized, "agent/login", p)
		case c.Request.Context().Err() != nil:
			c.Abort() // the client left while waiting: nobody to answer, no fault to log
		default:
			s.Fail(c, err)
		}
		return
	}
	if old, err := c.Cookie(sessionCookie); err == nil {
		if err := auth.EndSession(ctx, s.DB, old); err != nil {
			s.Fail(c, err)
			return
		}
	}
	token, err := auth.StartSession(ctx, s.DB, a, c.ClientIP(), c.Request.UserAgent(), s.Clock.Now())
	if err != nil {
		s.Fail(c, err)
		return
	}
	s.setSessionCookie(c, token)
	if r, ok := decodeResume(data.Resume); ok {
		s.resumeForm(c, a, r)
		return
	}
	next := data.Next
	if next == "" {
		next = "/gestion/"
	}
	web.Redirect(c, next)
}

// parisClock is a time of day in Europe/Paris, as "14 h 05".
func parisClock(t time.Time) string {
	return t.In(web.Paris).Format("15 h 04")
}

// demandFormPath matches the demand page's forms: /gestion/demandes/ID/actions/SLUG or /notes.
var demandFormPath = regexp.MustCompile(`^/gestion/demandes/(\d+)/(?:actions/([a-z]+)|(notes))$`)

// resumeForm offers again, after sign-in, a form sent when the session had
// expired: a demand's form comes back filled in on the demand's page (the
// agent checks it and sends it again); any other is shown to be sent again.
func (s *Handlers) resumeForm(c *gin.Context, a *models.Agent, r resume) {
	ctx := c.Request.Context()
	com, err := models.CommuneByID(ctx, s.DB, a.CommuneID)
	if err != nil {
		s.Fail(c, err)
		return
	}
	c.Set(web.KeyAgent, a)
	c.Set(web.KeyCommune, com)
	kept := &views.Flash{Kind: views.FlashInfo, Text: "Vous êtes reconnecté. Ce que vous aviez saisi a été remis dans le formulaire : vérifiez-le, puis envoyez-le à nouveau."}
	if m := demandFormPath.FindStringSubmatch(r.Action); m != nil {
		id, _ := strconv.ParseInt(m[1], 10, 64)
		d, err := models.DemandByID(ctx, s.DB, com.ID, id)
		if err == nil && workflow.AgentActor(a).MaySee(d) {
			st := demandState{action: m[2] + m[3], values: map[string]any{
				"message": r.Values.Get("message"), "service": r.Values.Get("service"), "champs": r.Values["champs"]}}
			if st.action == "notes" {
				st.action = "note"
			}
			s.showAgentDemand(c, d, s.keepTyped(c, d, st), http.StatusOK, kept)
			return
		}
	}
	s.RenderResend(c, http.StatusOK, "Reprendre votre saisie", web.ResendData{Action: r.Action, Values: r.Values,
		Intro:     "Vous êtes de nouveau connecté. Voici ce que vous aviez saisi avant l'expiration de votre session\u00a0: vérifiez-le, puis envoyez-le. Si le dossier a changé entre-temps, vous en serez averti avant que rien ne soit modifié.",
		CancelURL: "/gestion/", CancelLabel: "Abandonner et revenir à la liste"})
}
