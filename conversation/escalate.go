package conversation

import (
	"context"
	"fmt"
	"strings"

	"github.com/uptrace/bun"

	"guichet/apperr"
	"guichet/history"
	"guichet/models"
	"guichet/perm"
	"guichet/validate"
	"guichet/workflow"
)

// Escalation (issue 16, item 3): a referent (perm.Escalate) hands a
// conversation or a demand to level 2, a service of the commune or an
// outside team, with a reformulation of the problem; level 2, through its
// signed link (servicelink.CheckEscalation), answers the citizen in the
// conversation or sends it back with a note. Every step is a history entry
// of the conversation or the demand, internal.
const (
	KindEscalated          = "escalated"
	KindEscalationAnswered = "escalation_answered"
	KindEscalationReturned = "escalation_returned"
	KindEscalationRevoked  = "escalation_revoked"
)

func init() {
	history.Register(history.Kind{Name: KindEscalated, Agent: func(e models.Event) string {
		return "Escaladée au niveau 2 (" + detail("level2")(e) + ")" + quoted(detail("problem")(e))
	}})
	history.Register(history.Kind{Name: KindEscalationAnswered, Agent: func(e models.Event) string {
		if detail("held")(e) != "" {
			return "Le niveau 2 (" + detail("level2")(e) + ") a répondu ; sa réponse attend la validation"
		}
		return "Le niveau 2 (" + detail("level2")(e) + ") a répondu à l'usager"
	}})
	history.Register(history.Kind{Name: KindEscalationReturned, Agent: func(e models.Event) string {
		return "Renvoyée par le niveau 2 (" + detail("level2")(e) + ")" + quoted(detail("note")(e))
	}})
	history.Register(history.Kind{Name: KindEscalationRevoked, Agent: func(e models.Event) string {
		return "Escalade au niveau 2 (" + detail("level2")(e) + ") retirée ; son lien ne donne plus accès"
	}})
}

// quoted is a text quoted after a history entry's title ("" for none).
func quoted(s string) string {
	if s == "" {
		return ""
	}
	return " : « " + s + " »"
}

// Limits of an escalation's texts.
const (
	MaxProblem = 5000
	MaxLabel   = 200
)

// Level2Outside is the value of the level-2 choice that names an outside team.
const Level2Outside = "externe"

// EscalateInput is an escalation as the referent's form sends it: level 2
// (a service's id, or Level2Outside with its address and name) and the
// reformulation of the problem.
type EscalateInput struct {
	ConversationID, DemandID int64 // one of the two
	Level2                   string
	Email, Label             string // an outside team's
	Problem                  string
}

// escalationRefused is the refusal of a referent's act to an agent who is none.
func escalationRefused(actor workflow.Actor) error {
	if actor.Kind == workflow.KindAgent && actor.Perms.Has(perm.Escalate) {
		return nil
	}
	return apperr.New(apperr.Forbidden, "Escalader au niveau 2 demande la permission « %s », que votre profil n'accorde pas. Demandez à un référent de le faire.", perm.Label(perm.Escalate))
}

