package inbound

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	"guichet/apperr"
	"guichet/conversation"
	"guichet/files"
	"guichet/forms"
	"guichet/models"
	"guichet/workflow"
)

// maxFiles bounds the attachments kept of one mail; the others are listed as refused.
const maxFiles = 10

// found is what a mail answers: a conversation, or a demand without one yet.
type found struct {
	cv     *models.Conversation
	demand *models.Demand
	// trusted: found by what only Guichet's mails carry (the signed reply
	// address, a random Message-ID); otherwise (a reference anyone may
	// copy) the mail must come from the citizen.
	trusted bool
}

// Thread reads a stored message and does what it calls for, recording on
// it what became of it (status, error, conversation).
func (r *Receiver) Thread(ctx context.Context, m *models.InboundMessage) error {
	return r.run(ctx, m, false)
}

// Accept threads a held message as its conversation's citizen's, an agent
// having checked who wrote it.
func (r *Receiver) Accept(ctx context.Context, communeID, id int64) (*models.InboundMessage, error) {
	m, err := models.InboundByID(ctx, r.DB, communeID, id)
	if err != nil {
		return nil, err
	}
	if m.Status != models.InboundHeld {
		return m, apperr.New(apperr.Conflict, "Ce message n'est plus en attente : il a déjà été traité.")
	}
	return m, r.run(ctx, m, true)
}

func (r *Receiver) run(ctx context.Context, m *models.InboundMessage, accepted bool) error {
	err := r.thread(ctx, m, accepted)
	if err != nil {
		m.Error = err.Error()
		if e := apperr.As(err); e.Code == apperr.TooMany || e.Code == apperr.Invalid {
			m.Status, m.Error = models.InboundRefused, e.Message+fieldText(e)
			err = nil
		}
	}
	return errors.Join(err, models.UpdateInbound(ctx, r.DB, m))
}

func fieldText(e *apperr.Error) string {
	var s []string
	for _, v := range e.Fields {
		s = append(s, v)
	}
	return strings.Join(s, " ")
}

