package models

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/uptrace/bun"
)

// The inbox's views.
const (
	ViewMine       = "miennes"
	ViewUnassigned = "non-attribuees"
	ViewOpen       = "ouvertes"
	ViewWaiting    = "en-attente"
	ViewResolved   = "resolues"
	// ViewToValidate: the conversations with a reply waiting for validation.
	ViewToValidate = "a-valider"
)

// InboxViews lists the views in the order the inbox shows them.
var InboxViews = []string{ViewMine, ViewUnassigned, ViewOpen, ViewWaiting, ViewResolved, ViewToValidate}

// InboxFilter selects a commune's conversations for an agent.
type InboxFilter struct {
	AgentID int64 // who reads: "mine" and the unread marks are theirs
	// AllTeams: every team's conversations (a supervisor); otherwise the
	// accueil's and those assigned to the agent.
	AllTeams    bool
	View        string
	TagID       int64
	ServiceID   int64 // the team: a service; -1 the accueil; 0 any
	ProcedureID int64
	Channel     string // the channel the conversation was opened by
	From, To    *time.Time
	Text        string
	// ByDue: the next due time first (those without one last), instead of
	// the newest activity.
	ByDue bool
}

// ConversationRow is one line of the inbox.
type ConversationRow struct {
	ID            int64
	Reference     string
	Subject       string
	Status        string
	CitizenName   string
	CitizenEmail  string
	AssigneeName  string
	ServiceName   string
	LastMessageAt time.Time
	DueAt         *time.Time
	Unread        bool
	SortKey       string
}

// Key is the row's place in the inbox's order, for keyset paging.
func (r ConversationRow) Key() (string, int64) { return r.SortKey, r.ID }

// inboxRows is where an inbox query reads the columns the inbox filters
// and orders by (commune_id, status, service_id, assignee_id, merged_into,
// last_message_at, due_at): the conversations, or, filtered by a tag, the
// tag's links, which carry them (kept by the conversation_tags triggers) in
// the inbox's orders (conversation_tags_inbox_idx, conversation_tags_due_idx).
type inboxRows struct{ at, id string }

// inboxFrom starts a query over the inbox's rows; joined, it also reads the
// conversations' own columns (cv).
func inboxFrom(db bun.IDB, f InboxFilter, joined bool) (*bun.SelectQuery, inboxRows) {
	if f.TagID == 0 {
		return db.NewSelect().TableExpr("conversations AS cv"), inboxRows{"cv", "cv.id"}
	}
	q := db.NewSelect().TableExpr("conversation_tags AS ct")
	if joined {
		q.Join("JOIN conversations AS cv ON cv.id = ct.conversation_id")
	}
	return q, inboxRows{"ct", "ct.conversation_id"}
}

func viewCondition(q *bun.SelectQuery, src inboxRows, communeID int64, view string, agentID int64) {
	switch view {
	case ViewMine:
		q.Where(src.at+".assignee_id = ? AND "+src.at+".status <> ?", agentID, ConvResolved)
	case ViewUnassigned:
		q.Where(src.at+".assignee_id IS NULL AND "+src.at+".status <> ?", ConvResolved)
	case ViewWaiting:
		q.Where(src.at+".status = ?", ConvWaiting)
	case ViewResolved:
		q.Where(src.at+".status = ?", ConvResolved)
	case ViewToValidate:
		toValidate(q, src, communeID)
	default: // ViewOpen: what waits for the commune
		q.Where(src.at+".status IN (?, ?)", ConvNew, ConvOpen)
	}
}

// toValidate keeps the conversations with a reply waiting for validation:
// the few waiting replies lead (pending_replies_waiting_idx).
func toValidate(q *bun.SelectQuery, src inboxRows, communeID int64) {
	q.Where(src.id+" IN (SELECT pr.conversation_id FROM pending_replies AS pr WHERE pr.commune_id = ? AND pr.status = ?)", communeID, ReplyWaiting)
}

