package bench

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/uptrace/bun"

	"guichet/conversation"
	"guichet/models"
	"guichet/workflow"
)

// The conversations the seed adds: about one per demand (most about it,
// the others in the general inbox), five messages each on average, a fifth
// of the commune's messages internal notes, a third tagged.

var convSubjects = []string{"Question sur ma demande", "Horaires de la mairie", "Poubelles non ramassées", "Stationnement devant chez moi",
	"Inscription à la cantine", "Carte d'identité perdue", "Bruit la nuit", "Trottoir abîmé", "Permis de construire", "Subvention associative"}

var convQuestions = []string{"Bonjour, où en est ma demande ? Je n'ai pas de nouvelles.", "Pouvez-vous me dire quels documents apporter ?",
	"Je ne sais pas à qui m'adresser pour ce problème.", "Merci de me rappeler, c'est urgent.", "Est-ce que la mairie est ouverte le samedi matin ?",
	"J'ai déjà envoyé la pièce demandée la semaine dernière."}

var convReplies = []string{"Bonjour, votre demande est en cours d'instruction par le service compétent.", "Merci de passer à l'accueil avec une pièce d'identité.",
	"Ce point relève de la préfecture : nous leur avons transmis votre message.", "L'intervention est programmée pour la semaine prochaine.",
	"La mairie est ouverte le samedi de 9 h à 12 h.", "Nous avons bien reçu votre pièce, merci."}

var convNotes = []string{"Voir avec la voirie avant de répondre.", "Usager déjà venu au guichet mardi.", "Relancer le service urbanisme.",
	"Dossier sensible : prévenir l'élu de quartier."}

var convTags = []string{"usager perdu", "transfert", "urgent", "relance", "élu"}

// convRow is a conversation to copy, with its messages, tags and history.
type convRow struct {
	models.Conversation
	messages []models.Message
	tags     []int64
	events   []eventRow
}

// seedTags creates the tags of every commune.
func seedTags(ctx context.Context, db *bun.DB, communes []*commune) error {
	now := time.Now()
	for _, c := range communes {
		for _, name := range convTags {
			t, err := models.TagNamed(ctx, db, c.ID, name, now)
			if err != nil {
				return err
			}
			c.tagIDs = append(c.tagIDs, t.ID)
		}
	}
	return nil
}

