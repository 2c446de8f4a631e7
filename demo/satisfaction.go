package demo

import (
	"context"
	"fmt"
	"strings"
	"time"

	"guichet/models"
	"guichet/perm"
	"guichet/satisfaction"
	"guichet/workflow"
)

// expStory is one demo experience ("Je donne mon avis") and how far it went.
type expStory struct {
	author, service, body string
	// refused: its reason; otherwise the service it is published for
	// ("" leaves it to moderate)
	refused, publishFor string
	answer              string // the service's answer ("" for none yet)
	validated           bool   // the answer published (else held)
	improvement         string
}

var expStories = []expStory{
	{author: "mireille.rougon@exemple.fr", service: "Voirie",
		body:       "J'ai signalé un nid-de-poule devant l'école Jean-Jaurès : il a été rebouché en trois jours. Merci aux équipes !",
		publishFor: "Voirie", answer: "Merci pour votre retour. Nos équipes passent désormais chaque semaine aux abords des écoles.", validated: true,
		improvement: "Une tournée hebdomadaire des abords des écoles est en place depuis ce mois-ci."},
	{author: "paul.mouret@exemple.fr", service: "État civil",
		body:       "Mon acte de naissance est arrivé vite, mais le formulaire ne disait pas qu'il fallait le nom des parents.",
		publishFor: "État civil", answer: "Vous avez raison : le formulaire le précise maintenant, dès la première page.", validated: true},
	{author: "lucie.faujas@exemple.fr",
		body:       "Le permis de construire de mon abri de jardin a pris deux mois sans aucune nouvelle entre-temps.",
		publishFor: "Urbanisme", answer: "Nous sommes désolés de ce silence. Un point d'étape vous sera désormais envoyé à mi-parcours."},
	{author: "henri.granoux@exemple.fr", service: "Voirie",
		body:       "L'éclairage de la place des Récollets reste éteint le soir depuis une semaine.",
		publishFor: "Voirie"},
	{author: "octave.mouret@exemple.fr",
		body: "Mme Lantier à l'accueil m'a très bien renseigné ; vous pouvez me joindre au 06 12 34 56 78."},
	{author: "sophie.macquart@exemple.fr", service: "Urbanisme",
		body: "Les horaires d'ouverture du service urbanisme ne conviennent pas à ceux qui travaillent."},
	{author: "anonyme@exemple.fr",
		body:    "Le bus de la ligne 12 de la métropole est toujours en retard le matin, c'est insupportable.",
		refused: "off_topic"},
}

// ratingScores are the scores demo citizens give the answers they were
// asked to rate, in turn; 0 leaves the request unanswered.
var ratingScores = []struct {
	score   string
	comment string
}{
	{"5", "Réponse rapide et claire, merci."},
	{"4", ""},
	{"2", "On ne m'a pas expliqué pourquoi."},
	{"5", ""},
	{"0", ""},
	{"3", "Correct, mais il a fallu relancer."},
	{"1", "Aucune réponse à ma question."},
	{"4", "Très aimable au téléphone."},
}

