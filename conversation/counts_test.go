package conversation_test

import (
	"context"
	"fmt"
	"testing"

	"guichet/conversation"
	"guichet/fixture"
	"guichet/models"
	"guichet/testdb"
	"guichet/workflow"
)

// listed counts a view's conversations by paging through the inbox, as an
// agent reading it to the end would.
func listed(t *testing.T, w *fixture.World, f models.InboxFilter) int {
	t.Helper()
	n := 0
	var cur *models.Cursor
	for {
		rows, more, err := models.ListInbox(context.Background(), w.DB, w.Commune.ID, f, cur, 2)
		fixture.Must(t, err)
		n += len(rows)
		if !more {
			return n
		}
		k, id := rows[len(rows)-1].Key()
		cur = &models.Cursor{Key: k, ID: id}
	}
}

// The views' counts, kept by the database, equal what each view lists,
// for every scope and team, through openings, assignments, status and
// team changes and a merge.
func TestInboxCountsMatchTheViews(t *testing.T) {
	db := testdb.New(t)
	w, other := fixture.NewWorld(t, db), fixture.NewWorld(t, db)
	ctx := context.Background()
	m := w.App.Conversations
	agent := workflow.AgentActor(w.Accueil)
	open(t, other, "ailleurs@exemple.fr") // another commune's: never counted here
	var cvs []*models.Conversation
	for i := range 7 {
		cvs = append(cvs, open(t, w, fmt.Sprintf("usager%d@exemple.fr", i)))
	}
	step := func(cv *models.Conversation, err error) {
		t.Helper()
		fixture.Must(t, err)
	}
	step(m.Assign(ctx, agent, cvs[0].ID, reload(t, w, cvs[0]).Version, w.Accueil.ID))
	step(m.Assign(ctx, agent, cvs[1].ID, reload(t, w, cvs[1]).Version, w.Supervisor.ID))
	step(m.SetStatus(ctx, agent, cvs[2].ID, reload(t, w, cvs[2]).Version, models.ConvWaiting))
	step(m.SetStatus(ctx, agent, cvs[3].ID, reload(t, w, cvs[3]).Version, models.ConvResolved))
	step(m.SetTeam(ctx, agent, cvs[4].ID, reload(t, w, cvs[4]).Version, w.Voirie.ID))
	step(m.SetTeam(ctx, agent, cvs[5].ID, reload(t, w, cvs[5]).Version, w.Voirie.ID))
	step(m.Assign(ctx, workflow.AgentActor(w.Supervisor), cvs[5].ID, reload(t, w, cvs[5]).Version, w.Accueil.ID))
	// A second conversation of the same citizen, merged into the first: counted once.
	twin := open(t, w, "usager6@exemple.fr")
	step(m.Merge(ctx, agent, twin.ID, cvs[6].ID))
	step(m.SetStatus(ctx, agent, cvs[0].ID, reload(t, w, cvs[0]).Version, models.ConvResolved))

	scopes := map[string]models.InboxFilter{
		"accueil":                    conversation.Scope(w.Accueil),
		"supervisor":                 conversation.Scope(w.Supervisor),
		"supervisor, the voirie":     {AgentID: w.Supervisor.ID, AllTeams: true, ServiceID: w.Voirie.ID},
		"accueil, the accueil":       {AgentID: w.Accueil.ID, ServiceID: -1},
		"accueil, by channel (web)":  {AgentID: w.Accueil.ID, Channel: models.ChannelWeb},
		"supervisor, words searched": {AgentID: w.Supervisor.ID, AllTeams: true, Text: "poubelles"},
	}
	for name, f := range scopes {
		counts, err := models.CountInbox(ctx, db, w.Commune.ID, f)
		fixture.Must(t, err)
		if counts.Capped {
			t.Fatalf("%s: capped with a few conversations", name)
		}
		total := 0
		for _, v := range models.InboxViews {
			f.View = v
			want := listed(t, w, f)
			if counts.ByView[v] != want {
				t.Errorf("%s, view %s: counted %d, listed %d", name, v, counts.ByView[v], want)
			}
			if v != models.ViewMine && v != models.ViewUnassigned && v != models.ViewToValidate {
				total += want
			}
		}
		if name == "supervisor" && total != 7 {
			t.Errorf("supervisor: %d conversations in the open, waiting and resolved views, want 7", total)
		}
	}
}

// Past CountCap matching conversations, the views are not counted and
// the inbox says so; the kept counts, without criteria, still count them.
func TestInboxCountsCappedWhenTheFiltersMatchTooMany(t *testing.T) {
	db := testdb.New(t)
	w := fixture.NewWorld(t, db)
	ctx := context.Background()
	cv := open(t, w, "usager@exemple.fr")
	// The same conversation's row copied past the cap: a large commune's inbox.
	_, err := db.ExecContext(ctx, `INSERT INTO conversations (commune_id, reference, subject, status, channel, citizen_email,
			created_at, updated_at, last_message_at, search)
		SELECT commune_id, reference || '-' || i, subject, status, channel, citizen_email,
			created_at, updated_at, last_message_at, search
		FROM conversations, generate_series(1, ?) AS i WHERE id = ?`, models.CountCap, cv.ID)
	fixture.Must(t, err)
	f := models.InboxFilter{AgentID: w.Supervisor.ID, AllTeams: true}
	counts, err := models.CountInbox(ctx, db, w.Commune.ID, f)
	fixture.Must(t, err)
	if counts.Capped || counts.ByView[models.ViewOpen] != models.CountCap+1 {
		t.Fatalf("without criteria: %+v, want %d open", counts, models.CountCap+1)
	}
	f.Text = "poubelles"
	counts, err = models.CountInbox(ctx, db, w.Commune.ID, f)
	fixture.Must(t, err)
	if !counts.Capped || counts.ByView[models.ViewOpen] != 0 {
		t.Fatalf("searched: %+v, want capped", counts)
	}
}
