package routing_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"guichet/apperr"
	"guichet/calendar"
	"guichet/fixture"
	"guichet/history"
	"guichet/models"
	"guichet/perm"
	"guichet/routing"
	"guichet/testdb"
	"guichet/workflow"
)

// env is a commune with a reporting procedure asking for the type of problem.
type env struct {
	*fixture.World
	proc *models.Procedure
}

func newEnv(t *testing.T) *env {
	w := fixture.NewWorld(t, testdb.New(t))
	return &env{World: w, proc: reportProcedure(t, w, "signalement-type")}
}

func reportProcedure(t *testing.T, w *fixture.World, slug string) *models.Procedure {
	p := &models.Procedure{CommuneID: w.Commune.ID, Slug: slug, Active: true,
		ProcedureVersion: models.ProcedureVersion{Title: "Signalement", Documents: []string{},
			Form: []models.Field{
				{Name: "type", Label: "Type de problème", Type: "choice", Options: []string{"Éclairage public", "Voirie", "Propreté"}},
				{Name: "description", Label: "Description", Type: "textarea"},
			}}}
	fixture.Must(t, models.CreateProcedure(context.Background(), w.DB, p))
	return p
}

// submit files a demand of the procedure through the workflow, routed as any.
func (e *env) submit(t *testing.T, p *models.Procedure, typ, description, email string) *models.Demand {
	t.Helper()
	ctx := context.Background()
	d, err := models.NewDraft(ctx, e.DB, p, email, e.Clock.Now())
	fixture.Must(t, err)
	return e.Apply(t, d, workflow.Submit, e.Citizen(d), workflow.Input{Data: map[string]any{"type": typ, "description": description}})
}

func (e *env) rule(t *testing.T, name string, c models.RuleConditions, actions ...models.RuleAction) *models.RoutingRule {
	t.Helper()
	r := &models.RoutingRule{CommuneID: e.Commune.ID, Name: name, Enabled: true, Conditions: c, Actions: actions}
	errs, err := routing.Check(context.Background(), e.DB, e.Commune.ID, r)
	fixture.Must(t, err)
	if len(errs) > 0 {
		t.Fatalf("rule %q refused: %v", name, errs)
	}
	fixture.Must(t, models.CreateRoutingRule(context.Background(), e.DB, r, models.TriggerSubmission))
	return r
}

// lines are the agents' wording of a demand's history.
func (e *env) lines(t *testing.T, d *models.Demand) []string {
	t.Helper()
	evs, err := models.History(context.Background(), e.DB, d.CommuneID, d.ID, false)
	fixture.Must(t, err)
	var out []string
	for _, ev := range evs {
		out = append(out, history.AgentTitle(ev))
	}
	return out
}

func (e *env) reload(t *testing.T, d *models.Demand) *models.Demand {
	t.Helper()
	d, err := models.DemandByID(context.Background(), e.DB, d.CommuneID, d.ID)
	fixture.Must(t, err)
	return d
}

var lighting = models.RuleConditions{Fields: []models.FieldCriteria{{Field: "type", Op: routing.OpEquals, Values: []string{"Éclairage public"}}}}

func has(lines []string, want string) bool { return slices.Contains(lines, want) }