// loadSatisfaction plays the demo's experiences through the satisfaction
// manager (to moderate, published and answered, answered and held,
// refused), then has the citizens rate the answers they were asked to rate
// (demands decided, conversations resolved, experiences answered), and the
// supervisor follow a low rating up.
func (ds Demands) loadSatisfaction(ctx context.Context, c *models.Commune, agents map[string]*models.Agent) error {
	now := ds.Clock.Now()
	svcs, err := models.ListServices(ctx, ds.DB, c.ID, true)
	if err != nil {
		return err
	}
	serviceID := func(name string) int64 {
		for _, s := range svcs {
			if s.Name == name {
				return s.ID
			}
		}
		return 0
	}
	m := ds.Satisfaction
	sup := workflow.AgentActor(agents[perm.SupervisorProfile])
	for i, st := range expStories {
		ds.Clock.Set(now.Add(-time.Duration(24*(len(expStories)-i)+20) * time.Hour))
		x, err := m.Post(ctx, c, satisfaction.PostInput{Body: st.body, Email: st.author, ServiceID: serviceID(st.service), Client: "demo"})
		if err != nil {
			return fmt.Errorf("demo experience %d: %w", i+1, err)
		}
		ds.Clock.Advance(3 * time.Hour)
		switch {
		case st.refused != "":
			_, err = m.Moderate(ctx, sup, x.ID, satisfaction.ModerateInput{Action: satisfaction.Refuse, Reason: st.refused})
		case st.publishFor != "":
			_, err = m.Moderate(ctx, sup, x.ID, satisfaction.ModerateInput{Action: satisfaction.Publish, ServiceID: serviceID(st.publishFor)})
		}
		if err == nil && st.answer != "" {
			err = ds.answer(ctx, c, x, st)
		}
		if err != nil {
			return fmt.Errorf("demo experience %d: %w", i+1, err)
		}
	}

	var asked []models.Rating
	if err := ds.DB.NewSelect().Model(&asked).Where("commune_id = ? AND rated_at IS NULL", c.ID).Order("requested_at", "id").Scan(ctx); err != nil {
		return err
	}
	var low int64
	for i, r := range asked {
		give := ratingScores[i%len(ratingScores)]
		if give.score == "0" {
			continue
		}
		if at := r.RequestedAt.Add(time.Duration(6+i%3*20) * time.Hour); at.Before(now) {
			ds.Clock.Set(at)
		} else {
			ds.Clock.Set(now.Add(-time.Hour))
		}
		u, err := ds.Satisfaction.Notifier.RatingURL(c, &r)
		if err != nil {
			return err
		}
		if _, err := m.Rate(ctx, c, u[strings.LastIndex(u, "/")+1:], satisfaction.RateInput{Score: give.score, Comment: give.comment}); err != nil {
			return fmt.Errorf("demo rating %d: %w", r.ID, err)
		}
		if low == 0 && give.score <= "2" && r.ExperienceID == nil {
			low = r.ID
		}
	}
	if low != 0 { // the first low rating is followed up and closed; the others stay open
		ds.Clock.Set(now.Add(-30 * time.Minute))
		if err := m.RecordFollowUp(ctx, sup, low, satisfaction.FollowUpInput{Note: "Rappelé par téléphone : la décision lui est expliquée, il est satisfait.", Close: true}); err != nil {
			return fmt.Errorf("demo follow-up: %w", err)
		}
	}
	ds.Clock.Set(now)
	return nil
}

// answer has the service an experience was published for answer it from
// its link, the supervisor validate the answer when the story says so,
// and the service attach its improvement.
func (ds Demands) answer(ctx context.Context, c *models.Commune, x *models.Experience, st expStory) error {
	m := ds.Satisfaction
	cur, err := models.ExperienceByID(ctx, ds.DB, c.ID, x.ID)
	if err != nil {
		return err
	}
	s, err := models.ServiceByID(ctx, ds.DB, c.ID, *cur.ServiceID)
	if err != nil {
		return err
	}
	u, err := m.Notifier.ExperienceURL(c, s, cur)
	if err != nil {
		return err
	}
	token := u[strings.LastIndex(u, "/")+1:]
	ds.Clock.Advance(20 * time.Hour)
	acc, err := m.CheckServiceLink(ctx, c, token)
	if err != nil {
		return err
	}
	if err := m.Answer(ctx, acc, satisfaction.AnswerInput{Text: st.answer}); err != nil || !st.validated {
		return err
	}
	ds.Clock.Advance(2 * time.Hour)
	sup, err := models.AgentByEmail(ctx, ds.DB, "manager@plassans.fr")
	if err != nil {
		return err
	}
	if err := m.ValidateAnswer(ctx, workflow.AgentActor(sup), x.ID, st.answer); err != nil || st.improvement == "" {
		return err
	}
	ds.Clock.Advance(4 * time.Hour)
	if acc, err = m.CheckServiceLink(ctx, c, token); err != nil {
		return err
	}
	return m.Improve(ctx, acc, satisfaction.AnswerInput{Text: st.improvement})
}
