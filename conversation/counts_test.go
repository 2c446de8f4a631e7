package conversation_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"guichet/calendar"
	"guichet/conversation"
	"guichet/deadline"
	"guichet/fixture"
	"guichet/models"
	"guichet/testdb"
	"guichet/workflow"
)

// place is a conversation's place in an inbox's order.
type place struct {
	ID  int64
	Key string // its last activity or due time, as the inbox sorts by it
}

// listed lists a view's conversations by paging through the inbox, as an
// agent reading it to the end would.
func listed(t *testing.T, w *fixture.World, f models.InboxFilter) []place {
	t.Helper()
	var ps []place
	var cur *models.Cursor
	for {
		rows, more, err := models.ListInbox(context.Background(), w.DB, w.Commune.ID, f, cur, 2)
		fixture.Must(t, err)
		for _, r := range rows {
			k, id := r.Key()
			ps = append(ps, place{id, k})
		}
		if !more {
			return ps
		}
		k, id := rows[len(rows)-1].Key()
		cur = &models.Cursor{Key: k, ID: id}
	}
}

// The views' counts, kept by the database, equal what each view lists,
// for every scope and team, through openings, assignments, status and
// team changes, a merge, a new message and a calendar change moving the
// due times; under a tag (whose links carry the conversation's status,
// team, last activity and due time), each view lists the tagged
// conversations of the unfiltered view, in its order by activity and by
// due time, with the same sort keys.
func TestInboxCountsMatchTheViews(t *testing.T) {
	db := testdb.New(t)
	w, other := fixture.NewWorld(t, db), fixture.NewWorld(t, db)
	ctx := context.Background()
	m := w.App.Conversations
	agent := workflow.AgentActor(w.Accueil)
	open(t, other, "ailleurs@exemple.fr") // another commune's: never counted here
	// The procedure's deadline policy starts the conversations' clocks.
	four, five := 4, 5
	fixture.Must(t, models.CreateDeadlinePolicy(ctx, db, &models.DeadlinePolicy{CommuneID: w.Commune.ID, Name: "Contact",
		ProcedureID: &w.Procedure.ID, FirstAnswer: &four, FirstAnswerUnit: calendar.WorkingHours,
		Resolution: &five, ResolutionUnit: calendar.WorkingDays}, w.Clock.Now()))
	start := w.Clock.Now()
	var cvs []*models.Conversation
	for i := range 7 {
		w.Clock.Advance(5 * time.Hour) // due times apart
		email := fmt.Sprintf("usager%d@exemple.fr", i)
		cv, _, err := m.Open(ctx, w.Commune, conversation.CitizenOf(&models.Conversation{CommuneID: w.Commune.ID, CitizenEmail: email}),
			conversation.OpenInput{Subject: "Poubelles non ramassées", Email: email, Name: "Camille Martin",
				Client: "192.0.2.1", ProcedureID: w.Procedure.ID, Message: conversation.MessageInput{Body: "Les poubelles ne sont pas ramassées."}})
		fixture.Must(t, err)
		if cv = reload(t, w, cv); cv.DueAt == nil {
			t.Fatalf("conversation %d: no due time under the procedure's policy", i)
		}
		cvs = append(cvs, cv)
	}
	step := func(cv *models.Conversation, err error) {
		t.Helper()
		fixture.Must(t, err)
	}
	// Tagged as they arrive, before every change below.
	tagged := map[int64]bool{}
	for _, i := range []int{0, 2, 3, 4, 5} {
		fixture.Must(t, m.Tag(ctx, agent, cvs[i].ID, "urgent", false))
		tagged[cvs[i].ID] = true
	}
	fixture.Must(t, m.Tag(ctx, agent, cvs[1].ID, "autre", false))
	step(m.Assign(ctx, agent, cvs[0].ID, reload(t, w, cvs[0]).Version, w.Accueil.ID))
	step(m.Assign(ctx, agent, cvs[1].ID, reload(t, w, cvs[1]).Version, w.Supervisor.ID))
	step(m.SetStatus(ctx, agent, cvs[2].ID, reload(t, w, cvs[2]).Version, models.ConvWaiting))
	step(m.SetStatus(ctx, agent, cvs[3].ID, reload(t, w, cvs[3]).Version, models.ConvResolved))
	step(m.SetTeam(ctx, agent, cvs[4].ID, reload(t, w, cvs[4]).Version, w.Voirie.ID))
	step(m.SetTeam(ctx, agent, cvs[5].ID, reload(t, w, cvs[5]).Version, w.Voirie.ID))
	step(m.Assign(ctx, workflow.AgentActor(w.Supervisor), cvs[5].ID, reload(t, w, cvs[5]).Version, w.Accueil.ID))
	// A second conversation of the same citizen, merged into the first: counted once.
	twin := open(t, w, "usager6@exemple.fr")
	fixture.Must(t, m.Tag(ctx, agent, twin.ID, "urgent", false))
	step(m.Merge(ctx, agent, twin.ID, cvs[6].ID)) // the tag goes with the messages
	tagged[cvs[6].ID] = true
	step(m.SetStatus(ctx, agent, cvs[0].ID, reload(t, w, cvs[0]).Version, models.ConvResolved))
	// The waiting conversation's citizen writes: it reopens and comes first.
	w.Clock.Advance(time.Hour)
	_, _, err := m.Post(ctx, w.Commune, conversation.CitizenOf(cvs[2]), cvs[2].ID, conversation.MessageInput{Body: "Toujours rien."})
	fixture.Must(t, err)
	// The voirie's is answered: its first answer is met, its resolution comes next.
	_, _, err = m.Post(ctx, w.Commune, workflow.AgentActor(w.Supervisor), cvs[4].ID, conversation.MessageInput{Body: "Nous regardons."})
	fixture.Must(t, err)
	// The commune closed for two weeks from the first opening: the job
	// moves every running clock's due time later.
	before := reload(t, w, cvs[5]).DueAt
	day := func(at time.Time) calendar.Date {
		return calendar.Date{Year: at.Year(), Month: at.Month(), Day: at.Day()}
	}
	fixture.Must(t, models.CreateClosure(ctx, db, models.NewClosure(w.Commune.ID,
		calendar.Closure{From: day(start.AddDate(0, 0, -1)), To: day(start.AddDate(0, 0, 14)), Label: "Inventaire"})))
	if ran := w.App.Jobs.RunDue(ctx)[deadline.RetimeJob]; ran.Err != nil || ran.N == 0 {
		t.Fatalf("the job recomputed %d conversations (%v)", ran.N, ran.Err)
	}
	if after := reload(t, w, cvs[5]).DueAt; after == nil || before == nil || !after.After(*before) {
		t.Fatalf("due %v before the closure, %v after", before, after)
	}
	// Each link carries its conversation's inbox columns.
	if stale := fixture.StaleTagLinks(t, db); stale != 0 {
		t.Errorf("%d tag links differ from their conversation", stale)
	}
	tags, err := models.Tags(ctx, db, w.Commune.ID)
	fixture.Must(t, err)
	var urgent int64
	for _, tg := range tags {
		if tg.Name == "urgent" {
			urgent = tg.ID
		}
	}

	scopes := map[string]models.InboxFilter{
		"accueil":                    conversation.Scope(w.Accueil),
		"supervisor":                 conversation.Scope(w.Supervisor),
		"supervisor, the voirie":     {AgentID: w.Supervisor.ID, AllTeams: true, ServiceID: w.Voirie.ID},
		"accueil, the accueil":       {AgentID: w.Accueil.ID, ServiceID: -1},
		"accueil, by channel (web)":  {AgentID: w.Accueil.ID, Channel: models.ChannelWeb},
		"supervisor, words searched": {AgentID: w.Supervisor.ID, AllTeams: true, Text: "poubelles"},
	}
	for name, f := range map[string]models.InboxFilter{"accueil": scopes["accueil"], "supervisor": scopes["supervisor"],
		"accueil, by channel (web)": scopes["accueil, by channel (web)"]} {
		untagged := f
		f.TagID = urgent
		scopes[name+", one tag"] = f
		for _, v := range models.InboxViews {
			for _, byDue := range []bool{false, true} {
				untagged.View, f.View, untagged.ByDue, f.ByDue = v, v, byDue, byDue
				var want []place
				for _, p := range listed(t, w, untagged) {
					if tagged[p.ID] {
						want = append(want, p)
					}
				}
				if got := listed(t, w, f); !slices.Equal(got, want) {
					t.Errorf("%s, one tag, view %s (by due time: %v): listed %v, want %v", name, v, byDue, got, want)
				}
			}
		}
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
			want := len(listed(t, w, f))
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
