package web

import (
	"net/url"
	"slices"
	"strings"

	"github.com/gin-gonic/gin"

	"guichet/views"
)

// ResendData is the Data of "resend": a form kept, to check and send again.
type ResendData struct {
	Action, Intro          string
	Values                 url.Values
	Shown                  []views.Option // what the person typed, labelled
	CancelURL, CancelLabel string
}

// RenderResend shows a kept form to send again, with what was typed in its
// labelled inputs.
func (s *Base) RenderResend(c *gin.Context, status int, title string, data ResendData) {
	for name, vs := range data.Values {
		// A service's forms prefix their inputs with the action: "refus-message".
		if label, ok := resendLabels[name[strings.LastIndex(name, "-")+1:]]; ok {
			for _, v := range vs {
				data.Shown = append(data.Shown, views.Option{Value: v, Label: label})
			}
		}
	}
	slices.SortStableFunc(data.Shown, func(x, y views.Option) int { return strings.Compare(x.Label, y.Label) })
	p := s.Page(c, title)
	p.Data = data
	s.Render(c, status, "resend", p)
}

// resendLabels name the form inputs a person types into.
var resendLabels = map[string]string{"nom": "Nom", "email": "Adresse e-mail", "profil": "Profil", "message": "Message",
	"code": "Code de suivi", "person": "Votre nom"}
