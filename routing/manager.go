package routing

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/uptrace/bun"

	"guichet/apperr"
	"guichet/clock"
	"guichet/deadline"
	"guichet/history"
	"guichet/models"
	"guichet/perm"
	"guichet/workflow"
)

// KindRuleAction is the history entry of a rule's action (internal): its
// Details hold the rule ("rule", "rule_id"), the action ("action") and what
// it did ("text"). A transfer a rule makes is the transfer's own entry,
// naming the rule (workflow.Input.Rule).
const KindRuleAction = "rule_action"

func init() {
	history.Register(history.Kind{Name: KindRuleAction, Agent: func(e models.Event) string {
		rule, _ := e.Details["rule"].(string)
		text, _ := e.Details["text"].(string)
		return workflow.RuleWording(rule, text)
	}})
}

// Manager runs a commune's rules on its demands.
type Manager struct {
	DB     *bun.DB
	Engine *workflow.Engine
	Clock  clock.Clock

	mu    sync.Mutex
	cache map[int64]*Set // per commune, compiled at its set's revision
}

// RouteSubmitted runs the rules on a demand just submitted, in the
// submission's transaction, as the system (workflow.Router).
func (m *Manager) RouteSubmitted(ctx context.Context, tx bun.Tx, ch workflow.Change) (*models.Demand, error) {
	d, _, err := m.route(ctx, tx, ch.Demand, ch.Procedure, workflow.SystemActor(ch.Demand.CommuneID))
	return d, err
}

// Run runs the rules on a demand at an agent's request ("Appliquer les
// règles", perm.Decide); it returns how many rules acted.
func (m *Manager) Run(ctx context.Context, actor workflow.Actor, demandID int64) (int, error) {
	if actor.Kind != workflow.KindAgent || !actor.Perms.Has(perm.Decide) {
		return 0, apperr.New(apperr.Forbidden, "Appliquer les règles demande la permission « %s », que votre profil n'accorde pas.", perm.Label(perm.Decide))
	}
	var acted int
	err := m.DB.RunInTx(ctx, &sql.TxOptions{}, func(ctx context.Context, tx bun.Tx) error {
		d, err := models.LockDemand(ctx, tx, actor.CommuneID, demandID)
		if err == nil && (!actor.MaySee(d) || d.SubmittedAt == nil) {
			err = models.ErrNotFound
		}
		if err == models.ErrNotFound {
			return apperr.New(apperr.NotFound, "Cette demande n'existe pas.")
		}
		if err != nil {
			return err
		}
		p, err := models.DemandProcedure(ctx, tx, d)
		if err != nil {
			return err
		}
		_, acted, err = m.route(ctx, tx, d, p, actor)
		return err
	})
	if err != nil {
		return 0, apperr.As(err)
	}
	return acted, nil
}

// load is the commune's enabled rules of submission, ready to evaluate:
// compiled once per revision of its set (loading and decoding 200 rules
// cost a submission more than evaluating them), the revision read anew
// each time, so that every process sees a change at once.
func (m *Manager) load(ctx context.Context, db bun.IDB, communeID int64) (*Set, error) {
	head, err := models.RuleSetHead(ctx, db, communeID, models.TriggerSubmission)
	if err != nil || head.ID == 0 {
		return &Set{}, err
	}
	m.mu.Lock()
	s := m.cache[communeID]
	m.mu.Unlock()
	if s != nil && s.revision == head.Revision {
		return s, nil
	}
	set, rows, err := models.RuleSetOf(ctx, db, communeID, models.TriggerSubmission, true)
	if err != nil {
		return nil, err
	}
	s = NewSet(set.Mode, rows)
	s.revision = set.Revision
	m.mu.Lock()
	if m.cache == nil {
		m.cache = map[int64]*Set{}
	}
	m.cache[communeID] = s
	m.mu.Unlock()
	return s, nil
}

// route evaluates the rules on d and applies the actions of those that
// act, each a history entry naming its rule; by is who runs them (the
// system on submission, the agent who asked). It returns the demand as it
// leaves it and how many rules acted.
func (m *Manager) route(ctx context.Context, tx bun.Tx, d *models.Demand, p *models.Procedure, by workflow.Actor) (*models.Demand, int, error) {
	set, err := m.load(ctx, tx, d.CommuneID)
	if err != nil || len(set.Rules) == 0 {
		return d, 0, err
	}
	motifs, err := models.Motifs(ctx, tx, d.CommuneID)
	if err != nil {
		return nil, 0, err
	}
	tags, err := models.TagNames(ctx, tx, "demand_tags", "demand_id", d.CommuneID, []int64{d.ID})
	if err != nil {
		return nil, 0, err
	}
	acting := set.Evaluate(DemandSubject(d, motifs, tags[d.ID]))
	if len(acting) == 0 {
		return d, 0, nil
	}
	row := &demandRow{d: d, p: p}
	if err := m.apply(ctx, tx, row, acting, by); err != nil {
		return nil, 0, err
	}
	if t := row.transfer; t != nil && t.serviceID != 0 {
		out, err := m.Engine.ApplyTx(ctx, tx, d.ID, workflow.Transfer, workflow.SystemActor(d.CommuneID),
			workflow.Input{Version: d.Version, ServiceID: t.serviceID, Rule: t.rule.Name})
		if err != nil {
			return nil, 0, fmt.Errorf("rule %d's transfer: %w", t.rule.ID, err)
		}
		d = out
	}
	return d, len(acting), nil
}

