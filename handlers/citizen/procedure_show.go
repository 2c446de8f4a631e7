package citizen

import (
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"guichet/forms"
	"guichet/handlers/web"
	"guichet/models"
	"guichet/views"
)

// procedureShow presents a procedure and the form that starts a draft.
func (s *Handlers) procedureShow(c *gin.Context) {
	p, ok := s.activeProcedure(c)
	if ok {
		s.showProcedure(c, http.StatusOK, p, nil, nil)
	}
}

// activeProcedure finds the procedure of the URL, or answers 404.
func (s *Handlers) activeProcedure(c *gin.Context) (*models.Procedure, bool) {
	ctx := c.Request.Context()
	p, err := models.ProcedureBySlug(ctx, s.DB, web.Commune(c).ID, c.Param("procedure"))
	if errors.Is(err, models.ErrNotFound) || (err == nil && !p.Active) {
		s.RenderError(c, http.StatusNotFound, "Démarche introuvable", "Cette démarche n'existe pas ou n'est plus proposée en ligne. Choisissez-en une dans la liste des démarches.")
		return nil, false
	}
	if err != nil {
		s.Fail(c, err)
		return nil, false
	}
	return p, true
}

func (s *Handlers) showProcedure(c *gin.Context, status int, p *models.Procedure, form map[string]any, errs views.FormErrors) {
	data := views.ProcedureStart{Slug: p.Slug, Title: p.Title, Description: p.Description, Documents: p.Documents}
	for _, f := range forms.Valued(p.Form) {
		data.Asked = append(data.Asked, f.Label)
	}
	cm := web.Commune(c)
	as, err := models.ListArticles(c.Request.Context(), s.DB, cm.ID, models.ArticleFilter{PublicOnly: true, ProcedureID: p.ID, Limit: 20})
	if err != nil {
		s.Fail(c, err)
		return
	}
	data.Articles = articleCards(cm, as, "")
	pg := s.Page(c, p.Title)
	pg.Data, pg.Form, pg.Errors = data, form, errs
	s.Render(c, status, "citizen/procedure", pg)
}
