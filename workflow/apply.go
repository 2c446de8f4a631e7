package workflow

import (
	"context"
	"database/sql"
	"fmt"
	"reflect"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/uptrace/bun"

	"guichet/apperr"
	"guichet/calendar"
	"guichet/clock"
	"guichet/history"
	"guichet/metrics"
	"guichet/models"
	"guichet/perm"
)

// MaxMessageLength bounds motives, correction messages and return reasons.
const MaxMessageLength = 5000

// Input is what the actor gives with an event.
type Input struct {
	// Version is the demand version the actor saw; a different stored
	// version means someone acted meanwhile and the event is refused.
	Version int
	// Message: refusal motive, correction message or return reason.
	Message string
	// Fields to correct, with a correction request.
	Fields []string
	// ServiceID is the target of a transfer.
	ServiceID int64
	// Data replaces the demand's data on submit or resubmit (nil keeps it).
	Data map[string]any
	// Rule names the routing rule that fires the event (a transfer made by
	// a rule): its history entry says so.
	Rule string
	// CorrectionDue is the day a correction is to be sent by (zero: in
	// CorrectionDays).
	CorrectionDue calendar.Date
}

// Change is a transition about to be committed, as the notifier sees it.
type Change struct {
	Event     Event
	Move      *Move // the move made, with whom it e-mails
	From      string
	Demand    *models.Demand // after the transition
	Actor     Actor
	Input     Input
	Commune   *models.Commune
	Procedure *models.Procedure
	// Service holding (or, after a return or decision, that held) the demand.
	Service    *models.Service
	Assignment *models.Assignment
	History    *models.Event
}

// Notices are what a change tells people: mails for the outbox, and items
// of agents' digests (their EventID is left to Apply: the change's history
// entry, written just before them).
type Notices struct {
	Mails  []*models.OutboxMail
	Digest []*models.DigestItem
}

// Notifier composes the notices a change calls for; Apply writes them with
// the change, in its transaction.
type Notifier interface {
	Notices(ctx context.Context, tx bun.Tx, ch Change) (Notices, error)
}

// Router routes a demand just submitted, in the submission's transaction,
// after it (routing.Manager): it may change the demand and fire other
// events on it through ApplyTx. It returns the demand as it leaves it.
type Router interface {
	RouteSubmitted(ctx context.Context, tx bun.Tx, ch Change) (*models.Demand, error)
}

// Clocks keeps a demand's deadline clocks as it moves (deadline.Demands),
// in the transition's transaction, after its writes and before routing;
// and as it is reclassified, in Reclassify's, its new motif set.
type Clocks interface {
	Follow(ctx context.Context, tx bun.Tx, ch Change) error
	Reclassified(ctx context.Context, tx bun.Tx, d *models.Demand, now time.Time) error
}

// Engine applies transitions.
type Engine struct {
	DB       *bun.DB
	Notifier Notifier
	Clock    clock.Clock // the time written in history and on the demand
	Metrics  *metrics.Metrics
	Router   Router // nil: no routing
	Clocks   Clocks // nil: no deadlines
}

// Apply fires ev on a demand of the actor's commune, in one transaction:
// lock, check version, right and input, write state and history, enqueue
// e-mails. Every refusal is an *apperr.Error with a French message, and
// leaves nothing changed.
func (e *Engine) Apply(ctx context.Context, demandID int64, ev Event, actor Actor, in Input) (*models.Demand, error) {
	var out *models.Demand
	err := e.DB.RunInTx(ctx, &sql.TxOptions{}, func(ctx context.Context, tx bun.Tx) error {
		d, err := e.apply(ctx, tx, demandID, ev, actor, in)
		out = d
		return err
	})
	if err != nil {
		return nil, apperr.As(err)
	}
	e.Metrics.Transition(string(ev)) // committed
	return out, nil
}

// ApplyTx is Apply within a transaction the caller holds (a routing
// rule's transfer, in the submission's transaction).
func (e *Engine) ApplyTx(ctx context.Context, tx bun.Tx, demandID int64, ev Event, actor Actor, in Input) (*models.Demand, error) {
	return e.apply(ctx, tx, demandID, ev, actor, in)
}

func (e *Engine) now() time.Time { return e.Clock.Now().UTC() }

