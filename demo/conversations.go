package demo

import (
	"context"
	"fmt"
	"time"

	"guichet/conversation"
	"guichet/models"
	"guichet/perm"
	"guichet/workflow"
)

// convStep is one event of a demo conversation, some hours after the previous one.
type convStep struct {
	kind  string // "reponse", "usager", "note", "etiquette", "transfert" (to text, with note), "statut"
	text  string
	note  string
	hours int
}

// convStory is one demo conversation: who wrote first, about what, and what followed.
type convStory struct {
	subject string
	person  citizen
	first   string
	phone   bool // opened by the accueil, logging a call
	steps   []convStep
}

// conversationStories are the demo's conversations: a citizen lost between
// administrations, forwarded; a question answered and resolved; a
// complaint still open, with notes; a call logged.
var conversationStories = []convStory{
	{subject: "Aide pour payer mon loyer", person: citizen{"Sophie Mouret", "sophie.mouret@exemple.fr"},
		first: "Bonjour, je ne sais pas à qui demander une aide au logement : la mairie, la CAF ou le département ?",
		steps: []convStep{
			{kind: "note", text: "Relève de la CAF ; l'usagère a déjà appelé deux fois.", hours: 2},
			{kind: "etiquette", text: "usager perdu"},
			{kind: "transfert", text: "accueil@caf-plassans.exemple.fr", note: "Pouvez-vous répondre à cette habitante de Plassans ? Merci.", hours: 1},
			{kind: "usager", text: "Merci, j'attends la réponse de la CAF.", hours: 20},
		}},
	{subject: "Horaires de la mairie cet été", person: citizen{"Octave Mouret", "octave.mouret@exemple.fr"},
		first: "La mairie est-elle ouverte le samedi matin en août ?",
		steps: []convStep{
			{kind: "reponse", text: "Bonjour, en août la mairie est ouverte le samedi de 9 h à 12 h. Bonne journée.", hours: 3},
			{kind: "usager", text: "Merci beaucoup !", hours: 5},
			{kind: "statut", text: models.ConvResolved, hours: 1},
		}},
	{subject: "Bruit de la salle des fêtes", person: citizen{"Félicité Rougon", "felicite.rougon@exemple.fr"},
		first: "Les soirées de la salle des fêtes finissent après 2 h du matin chaque samedi. Que peut faire la mairie ?",
		steps: []convStep{
			{kind: "note", text: "Voir avec le service des associations qui loue la salle.", hours: 4},
			{kind: "reponse", text: "Bonjour, nous avons rappelé les horaires aux associations. Dites-nous si cela se reproduit.", hours: 24},
			{kind: "usager", text: "Cela a recommencé ce week-end.", hours: 72},
			{kind: "note", text: "Deuxième plainte : prévenir l'élu de quartier.", hours: 2},
			{kind: "etiquette", text: "bruit"},
		}},
	{subject: "Appel : encombrants rue des Tanneurs", person: citizen{"Pascal Rougon", "pascal.rougon@exemple.fr"}, phone: true,
		first: "Appel de M. Rougon : un matelas est déposé sur le trottoir depuis lundi, rue des Tanneurs.",
		steps: []convStep{
			{kind: "note", text: "Transmis par téléphone à la propreté.", hours: 1},
		}},
}

// loadConversations plays the demo's conversations through the
// conversation manager, each a few days before now.
func (ds Demands) loadConversations(ctx context.Context, c *models.Commune, agents map[string]*models.Agent) error {
	now := ds.Clock.Now()
	accueil := workflow.AgentActor(agents[perm.AccueilProfile])
	for i, st := range conversationStories {
		ds.Clock.Set(now.Add(-time.Duration(24*(len(conversationStories)-i)+8) * time.Hour))
		opener, in := conversation.Citizen(c.ID, st.person.name), conversation.MessageInput{Body: st.first}
		if st.phone {
			opener, in.Channel = accueil, models.ChannelPhone
		}
		cv, _, err := ds.Conversations.Open(ctx, c, opener, conversation.OpenInput{Subject: st.subject, Email: st.person.email,
			Name: st.person.name, Message: in, Client: "demo"})
		if err != nil {
			return fmt.Errorf("demo conversation %q: %w", st.subject, err)
		}
		for _, s := range st.steps {
			ds.Clock.Advance(time.Duration(s.hours) * time.Hour)
			var err error
			switch s.kind {
			case "reponse", "note":
				_, _, err = ds.Conversations.Post(ctx, c, accueil, cv.ID, conversation.MessageInput{Body: s.text, Internal: s.kind == "note"})
			case "usager":
				_, _, err = ds.Conversations.Post(ctx, c, conversation.CitizenOf(cv), cv.ID, conversation.MessageInput{Body: s.text})
			case "etiquette":
				err = ds.Conversations.Tag(ctx, accueil, cv.ID, s.text, false)
			case "transfert":
				var first models.Message
				if err = ds.DB.NewSelect().Model(&first).Where("conversation_id = ?", cv.ID).Order("id").Limit(1).Scan(ctx); err == nil {
					err = ds.Conversations.Forward(ctx, c, accueil, cv.ID, first.ID, s.text, s.note)
				}
			case "statut":
				var cur *models.Conversation
				if cur, err = models.ConversationByID(ctx, ds.DB, c.ID, cv.ID); err == nil {
					_, err = ds.Conversations.SetStatus(ctx, accueil, cv.ID, cur.Version, s.text)
				}
			}
			if err != nil {
				return fmt.Errorf("demo conversation %q, %s: %w", st.subject, s.kind, err)
			}
		}
	}
	ds.Clock.Set(now)
	return nil
}
