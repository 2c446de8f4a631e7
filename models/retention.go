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
	ExpiringMail         = "mail"         // a mail received that no conversation took
)

// RetentionRules are the numbers the queries need.
type RetentionRules struct {
	DraftMonths     int // a draft untouched that long expires…
	DraftNoticeDays int // …told that many days before, at least
}

// Expiring is a demand, a conversation or a mail received and the day it
// is anonymised.
type Expiring struct {
	Kind      string
	CommuneID int64
	ID        int64
	Reference string // "" for a mail
	Title     string // the procedure's title ("" for a conversation or a mail)
	State     string // the demand's state, the conversation's or the mail's status
	Day       time.Time
}

// parisDay is a timestamp's Paris calendar day, in SQL.
func parisDay(col string) string { return "(" + col + " AT TIME ZONE 'Europe/Paris')::date" }

// plusMonths is a date N months later, the month's last day when it lacks one.
func plusMonths(date, months string) string {
	return "(" + date + " + make_interval(months => " + months + "))::date"
}

// slack covers, in the coarse bounds the indexes serve, a month's missing
// days and a Paris day's offset from UTC.
const slack = "interval '5 days'"

// A span is the days (after, through], as SQL date expressions
// ("'-infinity'::date" for no start).
type span struct{ after, through string }

// partsOf asks for the parts of what retention anonymises within a span:
// at most limit rows each (an SQL expression; "NULL" for none), ordered by
// day or not, whole rows or (counting) their kind and day alone.
type partsOf struct {
	span
	limit             string
	ordered, counting bool
}