// Escalate hands a conversation or a demand to level 2 and mails the
// referent a confirmation and level 2 a notice with its link.
func (m *Manager) Escalate(ctx context.Context, cm *models.Commune, actor workflow.Actor, in EscalateInput) (*models.Escalation, error) {
	if err := escalationRefused(actor); err != nil {
		return nil, err
	}
	now := m.Clock.Now()
	e := &models.Escalation{CommuneID: cm.ID, ReferentID: actor.ID, ReferentName: actor.Name, Status: models.EscalationOpen,
		Problem: strings.TrimSpace(in.Problem), CreatedAt: now}
	errs := map[string]string{}
	switch n := len([]rune(e.Problem)); {
	case n == 0:
		errs["reformulation"] = "Reformulez le problème pour le niveau 2 : ce que l'usager demande, ce qui a été fait, ce qui bloque."
	case n > MaxProblem:
		errs["reformulation"] = fmt.Sprintf("La reformulation est trop longue (%d caractères au plus).", MaxProblem)
	}
	if in.Level2 == Level2Outside {
		e.Email, e.Label = strings.TrimSpace(in.Email), strings.TrimSpace(in.Label)
		if !validate.IsAddress(e.Email) {
			errs["niveau2_email"] = validate.AddressMessage("support@intercommunalite.fr")
		}
		if e.Label == "" || len([]rune(e.Label)) > MaxLabel {
			errs["niveau2_nom"] = fmt.Sprintf("Nommez l'équipe de niveau 2 (%d caractères au plus), par exemple « Support de l'intercommunalité ».", MaxLabel)
		}
	} else {
		var id int64
		fmt.Sscan(in.Level2, &id)
		s, err := models.ServiceByID(ctx, m.DB, cm.ID, id)
		if err != nil || !s.Active {
			errs["niveau2"] = "Choisissez le niveau 2 dans la liste : un service de la commune, ou une équipe extérieure."
		} else {
			e.ServiceID, e.Email, e.Label = &s.ID, s.Email, s.Name
		}
	}
	if len(errs) > 0 {
		return nil, apperr.Fields(errs)
	}
	err := m.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		ab, err := m.lockAbout(ctx, tx, actor, in.ConversationID, in.DemandID)
		if err != nil {
			return err
		}
		e.ConversationID, e.DemandID = ab.ids()
		if err := models.InsertEscalation(ctx, tx, e); err != nil {
			if err == models.ErrTaken {
				return apperr.New(apperr.Conflict, "Elle est déjà escaladée au niveau 2 : attendez sa réponse, ou retirez l'escalade avant d'en faire une autre.")
			}
			return err
		}
		if err := m.recordEscalation(ctx, tx, ab, actor, KindEscalated, e, map[string]any{"problem": e.Problem}); err != nil {
			return err
		}
		referent, err := models.AgentByID(ctx, tx, cm.ID, actor.ID)
		if err != nil {
			return err
		}
		return m.Notifier.Escalated(ctx, tx, cm, e, ab.Conversation, ab.Demand, referent)
	})
	if err != nil {
		return nil, err
	}
	return e, nil
}

// about is what an escalation is about, locked: a conversation or a demand.
type about struct {
	Conversation *models.Conversation
	Demand       *models.Demand
}

func (a about) ids() (*int64, *int64) {
	if a.Conversation != nil {
		return &a.Conversation.ID, nil
	}
	return nil, &a.Demand.ID
}

// lockAbout locks the conversation or the demand an agent escalates, as
// they may see it: another commune's, or one out of their scope, is not found.
func (m *Manager) lockAbout(ctx context.Context, tx bun.Tx, actor workflow.Actor, conversationID, demandID int64) (about, error) {
	if conversationID != 0 {
		cv, err := lockFor(ctx, tx, actor, conversationID)
		return about{Conversation: cv}, err
	}
	d, err := models.LockDemand(ctx, tx, actor.CommuneID, demandID)
	if err == nil && !actor.MaySee(d) {
		err = models.ErrNotFound
	}
	if err == models.ErrNotFound {
		return about{}, apperr.New(apperr.NotFound, "Cette demande n'existe pas.")
	}
	return about{Demand: d}, err
}

// recordEscalation writes an escalation's step in the history of what it is about.
func (m *Manager) recordEscalation(ctx context.Context, tx bun.IDB, ab about, actor workflow.Actor, kind string, e *models.Escalation, details map[string]any) error {
	details["escalation_id"], details["level2"] = e.ID, e.Label
	if ab.Conversation != nil {
		return m.record(ctx, tx, ab.Conversation, actor, kind, details)
	}
	ev := &models.Event{CommuneID: e.CommuneID, DemandID: ab.Demand.ID, At: m.Clock.Now(), Kind: kind, ActorKind: actor.Kind,
		ActorName: actor.Name, Channel: actor.Channel, FromState: ab.Demand.State, ToState: ab.Demand.State, Details: details}
	if actor.ID != 0 && actor.Kind == workflow.KindAgent {
		ev.ActorID = &actor.ID
	}
	return history.Record(ctx, tx, ev)
}

