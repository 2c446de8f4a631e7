package handlers_test

import (
	"testing"

	"guichet/fixture"
	"guichet/models"
	"guichet/satisfaction"
	"guichet/workflow"
)

// satisfactionWorld makes a rating of 2 on demand d (a follow-up open), an
// experience to moderate and one whose answer waits for validation.
func satisfactionWorld(t *testing.T, a *app, d *models.Demand) (lowRating, pending, held int64) {
	t.Helper()
	ctx := t.Context()
	two := int16(2)
	now := a.Clock.Now()
	r := &models.Rating{CommuneID: a.Commune.ID, DemandID: &d.ID, ProcedureID: &d.ProcedureID, Email: d.CitizenEmail,
		RequestedAt: now, Score: &two, RatedAt: &now, FollowUp: models.FollowUpOpen}
	fixture.Must(t, models.InsertRating(ctx, a.DB, r))
	px := postExperience(t, a, "Le trottoir de la rue Haute est défoncé depuis des mois.")
	hx := postExperience(t, a, "L'éclairage de la place ne fonctionne plus le soir.")
	sup := workflow.AgentActor(a.Supervisor)
	_, err := a.App.Server.Base.Satisfaction.Moderate(ctx, sup, hx.ID, satisfaction.ModerateInput{Action: satisfaction.Publish, ServiceID: a.Voirie.ID})
	fixture.Must(t, err)
	acc, err := a.App.Server.Base.Satisfaction.CheckServiceLink(ctx, a.Commune, tokenOf(experienceLink(t, a, hx)))
	fixture.Must(t, err)
	fixture.Must(t, a.App.Server.Base.Satisfaction.Answer(ctx, acc, satisfaction.AnswerInput{Text: "Nous intervenons cette semaine."}))
	return r.ID, px.ID, hx.ID
}

// postExperience posts an experience as a citizen would, from the public form.
func postExperience(t *testing.T, a *app, body string) *models.Experience {
	t.Helper()
	x, err := a.App.Server.Base.Satisfaction.Post(t.Context(), a.Commune, satisfaction.PostInput{Body: body, Email: "auteur@exemple.fr"})
	fixture.Must(t, err)
	return x
}

// experienceLink is the link the service an experience is routed to receives.
func experienceLink(t *testing.T, a *app, x *models.Experience) string {
	t.Helper()
	cur, err := models.ExperienceByID(t.Context(), a.DB, a.Commune.ID, x.ID)
	fixture.Must(t, err)
	s, err := models.ServiceByID(t.Context(), a.DB, a.Commune.ID, *cur.ServiceID)
	fixture.Must(t, err)
	u, err := a.Notifier.ExperienceURL(a.Commune, s, cur)
	fixture.Must(t, err)
	return u
}