// Each action, on a demand as it is submitted: what the demand then holds,
// and the history line naming the rule.
func TestEachActionOnSubmission(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	fixture.Must(t, models.SetRuleSetMode(ctx, e.DB, e.Commune.ID, models.TriggerSubmission, models.ModeAll))
	e.rule(t, "Équipe accueil", lighting, models.RuleAction{Kind: routing.ActionTeam})
	e.rule(t, "Équipe voirie", lighting, models.RuleAction{Kind: routing.ActionTeam, ServiceID: e.Voirie.ID})
	e.rule(t, "Agent", lighting, models.RuleAction{Kind: routing.ActionAgent, AgentID: e.Accueil.ID})
	e.rule(t, "Urgent", lighting, models.RuleAction{Kind: routing.ActionPriority, Priority: 4})
	e.rule(t, "Étiquettes", lighting, models.RuleAction{Kind: routing.ActionTags, Tags: []string{"éclairage", "nuit"}})
	two := 2
	policy := &models.DeadlinePolicy{CommuneID: e.Commune.ID, Name: "Signalement urgent", Resolution: &two,
		FirstAnswerUnit: calendar.WorkingHours, ResolutionUnit: calendar.WorkingDays}
	fixture.Must(t, models.CreateDeadlinePolicy(ctx, e.DB, policy, e.Clock.Now()))
	e.rule(t, "Délai", lighting, models.RuleAction{Kind: routing.ActionDeadline, PolicyID: policy.ID})
	e.rule(t, "Éclairage → Voirie", lighting, models.RuleAction{Kind: routing.ActionTransfer, ServiceID: e.Voirie.ID})

	d := e.submit(t, e.proc, "Éclairage public", "Lampadaire éteint", "claude@exemple.fr")
	d = e.reload(t, d)
	if d.TeamServiceID == nil || *d.TeamServiceID != e.Voirie.ID {
		t.Errorf("team = %v, want Voirie (the later rule)", d.TeamServiceID)
	}
	if d.AssigneeID == nil || *d.AssigneeID != e.Accueil.ID {
		t.Errorf("assignee = %v, want %d", d.AssigneeID, e.Accueil.ID)
	}
	if tags := e.tags(t, d); d.Priority != 4 || !slices.Equal(tags, []string{"éclairage", "nuit"}) || d.DeadlinePolicyID == nil || *d.DeadlinePolicyID != policy.ID {
		t.Errorf("priority %d, tags %v, policy %v", d.Priority, tags, d.DeadlinePolicyID)
	}
	cal, _, err := models.CommuneCalendar(ctx, e.DB, e.Commune)
	fixture.Must(t, err)
	if want := cal.Deadline(*d.SubmittedAt, 2, calendar.WorkingDays, nil); d.DueAt == nil || !d.DueAt.Equal(want) {
		t.Errorf("due at %v, want the policy's resolution, %v", d.DueAt, want)
	}
	if d.State != workflow.Submitted || d.ProposedServiceID == nil || *d.ProposedServiceID != e.Voirie.ID || d.ProposedBy != "Éclairage → Voirie" {
		t.Errorf("state %s, proposed %v by %q: want the transfer proposed, not made", d.State, d.ProposedServiceID, d.ProposedBy)
	}
	lines := e.lines(t, d)
	for _, want := range []string{
		"Règle « Équipe accueil » : confiée à l'accueil",
		"Règle « Équipe voirie » : confiée à l'équipe voirie",
		"Règle « Agent » : attribuée à Agent accueil",
		"Règle « Urgent » : priorité « urgente »",
		"Règle « Étiquettes » : étiquettes ajoutées : éclairage, nuit",
		"Règle « Délai » : politique d'échéance « Signalement urgent »",
		"Règle « Éclairage → Voirie » : transfert au service voirie proposé",
	} {
		if !has(lines, want) {
			t.Errorf("history lacks %q: %q", want, lines)
		}
	}

	other := e.reload(t, e.submit(t, e.proc, "Propreté", "Dépôt sauvage", "dominique@exemple.fr"))
	if other.Priority != 2 || other.TeamServiceID != nil || other.ProposedServiceID != nil || len(e.lines(t, other)) != 1 {
		t.Errorf("a demand no rule matches was changed: %+v %q", other, e.lines(t, other))
	}
}

// Where the procedure allows it, the transfer is made, as the system, with
// its mails; where not, it is proposed and the history says why.
func TestAutomaticTransferWhereTheProcedureAllowsIt(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	e.rule(t, "Éclairage → Voirie", lighting, models.RuleAction{Kind: routing.ActionTransfer, ServiceID: e.Voirie.ID, Auto: true})

	d := e.reload(t, e.submit(t, e.proc, "Éclairage public", "Lampadaire éteint", "claude@exemple.fr"))
	if d.State != workflow.Submitted || d.ProposedServiceID == nil {
		t.Fatalf("not allowed: state %s, proposed %v: want proposed", d.State, d.ProposedServiceID)
	}
	if want := "Règle « Éclairage → Voirie » : transfert au service voirie proposé (transfert automatique non autorisé pour cette démarche)"; !has(e.lines(t, d), want) {
		t.Errorf("history lacks %q: %q", want, e.lines(t, d))
	}

	fixture.Must(t, models.SetAutoTransfer(ctx, e.DB, e.Commune.ID, []int64{e.proc.ID}))
	d = e.submit(t, e.proc, "Éclairage public", "Lampadaire éteint", "camille@exemple.fr")
	if d.State != workflow.Transferred || d.ServiceID == nil || *d.ServiceID != e.Voirie.ID {
		t.Fatalf("allowed: state %s, service %v: want transferred to Voirie", d.State, d.ServiceID)
	}
	evs, err := models.History(ctx, e.DB, d.CommuneID, d.ID, false)
	fixture.Must(t, err)
	last := evs[len(evs)-1]
	if got := history.AgentTitle(last); got != "Règle « Éclairage → Voirie » : transmise au service voirie" || last.ActorKind != workflow.KindSystem {
		t.Errorf("transfer entry %q by %s, want the rule named, by the system", got, last.ActorKind)
	}
	if title, ok := history.CitizenTitle(last); !ok || strings.Contains(title, "Règle") {
		t.Errorf("the citizen reads %q (%v): the transfer, without the rule", title, ok)
	}
	var to []string
	fixture.Must(t, e.DB.NewSelect().Model((*models.OutboxMail)(nil)).Column("recipient").Where("demand_id = ?", d.ID).Scan(ctx, &to))
	if !slices.Contains(to, e.Voirie.Email) || !slices.Contains(to, "camille@exemple.fr") {
		t.Errorf("mails to %v: want the service and the citizen told of the transfer", to)
	}
}