// Level2Actor is level 2 acting through its link: a service of the commune
// by its name, an outside team by the name the referent gave it.
func Level2Actor(e *models.Escalation) workflow.Actor {
	a := workflow.Actor{Kind: workflow.KindService, Name: e.Label, CommuneID: e.CommuneID, Channel: workflow.ChannelLink}
	if e.ServiceID != nil {
		a.ID = *e.ServiceID
	}
	return a
}

// lockOpen locks what an escalation is about, then the escalation, still
// open: in the order Escalate and RevokeEscalation lock them.
func (m *Manager) lockOpen(ctx context.Context, tx bun.Tx, communeID, id int64) (*models.Escalation, about, error) {
	e, err := models.EscalationByID(ctx, tx, communeID, id)
	if err != nil {
		return nil, about{}, err
	}
	var ab about
	if e.ConversationID != nil {
		ab.Conversation, err = models.LockConversation(ctx, tx, communeID, *e.ConversationID)
	} else {
		ab.Demand, err = models.LockDemand(ctx, tx, communeID, *e.DemandID)
	}
	if err == nil {
		e, err = models.LockEscalation(ctx, tx, communeID, id)
	}
	if err == nil && e.Status != models.EscalationOpen {
		err = apperr.New(apperr.Forbidden, "Cette escalade est terminée (répondue, renvoyée ou retirée) : ce lien ne donne plus accès.")
	}
	return e, ab, err
}

// end closes an escalation: its link no longer opens.
func (m *Manager) end(ctx context.Context, tx bun.Tx, e *models.Escalation, status, note string) error {
	now := m.Clock.Now()
	e.Status, e.Note, e.EndedAt = status, note, &now
	return models.EndEscalation(ctx, tx, e)
}

// AnswerEscalation is level 2 answering the citizen: in the conversation
// escalated, or the demand's (opened if it has none), through the reply
// path of any external message, and tells whether it was held. When the referent's profile replies only
// through validation, level 2's answer is held for validation as theirs.
func (m *Manager) AnswerEscalation(ctx context.Context, cm *models.Commune, escalationID int64, body string) (held bool, err error) {
	in := MessageInput{Body: body, Channel: models.ChannelWeb}
	e, err := models.EscalationByID(ctx, m.DB, cm.ID, escalationID)
	if err != nil {
		return false, err
	}
	by := Level2Actor(e)
	if err := in.check(by); err != nil {
		return false, err
	}
	err = m.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		e, ab, err := m.lockOpen(ctx, tx, cm.ID, escalationID)
		if err != nil {
			return err
		}
		referent, err := models.AgentByID(ctx, tx, cm.ID, e.ReferentID)
		if err != nil {
			return err
		}
		cv := ab.Conversation
		if cv == nil {
			if cv, _, err = AboutDemand(ctx, tx, ab.Demand); err != nil {
				return err
			}
		}
		if cv != nil {
			if cv, err = models.LockConversation(ctx, tx, cm.ID, cv.ID); err != nil {
				return err
			}
		}
		held = holds(workflow.AgentActor(referent), in)
		switch {
		case held:
			if cv == nil { // a held reply needs a conversation: opened by the referent's note
				return apperr.New(apperr.Conflict, "La réponse doit être validée par la mairie, mais cette demande n'a encore aucune conversation avec l'usager : demandez au référent d'en ouvrir une.")
			}
			if err := m.hold(ctx, tx, cv, workflow.Actor{Kind: workflow.KindAgent, ID: referent.ID, Name: e.Label + " (niveau 2)", CommuneID: cm.ID, Channel: workflow.ChannelLink}, in); err != nil {
				return err
			}
		case cv == nil:
			d := ab.Demand
			p, err := models.DemandProcedure(ctx, tx, d)
			if err != nil {
				return err
			}
			now := m.Clock.Now()
			cv = &models.Conversation{CommuneID: cm.ID, Reference: models.NewConversationReference(now), Subject: fmt.Sprintf("Demande %s — %s", d.Reference, p.Title),
				Status: models.ConvNew, CitizenEmail: d.CitizenEmail, CitizenName: nameOr(d.CitizenName, d.CitizenEmail), Channel: models.ChannelWeb,
				DemandID: &d.ID, Version: 1, CreatedAt: now, UpdatedAt: now, LastMessageAt: now}
			if _, err := m.insertOpened(ctx, tx, cm, cv, by, OpenInput{DemandID: d.ID, Message: in}); err != nil {
				return err
			}
		default:
			if _, err := m.post(ctx, tx, cm, cv, by, in, false); err != nil {
				return err
			}
		}
		if err := m.end(ctx, tx, e, models.EscalationAnswered, ""); err != nil {
			return err
		}
		details := map[string]any{}
		if held {
			details["held"] = "oui"
		}
		if err := m.recordEscalation(ctx, tx, ab, by, KindEscalationAnswered, e, details); err != nil {
			return err
		}
		return m.Notifier.EscalationEnded(ctx, tx, cm, e, referent, cv)
	})
	return held, err
}

