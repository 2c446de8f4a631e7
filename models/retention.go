package models

import (
	"context"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"guichet/calendar"
)

// Retention's queries (the rules and their figures are retention/'s). A
// day is a Paris calendar day: a demand decided on D with N months is
// anonymised on D + N months (a missing day giving the month's last), not
// before.

// Kinds of what retention anonymises.
const (
	ExpiringDemand       = "demand"       // a decided demand
	ExpiringDraft        = "draft"        // a draft left untouched
	ExpiringConversation = "conversation" // a conversation without a demand, resolved
)

// RetentionRules are the numbers the queries need.
type RetentionRules struct {
	DraftMonths     int // a draft untouched that long expires…
	DraftNoticeDays int // …told that many days before, at least
}

// Expiring is a demand or a conversation and the day it is anonymised.
type Expiring struct {
	Kind      string
	CommuneID int64
	ID        int64
	Reference string
	Title     string // the procedure's title ("" for a conversation)
	State     string // the demand's state or the conversation's status
	Day       time.Time
}

// parisDay is a timestamp's Paris calendar day, in SQL.
func parisDay(col string) string { return "(" + col + " AT TIME ZONE 'Europe/Paris')::date" }

// plusMonths is a date N months later, the month's last day when it lacks one.
func plusMonths(date, months string) string {
	return "(" + date + " + make_interval(months => " + months + "))::date"
}

// draftDay is the day a draft expires: its untouched months over, and its
// notice gone DraftNoticeDays before (today, if it has not gone yet). A
// notice older than the draft's last change does not count.
func draftDay() string {
	notice := "CASE WHEN d.expiry_notice_at >= d.updated_at THEN " + parisDay("d.expiry_notice_at") + " END"
	return "greatest(" + plusMonths(parisDay("d.updated_at"), "?3") + ", coalesce(" + notice + ", ?1::date) + ?4)"
}

// slack covers, in the coarse bounds the indexes serve, a month's missing
// days and a Paris day's offset from UTC.
const slack = "interval '5 days'"

// Expirings lists what is anonymised on or before the day through (today:
// what is due; later: a forecast), a commune's (communeID 0: every
// commune), by day, at most limit (0: no limit). today is the day the
// forecast is made.
func Expirings(ctx context.Context, db bun.IDB, communeID int64, r RetentionRules, today, through calendar.Date, limit int) ([]Expiring, error) {
	return expirings(ctx, db, communeID, r, today, through, limit, true)
}

// DueExpirings is Expirings of what is due on today, in no order: the
// scan stops at limit, however long the backlog (the first run on years
// of history), which each batch anonymised shortens.
func DueExpirings(ctx context.Context, db bun.IDB, r RetentionRules, today calendar.Date, limit int) ([]Expiring, error) {
	return expirings(ctx, db, 0, r, today, today, limit, false)
}