// parts are the queries of what retention anonymises, one kind each
// (drafts in two: the told and the not told), each of (kind, commune_id,
// id, reference, title, state, day), or (kind, day) counting. Each reads
// its partial index, in order when asked: a day is monotonic in the
// indexed timestamp, per procedure for the decided demands (their months
// differ), per commune for the rest (the told drafts, few, are sorted);
// counting, the index alone. The parameters: ?0 the commune (0: every
// one), ?1 today, ?3 DraftMonths, ?4 DraftNoticeDays.
func (o partsOf) parts() map[string][]string {
	within := func(day string) string { return day + " <= " + o.through + " AND " + day + " > " + o.after }
	// coarse bounds a timestamp whose day, months later, is within the span.
	coarse := func(col, months string) string {
		return col + " < (" + o.through + ") + " + slack + " - make_interval(months => " + months + ") AND " +
			col + " >= (" + o.after + ") - " + slack + " - make_interval(months => " + months + ")"
	}
	orderBy := func(expr string) string {
		if !o.ordered {
			return ""
		}
		return " ORDER BY " + expr
	}
	// Read in order, a part stops at its limit; its rows past the span
	// come last and are dropped after (out), and its bounds would only
	// hide the index's order from the planner. Otherwise they bound the
	// index range (in).
	in := func(bounds string) string {
		if o.ordered {
			return ""
		}
		return " AND " + bounds
	}
	out := func(alias string) string {
		if !o.ordered {
			return ""
		}
		return " AND " + within(alias+".day")
	}
	// pick is the columns of a part's row after its kind (its day alone,
	// counting), and those its inner query reads before the day.
	pick := func(alias, outer, inner string) (string, string) {
		if o.counting {
			return alias + ".day", ""
		}
		return outer, inner
	}
	decided := plusMonths(parisDay("d.decided_at"), "p.retention_months")
	base := plusMonths(parisDay("d.updated_at"), "?3")
	told := "d.expiry_notice_at >= d.updated_at"
	draft := func(toldToo bool) string {
		// A draft's day: its untouched months over, and its notice gone
		// DraftNoticeDays before (today, if it has not gone yet: never
		// before today + DraftNoticeDays, then its months' end). A notice
		// older than the draft's last change does not count.
		day := "greatest(" + base + ", ?1::date + ?4)"
		cond := "NOT coalesce(" + told + ", false)" + in("?1::date + ?4 <= "+o.through+
			" AND d.updated_at >= CASE WHEN "+o.after+" >= ?1::date + ?4 THEN ("+o.after+") - "+slack+" - make_interval(months => ?3) ELSE '-infinity' END"+
			" AND d.updated_at < ("+o.through+") + "+slack+" - make_interval(months => ?3) AND "+within(day))
		order, outside := "d.updated_at", out("d")
		if toldToo {
			// Told, the notice gone at least DraftNoticeDays before the
			// day (one more for the Paris day's offset); few, sorted.
			day = "greatest(" + base + ", " + parisDay("d.expiry_notice_at") + " + ?4)"
			cond = told + " AND d.expiry_notice_at IS NOT NULL AND d.expiry_notice_at < (" + o.through + ") - ?4 + 2 AND " + within(day)
			order, outside = "day", ""
		}
		outer, inner := pick("d", "d.commune_id, d.id, d.reference, v.title, d.state, d.day", "d.commune_id, d.id, d.reference, d.state, d.procedure_id, ")
		q := `SELECT 'draft' AS kind, ` + outer + `
		FROM (SELECT ` + inner + day + ` AS day FROM demands d
			WHERE (?0 = 0 OR d.commune_id = ?0) AND d.state = 'draft' AND d.anonymised_at IS NULL AND ` + cond +
			orderBy(order) + ` LIMIT ` + o.limit + `) d`
		if !o.counting {
			q += `
		JOIN procedures p ON p.id = d.procedure_id
		JOIN procedure_versions v ON v.procedure_id = p.id AND v.number = p.latest`
		}
		return q + " WHERE true" + outside
	}
	demands := "procedures p"
	outer, inner := pick("d", "d.commune_id, d.id, d.reference, v.title, d.state, d.day", "d.commune_id, d.id, d.reference, d.state, ")
	if !o.counting {
		demands += " JOIN procedure_versions v ON v.procedure_id = p.id AND v.number = p.latest"
	}
	resolved := plusMonths(parisDay("cv.resolved_at"), "c.conversation_retention_months")
	cvOuter, cvInner := pick("cv", "cv.commune_id, cv.id, cv.reference, '' AS title, cv.status AS state, cv.day", "cv.commune_id, cv.id, cv.reference, cv.status, ")
	received := plusMonths(parisDay("im.received_at"), "c.conversation_retention_months")
	imOuter, imInner := pick("im", "im.commune_id, im.id, '' AS reference, '' AS title, im.status AS state, im.day", "im.commune_id, im.id, im.status, ")
	return map[string][]string{
		ExpiringDemand: {`SELECT 'demand' AS kind, ` + outer + `
		FROM ` + demands + `
		CROSS JOIN LATERAL (SELECT ` + inner + decided + ` AS day FROM demands d
			WHERE d.commune_id = p.commune_id AND d.procedure_id = p.id AND d.anonymised_at IS NULL AND d.decided_at IS NOT NULL
				` + in(coarse("d.decided_at", "p.retention_months")+" AND "+within(decided)) + orderBy("d.decided_at") + ` LIMIT ` + o.limit + `) d
		WHERE (?0 = 0 OR p.commune_id = ?0)` + out("d")},
		ExpiringDraft: {draft(false), draft(true)},
		// cv.status = 'resolved' is in the index's predicate.
		ExpiringConversation: {`SELECT 'conversation' AS kind, ` + cvOuter + `
		FROM communes c
		CROSS JOIN LATERAL (SELECT ` + cvInner + resolved + ` AS day FROM conversations cv
			WHERE cv.commune_id = c.id AND cv.anonymised_at IS NULL AND cv.resolved_at IS NOT NULL AND cv.demand_id IS NULL AND cv.status = 'resolved'
				` + in(coarse("cv.resolved_at", "c.conversation_retention_months")+" AND "+within(resolved)) + orderBy("cv.resolved_at") + ` LIMIT ` + o.limit + `) cv
		WHERE (?0 = 0 OR c.id = ?0)` + out("cv")},
		// A mail received that no conversation took (a bounce, a sender
		// refused or held, one left unread) has no resolution: it keeps
		// the commune's months for conversations without a demand from
		// its receipt, its last event.
		ExpiringMail: {`SELECT 'mail' AS kind, ` + imOuter + `
		FROM communes c
		CROSS JOIN LATERAL (SELECT ` + imInner + received + ` AS day FROM inbound_messages im
			WHERE im.commune_id = c.id AND im.anonymised_at IS NULL AND im.conversation_id IS NULL AND im.conversation_message_id IS NULL
				` + in(coarse("im.received_at", "c.conversation_retention_months")+" AND "+within(received)) + orderBy("im.received_at") + ` LIMIT ` + o.limit + `) im
		WHERE (?0 = 0 OR c.id = ?0)` + out("im")},
	}
}

