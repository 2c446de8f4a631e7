package routing_test

import (
	"context"
	"fmt"
	"guichet/calendar"
	"slices"
	"strings"
	"testing"
	"time"

	"guichet/conversation"
	"guichet/fixture"
	"guichet/history"
	"guichet/models"
	"guichet/routing"
	"guichet/workflow"
)

// Rules run on a conversation when it is opened, by the citizen's contact
// form, by inbound mail or by an agent: one test per condition and action.

// opening is a conversation to open: by whom and what.
type opening struct {
	by      workflow.Actor
	email   string
	subject string
	body    string
	channel string
	proc    int64
}

func (e *env) citizen() workflow.Actor { return conversation.Citizen(e.Commune.ID, "Camille Martin") }

// open opens a conversation through conversation.Manager, routed as any.
func (e *env) open(t *testing.T, o opening) *models.Conversation {
	t.Helper()
	if o.by.Kind == "" {
		o.by = e.citizen()
	}
	if o.email == "" {
		o.email = "camille@exemple.fr"
	}
	if o.subject == "" {
		o.subject = "Une question"
	}
	in := conversation.OpenInput{Subject: o.subject, Email: o.email, Name: "Camille Martin", ProcedureID: o.proc,
		Client: fmt.Sprint("client-", e.Clock.Now().UnixNano(), o.email), Message: conversation.MessageInput{Body: o.body, Channel: o.channel}}
	cv, _, err := e.App.Conversations.Open(context.Background(), e.Commune, o.by, in)
	fixture.Must(t, err)
	cv, err = models.ConversationByID(context.Background(), e.DB, e.Commune.ID, cv.ID)
	fixture.Must(t, err)
	return cv
}

// convLines are the agents' wording of a conversation's history.
func (e *env) convLines(t *testing.T, cv *models.Conversation) []string {
	t.Helper()
	evs, err := models.ConversationHistory(context.Background(), e.DB, cv.CommuneID, cv.ID)
	fixture.Must(t, err)
	var out []string
	for _, ev := range evs {
		out = append(out, history.AgentTitle(ev))
	}
	return out
}

var urgent = models.RuleAction{Kind: routing.ActionPriority, Priority: 4}

// Each condition, on a conversation opened: the rule acts on the one that
// meets it and not on the one that does not.
func TestEachConditionOnAConversation(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	tree := func(path string) int64 {
		ms, err := models.Motifs(ctx, e.DB, e.Commune.ID)
		fixture.Must(t, err)
		for _, n := range ms {
			if n.Path == path {
				return n.ID
			}
		}
		t.Fatalf("no motif %q", path)
		return 0
	}
	withMotif := &models.Procedure{CommuneID: e.Commune.ID, Slug: "eclairage", Active: true,
		ProcedureVersion: models.ProcedureVersion{Title: "Éclairage", Documents: []string{}, MotifPath: "Voirie / Éclairage public",
			Form: []models.Field{{Name: "description", Label: "Description", Type: "textarea"}}}}
	fixture.Must(t, models.CreateProcedure(ctx, e.DB, withMotif))
	agent := workflow.AgentActor(e.Accueil)

	for _, c := range []struct {
		name      string
		cond      models.RuleConditions
		meets, no opening
	}{
		{"canal", models.RuleConditions{Channels: []string{"telephone"}},
			opening{by: agent, body: "Appel", channel: models.ChannelPhone}, opening{body: "Par le web"}},
		{"démarche", models.RuleConditions{Procedures: []int64{e.proc.ID}},
			opening{body: "Au sujet du signalement", proc: e.proc.ID}, opening{body: "Sans démarche"}},
		{"motif", models.RuleConditions{MotifID: tree("Voirie")},
			opening{body: "Au sujet de l'éclairage", proc: withMotif.ID}, opening{body: "Sans motif", proc: e.proc.ID}},
		{"mots", models.RuleConditions{Words: []string{"lampadaire"}},
			opening{body: "Le LAMPADAIRE est éteint"}, opening{body: "Les lampadaires sont beaux"}},
		{"mots de l'objet", models.RuleConditions{Words: []string{"nid de poule"}},
			opening{subject: "Nid de poule rue Haute", body: "Voir l'objet"}, opening{subject: "Poule", body: "Un nid"}},
		{"domaine", models.RuleConditions{Domains: []string{"plassans.fr"}},
			opening{email: "elu@mairie.plassans.fr", body: "Bonjour"}, opening{email: "elu@plassans.fr.exemple.com", body: "Bonjour"}},
		{"champ du formulaire", models.RuleConditions{Fields: []models.FieldCriteria{{Field: "type", Op: routing.OpEquals, Values: []string{"Voirie"}}}},
			opening{}, opening{body: "Voirie"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			e.Clock.Advance(time.Hour) // the portal's limit of openings per address
			_, err := e.DB.NewDelete().Model((*models.RoutingRule)(nil)).Where("commune_id = ?", e.Commune.ID).Exec(ctx)
			fixture.Must(t, err)
			e.rule(t, "Règle "+c.name, c.cond, urgent)
			if c.meets.body != "" {
				if cv := e.open(t, c.meets); cv.Priority != 4 || !has(e.convLines(t, cv), "Règle « Règle "+c.name+" » : priorité « urgente »") {
					t.Errorf("meets the condition: priority %d, history %q", cv.Priority, e.convLines(t, cv))
				}
			}
			if cv := e.open(t, c.no); cv.Priority != 2 || slices.ContainsFunc(e.convLines(t, cv), func(l string) bool { return strings.HasPrefix(l, "Règle") }) {
				t.Errorf("does not meet it: priority %d, history %q", cv.Priority, e.convLines(t, cv))
			}
		})
	}
}