// filterInbox scopes q (from inboxFrom, joined if f.joined()) to the
// commune and the filter, but the view.
func filterInbox(q *bun.SelectQuery, src inboxRows, communeID int64, f InboxFilter) {
	q.Where(src.at+".commune_id = ? AND "+src.at+".merged_into IS NULL", communeID)
	if f.TagID > 0 {
		q.Where("ct.tag_id = ?", f.TagID)
	}
	if !f.AllTeams {
		q.Where("("+src.at+".service_id IS NULL OR "+src.at+".assignee_id = ?)", f.AgentID)
	}
	switch {
	case f.ServiceID > 0:
		q.Where(src.at+".service_id = ?", f.ServiceID)
	case f.ServiceID < 0:
		q.Where(src.at + ".service_id IS NULL")
	}
	if f.ProcedureID > 0 {
		q.Where("(cv.procedure_id = ? OR cv.demand_id IN (SELECT id FROM demands WHERE commune_id = ? AND procedure_id = ?))", f.ProcedureID, communeID, f.ProcedureID)
	}
	if f.Channel != "" {
		q.Where("cv.channel = ?", f.Channel)
	}
	if f.From != nil {
		q.Where("cv.created_at >= ?", *f.From)
	}
	if f.To != nil {
		q.Where("cv.created_at < ?", *f.To)
	}
	words, emails := SearchTerms(f.Text)
	switch {
	case len(words) > 0 && len(emails) > 0:
		q.Where("cv.search @@ (to_tsquery('fr_unaccent', ?) && ?::tsquery)", tsTerms(words, true), tsTerms(emails, true))
	case len(words) > 0:
		// Words all stop words make an empty query: match nothing, as the demands' search does.
		q.Where("cv.search @@ to_tsquery('fr_unaccent', ?0) AND numnode(to_tsquery('fr_unaccent', ?0)) > 0", tsTerms(words, true))
	case len(emails) > 0:
		q.Where("cv.search @@ ?::tsquery", tsTerms(emails, true))
	}
}

// ListInbox returns up to limit conversations from the cursor on, newest
// activity first (or the next due first), and whether there are more past
// the page's far end.
func ListInbox(ctx context.Context, db bun.IDB, communeID int64, f InboxFilter, cur *Cursor, limit int) ([]ConversationRow, bool, error) {
	backwards := cur != nil && cur.Before
	q, src := inboxFrom(db, f, true)
	key, desc := src.at+".last_message_at", true
	if f.ByDue {
		// Indexed (conversations_due_idx, conversation_tags_due_idx); kept by deadline.Observe.
		key, desc = "coalesce("+src.at+".due_at, 'infinity'::timestamptz)", false
	}
	dir, cmp := "ASC", ">"
	if desc != backwards {
		dir, cmp = "DESC", "<"
	}
	var rows []ConversationRow
	q.ColumnExpr("cv.id, cv.reference, cv.subject, cv.status, cv.citizen_name, cv.citizen_email, cv.last_message_at, cv.due_at").
		ColumnExpr("coalesce(a.name, '') AS assignee_name, coalesce(s.name, '') AS service_name").
		ColumnExpr("coalesce(cv.citizen_wrote_at > coalesce(r.seen_at, '-infinity'), false) AS unread").
		ColumnExpr(key+"::text AS sort_key").
		Join("LEFT JOIN agents AS a ON a.commune_id = cv.commune_id AND a.id = cv.assignee_id").
		Join("LEFT JOIN services AS s ON s.commune_id = cv.commune_id AND s.id = cv.service_id").
		Join("LEFT JOIN conversation_reads AS r ON r.commune_id = cv.commune_id AND r.agent_id = ? AND r.conversation_id = cv.id", f.AgentID).
		OrderExpr(key + " " + dir).OrderExpr(src.id + " " + dir).Limit(int64(limit) + 1)
	filterInbox(q, src, communeID, f)
	viewCondition(q, src, communeID, f.View, f.AgentID)
	if cur != nil {
		q.Where("("+key+", "+src.id+") "+cmp+" (CAST(? AS timestamptz), ?)", cur.Key, cur.ID)
	}
	err := q.Scan(ctx, &rows)
	var pgErr *pgconn.PgError
	if cur != nil && errors.As(err, &pgErr) && strings.HasPrefix(pgErr.Code, "22") {
		return nil, false, ErrBadCursor
	}
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, false, err
	}
	more := len(rows) > limit
	if more {
		rows = rows[:limit]
	}
	if backwards {
		slices.Reverse(rows)
	}
	return rows, more, nil
}

