package backoffice

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"guichet/handlers/web"
	"guichet/models"
	"guichet/notify"
	"guichet/views"
)

// adminAgentsData is the Data of "admin/agents".
type adminAgentsData struct {
	Agents   []models.Agent
	Profiles []views.Option
	Self     int64
	// Silent are the agents who turned every notification off.
	Silent map[int64]bool
}

// adminAgentsShow lists the commune's agents, with the form to add one.
func (s *Handlers) adminAgentsShow(c *gin.Context) {
	s.showAdminAgents(c, http.StatusOK, nil, nil)
}

func (s *Handlers) showAdminAgents(c *gin.Context, status int, form map[string]any, errs views.FormErrors) {
	ctx := c.Request.Context()
	as, err := models.ListAgents(ctx, s.DB, web.Commune(c).ID)
	if err != nil {
		s.Fail(c, err)
		return
	}
	silent, err := notify.SilentAgents(ctx, s.DB, web.Commune(c).ID, as)
	if err != nil {
		s.Fail(c, err)
		return
	}
	opts, err := s.profileOptions(c)
	if err != nil {
		s.Fail(c, err)
		return
	}
	p := s.Page(c, "Agents")
	p.Form, p.Errors = form, errs
	p.Data = adminAgentsData{Agents: as, Profiles: opts, Self: currentAgent(c).ID, Silent: silent}
	s.Render(c, status, "admin/agents", p)
}

// profileOptions lists the commune's profiles for a choice.
func (s *Handlers) profileOptions(c *gin.Context) ([]views.Option, error) {
	ps, err := models.ListProfiles(c.Request.Context(), s.DB, web.Commune(c).ID)
	opts := make([]views.Option, len(ps))
	for i, p := range ps {
		opts[i] = views.Option{Value: strconv.FormatInt(p.ID, 10), Label: p.Name}
	}
	return opts, err
}

// formProfile is the commune's profile an agent form names, nil when it
// names none of them.
func (s *Handlers) formProfile(c *gin.Context, value string) (*models.Profile, error) {
	id, err := strconv.ParseInt(value, 10, 64)
	if err != nil {
		return nil, nil
	}
	p, err := models.ProfileByID(c.Request.Context(), s.DB, web.Commune(c).ID, id)
	if errors.Is(err, models.ErrNotFound) {
		return nil, nil
	}
	return p, err
}
