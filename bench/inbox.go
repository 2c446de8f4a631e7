package bench

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"time"

	"guichet/auth"
	"guichet/conversation"
	"guichet/models"
)

// inboxPageSize is the inbox's page (web.PageSize): the bare queries page as it does.
const inboxPageSize = 50

// taggedPage is the inbox's page under one tag, read through its links:
// the bare queries below add the view's filter and their order.
const taggedPage = `SELECT cv.id, cv.reference, cv.subject, cv.status, cv.citizen_name, cv.citizen_email, cv.last_message_at, cv.due_at,
	coalesce(a.name, '') AS assignee_name, coalesce(s.name, '') AS service_name,
	coalesce(cv.citizen_wrote_at > coalesce(r.seen_at, '-infinity'), false) AS unread
	FROM conversation_tags AS ct JOIN conversations AS cv ON cv.id = ct.conversation_id
	LEFT JOIN agents AS a ON a.commune_id = cv.commune_id AND a.id = cv.assignee_id
	LEFT JOIN services AS s ON s.commune_id = cv.commune_id AND s.id = cv.service_id
	LEFT JOIN conversation_reads AS r ON r.commune_id = cv.commune_id AND r.agent_id = $3 AND r.conversation_id = cv.id
	WHERE ct.commune_id = $1 AND ct.merged_into IS NULL AND ct.tag_id = $2 AND (ct.service_id IS NULL OR ct.assignee_id = $3)`

// taggedCount is the tag-filtered inbox's capped count.
const taggedCount = `
SELECT assignee_id, status, count(*) FROM (SELECT coalesce(ct.assignee_id, 0) AS assignee_id, ct.status FROM conversation_tags AS ct
	WHERE ct.commune_id = $1 AND ct.merged_into IS NULL AND ct.tag_id = $2 AND (ct.service_id IS NULL OR ct.assignee_id = $3)
	LIMIT 1001) AS m GROUP BY 1, 2`

// bareTaggedInbox is the inbox's page filtered by one tag (the resolved
// conversations of the accueil's scope) then its capped count, as
// PostgreSQL runs them on conversation_tags_inbox_idx: the tag filter's
// baseline, without the filters' choices models.Tags and the others read.
const bareTaggedInbox = taggedPage + `
	AND ct.status = 'resolved' ORDER BY ct.last_message_at DESC, ct.conversation_id DESC LIMIT 51;` + taggedCount

// bareTaggedDue is the inbox's page filtered by one tag and sorted by due
// time (the open conversations of the accueil's scope, from a cursor) then
// its capped count, as PostgreSQL runs them on conversation_tags_due_idx:
// the baseline of the tag filter by due time.
const bareTaggedDue = taggedPage + `
	AND ct.status IN ('new', 'open') AND (coalesce(ct.due_at, 'infinity'::timestamptz), ct.conversation_id) > ($4::timestamptz, $5)
	ORDER BY coalesce(ct.due_at, 'infinity'::timestamptz), ct.conversation_id LIMIT 51;` + taggedCount

// inboxTerms are what agents search in the inbox: words of the citizens'
// and the commune's messages, a name.
var inboxTerms = []string{"cantine", "préfecture", "pièce d'identité", "samedi", "urgent", "Dupont", "voirie", "documents"}