// conversations makes the chunk's conversations: one per demand.
func conversations(ctx context.Context, tx pgx.Tx, r *rand.Rand, communes map[int64]*commune, ds []demandRow, now time.Time) ([]convRow, error) {
	ids, err := nextIDs(ctx, tx, "conversations", len(ds))
	if err != nil {
		return nil, err
	}
	cvs := make([]convRow, len(ds))
	nMsg := 0
	for i := range ds {
		d, cv := &ds[i], &cvs[i]
		c := communes[d.CommuneID]
		cv.ID, cv.CommuneID, cv.Version = ids[i], d.CommuneID, 1
		cv.Reference = "M-" + reference(cv.ID, d.CreatedAt)
		cv.CitizenEmail, cv.CitizenName = d.CitizenEmail, d.CitizenName
		cv.Subject = convSubjects[r.IntN(len(convSubjects))]
		cv.CreatedAt = d.CreatedAt.Add(time.Duration(r.Int64N(int64(48 * time.Hour))))
		if d.State != workflow.Draft && r.IntN(10) < 6 {
			cv.DemandID, cv.ProcedureID = &d.ID, &d.ProcedureID
			cv.Subject = "Demande " + d.Reference
		}
		cv.Channel = []string{models.ChannelWeb, models.ChannelWeb, models.ChannelWeb, models.ChannelWeb, models.ChannelWeb,
			models.ChannelWeb, models.ChannelWeb, models.ChannelEmail, models.ChannelPhone, models.ChannelCounter}[r.IntN(10)]
		if r.IntN(10) < 6 {
			a := c.accueil[r.IntN(len(c.accueil))]
			cv.AssigneeID = &a.ID
		}
		if r.IntN(10) == 0 {
			cv.ServiceID = &c.serviceIDs[r.IntN(len(c.serviceIDs))]
		}
		if r.IntN(3) == 0 {
			cv.tags = []int64{c.tagIDs[r.IntN(len(c.tagIDs))]}
		}
		at := cv.CreatedAt
		n := 1 + r.IntN(9)
		citizenTurn := true
		for k := range n {
			m := models.Message{CommuneID: cv.CommuneID, ConversationID: cv.ID, Channel: models.ChannelWeb, CreatedAt: at}
			if k == 0 {
				m.Channel = cv.Channel
			}
			switch {
			case citizenTurn:
				m.AuthorKind, m.AuthorName, m.Body = workflow.KindCitizen, cv.CitizenName, convQuestions[r.IntN(len(convQuestions))]
				cv.CitizenWroteAt = &m.CreatedAt
			default:
				a := c.accueil[r.IntN(len(c.accueil))]
				m.AuthorKind, m.AuthorID, m.AuthorName = workflow.KindAgent, &a.ID, a.Name
				m.Body = convReplies[r.IntN(len(convReplies))]
				if r.IntN(4) == 0 {
					m.Internal, m.Body = true, convNotes[r.IntN(len(convNotes))]
				}
			}
			if !m.Internal {
				citizenTurn = !citizenTurn
			}
			cv.messages = append(cv.messages, m)
			cv.LastMessageAt = at
			at = at.Add(time.Duration(r.Int64N(int64(72 * time.Hour))))
		}
		nMsg += n
		last := cv.messages[len(cv.messages)-1]
		switch {
		case cv.LastMessageAt.Before(now.Add(-30*24*time.Hour)) || r.IntN(10) < 5:
			cv.Status = models.ConvResolved
			resolved := cv.LastMessageAt.Add(time.Hour)
			cv.ResolvedAt = &resolved
		case last.AuthorKind == workflow.KindAgent && !last.Internal:
			cv.Status = models.ConvWaiting
		case len(cv.messages) == 1:
			cv.Status = models.ConvNew
		default:
			cv.Status = models.ConvOpen
		}
		if cv.Status == models.ConvNew || cv.Status == models.ConvOpen {
			// An answer due about five days after the last activity,
			// spread by the id (no draw: the rest of the data stays as it
			// was), as a deadline policy would set it while the clock runs
			// (waiting for the citizen pauses it, a resolution meets it).
			due := cv.LastMessageAt.Add(5*24*time.Hour + time.Duration(cv.ID%120)*time.Hour)
			cv.DueAt = &due
		}
		cv.UpdatedAt = cv.LastMessageAt
		cv.events = append(cv.events, eventRow{at: cv.CreatedAt, kind: conversation.KindOpened, actorKind: cv.messages[0].AuthorKind,
			actorName: cv.messages[0].AuthorName, channel: workflow.ChannelWeb, visibl: models.Public, details: map[string]any{}, assignment: -1})
		for _, m := range cv.messages {
			kind, vis := conversation.KindMessage, models.Public
			if m.Internal {
				kind, vis = conversation.KindNote, models.Internal
			}
			cv.events = append(cv.events, eventRow{at: m.CreatedAt, kind: kind, actorKind: m.AuthorKind, actorID: m.AuthorID,
				actorName: m.AuthorName, channel: workflow.ChannelWeb, visibl: vis, details: map[string]any{"channel": m.Channel}, assignment: -1})
		}
		if cv.Status == models.ConvResolved {
			cv.events = append(cv.events, eventRow{at: *cv.ResolvedAt, kind: conversation.KindStatus, actorKind: workflow.KindAgent,
				actorName: c.accueil[0].Name, actorID: &c.accueil[0].ID, channel: workflow.ChannelWeb, to: models.ConvResolved,
				visibl: models.Internal, details: map[string]any{}, assignment: -1})
		}
	}
	msgIDs, err := nextIDs(ctx, tx, "conversation_messages", nMsg)
	if err != nil {
		return nil, err
	}
	for i := range cvs {
		for k := range cvs[i].messages {
			m := &cvs[i].messages[k]
			m.ID, msgIDs = msgIDs[0], msgIDs[1:]
			m.MailID = fmt.Sprintf("message.%d.%d@banc", m.ConversationID, m.ID)
			cvs[i].events[k+1].details["message_id"] = m.ID
		}
	}
	return cvs, nil
}

