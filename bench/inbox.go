package bench

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"time"

	"guichet/auth"
	"guichet/conversation"
	"guichet/models"
)

// inboxPageSize is the inbox's page (web.PageSize): the bare queries page as it does.
const inboxPageSize = 50

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
	// The deep page: page 101 of the resolved conversations (or their last), by the "next" links and by the cursor.
	deepPath, err := b.deepPage(ctx, session, "/gestion/messages?vue="+models.ViewResolved, 100)
	if err != nil {
		return err
	}
	var deepCur *models.Cursor
	for range 100 {
		rows, more, err := models.ListInbox(ctx, b.db, b.commune.ID, resolved, deepCur, inboxPageSize)
		if err != nil {
			return err
		}
		if !more {
			break
		}
		k, id := rows[len(rows)-1].Key()
		deepCur = &models.Cursor{Key: k, ID: id}
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
	steps := []struct {
		name    string
		path    func(i int) string
		queries func(ctx context.Context, i int) error
	}{
		{"handler: inbox first page (open conversations)", func(int) string { return "/gestion/messages" }, inboxSQL(fixed(open), nil)},
		{"handler: inbox filtered (resolved, one tag)", func(int) string {
			return fmt.Sprintf("/gestion/messages?vue=%s&etiquette=%d", models.ViewResolved, tagID)
		}, inboxSQL(fixed(tagged), nil)},
		{"handler: inbox deep page (page 101 of the resolved, or their last)", func(int) string { return deepPath }, inboxSQL(fixed(resolved), deepCur)},
		{"handler: inbox search (French, resolved)", func(i int) string {
			return "/gestion/messages?vue=" + models.ViewResolved + "&q=" + url.QueryEscape(inboxTerms[i%len(inboxTerms)])
		}, inboxSQL(searched, nil)},
		{"handler: conversation page (thread, history, tags, composer)", func(i int) string {
			return fmt.Sprintf("/gestion/messages/%d", convIDs[i%len(convIDs)])
		}, func(ctx context.Context, i int) error {
			if err := signedIn(ctx); err != nil {
				return err
			}
			return b.conversationPage(ctx, convIDs[i%len(convIDs)])
		}},
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
