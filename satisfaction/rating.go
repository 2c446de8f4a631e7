package satisfaction

import (
	"context"
	"errors"
	"strings"
	"unicode/utf8"

	"github.com/uptrace/bun"

	"guichet/apperr"
	"guichet/history"
	"guichet/links"
	"guichet/models"
	"guichet/perm"
	"guichet/workflow"
)

// ErrRated means the link was used already: a rating is given once.
var ErrRated = errors.New("rating already given")

// History kinds of ratings (on the demand's or the conversation's history).
const (
	KindRated          = "rated"
	KindFollowUp       = "rating_followup"
	KindFollowUpClosed = "rating_followup_closed"
)

func init() {
	history.Register(history.Kind{Name: KindRated, Agent: func(e models.Event) string {
		s, _ := e.Details["score"].(string)
		return "Note de l'usager : " + s + "/5"
	}})
	history.Register(history.Kind{Name: KindFollowUp, Agent: history.Fixed("Suivi de la note basse noté")})
	history.Register(history.Kind{Name: KindFollowUpClosed, Agent: history.Fixed("Suivi de la note basse clos")})
}

// LowScore is the highest score that opens a follow-up.
const LowScore = 2

// Open checks a rating link on the commune of the URL and returns its
// request: links.ErrInvalid for a forged link, one of another commune or
// one whose subject is not the request's; links.ErrExpired after 30 days;
// ErrRated once it was used.
func (m *Manager) Open(ctx context.Context, db bun.IDB, c *models.Commune, token string) (*models.Rating, error) {
	cl, err := m.Links.Verify(links.Rating, token)
	if err == links.ErrInvalid || cl.CommuneID != c.ID || cl.RatingID == 0 {
		return nil, links.ErrInvalid
	}
	r, ferr := models.RatingByID(ctx, db, c.ID, cl.RatingID)
	if ferr == models.ErrNotFound || (ferr == nil && !boundTo(r, cl)) {
		return nil, links.ErrInvalid
	}
	if ferr != nil {
		return nil, ferr
	}
	if err != nil {
		return r, err
	}
	if r.RatedAt != nil {
		return r, ErrRated
	}
	return r, nil
}

// RateInput is what the rating page sends.
type RateInput struct {
	Score   string
	Comment string
}

// Rate records a citizen's rating through its link, once; a score of 1 or
// 2 opens a follow-up for the supervisor.
func (m *Manager) Rate(ctx context.Context, c *models.Commune, token string, in RateInput) (*models.Rating, error) {
	score := 0
	if len(in.Score) == 1 && in.Score[0] >= '1' && in.Score[0] <= '5' {
		score = int(in.Score[0] - '0')
	}
	comment := strings.TrimSpace(in.Comment)
	errs := map[string]string{}
	if score == 0 {
		errs["note"] = "Choisissez une note de 1 à 5."
	}
	if utf8.RuneCountInString(comment) > MaxComment {
		errs["commentaire"] = "Votre commentaire est trop long : 2 000 caractères au plus."
	}
	if len(errs) > 0 {
		return nil, apperr.Fields(errs)
	}
	var out *models.Rating
	err := m.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		r, err := m.Open(ctx, tx, c, token)
		if err != nil {
			return err
		}
		if r, err = models.LockRating(ctx, tx, c.ID, r.ID); err != nil {
			return err
		}
		if r.RatedAt != nil { // rated meanwhile
			return ErrRated
		}
		now := m.Clock.Now()
		s := int16(score)
		r.Score, r.Comment, r.RatedAt = &s, comment, &now
		cols := []string{"score", "comment", "rated_at"}
		if score <= LowScore {
			r.FollowUp = models.FollowUpOpen
			cols = append(cols, "followup")
		}
		if err := models.UpdateRating(ctx, tx, r, cols...); err != nil {
			return err
		}
		out = r
		return m.record(ctx, tx, r, workflow.Actor{Kind: workflow.KindCitizen, Name: r.Email, CommuneID: c.ID, Channel: workflow.ChannelWeb},
			KindRated, comment, map[string]any{"score": in.Score})
	})
	return out, err
}

// FollowUpInput is what the supervisor records of a follow-up.
type FollowUpInput struct {
	Note  string
	Close bool
}

// RecordFollowUp notes what the supervisor did about a low rating, and
// closes the follow-up when told.
func (m *Manager) RecordFollowUp(ctx context.Context, actor workflow.Actor, id int64, in FollowUpInput) error {
	if !actor.Perms.Has(perm.Supervise) {
		return apperr.New(apperr.Forbidden, "Seul un superviseur suit les notes basses.")
	}
	note := strings.TrimSpace(in.Note)
	switch {
	case note == "":
		return apperr.Field("suivi", "Écrivez ce qui a été fait : un appel, une réponse, une correction…")
	case utf8.RuneCountInString(note) > MaxComment:
		return apperr.Field("suivi", "Ce texte est trop long : 2 000 caractères au plus.")
	}
	return m.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		r, err := models.LockRating(ctx, tx, actor.CommuneID, id)
		if err == models.ErrNotFound || (err == nil && r.FollowUp != models.FollowUpOpen) {
			return apperr.New(apperr.NotFound, "Ce suivi n'existe pas ou est déjà clos.")
		}
		if err != nil {
			return err
		}
		now := m.Clock.Now()
		r.FollowUpNote, r.FollowUpBy, r.FollowUpAt = note, actor.Name, &now
		kind := KindFollowUp
		if in.Close {
			r.FollowUp, kind = models.FollowUpClosed, KindFollowUpClosed
		}
		if err := models.UpdateRating(ctx, tx, r, "followup", "followup_note", "followup_by", "followup_at"); err != nil {
			return err
		}
		return m.record(ctx, tx, r, actor, kind, note, map[string]any{})
	})
}

// record writes a rating's history entry on its demand or conversation
// (an experience has no history: its row says each step).
func (m *Manager) record(ctx context.Context, tx bun.IDB, r *models.Rating, actor workflow.Actor, kind, text string, details map[string]any) error {
	ev := &models.Event{CommuneID: r.CommuneID, At: m.Clock.Now(), Kind: kind, ActorKind: actor.Kind, ActorName: actor.Name,
		Channel: actor.Channel, Message: text, Details: details}
	if actor.ID != 0 {
		ev.ActorID = &actor.ID
	}
	switch {
	case r.DemandID != nil:
		ev.DemandID = *r.DemandID
	case r.ConversationID != nil:
		ev.ConversationID = *r.ConversationID
	default:
		return nil
	}
	return history.Record(ctx, tx, ev)
}

// boundTo tells whether a link's claims name the rating's subject: a link
// made for one demand never rates another.
func boundTo(r *models.Rating, cl links.Claims) bool {
	return cl.DemandID == id(r.DemandID) && cl.ConversationID == id(r.ConversationID) && cl.ExperienceID == id(r.ExperienceID)
}

func id(p *int64) int64 {
	if p == nil {
		return 0
	}
	return *p
}