func expirings(ctx context.Context, db bun.IDB, communeID int64, r RetentionRules, today, through calendar.Date, limit int, ordered bool) ([]Expiring, error) {
	decided := plusMonths(parisDay("d.decided_at"), "p.retention_months")
	q := `
	SELECT * FROM (
		SELECT 'demand' AS kind, d.commune_id, d.id, d.reference, v.title, d.state, ` + decided + ` AS day
		FROM procedures p
		JOIN procedure_versions v ON v.procedure_id = p.id AND v.number = p.latest
		JOIN demands d ON d.commune_id = p.commune_id AND d.procedure_id = p.id
		WHERE (?0 = 0 OR p.commune_id = ?0)
			AND d.anonymised_at IS NULL AND d.decided_at IS NOT NULL
			AND d.decided_at < ?2::date + ` + slack + ` - make_interval(months => p.retention_months)
			AND ` + decided + ` <= ?2::date
		UNION ALL
		SELECT 'draft', d.commune_id, d.id, d.reference, v.title, d.state, ` + draftDay() + `
		FROM demands d
		JOIN procedures p ON p.id = d.procedure_id
		JOIN procedure_versions v ON v.procedure_id = p.id AND v.number = p.latest
		WHERE (?0 = 0 OR d.commune_id = ?0) AND d.state = 'draft' AND d.anonymised_at IS NULL
			AND d.updated_at < ?2::date + ` + slack + ` - make_interval(months => ?3)
			AND ` + draftDay() + ` <= ?2::date
		UNION ALL
		SELECT 'conversation', cv.commune_id, cv.id, cv.reference, '', cv.status, ` + plusMonths(parisDay("cv.resolved_at"), "c.conversation_retention_months") + `
		FROM communes c
		JOIN conversations cv ON cv.commune_id = c.id
		WHERE (?0 = 0 OR c.id = ?0)
			AND cv.anonymised_at IS NULL AND cv.resolved_at IS NOT NULL AND cv.demand_id IS NULL AND cv.status = 'resolved'
			AND cv.resolved_at < ?2::date + ` + slack + ` - make_interval(months => c.conversation_retention_months)
			AND ` + plusMonths(parisDay("cv.resolved_at"), "c.conversation_retention_months") + ` <= ?2::date
	) e`
	if ordered {
		q += " ORDER BY day, kind, id"
	}
	if limit > 0 {
		q += " LIMIT ?5"
	}
	var out []Expiring
	err := db.NewRaw(q, communeID, today.String(), through.String(), r.DraftMonths, r.DraftNoticeDays, limit).Scan(ctx, &out)
	return out, err
}

// DraftsToWarn lists the drafts (of every commune) whose expiry notice is
// due on today: untouched for DraftMonths less DraftNoticeDays, not told
// since their last change. The rows are locked, skipping those another
// run holds.
func DraftsToWarn(ctx context.Context, tx bun.Tx, r RetentionRules, today calendar.Date, limit int64) ([]Demand, error) {
	var ds []Demand
	err := tx.NewSelect().Model(&ds).
		Where("state = 'draft' AND anonymised_at IS NULL AND (expiry_notice_at IS NULL OR expiry_notice_at < updated_at)").
		Where("updated_at < ?::date + "+slack+" + make_interval(days => ?) - make_interval(months => ?)", today.String(), r.DraftNoticeDays, r.DraftMonths).
		Where(plusMonths(parisDay("updated_at"), "?")+" - ? <= ?::date", r.DraftMonths, r.DraftNoticeDays, today.String()).
		OrderExpr("id").Limit(limit).For("UPDATE SKIP LOCKED").Scan(ctx)
	return ds, err
}

// MarkExpiryNotice records that a draft's citizen was told of its expiry.
func MarkExpiryNotice(ctx context.Context, db bun.IDB, d *Demand, at time.Time) error {
	d.ExpiryNoticeAt = &at
	_, err := db.NewUpdate().Model(d).Column("expiry_notice_at").WherePK().Exec(ctx)
	return err
}

// KeepDraft counts a draft as touched at now (its citizen asked to keep
// it): its untouched months start again. It reports whether the draft was
// still there to keep.
func KeepDraft(ctx context.Context, db bun.IDB, communeID, id int64, now time.Time) (bool, error) {
	res, err := db.NewUpdate().Model((*Demand)(nil)).Set("updated_at = ?, expiry_notice_at = NULL", now).
		Where("commune_id = ? AND id = ? AND state = 'draft' AND anonymised_at IS NULL", communeID, id).Exec(ctx)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// SetRetention sets the months a commune's procedures keep their decided
// demands (by procedure id) and its conversations theirs.
func SetRetention(ctx context.Context, db *bun.DB, communeID int64, procedures map[int64]int, conversations int) error {
	return db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		for id, n := range procedures {
			if _, err := tx.NewUpdate().Model((*Procedure)(nil)).Set("retention_months = ?", n).
				Where("commune_id = ? AND id = ?", communeID, id).Exec(ctx); err != nil {
				return err
			}
		}
		_, err := tx.NewUpdate().Model((*Commune)(nil)).Set("conversation_retention_months = ?", conversations).
			Where("id = ?", communeID).Exec(ctx)
		return err
	})
}