// A condition on tags: an agent runs the rules on a conversation tagged since.
func TestATagConditionOnAConversation(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	e.rule(t, "Perdu", models.RuleConditions{Tags: []string{"usager perdu"}}, urgent)
	cv := e.open(t, opening{body: "Je ne sais pas à qui écrire"})
	if cv.Priority != 2 {
		t.Fatalf("an untagged conversation was routed: %d", cv.Priority)
	}
	agent := workflow.AgentActor(e.Accueil)
	fixture.Must(t, e.App.Conversations.Tag(ctx, agent, cv.ID, "Usager perdu", false))
	n, err := e.App.Conversations.ApplyRules(ctx, e.Commune, agent, cv.ID)
	fixture.Must(t, err)
	cv, _ = models.ConversationByID(ctx, e.DB, e.Commune.ID, cv.ID)
	if n != 1 || cv.Priority != 4 {
		t.Errorf("tagged: %d rules, priority %d", n, cv.Priority)
	}
	evs, err := models.ConversationHistory(ctx, e.DB, cv.CommuneID, cv.ID)
	fixture.Must(t, err)
	if last := evs[len(evs)-1]; last.ActorName != e.Accueil.Name || history.AgentTitle(last) != "Règle « Perdu » : priorité « urgente »" {
		t.Errorf("last entry %q by %q", history.AgentTitle(last), last.ActorName)
	}
	other := fixture.NewWorld(t, e.DB)
	if _, err := e.App.Conversations.ApplyRules(ctx, other.Commune, workflow.AgentActor(other.Accueil), cv.ID); err == nil {
		t.Error("another commune's agent ran the rules on the conversation")
	}
}