func (e *Engine) apply(ctx context.Context, tx bun.Tx, demandID int64, ev Event, actor Actor, in Input) (*models.Demand, error) {
	var target int64
	if ev == Transfer {
		target = in.ServiceID
	}
	// One round trip reads what the transition needs, one writes it all.
	t, err := models.LockForTransition(ctx, tx, actor.CommuneID, demandID, target)
	if err == nil && actor.hides(&t.Demand) {
		err = models.ErrNotFound
	}
	if err == models.ErrNotFound {
		return nil, apperr.New(apperr.NotFound, "Cette demande n'existe pas.")
	}
	if err != nil {
		return nil, err
	}
	d, def := &t.Demand, For(&t.Procedure)
	if def.transition(ev) == nil && Standard.transition(ev) == nil { // another variant's event is refused below
		return nil, apperr.New(apperr.Invalid, "Action inconnue : « %s ».", ev)
	}
	if in.Version != d.Version {
		return nil, &apperr.Error{Code: apperr.Conflict, Message: apperr.StaleMessage}
	}
	if !def.mayFire(actor, ev, d) {
		return nil, def.refusal(ev, d, actor)
	}
	in.Message = strings.TrimSpace(in.Message)
	if err := def.CheckInput(ev, in); err != nil {
		return nil, err
	}

	from := d.State
	move := def.move(ev, from, deref(d.CorrectionBy))
	to, err := def.fire(ctx, from, ev, deref(d.CorrectionBy))
	if err != nil {
		return nil, err
	}
	now := e.now()
	today := calendar.DateOf(now)
	ch := Change{Event: ev, Move: move, From: from, Demand: d, Actor: actor, Input: in, Commune: &t.Commune, Procedure: &t.Procedure}
	if t.Assignment.ID != 0 {
		ch.Assignment = &t.Assignment
	}
	if t.Service.ID != 0 {
		ch.Service = &t.Service
	}
	hist := &models.Event{
		CommuneID: d.CommuneID, DemandID: d.ID, At: now, Kind: string(ev),
		ActorKind: actor.Kind, ActorName: actor.Name, Channel: actor.Channel,
		FromState: from, ToState: to, Message: in.Message, Details: map[string]any{},
	}
	if actor.ID != 0 {
		hist.ActorID = &actor.ID
	}
	if ev == Transfer && in.Message != "" {
		// The transfer's entry is public; the accueil's message is for the
		// service only (see ServiceMessage).
		hist.Message, hist.Details[ServiceMessageKey] = "", in.Message
	}
	if in.Rule != "" {
		hist.Details["rule"] = in.Rule
	}

	var writes models.Batch
	endAssignment := func(reason string) {
		if a := ch.Assignment; a != nil {
			a.EndedAt, a.EndedReason = &now, reason
			writes.Add(tx.NewUpdate().Model(a).Column("ended_at", "ended_reason").WherePK())
		}
	}
	switch ev {
	case Submit:
		d.SubmittedAt = &now
		if in.Data != nil {
			d.Data = in.Data
		}
		d.MotifID = t.Version.MotifID
		if err := setImplicitDecision(ctx, tx, t, today, false); err != nil {
			return nil, err
		}
	case Accept, Refuse:
		d.DecidedAt = &now
		if from == Transferred {
			endAssignment("decided")
		}
	case RequestCorrection:
		by := string(RoleAccueil) // the accueil's side: any agent
		if actor.Kind == KindService {
			by = string(RoleService)
		}
		due := in.CorrectionDue
		if due.IsZero() {
			due = today.AddDays(CorrectionDays)
		}
		if !today.Before(due) {
			return nil, apperr.Field("echeance", "La date limite de la correction doit être postérieure à aujourd'hui.")
		}
		d.CorrectionBy, d.CorrectionMessage, d.CorrectionFields = &by, in.Message, nonNil(in.Fields)
		d.CorrectionDueOn = models.DayTime(due)
		hist.Details["fields"] = nonNil(in.Fields)
		hist.Details["by"] = by
		hist.Details["due"] = due.String()
	case Resubmit:
		if in.Data != nil {
			if changes := diff(d.Data, in.Data); len(changes) > 0 {
				hist.Details["changes"] = changes
			}
			d.Data = in.Data
		}
		d.CorrectionBy, d.CorrectionMessage, d.CorrectionFields, d.CorrectionDueOn = nil, "", []string{}, nil
		// The correction ends: the days it took postpone the implicit decision.
		if err := setImplicitDecision(ctx, tx, t, today, true); err != nil {
			return nil, err
		}
	case Transfer:
		svc := &t.Target
		if svc.ID == 0 || !svc.Active {
			return nil, apperr.Field("service", "Ce service n'existe pas ou n'est plus actif : choisissez-en un dans la liste.")
		}
		a := &models.Assignment{ID: t.NextAssignmentID, CommuneID: d.CommuneID, DemandID: d.ID, ServiceID: svc.ID, CreatedAt: now}
		writes.Add(tx.NewInsert().Model(a))
		d.ServiceID, d.AssignmentID = &svc.ID, &a.ID
		d.ProposedServiceID, d.ProposedBy = nil, "" // a proposed transfer is settled by any
		ch.Service, ch.Assignment = svc, a
		hist.Details["service_id"] = svc.ID
		hist.Details["service"] = svc.Name
		hist.Details["assignment_id"] = a.ID
	case ReturnToGuichet:
		endAssignment("returned")
		d.ServiceID, d.AssignmentID = nil, nil
	}

	d.State, d.Version, d.UpdatedAt = to, d.Version+1, now
	ch.History = hist
	var notices Notices
	if e.Notifier != nil {
		if notices, err = e.Notifier.Notices(ctx, tx, ch); err != nil {
			return nil, fmt.Errorf("mails of %s: %w", ev, err)
		}
		if len(notices.Mails) > 0 {
			writes.Add(tx.NewInsert().Model(&notices.Mails))
		}
	}
	// The demand's row, then its history entry, are written last: the
	// counts per state the demand's trigger updates, and the head of the
	// history's chain the entry moves, are shared by the whole commune, and
	// their locks last until commit; the chain's last of all, so that every
	// writer of the history takes it after any other lock. Only what a
	// transition changes is written: rewriting the data would recompute the
	// search vectors for nothing.
	cols := []string{"state", "version", "updated_at", "submitted_at", "decided_at", "correction_by",
		"correction_message", "correction_fields", "service_id", "assignment_id", "motif_id", "implicit_decision_on", "correction_due_on"}
	if ev == Transfer {
		cols = append(cols, "proposed_service_id", "proposed_by")
	}
	if in.Data != nil && (ev == Submit || ev == Resubmit) {
		cols = append(cols, "data")
	}
	writes.Add(tx.NewUpdate().Model(d).Column(cols...).WherePK())
	if err := history.Queue(&writes, tx, hist); err != nil {
		return nil, err
	}
	if len(notices.Digest) > 0 {
		// The history entry's id is drawn by its insert, just before in
		// this batch: the session's last value of its sequence.
		writes.Add(tx.NewInsert().Model(&notices.Digest).Value("event_id", "currval(pg_get_serial_sequence('demand_events', 'id'))"))
	}
	if err := writes.Exec(ctx, tx); err != nil {
		return nil, err
	}
	if e.Clocks != nil {
		if err := e.Clocks.Follow(ctx, tx, ch); err != nil {
			return nil, fmt.Errorf("deadlines of %s: %w", ev, err)
		}
	}
	if ev == Submit && e.Router != nil {
		return e.Router.RouteSubmitted(ctx, tx, ch)
	}
	return d, nil
}