// Erased is what an anonymisation took away that lives outside its rows:
// the stored contents its files referred to (deleted once unused).
// and the conversations anonymised (a demand's go with it).
type Erased struct {
	Files         []string
	Conversations []int64
}

// AnonymiseDemand erases, under the demand's lock, a demand's citizen
// identity, answers, texts and files, and its mails' texts, and marks it
// anonymised at now; it keeps its reference, procedure, motif, tags,
// states, dates, services and delays. Its history entries keep their
// content hash (EraseEventText), so the chain verifies. It reports false
// for a demand anonymised already.
func AnonymiseDemand(ctx context.Context, tx bun.Tx, communeID, id int64, now time.Time, out *Erased) (bool, error) {
	d, err := LockDemand(ctx, tx, communeID, id)
	if err != nil || d.AnonymisedAt != nil {
		return false, err
	}
	if _, err := tx.NewUpdate().Model((*Demand)(nil)).
		Set("citizen_email = '', citizen_name = '', data = '{}', correction_message = '', submit_token = NULL, anonymised_at = ?", now).
		Where("commune_id = ? AND id = ?", communeID, id).Exec(ctx); err != nil {
		return false, err
	}
	if err := EraseEventText(ctx, tx, communeID, id); err != nil {
		return false, err
	}
	var shas []string
	if err := tx.NewDelete().Model((*Attachment)(nil)).Where("commune_id = ? AND demand_id = ?", communeID, id).
		Returning("sha256").Scan(ctx, &shas); err != nil {
		return false, err
	}
	out.Files = append(out.Files, shas...)
	if err := eraseLinked(ctx, tx, "demand_id", communeID, id); err != nil {
		return false, err
	}
	var convs []int64
	if err := tx.NewSelect().Model((*Conversation)(nil)).Column("id").
		Where("commune_id = ? AND demand_id = ?", communeID, id).Order("id").Scan(ctx, &convs); err != nil {
		return false, err
	}
	for _, cv := range convs {
		if _, err := AnonymiseConversation(ctx, tx, communeID, cv, now, out); err != nil {
			return false, err
		}
	}
	return true, nil
}

// AnonymiseConversation erases, under the conversation's lock, its
// citizen's identity, its subject, messages, notes, held replies, mails
// received (raw and parsed) and sent, its search words and files, and marks
// it anonymised at now; its reference, status, dates, team and tags stay.
// It reports false for one anonymised already.
func AnonymiseConversation(ctx context.Context, tx bun.Tx, communeID, id int64, now time.Time, out *Erased) (bool, error) {
	cv, err := LockConversation(ctx, tx, communeID, id)
	if err != nil || cv.AnonymisedAt != nil {
		return false, err
	}
	steps := []struct {
		q    string
		args []any
	}{
		{"UPDATE conversations SET subject = ?, citizen_email = '', citizen_name = '', search = ''::tsvector, anonymised_at = ? WHERE commune_id = ? AND id = ?",
			[]any{AnonymisedSubject, now, communeID, id}},
		{"UPDATE conversation_messages SET body = '', folded = '', author_name = CASE WHEN author_kind = 'citizen' THEN '' ELSE author_name END WHERE commune_id = ? AND conversation_id = ?",
			[]any{communeID, id}},
		{"UPDATE pending_replies SET body = '', comment = '' WHERE commune_id = ? AND conversation_id = ?", []any{communeID, id}},
		{"DELETE FROM inbound_chunks WHERE commune_id = ? AND inbound_id IN (SELECT id FROM inbound_messages WHERE commune_id = ? AND conversation_id = ?)",
			[]any{communeID, communeID, id}},
		{"UPDATE inbound_messages SET envelope_from = '', envelope_to = '', subject = '', sender = '', error = '' WHERE commune_id = ? AND conversation_id = ?",
			[]any{communeID, id}},
	}
	for _, s := range steps {
		if _, err := tx.NewRaw(s.q, s.args...).Exec(ctx); err != nil {
			return false, err
		}
	}
	var shas []string
	if err := tx.NewDelete().Model((*ConversationFile)(nil)).Where("commune_id = ? AND conversation_id = ?", communeID, id).
		Returning("sha256").Scan(ctx, &shas); err != nil {
		return false, err
	}
	out.Files = append(out.Files, shas...)
	if err := eraseLinked(ctx, tx, "conversation_id", communeID, id); err != nil {
		return false, err
	}
	out.Conversations = append(out.Conversations, id)
	return true, eraseEventText(ctx, tx, "conversation_id", communeID, id)
}