// inbox measures the "Messages" inbox and a conversation's page as an
// accueil agent of the largest commune, each beside the same page's
// queries run alone (the ratio tells what the handler adds: routing,
// sessions, templates).
func (b *bed) inbox(ctx context.Context) error {
	session, err := b.signIn(ctx)
	if err != nil {
		return err
	}
	token := ""
	for _, c := range session {
		if c.Name == "guichet_session" {
			token = c.Value
		}
	}
	var tagID int64
	if err := b.db.NewRaw("SELECT id FROM tags WHERE commune_id = ? AND name = ?", b.commune.ID, convTags[0]).Scan(ctx, &tagID); err != nil {
		return fmt.Errorf("no bench conversations: seed again (%w)", err)
	}
	var convIDs []int64
	err = b.db.NewRaw("SELECT id FROM conversations WHERE commune_id = ? AND service_id IS NULL ORDER BY random() LIMIT 500", b.commune.ID).Scan(ctx, &convIDs)
	if err != nil || len(convIDs) == 0 {
		return fmt.Errorf("no bench conversations: seed again (%v)", err)
	}
	scope := conversation.Scope(b.accueil)
	resolved := scope
	resolved.View = models.ViewResolved
	tagged := resolved
	tagged.TagID = tagID
	// The deep pages: page 101 (or the last) of the resolved conversations,
	// and of the open ones under the tag by due time, by the "next" links
	// and by the cursor.
	deepCursor := func(f models.InboxFilter) (*models.Cursor, error) {
		var cur *models.Cursor
		for range 100 {
			rows, more, err := models.ListInbox(ctx, b.db, b.commune.ID, f, cur, inboxPageSize)
			if err != nil || !more {
				return cur, err
			}
			k, id := rows[len(rows)-1].Key()
			cur = &models.Cursor{Key: k, ID: id}
		}
		return cur, nil
	}
	deepPath, err := b.deepPage(ctx, session, "/gestion/messages?vue="+models.ViewResolved, 100)
	if err != nil {
		return err
	}
	deepCur, err := deepCursor(resolved)
	if err != nil {
		return err
	}
	taggedDue := scope
	taggedDue.View, taggedDue.TagID, taggedDue.ByDue = models.ViewOpen, tagID, true
	duePath, err := b.deepPage(ctx, session, fmt.Sprintf("/gestion/messages?vue=%s&etiquette=%d&tri=%s", models.ViewOpen, tagID, models.SortDue), 100)
	if err != nil {
		return err
	}
	dueCur, err := deepCursor(taggedDue)
	if err != nil {
		return err
	}
	// signedIn is the middleware's queries: the session and the commune.
	signedIn := func(ctx context.Context) error {
		if _, _, err := auth.CurrentSession(ctx, b.db, token, time.Now()); err != nil {
			return err
		}
		_, err := models.CommuneByID(ctx, b.db, b.commune.ID)
		return err
	}
	// inboxSQL is the inbox's queries: the page, the counts of every view, the filters' choices.
	inboxSQL := func(f func(i int) models.InboxFilter, cur *models.Cursor) func(ctx context.Context, i int) error {
		return func(ctx context.Context, i int) error {
			if err := signedIn(ctx); err != nil {
				return err
			}
			if _, _, err := models.ListInbox(ctx, b.db, b.commune.ID, f(i), cur, inboxPageSize); err != nil {
				return err
			}
			if _, err := models.CountInbox(ctx, b.db, b.commune.ID, f(i)); err != nil {
				return err
			}
			if _, err := models.Tags(ctx, b.db, b.commune.ID); err != nil {
				return err
			}
			if _, err := models.ListServices(ctx, b.db, b.commune.ID, true); err != nil {
				return err
			}
			_, err := models.AllProcedures(ctx, b.db, b.commune.ID)
			return err
		}
	}
	fixed := func(f models.InboxFilter) func(int) models.InboxFilter {
		return func(int) models.InboxFilter { return f }
	}
	searched := func(i int) models.InboxFilter {
		f := resolved
		f.Text = inboxTerms[i%len(inboxTerms)]
		return f
	}
	open := scope
	open.View = models.ViewOpen
	// bare runs a page's statement then its count's, reading their rows.
	bare := func(page, count string, pageArgs ...any) func(ctx context.Context, i int) error {
		return func(ctx context.Context, i int) error {
			for q, args := range map[string][]any{page: pageArgs, count: nil} {
				args = append([]any{b.commune.ID, tagID, b.accueil.ID}, args...)
				rows, err := b.db.DB.QueryContext(ctx, q, args...)
				if err != nil {
					return err
				}
				for rows.Next() {
				}
				if err := errors.Join(rows.Err(), rows.Close()); err != nil {
					return err
				}
			}
			return nil
		}
	}
	tagPage, tagCount, _ := strings.Cut(bareTaggedInbox, ";\n")
	duePage, dueCount, _ := strings.Cut(bareTaggedDue, ";\n")
	dueKey := &models.Cursor{Key: "-infinity"} // the first page, if it is the last
	if dueCur != nil {
		dueKey = dueCur
	}
	steps := []struct {
		name    string
		path    func(i int) string
		queries func(ctx context.Context, i int) error
		bare    func(ctx context.Context, i int) error // the same page's SQL written by hand, if any
	}{
		{"handler: inbox first page (open conversations)", func(int) string { return "/gestion/messages" }, inboxSQL(fixed(open), nil), nil},
		{"handler: inbox filtered (resolved, one tag)", func(int) string {
			return fmt.Sprintf("/gestion/messages?vue=%s&etiquette=%d", models.ViewResolved, tagID)
		}, inboxSQL(fixed(tagged), nil), bare(tagPage, tagCount)},
		{"handler: inbox filtered by one tag, by due time (open, page 101 or its last)", func(int) string { return duePath },
			inboxSQL(fixed(taggedDue), dueCur), bare(duePage, dueCount, dueKey.Key, dueKey.ID)},
		{"handler: inbox deep page (page 101 of the resolved, or their last)", func(int) string { return deepPath }, inboxSQL(fixed(resolved), deepCur), nil},
		{"handler: inbox search (French, resolved)", func(i int) string {
			return "/gestion/messages?vue=" + models.ViewResolved + "&q=" + url.QueryEscape(inboxTerms[i%len(inboxTerms)])
		}, inboxSQL(searched, nil), nil},
		{"handler: conversation page (thread, history, tags, composer)", func(i int) string {
			return fmt.Sprintf("/gestion/messages/%d", convIDs[i%len(convIDs)])
		}, func(ctx context.Context, i int) error {
			if err := signedIn(ctx); err != nil {
				return err
			}
			return b.conversationPage(ctx, convIDs[i%len(convIDs)])
		}, nil},
	}
	for _, s := range steps {
		if !b.want(s.name) {
			continue
		}
		r, err := latency(ctx, s.name, b.o.Duration, func(ctx context.Context, i int) error {
			_, err := b.serve(ctx, httptest.NewRequest(http.MethodGet, s.path(i), nil), session, http.StatusOK)
			return err
		})
		if err != nil {
			return err
		}
		q, err := latency(ctx, s.name+" (queries alone)", b.o.Duration, s.queries)
		if err != nil {
			return err
		}
		r.Note = fmt.Sprintf("handler / its queries alone: %.2f (queries p50 %s ms)", float64(r.P50)/float64(q.P50), ms(q.P50))
		if s.bare != nil {
			bare, err := latency(ctx, s.name+" (bare SQL)", b.o.Duration, s.bare)
			if err != nil {
				return err
			}
			r.Note += fmt.Sprintf("; ×%.1f the bare SQL of its page and count (p50 %s ms)", float64(r.P50)/float64(bare.P50), ms(bare.P50))
		}
		b.add(r)
	}
	return nil
}