func (r *Receiver) thread(ctx context.Context, m *models.InboundMessage, accepted bool) error {
	raw, err := OpenRaw(ctx, r.DB, m)
	if err != nil {
		return err
	}
	defer raw.Close()
	cm, err := models.CommuneByID(ctx, r.DB, m.CommuneID)
	if err != nil {
		return err
	}
	var uploads []conversation.Upload
	var received []*files.Upload
	var refused []string
	defer func() {
		for _, u := range received {
			u.Discard()
		}
	}()
	p, err := parse(raw, func(pt part) error {
		name := files.Name(pt.Name, files.Kind{})
		if len(uploads) >= maxFiles {
			refused = append(refused, fmt.Sprintf("« %s » : trop de pièces jointes (%d au plus)", name, maxFiles))
			return nil
		}
		up, err := r.Files.Receive(pt.Body, r.MaxFileSize)
		var bad *files.RefusedError
		switch {
		case errors.Is(err, files.ErrTooLarge):
			refused = append(refused, fmt.Sprintf("« %s » : trop volumineux (%d Mo au plus)", name, r.MaxFileSize/1_000_000))
		case errors.As(err, &bad):
			refused = append(refused, fmt.Sprintf("« %s » : %s", name, bad.Reason()))
		case err != nil:
			return err
		default:
			received = append(received, up)
			k, _ := files.KindOf(up.ContentType)
			uploads = append(uploads, conversation.Upload{File: models.ConversationFile{Filename: files.Name(pt.Name, k),
				ContentType: up.ContentType, Size: up.Size, SHA256: up.SHA256}, Keep: up.Keep})
		}
		return nil
	})
	if err != nil {
		return err
	}
	m.Sender, m.Subject, m.MessageID, m.Error = p.From, clip(forms.Clean(p.Subject), 200), p.MessageID, ""
	if dup, err := r.duplicate(ctx, m); err != nil || dup {
		m.Status = models.InboundDuplicate
		return err
	}
	if p.Report || (m.EnvelopeFrom == "" && !p.AutoReply) {
		return r.bounce(ctx, m, p)
	}
	f, err := r.find(ctx, m, p)
	if err != nil {
		return err
	}
	if f.cv != nil {
		m.ConversationID = &f.cv.ID
	}
	if p.AutoReply {
		m.Status = models.InboundAutoReply // recorded, answering nothing
		return nil
	}
	if p.From == "" {
		m.Status, m.Error = models.InboundRefused, "Message sans expéditeur (From) : rien à quoi répondre."
		return nil
	}
	in := r.message(p, m, refused, uploads)
	var msg *models.Message
	switch {
	case f.cv != nil && (accepted || sameAddress(p.From, f.cv.CitizenEmail)):
		actor := conversation.CitizenOf(f.cv)
		actor.Channel = workflow.ChannelEmail
		if !sameAddress(p.From, f.cv.CitizenEmail) {
			actor.Name = nameOr(p.FromName, p.From) + " <" + p.From + ">" // accepted: who wrote it stays visible
		}
		var cv *models.Conversation
		cv, msg, err = r.Conversations.Post(ctx, cm, actor, f.cv.ID, in)
		if cv != nil {
			m.ConversationID = &cv.ID
		}
	case f.cv != nil:
		var outside bool
		if outside, err = r.forwardedTo(ctx, f.cv, p.From); err != nil {
			return err
		}
		if !outside {
			// Kept, not shown to the citizen nor taken for theirs: an agent accepts it or not.
			m.Status = models.InboundHeld
			return nil
		}
		// The outside interlocutor's answer is a note for the team, who relays it.
		in.Internal = true
		_, msg, err = r.Conversations.Post(ctx, cm, workflow.Actor{Kind: workflow.KindSystem, Name: p.From, CommuneID: cm.ID, Channel: workflow.ChannelEmail}, f.cv.ID, in)
	case f.demand != nil:
		if !accepted && !sameAddress(p.From, f.demand.CitizenEmail) {
			m.Status = models.InboundHeld
			return nil
		}
		var pr *models.Procedure
		if pr, err = models.ProcedureByID(ctx, r.DB, cm.ID, f.demand.ProcedureID); err != nil {
			return err
		}
		actor := conversation.CitizenOfDemand(f.demand)
		actor.Channel = workflow.ChannelEmail
		var cv *models.Conversation
		if cv, err = r.Conversations.WriteAboutDemand(ctx, cm, f.demand, pr, actor, in); err == nil {
			m.ConversationID = &cv.ID
		}
	default: // the commune's general inbox
		actor := conversation.Citizen(cm.ID, nameOr(p.FromName, p.From))
		actor.Channel = workflow.ChannelEmail
		var cv *models.Conversation
		cv, _, err = r.Conversations.Open(ctx, cm, actor, conversation.OpenInput{Subject: nameOr(m.Subject, "(sans objet)"),
			Email: p.From, Name: nameOr(clip(p.FromName, 200), p.From), Message: in, Client: "mail:" + p.From})
		if err == nil {
			m.ConversationID = &cv.ID
		}
	}
	if err != nil {
		if isDuplicateMail(err) {
			m.Status = models.InboundDuplicate
			return nil
		}
		return err
	}
	m.Status = models.InboundThreaded
	if msg != nil {
		m.ConversationMessageID = &msg.ID
	} else if m.ConversationID != nil && m.MessageID != "" {
		var id []int64
		if err := r.DB.NewRaw("SELECT id FROM conversation_messages WHERE commune_id = ? AND mail_id = ?", m.CommuneID, m.MessageID).Scan(ctx, &id); err == nil && len(id) > 0 {
			m.ConversationMessageID = &id[0]
		}
	}
	return nil
}

