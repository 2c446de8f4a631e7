package backoffice

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"guichet/apperr"
	"guichet/handlers/web"
	"guichet/models"
	"guichet/tag"
	"guichet/views"
)

// adminTagsShow lists the commune's tags with their use, to rename or merge them.
func (s *Handlers) adminTagsShow(c *gin.Context) {
	s.showAdminTags(c, http.StatusOK, nil)
}

func (s *Handlers) showAdminTags(c *gin.Context, status int, flash *views.Flash) {
	ts, err := models.Tags(c.Request.Context(), s.DB, web.Commune(c).ID)
	if err != nil {
		s.Fail(c, err)
		return
	}
	var data views.TagAdmin
	for _, t := range ts {
		row := views.TagRow{ID: t.ID, Name: t.Name, Conversations: t.Conversations, Demands: t.Demands}
		for _, o := range ts {
			if o.ID != t.ID {
				row.Others = append(row.Others, views.Option{Value: strconv.FormatInt(o.ID, 10), Label: o.Name})
			}
		}
		data.Tags = append(data.Tags, row)
	}
	pg := s.Page(c, "Étiquettes")
	if flash != nil {
		pg.Flash = flash
	}
	pg.Data = data
	s.Render(c, status, "admin/tags", pg)
}

// adminTagRename renames a tag.
func (s *Handlers) adminTagRename(c *gin.Context) {
	err := tag.Rename(c.Request.Context(), s.DB, web.Commune(c).ID, web.IDParam(c, "tid"), c.PostForm("etiquette"))
	s.tagDone(c, err, "Étiquette renommée.")
}

// adminTagMerge merges a tag into another: every conversation and demand it was on carries the other.
func (s *Handlers) adminTagMerge(c *gin.Context) {
	into, _ := strconv.ParseInt(c.PostForm("dans"), 10, 64)
	err := tag.Merge(c.Request.Context(), s.DB, web.Commune(c).ID, web.IDParam(c, "tid"), into)
	s.tagDone(c, err, "Étiquettes fusionnées.")
}

func (s *Handlers) tagDone(c *gin.Context, err error, done string) {
	if e := apperr.As(err); err != nil && len(e.Fields) > 0 {
		for _, m := range e.Fields {
			s.showAdminTags(c, web.StatusOf(e.Code), &views.Flash{Kind: views.FlashError, Text: m})
		}
		return
	}
	if err != nil {
		s.Fail(c, err)
		return
	}
	s.SetFlash(c, views.FlashSuccess, done)
	web.Redirect(c, "/gestion/admin/etiquettes")
}