// AnonymisedSubject is an anonymised conversation's subject.
const AnonymisedSubject = "Conversation anonymisée"

// eraseLinked erases what other tables hold of a demand's or a
// conversation's citizen: the mails not sent yet go, those sent lose their
// texts and recipients; ratings lose the address and comment (the score
// stays, for the indicators); escalations lose the problem restated.
func eraseLinked(ctx context.Context, tx bun.Tx, col string, communeID, id int64) error {
	for _, q := range []string{
		"DELETE FROM outbox_mails WHERE commune_id = ?0 AND " + col + " = ?1 AND status = ?2",
		"UPDATE outbox_mails SET recipient = '', subject = '', body_text = '', body_html = '', last_error = '', bounce = '' WHERE commune_id = ?0 AND " + col + " = ?1",
		"UPDATE ratings SET email = '', comment = '', followup_note = '' WHERE commune_id = ?0 AND " + col + " = ?1",
		"UPDATE escalations SET problem = ?3, note = '' WHERE commune_id = ?0 AND " + col + " = ?1",
	} {
		if _, err := tx.NewRaw(q, communeID, id, MailPending, AnonymisedText).Exec(ctx); err != nil {
			return err
		}
	}
	return nil
}

// AnonymisedText stands for an erased text that may not be empty.
const AnonymisedText = "(anonymisé)"

// EraseMailsReceivedFrom erases the mails received from an address that
// were threaded nowhere (held, refused, bounces): they belong to no
// conversation that could be anonymised.
func EraseMailsReceivedFrom(ctx context.Context, db bun.IDB, communeID int64, email string) (int, error) {
	// The raw mail (its chunks) goes with the row's texts.
	var n int
	err := db.NewRaw(`WITH erased AS (
			UPDATE inbound_messages SET envelope_from = '', envelope_to = '', subject = '', sender = '', error = ''
			WHERE commune_id = ? AND conversation_id IS NULL AND (lower(sender) = lower(?) OR lower(envelope_from) = lower(?))
			RETURNING commune_id, id),
		gone AS (DELETE FROM inbound_chunks AS c USING erased AS e WHERE c.commune_id = e.commune_id AND c.inbound_id = e.id)
		SELECT count(*) FROM erased`, communeID, email, email).Scan(ctx, &n)
	return n, err
}

// ForgetEndedRateLimits drops the counters whose window ended by now: their
// keys hold addresses, which nothing needs once the window is over.
func ForgetEndedRateLimits(ctx context.Context, db bun.IDB, now time.Time) error {
	_, err := db.NewRaw("DELETE FROM rate_limits WHERE expires_at <= ?", now).Exec(ctx)
	return err
}

// ForgetRateLimits drops the counters keyed by an address.
func ForgetRateLimits(ctx context.Context, db bun.IDB, email string) error {
	_, err := db.NewRaw("DELETE FROM rate_limits WHERE key LIKE ?", "%:email:"+likeEscaped(strings.ToLower(email))).Exec(ctx)
	return err
}

// likeEscaped is s matched literally by LIKE.
func likeEscaped(s string) string {
	return strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`).Replace(s)
}
