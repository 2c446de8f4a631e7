package web

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"guichet/apperr"
	"guichet/commune"
	"guichet/models"
	"guichet/notify"
	"guichet/views"
)

// Context keys.
const (
	KeyCommune = "commune"
	KeyAgent   = "agent"
)

// Commune is the commune the request is about (set by the commune or agent middleware).
func Commune(c *gin.Context) *models.Commune {
	if v, ok := c.Get(KeyCommune); ok {
		return v.(*models.Commune)
	}
	return nil
}

// ViewCommune converts a commune row for the templates.
func ViewCommune(m *models.Commune) *views.Commune {
	if m == nil {
		return nil
	}
	return &views.Commune{Slug: m.Slug, Name: m.Name, AccentColor: m.AccentColor, LogoURL: notify.LogoPath(m),
		Address: m.Address, Phone: m.Phone, Email: m.Email, Website: m.Website,
		Hours: m.OpeningHours.Lines(), HoursNote: m.HoursNote, A11yLevel: commune.LevelLabel(m.A11yLevel)}
}

// Page starts the data of a page: commune, signed-in agent, flash message.
func (s *Base) Page(c *gin.Context, title string) views.Page {
	p := views.Page{Title: title, Commune: ViewCommune(Commune(c)), Flash: s.popFlash(c)}
	if v, ok := c.Get(KeyAgent); ok {
		a := v.(*models.Agent)
		p.User = &views.User{Name: a.Name, Email: a.Email}
		if a.Profile != nil {
			p.User.Profile = a.Profile.Name
		}
		p.Nav = agentNav(c, a)
	}
	return p
}

func (s *Base) Render(c *gin.Context, status int, name string, p views.Page) {
	c.Header("Cache-Control", "no-store")
	s.Views.Render(c.Writer, status, name, p)
	c.Abort()
}

// RenderError shows the error page with a French title and message.
func (s *Base) RenderError(c *gin.Context, status int, title, message string) {
	p := s.Page(c, title)
	p.Data = views.ErrorData{Title: title, Message: message}
	s.Render(c, status, "error", p)
}

// StatusOf maps an error code to its HTTP status.
func StatusOf(code apperr.Code) int {
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

// Fail shows err to the person: its French message for known errors, a
// page saying to retry when the database could not be reached, a generic
// one (and a log line) for other internal ones.
func (s *Base) Fail(c *gin.Context, err error) {
	if errors.Is(err, models.ErrNotFound) {
		err = apperr.New(apperr.NotFound, "Ce que vous cherchez n'existe pas ou n'est pas accessible.")
	}
	e := apperr.As(err)
	if e.Code == apperr.Internal && models.Unreachable(err) {
		s.unavailable(c, err)
		return
	}
	if e.Code == apperr.Internal {
		s.Log.Error("internal error", "route", c.FullPath(), "err", err)
	}
	s.RenderError(c, StatusOf(e.Code), errorTitles[e.Code], e.Message)
}

const flashCookie = "guichet_flash"

// Cookie is one of our cookies: out of scripts' reach, not sent on
// cross-site subrequests, and over HTTPS only outside development.
func (s *Base) Cookie(name, value string, maxAge int) *http.Cookie {
	return &http.Cookie{Name: name, Value: value, Path: "/", MaxAge: maxAge,
		HttpOnly: true, Secure: !s.Config.Dev(), SameSite: http.SameSiteLaxMode}
}

// SetFlash keeps a one-time message for the page after the redirect.
func (s *Base) SetFlash(c *gin.Context, kind, text string) {
	b, _ := json.Marshal(views.Flash{Kind: kind, Text: text})
	http.SetCookie(c.Writer, s.Cookie(flashCookie, base64.RawURLEncoding.EncodeToString(b), 60))
}

func (s *Base) popFlash(c *gin.Context) *views.Flash {
	ck, err := c.Request.Cookie(flashCookie)
	if err != nil {
		return nil
	}
	http.SetCookie(c.Writer, s.Cookie(flashCookie, "", -1))
	b, err := base64.RawURLEncoding.DecodeString(ck.Value)
	var f views.Flash
	if err != nil || json.Unmarshal(b, &f) != nil || f.Text == "" {
		return nil
	}
	return &f
}

// Redirect answers a POST with a 303 to the page to show next (post/redirect/get).
func Redirect(c *gin.Context, to string) {
	c.Redirect(http.StatusSeeOther, to)
	c.Abort()
}