// routed is what rules act on, a demand or a conversation: the actions
// both have are applied by apply, the others by the row itself.
type routed interface {
	event() *models.Event // a history entry of the row, without its kind and actor
	tags() (table string, id int64)
	setTeam(serviceID *int64)
	setAgent(id int64)
	setPriority(p int16)
	// act applies an action of the row's kind alone; "" with no error: it
	// does not apply to the row, and leaves no entry.
	act(ctx context.Context, tx bun.Tx, r *Rule, a models.RuleAction, tg *targets, now time.Time) (string, error)
	update(tx bun.Tx) *bun.UpdateQuery
}

// apply applies the actions of the rules acting on row, in order, each a
// history entry naming its rule, by the one who runs them. An action
// naming what is not one of the commune's active services or agents is
// skipped, and said so: a rule never sends anything out of its commune.
func (m *Manager) apply(ctx context.Context, tx bun.Tx, row routed, acting []*Rule, by workflow.Actor) error {
	base := row.event()
	tg, err := loadTargets(ctx, tx, base.CommuneID)
	if err != nil {
		return err
	}
	now := m.Clock.Now().UTC()
	var writes models.Batch
	record := func(r *Rule, a models.RuleAction, text string, extra map[string]any) error {
		ev := *base
		ev.At, ev.Kind, ev.ActorKind, ev.ActorName, ev.Channel = now, KindRuleAction, by.Kind, by.Name, by.Channel
		ev.Details = map[string]any{"rule": r.Name, "rule_id": r.ID, "action": a.Kind, "text": text}
		if by.ID != 0 {
			ev.ActorID = &by.ID
		}
		for k, v := range extra {
			ev.Details[k] = v
		}
		return history.Queue(&writes, tx, &ev)
	}
	for _, r := range acting {
		for _, a := range r.Actions {
			if problem := tg.check(a); problem != "" {
				if err := record(r, a, "action ignorée : "+problem+".", map[string]any{"skipped": true}); err != nil {
					return err
				}
				continue
			}
			var text string
			switch a.Kind {
			case ActionTeam:
				if a.ServiceID == 0 {
					row.setTeam(nil)
					text = "confiée à l'accueil"
				} else {
					row.setTeam(&a.ServiceID)
					text = "confiée à l'équipe " + tg.services[a.ServiceID].Name
				}
			case ActionAgent:
				row.setAgent(a.AgentID)
				text = "attribuée à " + tg.agents[a.AgentID].Name
			case ActionPriority:
				row.setPriority(a.Priority)
				text = "priorité « " + strings.ToLower(PriorityLabel(a.Priority)) + " »"
			case ActionTags:
				// The commune's tags, as agents put them (package tag).
				table, id := row.tags()
				var added []string
				for _, name := range a.Tags {
					t, err := models.TagNamed(ctx, tx, base.CommuneID, name, now)
					if err != nil {
						return err
					}
					on, err := models.SetTagged(ctx, tx, table, base.CommuneID, id, t.ID, true, now)
					if err != nil {
						return err
					}
					if on {
						added = append(added, t.Name)
					}
				}
				if len(added) == 0 {
					continue // nothing new: no entry
				}
				text = "étiquettes ajoutées : " + strings.Join(added, ", ")
			default:
				if text, err = row.act(ctx, tx, r, a, tg, now); err != nil {
					return err
				}
				if text == "" {
					continue
				}
			}
			if err := record(r, a, text, nil); err != nil {
				return err
			}
		}
	}
	writes.Add(row.update(tx))
	return writes.Exec(ctx, tx)
}

// demandRow is a demand as rules act on it.
type demandRow struct {
	d        *models.Demand
	p        *models.Procedure
	transfer *pending
}

func (r *demandRow) event() *models.Event {
	return &models.Event{CommuneID: r.d.CommuneID, DemandID: r.d.ID, FromState: r.d.State, ToState: r.d.State}
}
func (r *demandRow) tags() (string, int64)    { return "demand_tags", r.d.ID }
func (r *demandRow) setTeam(serviceID *int64) { r.d.TeamServiceID = serviceID }
func (r *demandRow) setAgent(id int64)        { r.d.AssigneeID = &id }
func (r *demandRow) setPriority(p int16)      { r.d.Priority = p }
func (r *demandRow) update(tx bun.Tx) *bun.UpdateQuery {
	return tx.NewUpdate().Model(r.d).Column("priority", "team_service_id", "assignee_id",
		"proposed_service_id", "proposed_by").Where("commune_id = ? AND id = ?", r.d.CommuneID, r.d.ID)
}

