package backoffice

import (
	"mime"
	"net/http"

	"github.com/gin-gonic/gin"

	"guichet/forms"
)

// adminProcedureExport sends a procedure's latest version as the YAML file
// `guichet procedure import` and the editor's import read.
func (s *Handlers) adminProcedureExport(c *gin.Context) {
	p, ok := s.adminProcedure(c)
	if !ok {
		return
	}
	def, err := s.definitionOf(c, p)
	if err != nil {
		s.Fail(c, err)
		return
	}
	out, err := forms.Export([]forms.Definition{def})
	if err != nil {
		s.Fail(c, err)
		return
	}
	c.Header("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": p.Slug + ".yaml"}))
	c.Header("Cache-Control", "private, no-store")
	c.Data(http.StatusOK, "application/yaml; charset=utf-8", out)
}