// message is a mail's text as a conversation message: the new part, the
// rest folded, the attachments refused listed.
func (r *Receiver) message(p *parsed, m *models.InboundMessage, refused []string, uploads []conversation.Upload) conversation.MessageInput {
	fresh, folded := split(forms.Clean(p.Text))
	if len(refused) > 0 {
		fresh += "\n\nPièces jointes refusées :\n- " + strings.Join(refused, "\n- ")
	}
	fresh = strings.TrimSpace(fresh)
	if fresh == "" {
		fresh = "(message sans texte)"
	}
	if utf8.RuneCountInString(fresh) > conversation.MaxBody {
		head := clip(fresh, conversation.MaxBody-20)
		folded = strings.TrimSpace(fresh[len(head):] + "\n\n" + folded)
		fresh = head + " […]"
	}
	return conversation.MessageInput{Body: fresh, Folded: folded, Channel: models.ChannelEmail, MailID: m.MessageID, Files: uploads}
}

// duplicate tells a Message-ID already received by the commune (a
// reply-all reaching two of its addresses, a retry).
func (r *Receiver) duplicate(ctx context.Context, m *models.InboundMessage) (bool, error) {
	if m.MessageID == "" {
		return false, nil
	}
	n, err := r.DB.NewSelect().Model((*models.InboundMessage)(nil)).
		Where("commune_id = ? AND message_id = ? AND id <> ? AND status IN (?)", m.CommuneID, m.MessageID, m.ID,
			[]any{models.InboundThreaded, models.InboundHeld, models.InboundAutoReply, models.InboundBounce}).Count(ctx)
	if err != nil || n > 0 {
		return n > 0, err
	}
	n, err = r.DB.NewSelect().Model((*models.Message)(nil)).Where("mail_id = ?", m.MessageID).Count(ctx)
	return n > 0, err
}

func isDuplicateMail(err error) bool {
	return strings.Contains(err.Error(), "conversation_messages_mail_id_key")
}

var (
	convRefRe   = regexp.MustCompile(`\bM-(\d{4}-[0-9A-Z]{4}-[0-9A-Z]{4})\b`)
	demandRefRe = regexp.MustCompile(`(?:^|[^-0-9A-Z])(\d{4}-[0-9A-Z]{4}-[0-9A-Z]{4})\b`)
)

// find threads a mail: the signed reply address it was sent to, then the
// Message-IDs it answers, then a reference in its subject from the right
// sender; nothing found is the general inbox.
func (r *Receiver) find(ctx context.Context, m *models.InboundMessage, p *parsed) (found, error) {
	for _, a := range strings.Split(m.EnvelopeTo, ",") {
		t, ok, err := r.Resolve(ctx, a)
		if err != nil {
			return found{}, err
		}
		if ok && t.CommuneID == m.CommuneID && t.ConversationID != 0 {
			cv, err := r.conversation(ctx, m.CommuneID, t.ConversationID)
			if err == nil {
				return found{cv: cv, trusted: true}, nil
			}
			if err != models.ErrNotFound {
				return found{}, err
			}
		}
	}
	for _, id := range p.References {
		f, err := r.byMessageID(ctx, m.CommuneID, id)
		if err != nil || f.cv != nil || f.demand != nil {
			return f, err
		}
	}
	subject := strings.ToUpper(p.Subject)
	if ref := convRefRe.FindStringSubmatch(subject); ref != nil {
		cv, err := models.ConversationByReference(ctx, r.DB, m.CommuneID, "M-"+ref[1])
		if err == nil && sameAddress(p.From, cv.CitizenEmail) {
			return found{cv: cv}, nil
		}
	}
	if ref := demandRefRe.FindStringSubmatch(subject); ref != nil {
		d, err := models.DemandByReference(ctx, r.DB, m.CommuneID, ref[1])
		if err == nil && sameAddress(p.From, d.CitizenEmail) {
			return r.ofDemand(ctx, d, false)
		}
	}
	return found{}, nil
}

