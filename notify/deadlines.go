package notify

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/uptrace/bun"

	"guichet/deadline"
	"guichet/history"
	"guichet/jobs"
	"guichet/models"
	"guichet/perm"
	"guichet/workflow"
)

// Deadlines warns the agent in charge of a demand or a conversation before
// one of its deadlines lapses, and tells the supervisors once it has, each
// once: the clock is marked, the history written and the mails enqueued in
// one transaction, so a second run (or a second server) finds nothing left.
type Deadlines struct {
	DB       *bun.DB
	Notifier *Notifier
}

// DeadlinesEvery is how often the job looks.
const DeadlinesEvery = 5 * time.Minute

const deadlineBatch = 100

// RunOnce sends the warnings, then the lapse notices, due by now, and
// returns how many clocks it handled.
func (j *Deadlines) RunOnce(ctx context.Context, now time.Time) (int, error) {
	done := 0
	for _, lapsed := range []bool{false, true} {
		for {
			var batch int
			err := j.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
				due, err := models.DueClocks(ctx, tx, now, lapsed, deadlineBatch)
				batch = len(due)
				for i := range due {
					if err := j.tell(ctx, tx, &due[i], lapsed, now); err != nil {
						return err
					}
				}
				return err
			})
			if err != nil {
				return done, err
			}
			done += batch
			if batch < deadlineBatch {
				break
			}
		}
	}
	return done, nil
}

// tell marks the clock, writes its history entry and mails the warning
// (lapsed false) or the lapse notice.
func (j *Deadlines) tell(ctx context.Context, tx bun.Tx, k *models.DeadlineClock, lapsed bool, now time.Time) error {
	if err := models.MarkClock(ctx, tx, k, lapsed, now); err != nil {
		return err
	}
	c, err := models.CommuneByID(ctx, tx, k.CommuneID)
	if err != nil {
		return err
	}
	agents, err := models.ListAgents(ctx, tx, k.CommuneID)
	if err != nil {
		return err
	}
	s, err := j.subject(ctx, tx, k)
	if err != nil {
		return err
	}
	to := toldOf(agents, s, lapsed)
	target, due := deadline.TargetLabel(k.Target), formatTime(k.DueAt)
	kind, subject, lead := deadline.KindWarned, "Échéance proche", fmt.Sprintf("Le délai de %s de %s arrive à échéance le %s.", target, s.what, due)
	if lapsed {
		kind, subject, lead = deadline.KindLapsed, "Échéance dépassée", fmt.Sprintf("Le délai de %s de %s est dépassé depuis le %s.", target, s.what, due)
	}
	ev := &models.Event{CommuneID: k.CommuneID, DemandID: k.DemandID, ConversationID: k.ConversationID, At: now, Kind: kind,
		ActorKind: workflow.KindSystem, ActorName: "Guichet", Channel: workflow.ChannelSystem,
		Details: map[string]any{"target": k.Target, "due": due}}
	if s.demand != nil {
		ev.FromState, ev.ToState = s.demand.State, s.demand.State
	}
	if err := history.Record(ctx, tx, ev); err != nil {
		return err
	}
	m := Mail{
		Subject:    fmt.Sprintf("%s : %s %s", subject, s.what, s.reference),
		Paragraphs: []string{lead},
		Facts:      []Fact{{"Référence", s.reference}, {"Objet", s.title}, {"Délai", target}, {"Échéance", due}},
		Link:       &Link{Label: s.label, URL: s.url},
	}
	for _, a := range to {
		ob, err := j.Notifier.compose(c, s.demand, a.Email, m)
		if err != nil {
			return err
		}
		if s.conversation != nil {
			ob.ThreadID, ob.ConversationID = j.Notifier.ConversationThreadID(s.conversation), &s.conversation.ID
		}
		if err := jobs.Enqueue(ctx, tx, ob, j.Notifier.Host()); err != nil {
			return err
		}
	}
	return nil
}

// clockSubject is a clock's demand or conversation, as the mail names it.
type clockSubject struct {
	demand                             *models.Demand
	conversation                       *models.Conversation
	what, reference, title, label, url string
	assignee                           *int64
	procedureID                        int64 // a demand's, for who may act on it
}

func (j *Deadlines) subject(ctx context.Context, tx bun.Tx, k *models.DeadlineClock) (clockSubject, error) {
	if k.DemandID != 0 {
		d, err := models.DemandByID(ctx, tx, k.CommuneID, k.DemandID)
		if err != nil {
			return clockSubject{}, err
		}
		p, err := models.DemandProcedure(ctx, tx, d)
		if err != nil {
			return clockSubject{}, err
		}
		return clockSubject{demand: d, what: "la demande", reference: d.Reference, title: p.Title, label: "Ouvrir la demande",
			url: j.Notifier.AgentDemandURL(d), assignee: d.AssigneeID, procedureID: d.ProcedureID}, nil
	}
	cv, err := models.ConversationByID(ctx, tx, k.CommuneID, k.ConversationID)
	if err != nil {
		return clockSubject{}, err
	}
	return clockSubject{conversation: cv, what: "la conversation", reference: cv.Reference, title: cv.Subject, label: "Ouvrir la conversation",
		url: j.Notifier.AgentConversationURL(cv), assignee: cv.AssigneeID}, nil
}

// toldOf is who is told, among the commune's agents: of a lapse, the
// supervisors; of a warning, the agent in charge, or, when nobody is,
// those who may act on it (decide on the demand, within their profile's
// procedures; reply in the conversation).
func toldOf(agents []models.Agent, s clockSubject, lapsed bool) []models.Agent {
	var out []models.Agent
	for _, a := range agents {
		switch {
		case !a.Active:
		case lapsed:
			if a.Has(perm.Supervise) {
				out = append(out, a)
			}
		case s.assignee != nil:
			if a.ID == *s.assignee {
				out = append(out, a)
			}
		case s.demand != nil:
			if a.Has(perm.Decide) && (len(a.Profile.ProcedureIDs) == 0 || slices.Contains(a.Profile.ProcedureIDs, s.procedureID)) {
				out = append(out, a)
			}
		case a.Has(perm.Reply):
			out = append(out, a)
		}
	}
	return out
}