// InboxCounts are the figures beside the inbox's views.
type InboxCounts struct {
	ByView map[string]int
	// Capped: more than CountCap conversations match the filters, and
	// ByView holds only ViewToValidate's, which is always counted.
	Capped bool
}

// narrowed tells whether the filter goes past the scope and the team: the
// counts conversation_counts keeps then don't answer it.
func (f InboxFilter) narrowed() bool { return f.TagID > 0 || f.joined() }

// joined tells whether the filter reads the conversations' own columns
// (the procedure, the channel, the dates, the words), past the inbox's rows.
func (f InboxFilter) joined() bool {
	return f.ProcedureID > 0 || f.Channel != "" || f.From != nil || f.To != nil || strings.TrimSpace(f.Text) != ""
}

// CountInbox counts the conversations of each view, with the other
// criteria of the filter. Without criteria past the scope and the team,
// it sums the counts the database keeps; with some, it counts at most
// CountCap matching conversations, as the demand lists do.
func CountInbox(ctx context.Context, db bun.IDB, communeID int64, f InboxFilter) (InboxCounts, error) {
	var rows []struct {
		AssigneeID int64
		Status     string
		N          int
	}
	narrowed := f.narrowed()
	var err error
	if narrowed {
		matches, src := inboxFrom(db, f, f.joined())
		matches.ColumnExpr("coalesce(" + src.at + ".assignee_id, 0) AS assignee_id, " + src.at + ".status").Limit(CountCap + 1)
		filterInbox(matches, src, communeID, f)
		err = db.NewSelect().TableExpr("(?) AS m", matches).ColumnExpr("assignee_id, status, count(*) AS n").
			GroupExpr("assignee_id, status").Scan(ctx, &rows)
	} else {
		// The scope and the team of filterInbox, on the kept counts (0: none).
		q := db.NewSelect().Table("conversation_counts").ColumnExpr("assignee_id, status, sum(n) AS n").
			Where("commune_id = ?", communeID).GroupExpr("assignee_id, status")
		if !f.AllTeams {
			q.Where("(service_id = 0 OR assignee_id = ?)", f.AgentID)
		}
		switch {
		case f.ServiceID > 0:
			q.Where("service_id = ?", f.ServiceID)
		case f.ServiceID < 0:
			q.Where("service_id = 0")
		}
		err = q.Scan(ctx, &rows)
	}
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return InboxCounts{}, err
	}
	c := InboxCounts{ByView: map[string]int{}}
	total := 0
	for _, r := range rows {
		total += r.N
		// The views of viewCondition, row by row.
		if r.Status != ConvResolved {
			if f.AgentID != 0 && r.AssigneeID == f.AgentID {
				c.ByView[ViewMine] += r.N
			}
			if r.AssigneeID == 0 {
				c.ByView[ViewUnassigned] += r.N
			}
		}
		switch r.Status {
		case ConvNew, ConvOpen:
			c.ByView[ViewOpen] += r.N
		case ConvWaiting:
			c.ByView[ViewWaiting] += r.N
		case ConvResolved:
			c.ByView[ViewResolved] += r.N
		}
	}
	if narrowed && total > CountCap {
		c = InboxCounts{ByView: map[string]int{}, Capped: true}
	}
	var held int
	q, src := inboxFrom(db, f, f.joined())
	q.ColumnExpr("count(*)")
	filterInbox(q, src, communeID, f)
	toValidate(q, src, communeID)
	if err := q.Scan(ctx, &held); err != nil {
		return InboxCounts{}, err
	}
	c.ByView[ViewToValidate] = held
	return c, nil
}

// MayRead tells whether an agent reading with the filter's scope may open
// the conversation: the inbox's rule for one conversation.
func (f InboxFilter) MayRead(cv *Conversation) bool {
	return f.AllTeams || cv.ServiceID == nil || (cv.AssigneeID != nil && *cv.AssigneeID == f.AgentID)
}