// Each action, on a conversation opened by mail: what it then holds, the
// history line naming the rule; a transfer or a deadline policy, a
// demand's, does nothing and says nothing.
func TestEachActionOnAConversation(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	fixture.Must(t, models.SetRuleSetMode(ctx, e.DB, e.Commune.ID, models.TriggerSubmission, models.ModeAll))
	saved := &models.SavedReply{CommuneID: e.Commune.ID, Title: "Accusé de réception", Body: "Bonjour {nom}, votre message {reference} est bien reçu par {commune}."}
	fixture.Must(t, models.InsertSavedReply(ctx, e.DB, saved))
	words := models.RuleConditions{Words: []string{"lampadaire"}}
	e.rule(t, "Voirie", words, models.RuleAction{Kind: routing.ActionTeam, ServiceID: e.Voirie.ID})
	e.rule(t, "Agent", words, models.RuleAction{Kind: routing.ActionAgent, AgentID: e.Accueil.ID})
	e.rule(t, "Urgent", words, urgent)
	e.rule(t, "Étiquettes", words, models.RuleAction{Kind: routing.ActionTags, Tags: []string{"éclairage", "nuit"}})
	e.rule(t, "Réponse", words, models.RuleAction{Kind: routing.ActionReply, ReplyID: saved.ID})
	four := 4
	quick := &models.DeadlinePolicy{CommuneID: e.Commune.ID, Name: "Rapide", FirstAnswer: &four, FirstAnswerUnit: calendar.WorkingHours, ResolutionUnit: calendar.WorkingDays}
	fixture.Must(t, models.CreateDeadlinePolicy(ctx, e.DB, quick, e.Clock.Now()))
	e.rule(t, "Demandes seulement", words, models.RuleAction{Kind: routing.ActionTransfer, ServiceID: e.Voirie.ID},
		models.RuleAction{Kind: routing.ActionDeadline, PolicyID: quick.ID})

	mail := workflow.Actor{Kind: workflow.KindCitizen, Name: "claude@exemple.fr", CommuneID: e.Commune.ID, Channel: workflow.ChannelEmail}
	cv := e.open(t, opening{by: mail, email: "claude@exemple.fr", body: "Le lampadaire clignote", channel: models.ChannelEmail})
	if cv.ServiceID == nil || *cv.ServiceID != e.Voirie.ID || cv.AssigneeID == nil || *cv.AssigneeID != e.Accueil.ID || cv.Priority != 4 {
		t.Errorf("team %v, assignee %v, priority %d", cv.ServiceID, cv.AssigneeID, cv.Priority)
	}
	tags, err := models.ConversationTags(ctx, e.DB, e.Commune.ID, cv.ID)
	fixture.Must(t, err)
	if len(tags) != 2 {
		t.Errorf("tags %+v", tags)
	}
	lines := e.convLines(t, cv)
	for _, want := range []string{
		"Règle « Voirie » : confiée à l'équipe voirie",
		"Règle « Agent » : attribuée à Agent accueil",
		"Règle « Urgent » : priorité « urgente »",
		"Règle « Étiquettes » : étiquettes ajoutées : éclairage, nuit",
		"Règle « Réponse » : réponse enregistrée « Accusé de réception » envoyée à l'usager",
	} {
		if !has(lines, want) {
			t.Errorf("history lacks %q: %q", want, lines)
		}
	}
	if slices.ContainsFunc(lines, func(l string) bool { return strings.Contains(l, "Demandes seulement") }) {
		t.Errorf("a demand's action left an entry on a conversation: %q", lines)
	}
	ms, err := models.Thread(ctx, e.DB, e.Commune.ID, cv.ID, true)
	fixture.Must(t, err)
	if len(ms) != 2 || ms[1].Body != fmt.Sprintf("Bonjour Camille Martin, votre message %s est bien reçu par %s.", cv.Reference, e.Commune.Name) || ms[1].AuthorKind != workflow.KindSystem {
		t.Errorf("the saved reply was not sent, filled: %+v", ms)
	}
	var to []string
	fixture.Must(t, e.DB.NewSelect().Model((*models.OutboxMail)(nil)).Column("recipient").Where("conversation_id = ?", cv.ID).Scan(ctx, &to))
	if n := strings.Count(strings.Join(to, " "), "claude@exemple.fr"); n != 2 {
		t.Errorf("%d mails to the citizen (%v), want the opening's and the reply's", n, to)
	}
	if r, _ := models.SavedReplyByID(ctx, e.DB, e.Commune.ID, saved.ID); r.Uses != 1 {
		t.Errorf("the saved reply's uses: %d", r.Uses)
	}
	if other := e.open(t, opening{body: "Rien à voir"}); other.Priority != 2 || other.ServiceID != nil || len(e.convLines(t, other)) != 2 {
		t.Errorf("a conversation no rule matches was changed: %+v %q", other, e.convLines(t, other))
	}
}

