// Package inbound receives mail: the SMTP/LMTP listener (smtp.go) hands
// each message to a Receiver, which stores it raw, gzipped, before reading
// anything of it (a parsing failure loses nothing: Replay reads it again),
// then threads it into a conversation (thread.go). Auto-replies and
// bounces are recorded and answer nothing; a bounce marks the mail it
// answers as undelivered.
package inbound

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"

	"github.com/uptrace/bun"

	"guichet/clock"
	"guichet/conversation"
	"guichet/files"
	"guichet/links"
	"guichet/models"
)

// MaxSize bounds a message received (refused as soon as it passes it: ErrTooLarge).
const MaxSize = 25 << 20

// OpenPerHour is how many new conversations one sender may open by mail in
// an hour: the portal's limit per address (conversation.OpenPerAddress).
const OpenPerHour = conversation.OpenPerAddress

// Receiver stores and threads the mail received.
type Receiver struct {
	DB            *bun.DB
	Conversations *conversation.Manager
	Links         *links.Signer
	Files         *files.Store
	Clock         clock.Clock
	Log           *slog.Logger
	MaxFileSize   int64
	// SpoolDir is where a message is written as it is read, before it is
	// stored ("": the system's temporary directory).
	SpoolDir string
}

// Target is where a recipient address leads: a commune, and the
// conversation its signed reply address names (0: its general inbox).
type Target struct {
	CommuneID, ConversationID int64
}

// Resolve tells where a recipient address leads: a conversation's signed
// reply address (reponse+TOKEN@…), or a commune's public address; ok false
// for any other, which the listener refuses.
func (r *Receiver) Resolve(ctx context.Context, addr string) (Target, bool, error) {
	addr = strings.ToLower(strings.TrimSpace(addr))
	local, _, found := strings.Cut(addr, "@")
	if !found {
		return Target{}, false, nil
	}
	if tok, ok := strings.CutPrefix(local, "reponse+"); ok {
		if c, v, err := r.Links.VerifyReplyToken(tok); err == nil {
			return Target{CommuneID: c, ConversationID: v}, true, nil
		}
	}
	var ids []int64
	err := r.DB.NewSelect().Model((*models.Commune)(nil)).Column("id").
		Where("active AND (lower(email) = ? OR lower(mail_from_address) = ?)", addr, addr).Order("id").Limit(1).Scan(ctx, &ids)
	if err != nil || len(ids) == 0 {
		return Target{}, false, err
	}
	return Target{CommuneID: ids[0]}, true, nil
}

// Deliver stores a message received for these recipients (resolved
// addresses: Resolve), one row per commune, and returns once they are
// committed: only then may the sender be told it is accepted. The body is
// read as it comes, gzipped into a temporary file, then copied in chunks:
// a message of any size is in memory a buffer at a time. Threading follows
// (Thread); its failure leaves the message stored.
func (r *Receiver) Deliver(ctx context.Context, from string, to []string, body io.Reader) ([]*models.InboundMessage, error) {
	sp, err := r.spool(body)
	if err != nil {
		return nil, err
	}
	defer sp.Close()
	return r.store(ctx, from, to, sp)
}

func (r *Receiver) spool(body io.Reader) (*spool, error) {
	dir := r.SpoolDir
	if dir == "" {
		dir = os.TempDir()
	}
	return newSpool(dir, body)
}

func (r *Receiver) store(ctx context.Context, from string, to []string, sp *spool) ([]*models.InboundMessage, error) {
	byCommune := map[int64][]string{}
	var order []int64
	for _, a := range to {
		t, ok, err := r.Resolve(ctx, a)
		if err != nil {
			return nil, err
		}
		if !ok {
			continue
		}
		if _, seen := byCommune[t.CommuneID]; !seen {
			order = append(order, t.CommuneID)
		}
		byCommune[t.CommuneID] = append(byCommune[t.CommuneID], strings.ToLower(a))
	}
	if len(order) == 0 {
		return nil, fmt.Errorf("inbound: no known recipient")
	}
	now, id := r.Clock.Now(), sp.messageID()
	var out []*models.InboundMessage
	err := r.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		for _, c := range order {
			m := &models.InboundMessage{CommuneID: c, ReceivedAt: now, EnvelopeFrom: strings.ToLower(from),
				EnvelopeTo: strings.Join(byCommune[c], ","), MessageID: id, Size: sp.size}
			if err := models.InsertInbound(ctx, tx, m); err != nil {
				return err
			}
			if err := sp.store(ctx, tx, m); err != nil {
				return err
			}
			out = append(out, m)
		}
		return nil
	})
	return out, err
}

// Receive stores then threads a message; the threading's failure is
// logged and kept on the message (its error), for a replay.
func (r *Receiver) Receive(ctx context.Context, from string, to []string, body io.Reader) error {
	sp, err := r.spool(body)
	if err != nil {
		return err
	}
	defer sp.Close()
	return r.receive(ctx, from, to, sp)
}

func (r *Receiver) receive(ctx context.Context, from string, to []string, sp *spool) error {
	ms, err := r.store(ctx, from, to, sp)
	if err != nil {
		return err
	}
	for _, m := range ms {
		if err := r.Thread(ctx, m); err != nil {
			r.Log.Error("inbound: threading failed, message kept", "commune", m.CommuneID, "id", m.ID, "err", err)
		}
	}
	return nil
}

// Replay reads a stored message again and threads it, as on its arrival:
// after a failure (a parsing error, a file store unavailable) or a refusal.
func (r *Receiver) Replay(ctx context.Context, communeID, id int64) (*models.InboundMessage, error) {
	m, err := models.InboundByID(ctx, r.DB, communeID, id)
	if err != nil {
		return nil, err
	}
	if m.Status != models.InboundStored && m.Status != models.InboundRefused {
		return m, fmt.Errorf("inbound: message %d is %s already", id, m.Status)
	}
	return m, r.Thread(ctx, m)
}