// CheckInput checks what the actor gives with ev, as Apply will: a form can
// ask for confirmation only once its input is complete.
func (d *Definition) CheckInput(ev Event, in Input) error {
	if utf8.RuneCountInString(in.Message) > MaxMessageLength {
		return apperr.Field("message", fmt.Sprintf("Le message est trop long (%d caractères au plus).", MaxMessageLength))
	}
	t := d.transition(ev)
	if t == nil {
		return nil
	}
	for _, r := range t.Requires {
		switch {
		case r.Input == InputMessage && in.Message == "":
			return apperr.Field("message", r.Missing)
		case r.Input == InputService && in.ServiceID == 0:
			return apperr.Field("service", r.Missing)
		case r.Input == InputFields && len(in.Fields) == 0:
			return apperr.Field("champs", r.Missing)
		}
	}
	return nil
}

// refusal explains, in French, why ev cannot be fired and what can be.
func (def *Definition) refusal(ev Event, d *models.Demand, a Actor) error {
	allowed := def.Allowed(d, a)
	msg := fmt.Sprintf("Action « %s » impossible : la demande est « %s ».", EventLabel(ev), StateLabel(d.State))
	if len(allowed) == 0 {
		msg += " Vous ne pouvez pas agir sur cette demande dans son état actuel."
	} else {
		labels := make([]string, len(allowed))
		for i, ev := range allowed {
			labels[i] = EventLabel(ev)
		}
		msg += " Actions possibles : " + strings.Join(labels, ", ") + "."
	}
	if m := def.move(ev, d.State, deref(d.CorrectionBy)); a.Kind == KindAgent && m != nil && slices.Contains(m.By, RoleAgent) && !a.Perms.Has(m.Need) {
		msg += fmt.Sprintf(" Cette action demande la permission « %s », que votre profil n'accorde pas.", perm.Label(m.Need))
	}
	return apperr.New(apperr.Forbidden, "%s", msg)
}

// FieldChange is one field's old and new value, recorded on resubmission.
type FieldChange struct {
	Field string `json:"field"`
	Old   any    `json:"old"`
	New   any    `json:"new"`
}

func diff(old, new map[string]any) []FieldChange {
	keys := map[string]bool{}
	for k := range old {
		keys[k] = true
	}
	for k := range new {
		keys[k] = true
	}
	var out []FieldChange
	for k := range keys {
		if !reflect.DeepEqual(old[k], new[k]) {
			out = append(out, FieldChange{Field: k, Old: old[k], New: new[k]})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Field < out[j].Field })
	return out
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// ServiceMessageKey holds, in a transfer's history entry, the message the
// accueil left for the service: never in the entry's public Message.
const ServiceMessageKey = "service_message"

// ServiceMessage is the message the accueil left with a transfer ("" for none).
func ServiceMessage(e models.Event) string {
	s, _ := e.Details[ServiceMessageKey].(string)
	return s
}