// byMessageID finds what a Message-ID names: a mail Guichet sent (the
// outbox), a conversation's message, a mail received, or a thread's root.
func (r *Receiver) byMessageID(ctx context.Context, communeID int64, id string) (found, error) {
	var rows []struct {
		ConversationID *int64
		DemandID       *int64
	}
	err := r.DB.NewRaw(`SELECT conversation_id, demand_id FROM outbox_mails WHERE commune_id = ? AND message_id = ?
UNION ALL SELECT conversation_id, NULL FROM conversation_messages WHERE commune_id = ? AND mail_id = ?
UNION ALL SELECT conversation_id, NULL FROM inbound_messages WHERE commune_id = ? AND message_id = ? AND conversation_id IS NOT NULL
LIMIT 1`, communeID, id, communeID, id, communeID, id).Scan(ctx, &rows)
	if err != nil {
		return found{}, err
	}
	if len(rows) > 0 {
		switch {
		case rows[0].ConversationID != nil:
			cv, err := r.conversation(ctx, communeID, *rows[0].ConversationID)
			return found{cv: cv, trusted: true}, err
		case rows[0].DemandID != nil:
			d, err := models.DemandByID(ctx, r.DB, communeID, *rows[0].DemandID)
			if err != nil {
				return found{}, err
			}
			return r.ofDemand(ctx, d, true)
		}
	}
	// A thread's root names a reference, which anyone may copy: the citizen's check applies.
	local, _, _ := strings.Cut(id, "@")
	if ref, ok := strings.CutPrefix(local, "conversation-"); ok {
		if cv, err := models.ConversationByReference(ctx, r.DB, communeID, ref); err == nil {
			return found{cv: cv}, nil
		}
	}
	if ref, ok := strings.CutPrefix(local, "demande-"); ok {
		if d, err := models.DemandByReference(ctx, r.DB, communeID, ref); err == nil {
			return r.ofDemand(ctx, d, false)
		}
	}
	return found{}, nil
}

// ofDemand is a demand's conversation with its citizen, or the demand.
func (r *Receiver) ofDemand(ctx context.Context, d *models.Demand, trusted bool) (found, error) {
	cv, _, err := conversation.AboutDemand(ctx, r.DB, d)
	if err != nil || cv == nil {
		return found{demand: d, trusted: trusted}, err
	}
	return found{cv: cv, trusted: trusted}, nil
}

// conversation reads a conversation, following its merge.
func (r *Receiver) conversation(ctx context.Context, communeID, id int64) (*models.Conversation, error) {
	for range 10 {
		cv, err := models.ConversationByID(ctx, r.DB, communeID, id)
		if err != nil || cv.MergedInto == nil {
			return cv, err
		}
		id = *cv.MergedInto
	}
	return nil, fmt.Errorf("inbound: conversation %d merged too many times", id)
}

// forwardedTo tells whether a conversation was forwarded to this address.
func (r *Receiver) forwardedTo(ctx context.Context, cv *models.Conversation, addr string) (bool, error) {
	n, err := r.DB.NewSelect().Model((*models.Event)(nil)).
		Where("commune_id = ? AND conversation_id = ? AND kind = ? AND lower(details->>'to') = ?", cv.CommuneID, cv.ID, conversation.KindForwarded, strings.ToLower(addr)).Count(ctx)
	return n > 0, err
}

// bounce marks the mails a delivery failure answers as undelivered.
func (r *Receiver) bounce(ctx context.Context, m *models.InboundMessage, p *parsed) error {
	m.Status = models.InboundBounce
	why := nameOr(p.Diagnostic, "adresse injoignable")
	for _, id := range p.Bounced {
		var convs []*int64
		err := r.DB.NewRaw(`UPDATE outbox_mails SET bounced_at = ?, bounce = ? WHERE commune_id = ? AND message_id = ? RETURNING conversation_id`,
			r.Clock.Now(), clip(why, 500), m.CommuneID, id).Scan(ctx, &convs)
		if err != nil {
			return err
		}
		if len(convs) > 0 && convs[0] != nil {
			m.ConversationID = convs[0]
		}
	}
	return nil
}

func sameAddress(a, b string) bool {
	return a != "" && strings.EqualFold(strings.TrimSpace(a), strings.TrimSpace(b))
}

func clip(s string, n int) string {
	s = strings.TrimSpace(s)
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n])
}