// act: a demand's deadline policy and transfer; a saved reply is for conversations.
func (r *demandRow) act(ctx context.Context, tx bun.Tx, rule *Rule, a models.RuleAction, tg *targets, now time.Time) (string, error) {
	d, p := r.d, r.p
	switch a.Kind {
	case ActionDeadline:
		// Counted from the receipt, whatever waited or was answered since.
		pol := tg.policies[a.PolicyID]
		if err := deadline.Apply(ctx, tx, deadline.OfDemand(d), &pol, *d.SubmittedAt, now, deadline.StateOfDemand(d)); err != nil {
			return "", err
		}
		d.DeadlinePolicyID = &pol.ID
		return "politique d'échéance « " + pol.Name + " »", nil
	case ActionTransfer:
		name := tg.services[a.ServiceID].Name
		switch {
		case r.transfer != nil:
			return "transfert au service " + name + " non retenu : une règle précédente en a décidé un", nil
		case a.Auto && mayTransfer(p, d):
			r.transfer = &pending{rule: rule, serviceID: a.ServiceID}
			return "", nil // the transfer's own entry names the rule
		}
		d.ProposedServiceID, d.ProposedBy = &a.ServiceID, rule.Name
		r.transfer = &pending{rule: rule}
		text := "transfert au service " + name + " proposé"
		if a.Auto {
			text += " (" + whyNotAuto(p, d) + ")"
		}
		return text, nil
	}
	return "", nil
}

// pending is the transfer a rule decided (serviceID 0: proposed only).
type pending struct {
	rule      *Rule
	serviceID int64
}

// mayTransfer: the procedure allows automatic transfers and its lifecycle
// lets the system transfer the demand now.
func mayTransfer(p *models.Procedure, d *models.Demand) bool {
	return p.AutoTransfer && slices.Contains(workflow.For(p).Allowed(d, workflow.SystemActor(d.CommuneID)), workflow.Transfer)
}

func whyNotAuto(p *models.Procedure, d *models.Demand) string {
	if !p.AutoTransfer {
		return "transfert automatique non autorisé pour cette démarche"
	}
	return "la demande ne peut pas être transmise dans son état actuel"
}

// targets are the commune's services, agents, saved replies and deadline
// policies, which actions may name.
type targets struct {
	services map[int64]models.Service
	agents   map[int64]models.Agent
	replies  map[int64]models.SavedReply
	policies map[int64]models.DeadlinePolicy
}

func loadTargets(ctx context.Context, db bun.IDB, communeID int64) (*targets, error) {
	ss, err := models.ListServices(ctx, db, communeID, false)
	if err != nil {
		return nil, err
	}
	as, err := models.ListAgents(ctx, db, communeID)
	if err != nil {
		return nil, err
	}
	rs, err := models.SavedReplies(ctx, db, communeID, "")
	if err != nil {
		return nil, err
	}
	t := &targets{services: map[int64]models.Service{}, agents: map[int64]models.Agent{}, replies: map[int64]models.SavedReply{},
		policies: map[int64]models.DeadlinePolicy{}}
	for _, r := range rs {
		t.replies[r.ID] = r
	}
	ps, err := models.DeadlinePolicies(ctx, db, communeID)
	if err != nil {
		return nil, err
	}
	for _, p := range ps {
		t.policies[p.ID] = p
	}
	for _, s := range ss {
		t.services[s.ID] = s
	}
	for _, a := range as {
		t.agents[a.ID] = a
	}
	return t, nil
}

// check says, in French, why an action cannot be applied in this commune
// ("": it can): a service or agent that is not one of its active ones.
func (t *targets) check(a models.RuleAction) string {
	service := func() string {
		if s, ok := t.services[a.ServiceID]; !ok || !s.Active {
			return "ce service n'est pas un service actif de la commune"
		}
		return ""
	}
	switch a.Kind {
	case ActionTeam:
		if a.ServiceID != 0 {
			return service()
		}
	case ActionTransfer:
		return service()
	case ActionAgent:
		if ag, ok := t.agents[a.AgentID]; !ok || !ag.Active {
			return "cet agent n'est pas un agent actif de la commune"
		}
	case ActionPriority:
		if PriorityLabel(a.Priority) == "" {
			return "priorité inconnue"
		}
	case ActionReply:
		if _, ok := t.replies[a.ReplyID]; !ok {
			return "cette réponse enregistrée n'est pas une réponse de la commune"
		}
	case ActionDeadline:
		if _, ok := t.policies[a.PolicyID]; !ok {
			return "cette politique d'échéance n'est pas une politique de la commune"
		}
	case ActionTags:
	default:
		return "action inconnue"
	}
	return ""
}
