package citizen

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"guichet/handlers/web"
	"guichet/models"
	"guichet/views"
)

// experiencesData is the Data of "citizen/experiences".
type experiencesData struct {
	Services    []views.Option
	Experiences []publicExperience
}

type publicExperience struct {
	models.Experience
	Score int // the author's rating of the answer, 0 for none
}

// experiencesShow is "Je donne mon avis": the form to post an experience
// and the commune's published experiences, with their answers, ratings
// and improvements. Only published experiences and published answers show.
func (s *Handlers) experiencesShow(c *gin.Context) {
	s.showExperiences(c, http.StatusOK, nil, nil)
}

func (s *Handlers) showExperiences(c *gin.Context, status int, typed map[string]any, errs views.FormErrors) {
	ctx := c.Request.Context()
	cm := web.Commune(c)
	svcs, err := models.ListServices(ctx, s.DB, cm.ID, true)
	if err != nil {
		s.Fail(c, err)
		return
	}
	xs, err := models.ListExperiences(ctx, s.DB, cm.ID, models.ExperiencePublished, false, 100)
	if err != nil {
		s.Fail(c, err)
		return
	}
	ids := make([]int64, len(xs))
	for i, x := range xs {
		ids[i] = x.ID
	}
	rated, err := models.ExperienceRatings(ctx, s.DB, cm.ID, ids)
	if err != nil {
		s.Fail(c, err)
		return
	}
	var data experiencesData
	for _, sv := range svcs {
		data.Services = append(data.Services, views.Option{Value: strconv.FormatInt(sv.ID, 10), Label: sv.Name})
	}
	for _, x := range xs {
		if x.AnswerStatus != models.AnswerPublished {
			x.Answer = "" // held for validation: not public yet
		}
		data.Experiences = append(data.Experiences, publicExperience{Experience: x, Score: rated[x.ID]})
	}
	p := s.Page(c, "Je donne mon avis")
	p.Form, p.Errors, p.Data = typed, errs, data
	s.Render(c, status, "citizen/experiences", p)
}