func TestFirstMatchThenAllMatchesOnSubmission(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	e.rule(t, "Éclairage", lighting, models.RuleAction{Kind: routing.ActionPriority, Priority: 3})
	e.rule(t, "Toutes", models.RuleConditions{}, models.RuleAction{Kind: routing.ActionTags, Tags: []string{"vue"}})

	d := e.reload(t, e.submit(t, e.proc, "Éclairage public", "", "a@exemple.fr"))
	if tags := e.tags(t, d); d.Priority != 3 || len(tags) != 0 {
		t.Errorf("first match: priority %d tags %v, want the first rule alone", d.Priority, tags)
	}
	fixture.Must(t, models.SetRuleSetMode(ctx, e.DB, e.Commune.ID, models.TriggerSubmission, models.ModeAll))
	d = e.reload(t, e.submit(t, e.proc, "Éclairage public", "", "b@exemple.fr"))
	if tags := e.tags(t, d); d.Priority != 3 || !slices.Equal(tags, []string{"vue"}) {
		t.Errorf("all matches: priority %d tags %v, want both rules", d.Priority, tags)
	}
}

// A disabled rule does nothing.
func TestADisabledRuleDoesNothing(t *testing.T) {
	e := newEnv(t)
	r := e.rule(t, "Éclairage", lighting, models.RuleAction{Kind: routing.ActionPriority, Priority: 3})
	fixture.Must(t, models.SetRoutingRuleEnabled(context.Background(), e.DB, e.Commune.ID, r.ID, false))
	if d := e.reload(t, e.submit(t, e.proc, "Éclairage public", "", "a@exemple.fr")); d.Priority != 2 {
		t.Errorf("priority %d, want normale", d.Priority)
	}
}

// An agent runs the rules on a demand: with perm.Decide only, on a demand
// of their commune they may see.
func TestAnAgentRunsTheRulesOnADemand(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	d := e.submit(t, e.proc, "Éclairage public", "", "a@exemple.fr")
	e.rule(t, "Éclairage", lighting, models.RuleAction{Kind: routing.ActionPriority, Priority: 3})

	noDecide := workflow.AgentActor(e.NewAgent(t, "lecteur", e.NewProfile(t, "Lecture", perm.Set{perm.See})))
	if _, err := e.App.Routing.Run(ctx, noDecide, d.ID); apperr.CodeOf(err) != apperr.Forbidden {
		t.Errorf("without « Décider »: %v, want forbidden", err)
	}
	other := fixture.NewWorld(t, e.DB)
	if _, err := e.App.Routing.Run(ctx, workflow.AgentActor(other.Accueil), d.ID); apperr.CodeOf(err) != apperr.NotFound {
		t.Errorf("another commune's agent: %v, want not found", err)
	}
	if e.reload(t, d).Priority != 2 {
		t.Fatal("a refused run changed the demand")
	}
	n, err := e.App.Routing.Run(ctx, workflow.AgentActor(e.Accueil), d.ID)
	fixture.Must(t, err)
	d = e.reload(t, d)
	if n != 1 || d.Priority != 3 {
		t.Errorf("run: %d rules, priority %d; want 1 and haute", n, d.Priority)
	}
	evs, err := models.History(ctx, e.DB, d.CommuneID, d.ID, false)
	fixture.Must(t, err)
	if last := evs[len(evs)-1]; last.ActorName != e.Accueil.Name || history.AgentTitle(last) != "Règle « Éclairage » : priorité « haute »" {
		t.Errorf("last entry %q by %q", history.AgentTitle(last), last.ActorName)
	}
}