// A rule never routes a conversation to another commune's team, agent or
// saved reply: refused when saved, ignored (and said so) when its row is
// changed behind the application's back.
func TestARuleNeverRoutesAConversationToAnotherCommune(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	other := fixture.NewWorld(t, e.DB)
	theirs := &models.SavedReply{CommuneID: other.Commune.ID, Title: "Leur réponse", Body: "Chez nous."}
	fixture.Must(t, models.InsertSavedReply(ctx, e.DB, theirs))
	errs, err := routing.Check(ctx, e.DB, e.Commune.ID, &models.RoutingRule{Name: "Ailleurs", Actions: []models.RuleAction{{Kind: routing.ActionReply, ReplyID: theirs.ID}}})
	fixture.Must(t, err)
	if errs[routing.InReply] == "" {
		t.Errorf("another commune's saved reply accepted: %v", errs)
	}
	r := e.rule(t, "Tout", models.RuleConditions{}, urgent)
	_, err = e.DB.ExecContext(ctx, `UPDATE routing_rules SET actions = ? WHERE id = ?`,
		fmt.Sprintf(`[{"kind":"team","service_id":%d},{"kind":"agent","agent_id":%d},{"kind":"reply","reply_id":%d}]`,
			other.Voirie.ID, other.Accueil.ID, theirs.ID), r.ID)
	fixture.Must(t, err)
	cv := e.open(t, opening{body: "Bonjour"})
	if cv.ServiceID != nil || cv.AssigneeID != nil {
		t.Errorf("a tampered rule routed the conversation: team %v, assignee %v", cv.ServiceID, cv.AssigneeID)
	}
	ms, err := models.Thread(ctx, e.DB, e.Commune.ID, cv.ID, false)
	fixture.Must(t, err)
	if len(ms) != 1 {
		t.Errorf("another commune's reply was sent: %+v", ms)
	}
	lines := e.convLines(t, cv)
	for _, want := range []string{
		"Règle « Tout » : action ignorée : ce service n'est pas un service actif de la commune.",
		"Règle « Tout » : action ignorée : cet agent n'est pas un agent actif de la commune.",
		"Règle « Tout » : action ignorée : cette réponse enregistrée n'est pas une réponse de la commune.",
	} {
		if !has(lines, want) {
			t.Errorf("history lacks %q: %q", want, lines)
		}
	}
	if strings.Contains(strings.Join(lines, " "), other.Commune.Name) {
		t.Errorf("the history names the other commune: %q", lines)
	}
}

// The preview counts conversations too, as many as saving the rule then
// touches when they are opened again the same way.
func TestThePreviewCountsConversations(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	for i := range 12 {
		body := "Rien à signaler"
		if i%3 == 0 {
			body = "Le lampadaire est éteint"
		}
		e.open(t, opening{email: fmt.Sprintf("u%d@exemple.fr", i), body: body})
	}
	e.submit(t, e.proc, "Éclairage public", "Un lampadaire", "v@exemple.fr")
	candidate := models.RoutingRule{CommuneID: e.Commune.ID, Name: "Lampadaires", Conditions: models.RuleConditions{Words: []string{"lampadaire"}},
		Actions: []models.RuleAction{urgent}}
	pv, err := e.App.Routing.Preview(ctx, e.Commune.ID, candidate)
	fixture.Must(t, err)
	if pv.TriedConversations != 12 || len(pv.TouchedConversations) != 4 || len(pv.Touched) != 1 {
		t.Fatalf("preview: %d conversations tried, %d touched; %d demands touched", pv.TriedConversations, len(pv.TouchedConversations), len(pv.Touched))
	}
	e.rule(t, candidate.Name, candidate.Conditions, candidate.Actions...)
	var touched int
	for _, cv := range pv.TouchedConversations {
		if _, err := e.App.Conversations.ApplyRules(ctx, e.Commune, workflow.AgentActor(e.Accueil), cv.ID); err != nil {
			t.Fatal(err)
		}
	}
	cvs, _, err := models.RecentConversations(ctx, e.DB, e.Commune.ID, routing.PreviewSize)
	fixture.Must(t, err)
	for _, cv := range cvs {
		if cv.Priority == 4 {
			touched++
		}
	}
	if touched != len(pv.TouchedConversations) {
		t.Errorf("the preview counted %d conversations, the rule then touched %d", len(pv.TouchedConversations), touched)
	}
}
