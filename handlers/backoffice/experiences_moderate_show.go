package backoffice

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"guichet/handlers/web"
	"guichet/models"
	"guichet/perm"
	"guichet/satisfaction"
	"guichet/views"
)

// experiencesModData is the Data of "supervisor/experiences".
type experiencesModData struct {
	Pending, Held, Published, Refused []models.Experience
}

// experiencesModerateShow is the moderation queue of "Je donne mon avis"
// (supervisors only, never a service): the experiences to moderate, the
// answers to validate, the published and the refused ones.
func (s *Handlers) experiencesModerateShow(c *gin.Context) {
	ctx := c.Request.Context()
	com := web.Commune(c)
	var data experiencesModData
	for _, l := range []struct {
		into   *[]models.Experience
		status string
		held   bool
	}{
		{&data.Pending, models.ExperiencePending, false},
		{&data.Held, models.ExperiencePublished, true},
		{&data.Published, models.ExperiencePublished, false},
		{&data.Refused, models.ExperienceRefused, false},
	} {
		var err error
		if *l.into, err = models.ListExperiences(ctx, s.DB, com.ID, l.status, l.held, 100); err != nil {
			s.Fail(c, err)
			return
		}
	}
	p := s.Page(c, "Avis des usagers")
	p.Data = data
	s.Render(c, http.StatusOK, "supervisor/experiences", p)
}

// experienceModData is the Data of "supervisor/experience".
type experienceModData struct {
	Experience *models.Experience
	Flags      []satisfaction.Flag
	Services   []views.Option
	Reasons    []views.Option
	Validates  bool // the viewer may validate the service's answer
	Reason     string
}

// experienceModerateShow shows one experience to its moderator: its text
// with the personal data found in it, and the forms to publish, refuse,
// reroute, or validate its answer.
func (s *Handlers) experienceModerateShow(c *gin.Context) {
	s.showExperienceMod(c, http.StatusOK, nil, nil)
}

func (s *Handlers) showExperienceMod(c *gin.Context, status int, typed map[string]any, errs views.FormErrors) {
	ctx := c.Request.Context()
	com := web.Commune(c)
	x, err := models.ExperienceByID(ctx, s.DB, com.ID, web.IDParam(c, "xid"))
	if err != nil {
		s.Fail(c, err)
		return
	}
	svcs, err := models.ListServices(ctx, s.DB, com.ID, true)
	if err != nil {
		s.Fail(c, err)
		return
	}
	data := experienceModData{Experience: x, Flags: satisfaction.PersonalData(x.Body), Validates: currentAgent(c).Has(perm.Validate),
		Reason: satisfaction.ReasonLabel(x.RefusalReason)}
	for _, sv := range svcs {
		data.Services = append(data.Services, views.Option{Value: strconv.FormatInt(sv.ID, 10), Label: sv.Name})
	}
	for _, r := range satisfaction.Reasons {
		data.Reasons = append(data.Reasons, views.Option{Value: r.Value, Label: r.Label})
	}
	if typed == nil {
		typed = map[string]any{"reponse": x.Answer}
		if x.SuggestedServiceID != nil {
			typed["service"] = strconv.FormatInt(*x.SuggestedServiceID, 10)
		}
	}
	p := s.Page(c, "Avis d'usager")
	p.Form, p.Errors, p.Data = typed, errs, data
	s.Render(c, status, "supervisor/experience", p)
}
