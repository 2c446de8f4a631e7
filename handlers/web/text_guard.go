package web

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/gin-gonic/gin"

	"guichet/forms"
	"guichet/views"
)

// RefuseUnstorable answers 400 to a request whose address or urlencoded form
// holds text PostgreSQL cannot keep (a NUL byte, invalid UTF-8), before any
// handler stores or looks it up: a form comes back, cleaned, to be checked
// and sent again. The demand's form, multipart, is read field by field and
// checked by forms.Read; file names are cleaned by files.Name.
func (s *Base) RefuseUnstorable(c *gin.Context) {
	r := c.Request
	if !forms.Storable(r.URL.Path) || !storableValues(r.URL.Query()) {
		p := s.Page(c, "Adresse non valable")
		back := "/"
		if forms.Storable(r.URL.Path) {
			back = r.URL.Path
		}
		p.Data = views.ErrorData{Title: p.Title, Message: "L'adresse demandée contient un caractère non autorisé (caractère nul ou codage invalide).",
			BackURL: back, BackLabel: "Revenir à la page"}
		s.Render(c, http.StatusBadRequest, "error", p)
		return
	}
	if r.Method != http.MethodPost || c.ContentType() != "application/x-www-form-urlencoded" || r.ParseForm() != nil || storableValues(r.PostForm) {
		c.Next()
		return
	}
	const title = "Caractère non autorisé"
	if r.PostForm.Has("password") { // a password is never written into a page: the form is typed again
		p := s.Page(c, title)
		p.Data = views.ErrorData{Title: title, Message: "Ce que vous avez saisi contient un caractère non autorisé (caractère nul ou codage invalide) : rien n'a été envoyé. Saisissez-le à nouveau.",
			BackURL: r.URL.Path, BackLabel: "Revenir au formulaire"}
		s.Render(c, http.StatusBadRequest, "error", p)
		return
	}
	kept := url.Values{}
	for name, vs := range r.PostForm {
		for _, v := range vs {
			kept.Add(forms.Clean(name), forms.Clean(v))
		}
	}
	cancel := "/"
	if strings.HasPrefix(r.URL.Path, "/gestion/") {
		cancel = "/gestion/"
	} else if slug, ok := strings.CutPrefix(r.URL.Path, "/c/"); ok {
		cancel = "/c/" + strings.Split(slug, "/")[0] + "/"
	}
	s.RenderResend(c, http.StatusBadRequest, title, ResendData{Action: r.URL.Path, Values: kept,
		Intro:     "Ce que vous avez saisi contenait un caractère non autorisé (caractère nul ou codage invalide) : il a été retiré et rien n'a encore été enregistré. Vérifiez votre saisie ci-dessous, puis envoyez-la.",
		CancelURL: cancel, CancelLabel: "Abandonner"})
}

func storableValues(v url.Values) bool {
	for name, vs := range v {
		if !forms.Storable(name) {
			return false
		}
		for _, s := range vs {
			if !forms.Storable(s) {
				return false
			}
		}
	}
	return true
}