// expiringKinds orders the kinds.
var expiringKinds = []string{ExpiringDemand, ExpiringDraft, ExpiringConversation, ExpiringMail}

// unionAll is the parts of every kind, each in parentheses.
func unionAll(parts map[string][]string) string {
	var qs []string
	for _, k := range expiringKinds {
		for _, p := range parts[k] {
			qs = append(qs, "("+p+")")
		}
	}
	return strings.Join(qs, "\n\t\tUNION ALL\n\t\t")
}

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
	q := "SELECT * FROM (" + unionAll(partsOf{span: span{"'-infinity'::date", "?2::date"}, limit: "?5", ordered: ordered}.parts()) + ") e"
	if ordered {
		q += " ORDER BY day, kind, id"
	}
	q += " LIMIT ?5"
	var lim any // NULL: no limit
	if limit > 0 {
		lim = limit
	}
	var out []Expiring
	err := db.NewRaw(q, communeID, today.String(), through.String(), r.DraftMonths, r.DraftNoticeDays, lim).Scan(ctx, &out)
	return out, err
}

// ExpiringCount is how many of a kind are anonymised on a day, at most
// the cap asked and one (more: "more than the cap").
type ExpiringCount struct {
	Day  time.Time
	Kind string
	N    int
}

// ExpiringCounts counts, for each day from today to through, what each
// kind anonymises on it (today: on or before it, what is overdue
// included). Today's counts stop at capAt+1, so that a backlog (retention
// switched on over years of history) costs no more than that; the later
// days' are exact, each row of the span read once (index only).
func ExpiringCounts(ctx context.Context, db bun.IDB, communeID int64, r RetentionRules, today, through calendar.Date, capAt int) ([]ExpiringCount, error) {
	var out []ExpiringCount
	err := db.NewRaw(countsSQL(), communeID, today.String(), through.String(), r.DraftMonths, r.DraftNoticeDays, capAt+1).Scan(ctx, &out)
	return out, err
}