// A rule never sends a demand to another commune: refused when saved, and
// ignored when run, should its row be changed behind the application's back.
func TestARuleNeverRoutesToAnotherCommune(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	other := fixture.NewWorld(t, e.DB)
	one := 1
	theirs := &models.DeadlinePolicy{CommuneID: other.Commune.ID, Name: "Ailleurs", FirstAnswer: &one,
		FirstAnswerUnit: calendar.WorkingHours, ResolutionUnit: calendar.WorkingDays}
	fixture.Must(t, models.CreateDeadlinePolicy(ctx, e.DB, theirs, e.Clock.Now()))
	for _, a := range []models.RuleAction{
		{Kind: routing.ActionTeam, ServiceID: other.Voirie.ID},
		{Kind: routing.ActionTransfer, ServiceID: other.Voirie.ID, Auto: true},
		{Kind: routing.ActionAgent, AgentID: other.Accueil.ID},
		{Kind: routing.ActionDeadline, PolicyID: theirs.ID},
	} {
		r := &models.RoutingRule{CommuneID: e.Commune.ID, Name: "Ailleurs", Conditions: lighting, Actions: []models.RuleAction{a}}
		errs, err := routing.Check(ctx, e.DB, e.Commune.ID, r)
		fixture.Must(t, err)
		if len(errs) == 0 {
			t.Errorf("%s to another commune's %d: accepted", a.Kind, a.ServiceID+a.AgentID+a.PolicyID)
		}
	}

	fixture.Must(t, models.SetAutoTransfer(ctx, e.DB, e.Commune.ID, []int64{e.proc.ID}))
	r := e.rule(t, "Éclairage → Voirie", lighting, models.RuleAction{Kind: routing.ActionTransfer, ServiceID: e.Voirie.ID, Auto: true},
		models.RuleAction{Kind: routing.ActionAgent, AgentID: e.Accueil.ID})
	// Routed once as saved: the manager keeps the set compiled.
	if d := e.submit(t, e.proc, "Éclairage public", "", "premier@exemple.fr"); d.State != workflow.Transferred {
		t.Fatalf("as saved, the rule did not transfer: %s", d.State)
	}
	// Changed behind the application's back: the set's revision moves
	// with it (a trigger), and the next submission reads it.
	_, err := e.DB.ExecContext(ctx, `UPDATE routing_rules SET actions = ? WHERE id = ?`,
		fmt.Sprintf(`[{"kind":"transfer","service_id":%d,"auto":true},{"kind":"team","service_id":%d},{"kind":"agent","agent_id":%d},{"kind":"deadline_policy","policy_id":%d}]`,
			other.Voirie.ID, other.Voirie.ID, other.Accueil.ID, theirs.ID), r.ID)
	fixture.Must(t, err)

	d := e.reload(t, e.submit(t, e.proc, "Éclairage public", "", "a@exemple.fr"))
	if d.State != workflow.Submitted || d.ServiceID != nil || d.TeamServiceID != nil || d.AssigneeID != nil || d.ProposedServiceID != nil || d.DeadlinePolicyID != nil {
		t.Errorf("a tampered rule routed the demand: %+v", d)
	}
	var n int
	fixture.Must(t, e.DB.NewSelect().Model((*models.Assignment)(nil)).ColumnExpr("count(*)").Where("service_id = ?", other.Voirie.ID).Scan(ctx, &n))
	if n != 0 {
		t.Errorf("%d assignments to the other commune's service", n)
	}
	lines := e.lines(t, d)
	for _, want := range []string{
		"Règle « Éclairage → Voirie » : action ignorée : ce service n'est pas un service actif de la commune.",
		"Règle « Éclairage → Voirie » : action ignorée : cet agent n'est pas un agent actif de la commune.",
		"Règle « Éclairage → Voirie » : action ignorée : cette politique d'échéance n'est pas une politique de la commune.",
	} {
		if !has(lines, want) {
			t.Errorf("history lacks %q: %q", want, lines)
		}
	}
	if strings.Contains(strings.Join(lines, " "), other.Commune.Name) {
		t.Errorf("the history names the other commune: %q", lines)
	}
}

