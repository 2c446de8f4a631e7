package backoffice

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"guichet/handlers/web"
	"guichet/models"
	"guichet/views"
)

const motifsPath = "/gestion/admin/motifs"

// adminMotifsData is the Data of "admin/motifs".
type adminMotifsData struct {
	Motifs  []motifRow
	Parents []views.Option // where a motif may go: a theme or a motif
}

// motifRow is a motif in the admin's table.
type motifRow struct {
	models.MotifNode
	Level   string
	Demands int
	Parents []views.Option // where this one may move
}

// In is the id (and the error key) of this motif's input name.
func (m motifRow) In(name string) string { return motifInput(m.ID, name) }

func motifInput(id int64, name string) string { return "m" + strconv.FormatInt(id, 10) + "-" + name }

// adminMotifsShow shows the commune's tree of motifs, with the forms to add,
// rename, move, deactivate and reactivate them.
func (s *Handlers) adminMotifsShow(c *gin.Context) {
	s.showAdminMotifs(c, http.StatusOK, nil, nil)
}

func (s *Handlers) showAdminMotifs(c *gin.Context, status int, form map[string]any, errs views.FormErrors) {
	ctx := c.Request.Context()
	cm := web.Commune(c)
	tree, err := models.Motifs(ctx, s.DB, cm.ID)
	if err != nil {
		s.Fail(c, err)
		return
	}
	usage, err := models.MotifUsage(ctx, s.DB, cm.ID)
	if err != nil {
		s.Fail(c, err)
		return
	}
	parents := func(except int64) []views.Option {
		var out []views.Option
		for _, n := range tree {
			if n.Depth < models.MaxMotifDepth-1 && n.ID != except {
				out = append(out, views.Option{Value: strconv.FormatInt(n.ID, 10), Label: n.Path})
			}
		}
		return out
	}
	data := adminMotifsData{Parents: parents(0)}
	for _, n := range tree {
		data.Motifs = append(data.Motifs, motifRow{MotifNode: n, Level: models.MotifLevels[n.Depth], Demands: usage[n.ID], Parents: parents(n.ID)})
	}
	p := s.Page(c, "Motifs")
	p.Form, p.Errors = form, errs
	p.Data = data
	s.Render(c, status, "admin/motifs", p)
}

// ParentValue is the parent's id as the form's select holds it.
func (m motifRow) ParentValue() string {
	if m.ParentID == nil {
		return ""
	}
	return strconv.FormatInt(*m.ParentID, 10)
}