// copyConversations copies the chunk's conversations, messages, tags and
// history (evs, chained), then computes their search words as models would (subject and
// names weighted A, messages B), and returns how many rows it wrote.
func copyConversations(ctx context.Context, tx pgx.Tx, cvs []convRow, evs []*models.Event) (int64, error) {
	var convs, msgs, tags, events [][]any
	for i := range cvs {
		cv := &cvs[i]
		convs = append(convs, []any{cv.ID, cv.CommuneID, cv.Reference, cv.Subject, cv.Status, cv.AssigneeID, cv.ServiceID, cv.DemandID,
			cv.ProcedureID, cv.CitizenEmail, cv.CitizenName, cv.Channel, cv.Version, cv.CreatedAt, cv.UpdatedAt, cv.ResolvedAt,
			cv.LastMessageAt, cv.CitizenWroteAt, cv.DueAt})
		for _, m := range cv.messages {
			msgs = append(msgs, []any{m.ID, m.CommuneID, m.ConversationID, m.Internal, m.AuthorKind, m.AuthorID, m.AuthorName, m.Channel, m.Body, m.MailID, m.CreatedAt})
		}
		for _, t := range cv.tags {
			// What conversation_tag_copy would copy (triggers are off during the load).
			tags = append(tags, []any{cv.CommuneID, cv.ID, t, cv.CreatedAt, cv.Status, cv.ServiceID, cv.AssigneeID, cv.MergedInto, cv.LastMessageAt, cv.DueAt})
		}
	}
	for _, e := range evs {
		events = append(events, []any{e.CommuneID, e.ConversationID, e.At, e.Kind, e.ActorKind, e.ActorID, e.ActorName,
			e.Channel, e.FromState, e.ToState, e.Message, e.Visibility, e.Details, e.Seq, e.PrevHash, e.Hash, e.ContentHash})
	}
	copies := []tableRows{
		{"conversations", []string{"id", "commune_id", "reference", "subject", "status", "assignee_id", "service_id", "demand_id",
			"procedure_id", "citizen_email", "citizen_name", "channel", "version", "created_at", "updated_at", "resolved_at",
			"last_message_at", "citizen_wrote_at", "due_at"}, convs},
		{"conversation_messages", []string{"id", "commune_id", "conversation_id", "internal", "author_kind", "author_id", "author_name",
			"channel", "body", "mail_id", "created_at"}, msgs},
		{"conversation_tags", []string{"commune_id", "conversation_id", "tag_id", "created_at", "status", "service_id", "assignee_id",
			"merged_into", "last_message_at", "due_at"}, tags},
		{"demand_events", []string{"commune_id", "conversation_id", "at", "kind", "actor_kind", "actor_id", "actor_name",
			"channel", "from_state", "to_state", "message", "visibility", "details", "seq", "prev_hash", "hash", "content_hash"}, events},
	}
	total, err := copyTables(ctx, tx, copies)
	if err != nil {
		return total, err
	}
	ids := make([]int64, len(cvs))
	for i := range cvs {
		ids[i] = cvs[i].ID
	}
	_, err = tx.Exec(ctx, `UPDATE conversations AS cv SET search =
		setweight(to_tsvector('fr_unaccent', cv.subject || ' ' || cv.citizen_name || ' ' || cv.citizen_email || ' ' || cv.reference), 'A') ||
		setweight(to_tsvector('fr_unaccent', m.bodies), 'B')
		FROM (SELECT conversation_id, string_agg(body, ' ' ORDER BY id) AS bodies FROM conversation_messages
			WHERE conversation_id = ANY($1) GROUP BY 1) AS m
		WHERE cv.id = m.conversation_id AND cv.id = ANY($1)`, ids)
	return total, err
}
