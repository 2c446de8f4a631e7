package routing

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"sync"

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
	acting := set.Evaluate(DemandSubject(d, motifs))
	if len(acting) == 0 {
		return d, 0, nil
	}
	// Checked again here, whatever was checked when the rule was saved: a
	// rule never sends a demand out of its commune.
	tg, err := loadTargets(ctx, tx, d.CommuneID)
	if err != nil {
		return nil, 0, err
	}
	now := m.Clock.Now().UTC()
	var writes models.Batch
	var transfer *pending
	record := func(r *Rule, a models.RuleAction, text string, extra map[string]any) error {
		ev := &models.Event{CommuneID: d.CommuneID, DemandID: d.ID, At: now, Kind: KindRuleAction,
			ActorKind: by.Kind, ActorName: by.Name, Channel: by.Channel, FromState: d.State, ToState: d.State,
			Details: map[string]any{"rule": r.Name, "rule_id": r.ID, "action": a.Kind, "text": text}}
		if by.ID != 0 {
			ev.ActorID = &by.ID
		}
		for k, v := range extra {
			ev.Details[k] = v
		}
		return history.Queue(&writes, tx, ev)
	}
	for _, r := range acting {
		for _, a := range r.Actions {
			if problem := tg.check(a); problem != "" {
				if err := record(r, a, "action ignorée : "+problem+".", map[string]any{"skipped": true}); err != nil {
					return nil, 0, err
				}
				continue
			}
			var text string
			switch a.Kind {
			case ActionTeam:
				if a.ServiceID == 0 {
					d.TeamServiceID, text = nil, "confiée à l'accueil"
				} else {
					d.TeamServiceID, text = &a.ServiceID, "confiée à l'équipe "+tg.services[a.ServiceID].Name
				}
			case ActionAgent:
				d.AssigneeID, text = &a.AgentID, "attribuée à "+tg.agents[a.AgentID].Name
			case ActionPriority:
				d.Priority, text = a.Priority, "priorité « "+strings.ToLower(PriorityLabel(a.Priority))+" »"
			case ActionTags:
				// The commune's tags, as agents put them (package tag).
				var added []string
				for _, name := range a.Tags {
					t, err := models.TagNamed(ctx, tx, d.CommuneID, name, now)
					if err != nil {
						return nil, 0, err
					}
					on, err := models.SetTagged(ctx, tx, "demand_tags", d.CommuneID, d.ID, t.ID, true, now)
					if err != nil {
						return nil, 0, err
					}
					if on {
						added = append(added, t.Name)
					}
				}
				if len(added) == 0 {
					continue // nothing new: no entry
				}
				text = "étiquettes ajoutées : " + strings.Join(added, ", ")
			case ActionDeadline:
				// Counted from the receipt, whatever waited or was answered since.
				pol := tg.policies[a.PolicyID]
				if err := deadline.Apply(ctx, tx, deadline.OfDemand(d), &pol, *d.SubmittedAt, now, deadline.StateOfDemand(d)); err != nil {
					return nil, 0, err
				}
				d.DeadlinePolicyID, text = &pol.ID, "politique d'échéance « "+pol.Name+" »"
			case ActionTransfer:
				name := tg.services[a.ServiceID].Name
				switch {
				case transfer != nil:
					text = "transfert au service " + name + " non retenu : une règle précédente en a décidé un"
				case a.Auto && mayTransfer(p, d):
					transfer = &pending{rule: r, serviceID: a.ServiceID}
					continue // the transfer's own entry names the rule
				default:
					d.ProposedServiceID, d.ProposedBy = &a.ServiceID, r.Name
					transfer = &pending{rule: r}
					text = "transfert au service " + name + " proposé"
					if a.Auto {
						text += " (" + whyNotAuto(p, d) + ")"
					}
				}
			}
			if err := record(r, a, text, nil); err != nil {
				return nil, 0, err
			}
		}
	}
	writes.Add(tx.NewUpdate().Model(d).Column("priority", "team_service_id", "assignee_id",
		"proposed_service_id", "proposed_by").Where("commune_id = ? AND id = ?", d.CommuneID, d.ID))
	if err := writes.Exec(ctx, tx); err != nil {
		return nil, 0, err
	}
	if transfer != nil && transfer.serviceID != 0 {
		out, err := m.Engine.ApplyTx(ctx, tx, d.ID, workflow.Transfer, workflow.SystemActor(d.CommuneID),
			workflow.Input{Version: d.Version, ServiceID: transfer.serviceID, Rule: transfer.rule.Name})
		if err != nil {
			return nil, 0, fmt.Errorf("rule %d's transfer: %w", transfer.rule.ID, err)
		}
		d = out
	}
	return d, len(acting), nil
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

// targets are the commune's services, agents and deadline policies, which
// actions may name.
type targets struct {
	services map[int64]models.Service
	agents   map[int64]models.Agent
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
	ps, err := models.DeadlinePolicies(ctx, db, communeID)
	if err != nil {
		return nil, err
	}
	t := &targets{services: map[int64]models.Service{}, agents: map[int64]models.Agent{}, policies: map[int64]models.DeadlinePolicy{}}
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
