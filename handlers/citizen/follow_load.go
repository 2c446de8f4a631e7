package citizen

import (
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"guichet/handlers/web"
	"guichet/links"
	"guichet/models"
	"guichet/views"
)

// What the citizen's middlewares put in the context.
const (
	keyDemand    = "demand"
	keyProcedure = "procedure"
	keyBase      = "demand_base"
)

// loadFollow checks the follow link of /suivi/:token and loads its demand.
// A link of another commune is as invalid as a forged one: it shows nothing.
func (s *Handlers) loadFollow(c *gin.Context) {
	ctx := c.Request.Context()
	cm := web.Commune(c)
	cl, err := s.Links.Verify(links.Follow, c.Param("token"))
	if err == nil && cl.CommuneID != cm.ID {
		err = links.ErrInvalid
	}
	if err != nil {
		s.linkProblem(c, err)
		return
	}
	d, err := models.DemandByID(ctx, s.DB, cm.ID, cl.DemandID)
	if errors.Is(err, models.ErrNotFound) {
		s.linkProblem(c, links.ErrInvalid)
		return
	}
	if err != nil {
		s.Fail(c, err)
		return
	}
	if d.AnonymisedAt != nil {
		s.RenderError(c, http.StatusGone, "Demande effacée", anonymisedText)
		return
	}
	p, err := models.DemandProcedure(ctx, s.DB, d)
	if err != nil {
		s.Fail(c, err)
		return
	}
	c.Set(keyDemand, d)
	c.Set(keyProcedure, p)
	c.Set(keyBase, followPath(cm, c.Param("token")))
}

// anonymisedText tells a citizen why their link shows nothing any more.
const anonymisedText = "Les données de cette demande ont été effacées : la durée de conservation est écoulée, ou l'effacement a été demandé. La mairie n'en garde que la référence, les dates et les étapes, sans rien qui vous désigne."

func followPath(cm *models.Commune, token string) string {
	return "/c/" + cm.Slug + "/suivi/" + token
}

// followed is what loadFollow found: the demand, its procedure and the
// path of its page (the base of every action URL).
func followed(c *gin.Context) (*models.Demand, *models.Procedure, string) {
	return c.MustGet(keyDemand).(*models.Demand), c.MustGet(keyProcedure).(*models.Procedure), c.GetString(keyBase)
}

// linkProblem shows the page of an expired link (offering a fresh one) or of
// an invalid one (offering to send one from the tracking code).
func (s *Handlers) linkProblem(c *gin.Context, err error) {
	p := s.Page(c, "Lien non valable")
	data := views.LinkProblem{Expired: errors.Is(err, links.ErrExpired)}
	status := http.StatusForbidden
	if data.Expired {
		p.Title = "Lien expiré"
		data.RenewURL = followPath(web.Commune(c), c.Param("token")) + "/nouveau-lien"
		status = http.StatusGone
	}
	p.Data = data
	s.Render(c, status, "citizen/link", p)
}