// The preview's count is what saving the rule and running it on those
// same demands then does, in its place after an earlier rule that, in
// "first match", takes some of them.
func TestThePreviewCountsWhatTheRuleThenDoes(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	e.rule(t, "Nuit", models.RuleConditions{Words: []string{"nuit"}}, models.RuleAction{Kind: routing.ActionPriority, Priority: 3})
	types := []string{"Éclairage public", "Voirie", "Propreté"}
	for i := range 205 {
		desc := "Rien à signaler"
		if i%4 == 0 {
			desc = "Éteint toute la nuit"
		}
		e.submit(t, e.proc, types[i%3], desc, fmt.Sprintf("u%d@exemple.fr", i))
	}
	candidate := models.RoutingRule{CommuneID: e.Commune.ID, Name: "Éclairage → Voirie", Enabled: true, Conditions: lighting,
		Actions: []models.RuleAction{{Kind: routing.ActionTransfer, ServiceID: e.Voirie.ID}}}
	pv, err := e.App.Routing.Preview(ctx, e.Commune.ID, candidate)
	fixture.Must(t, err)
	if pv.Tried != routing.PreviewSize || len(pv.Touched) == 0 {
		t.Fatalf("preview tried %d, touched %d", pv.Tried, len(pv.Touched))
	}

	e.rule(t, candidate.Name, candidate.Conditions, candidate.Actions...)
	recent, err := models.RecentDemands(ctx, e.DB, e.Commune.ID, routing.PreviewSize)
	fixture.Must(t, err)
	var touched []string
	for _, d := range recent {
		_, err := e.App.Routing.Run(ctx, workflow.AgentActor(e.Accueil), d.ID)
		fixture.Must(t, err)
		if has(e.lines(t, &d), "Règle « Éclairage → Voirie » : transfert au service voirie proposé") {
			touched = append(touched, d.Reference)
		}
	}
	var previewed []string
	for _, d := range pv.Touched {
		previewed = append(previewed, d.Reference)
	}
	if !slices.Equal(previewed, touched) {
		t.Errorf("preview touched %d demands, the rule then %d:\n%v\n%v", len(previewed), len(touched), previewed, touched)
	}
}

// tags are the names of the commune's tags on d, by name.
func (e *env) tags(t *testing.T, d *models.Demand) []string {
	t.Helper()
	ts, err := models.DemandTags(context.Background(), e.DB, d.CommuneID, d.ID)
	fixture.Must(t, err)
	var names []string
	for _, tg := range ts {
		names = append(names, tg.Name)
	}
	return names
}

// TestAMotifRuleRoutesTheDemandsOfItsSubMotifs: a demand gets its
// procedure's motif at submission, and a rule on the theme above it acts.
func TestAMotifRuleRoutesTheDemandsOfItsSubMotifs(t *testing.T) {
	e := newEnv(t)
	p := &models.Procedure{CommuneID: e.Commune.ID, Slug: "eclairage", Active: true,
		ProcedureVersion: models.ProcedureVersion{Title: "Éclairage", Documents: []string{}, MotifPath: "Voirie / Éclairage public",
			Form: []models.Field{{Name: "type", Label: "Type", Type: "text"}, {Name: "description", Label: "Description", Type: "textarea"}}}}
	fixture.Must(t, models.CreateProcedure(context.Background(), e.DB, p))
	tree, err := models.Motifs(context.Background(), e.DB, e.Commune.ID)
	fixture.Must(t, err)
	var theme int64
	for _, n := range tree {
		if n.Path == "Voirie" {
			theme = n.ID
		}
	}
	if theme == 0 {
		t.Fatalf("no theme « Voirie » in %+v", tree)
	}
	e.rule(t, "Voirie urgente", models.RuleConditions{MotifID: theme}, models.RuleAction{Kind: routing.ActionPriority, Priority: 4})

	if d := e.reload(t, e.submit(t, p, "lampadaire", "éteint", "a@exemple.fr")); d.MotifID == nil || d.Priority != 4 {
		t.Errorf("a demand of « Voirie / Éclairage public »: motif %v, priority %d, want the theme's rule to act", d.MotifID, d.Priority)
	}
	if d := e.reload(t, e.submit(t, e.proc, "Voirie", "trou", "b@exemple.fr")); d.Priority == 4 {
		t.Error("a demand without that motif was routed by the motif rule")
	}
}