// ReturnEscalation is level 2 sending the escalation back to the referent
// with a note, which the referent reads in the history and by e-mail.
func (m *Manager) ReturnEscalation(ctx context.Context, cm *models.Commune, escalationID int64, note string) error {
	note = strings.TrimSpace(note)
	switch {
	case note == "":
		return apperr.Field("note", "Dites au référent pourquoi vous la renvoyez : ce qui manque, ou qui est compétent.")
	case len([]rune(note)) > MaxComment:
		return apperr.Field("note", fmt.Sprintf("La note est trop longue (%d caractères au plus).", MaxComment))
	}
	return m.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		e, ab, err := m.lockOpen(ctx, tx, cm.ID, escalationID)
		if err != nil {
			return err
		}
		if err := m.end(ctx, tx, e, models.EscalationReturned, note); err != nil {
			return err
		}
		if err := m.recordEscalation(ctx, tx, ab, Level2Actor(e), KindEscalationReturned, e, map[string]any{"note": note}); err != nil {
			return err
		}
		referent, err := models.AgentByID(ctx, tx, cm.ID, e.ReferentID)
		if err != nil {
			return err
		}
		return m.Notifier.EscalationEnded(ctx, tx, cm, e, referent, ab.Conversation)
	})
}

// RevokeEscalation is a referent withdrawing an open escalation of a
// conversation or a demand they may act on: its link no longer opens.
func (m *Manager) RevokeEscalation(ctx context.Context, actor workflow.Actor, conversationID, demandID, escalationID int64) error {
	if err := escalationRefused(actor); err != nil {
		return err
	}
	return m.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		ab, err := m.lockAbout(ctx, tx, actor, conversationID, demandID)
		if err != nil {
			return err
		}
		e, err := models.LockEscalation(ctx, tx, actor.CommuneID, escalationID)
		cid, did := ab.ids()
		if err == models.ErrNotFound || (err == nil && !(samePtr(e.ConversationID, cid) && samePtr(e.DemandID, did))) {
			return apperr.New(apperr.NotFound, "Cette escalade n'existe pas.")
		}
		if err != nil {
			return err
		}
		if e.Status != models.EscalationOpen {
			return apperr.New(apperr.Conflict, "Cette escalade est déjà terminée : le niveau 2 a répondu ou l'a renvoyée entre-temps.")
		}
		if err := m.end(ctx, tx, e, models.EscalationRevoked, ""); err != nil {
			return err
		}
		return m.recordEscalation(ctx, tx, ab, actor, KindEscalationRevoked, e, map[string]any{})
	})
}

func samePtr(a, b *int64) bool { return (a == nil && b == nil) || (a != nil && b != nil && *a == *b) }