// conversationPage runs the queries of an agent's conversation page.
func (b *bed) conversationPage(ctx context.Context, id int64) error {
	cid, aid := b.commune.ID, b.accueil.ID
	cv, err := models.ConversationByID(ctx, b.db, cid, id)
	if err != nil {
		return err
	}
	if _, err := models.Thread(ctx, b.db, cid, id, false); err != nil {
		return err
	}
	if _, err := models.AgentSeenAt(ctx, b.db, aid, id); err != nil {
		return err
	}
	if _, err := models.ConversationHistory(ctx, b.db, cid, id); err != nil {
		return err
	}
	if _, err := models.ConversationTags(ctx, b.db, cid, id); err != nil {
		return err
	}
	if _, err := models.ListAgents(ctx, b.db, cid); err != nil {
		return err
	}
	if _, err := models.ListServices(ctx, b.db, cid, true); err != nil {
		return err
	}
	if _, err := models.PendingReplies(ctx, b.db, cid, id); err != nil {
		return err
	}
	if _, err := models.SavedReplies(ctx, b.db, cid, conversation.TeamOf(cv)); err != nil {
		return err
	}
	if cv.DemandID != nil {
		if _, err := models.DemandByID(ctx, b.db, cid, *cv.DemandID); err != nil {
			return err
		}
	}
	now := time.Now()
	if _, err := models.RecentReaders(ctx, b.db, cid, id, aid, now.Add(-10*time.Minute)); err != nil {
		return err
	}
	return models.MarkReadByAgent(ctx, b.db, cid, aid, id, now)
}