func countsSQL() string {
	due := partsOf{span: span{"'-infinity'::date", "?1::date"}, limit: "?5", counting: true}.parts()
	later := partsOf{span: span{"?1::date", "?2::date"}, limit: "NULL", counting: true}.parts()
	qs := []string{"SELECT day, kind, count(*) AS n FROM (" + unionAll(later) + ") e GROUP BY day, kind"}
	for _, k := range expiringKinds {
		qs = append(qs, "SELECT ?1::date, kind, count(*) FROM (SELECT kind FROM ("+strings.Join(due[k], " UNION ALL ")+") e LIMIT ?5) e GROUP BY kind")
	}
	return "SELECT * FROM (" + strings.Join(qs, "\nUNION ALL\n") + ") c ORDER BY day"
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
// conversation's citizen: their mails and ratings (eraseMailsAndRatings),
// an escalation's mails too, which name it rather than the conversation;
// escalations lose the problem restated.
func eraseLinked(ctx context.Context, tx bun.Tx, col string, communeID, id int64) error {
	// An array, not IN (subquery): the planner reads the outbox by its
	// indexes on both sides of the OR only for a list of values.
	escalations := "escalation_id = ANY(ARRAY(SELECT id FROM escalations WHERE commune_id = ?0 AND " + col + " = ?1))"
	if err := eraseMailsAndRatings(ctx, tx, col, escalations, communeID, id); err != nil {
		return err
	}
	_, err := tx.NewRaw("UPDATE escalations SET problem = ?2, note = '' WHERE commune_id = ?0 AND "+col+" = ?1", communeID, id, AnonymisedText).Exec(ctx)
	return err
}

// eraseMailsAndRatings erases the mails about a demand, a conversation or
// an experience (col names which), and those also (a condition, or "")
// matches: those not sent yet go, those sent lose their texts and
// recipients; and its ratings lose the address and comment (the score
// stays, for the indicators).
func eraseMailsAndRatings(ctx context.Context, tx bun.Tx, col, also string, communeID, id int64) error {
	mails := "commune_id = ?0 AND " + col + " = ?1"
	if also != "" {
		mails = "commune_id = ?0 AND (" + col + " = ?1 OR " + also + ")"
	}
	for _, q := range []string{
		"DELETE FROM outbox_mails WHERE " + mails + " AND status = ?2",
		"UPDATE outbox_mails SET recipient = '', subject = '', body_text = '', body_html = '', last_error = '', bounce = '' WHERE " + mails,
		"UPDATE ratings SET email = '', comment = '', followup_note = '' WHERE commune_id = ?0 AND " + col + " = ?1",
	} {
		if _, err := tx.NewRaw(q, communeID, id, MailPending).Exec(ctx); err != nil {
			return err
		}
	}
	return nil
}

// AnonymiseExperience erases, under the experience's lock, what its author
// wrote and their address, the service's answer and improvement (written
// to them, they may name them), the mails about it and its rating's
// comment, for reason at now; its status, service, dates and the rating's
// score stay for the indicators, and it shows nowhere since
// (ExperienceByID, ListExperiences). It reports false for one anonymised
// already.
func AnonymiseExperience(ctx context.Context, tx bun.Tx, communeID, id int64, reason string, now time.Time) (bool, error) {
	res, err := tx.NewRaw(`UPDATE experiences SET body = '', author_email = '', answer = '', improvement = '',
		anonymised_at = ?, anonymised_reason = ? WHERE commune_id = ? AND id = ? AND anonymised_at IS NULL`, now, reason, communeID, id).Exec(ctx)
	if err != nil {
		return false, err
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return false, err
	}
	return true, eraseMailsAndRatings(ctx, tx, "experience_id", "", communeID, id)
}

// AnonymisedText stands for an erased text that may not be empty.
const AnonymisedText = "(anonymisé)"

// EraseMailsReceivedFrom erases, for reason at now, the mails received
// from an address that were threaded nowhere (held, refused, bounces):
// they belong to no conversation that could be anonymised.
func EraseMailsReceivedFrom(ctx context.Context, db bun.IDB, communeID int64, email, reason string, now time.Time) (int, error) {
	return eraseMails(ctx, db, "(lower(sender) = lower(?0) OR lower(envelope_from) = lower(?0))", email, communeID, reason, now)
}

// EraseMail erases, for reason at now, one mail received that no
// conversation took (its retention ended); it reports false for one
// erased already.
func EraseMail(ctx context.Context, db bun.IDB, communeID, id int64, reason string, now time.Time) (bool, error) {
	n, err := eraseMails(ctx, db, "id = ?0", id, communeID, reason, now)
	return n == 1, err
}

// eraseMails erases the texts of the mails received without a
// conversation that match where (of ?0: match) and their raw bytes (their
// chunks); the row stays (its date, size and status count), with when and
// why. Such a mail has no file: attachments are kept only once a mail is
// threaded.
func eraseMails(ctx context.Context, db bun.IDB, where string, match any, communeID int64, reason string, now time.Time) (int, error) {
	var n int
	err := db.NewRaw(`WITH erased AS (
			UPDATE inbound_messages SET envelope_from = '', envelope_to = '', message_id = '', subject = '', sender = '', error = '',
				anonymised_at = ?3, anonymised_reason = ?2
			WHERE commune_id = ?1 AND conversation_id IS NULL AND conversation_message_id IS NULL AND anonymised_at IS NULL AND `+where+`
			RETURNING commune_id, id),
		gone AS (DELETE FROM inbound_chunks AS c USING erased AS e WHERE c.commune_id = e.commune_id AND c.inbound_id = e.id)
		SELECT count(*) FROM erased`, match, communeID, reason, now).Scan(ctx, &n)
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
