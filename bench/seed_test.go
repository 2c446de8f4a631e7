package bench_test

import (
	"context"
	"crypto/ed25519"
	"io"
	"reflect"
	"regexp"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"guichet/audit"
	"guichet/auth"
	"guichet/bench"
	"guichet/fixture"
	"guichet/models"
	"guichet/perm"
	"guichet/testdb"
	"guichet/workflow"
)

func TestMain(m *testing.M) { testdb.Main(m) }

func seed(t *testing.T, demands, communes int) *bun.DB {
	t.Helper()
	db := testdb.New(t)
	err := bench.Seed(context.Background(), db, bench.SeedOptions{
		Demands: demands, Communes: communes, Workers: 2, Out: io.Discard,
		Hash: func(pw string) (string, error) { return auth.HashPassword(context.Background(), pw, auth.FastParams) },
	})
	fixture.Must(t, err)
	return db
}

func indexesAndKeys(t *testing.T, db bun.IDB) []string {
	var defs []string
	err := db.NewRaw(`
		SELECT pg_get_indexdef(indexrelid) FROM pg_index WHERE indrelid::regclass::text IN (?)
		UNION ALL
		SELECT conname || ' ' || pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid::regclass::text IN (?)
		ORDER BY 1`, bun.In(tables), bun.In(tables)).Scan(context.Background(), &defs)
	fixture.Must(t, err)
	return defs
}

var tables = []string{"demands", "assignments", "demand_events", "attachments", "conversations", "conversation_messages", "conversation_tags"}

// The seeded data is what the workflow would have recorded: each demand's
// history leads from draft to its state, version counts the transitions,
// assignments match, and the engine takes each open demand further.
func TestSeedIsWhatTheWorkflowWouldRecord(t *testing.T) {
	ctx := context.Background()
	before := indexesAndKeys(t, testdb.New(t))
	db := seed(t, 2000, 3)

	if after := indexesAndKeys(t, db); len(after) != len(before) {
		t.Fatalf("indexes and keys after the seed:\n%v\nwant:\n%v", after, before)
	} else {
		for i := range after {
			if after[i] != before[i] {
				t.Errorf("after the seed %q, want %q", after[i], before[i])
			}
		}
	}

	// The counts per state that a trigger keeps match the loaded demands.
	var counted, differ int
	fixture.Must(t, db.NewRaw("SELECT count(*) FROM pg_tables WHERE tablename = 'demand_state_counts'").Scan(ctx, &counted))
	if counted > 0 {
		fixture.Must(t, db.NewRaw(`SELECT count(*) FROM (
			(SELECT commune_id, state, count(*) AS n FROM demands GROUP BY 1, 2 EXCEPT SELECT commune_id, state, n FROM demand_state_counts)
			UNION ALL
			(SELECT commune_id, state, n FROM demand_state_counts WHERE n > 0 EXCEPT SELECT commune_id, state, count(*) FROM demands GROUP BY 1, 2)) d`).Scan(ctx, &differ))
		if differ != 0 {
			t.Errorf("%d counts per commune and state differ from the demands", differ)
		}
	}

	// The satisfaction roll-up, rebuilt after the load, gives the ratings' figures.
	var communes []int64
	fixture.Must(t, db.NewRaw("SELECT DISTINCT commune_id FROM ratings ORDER BY 1").Scan(ctx, &communes))
	if len(communes) == 0 {
		t.Error("the seed made no ratings")
	}
	for _, c := range communes {
		since := time.Now().AddDate(-3, 0, 0)
		rolled, err := models.RatingIndicators(ctx, db, c, since, false)
		fixture.Must(t, err)
		direct, err := models.RatingIndicatorsFromRatings(ctx, db, c, since, false)
		fixture.Must(t, err)
		if !reflect.DeepEqual(rolled, direct) {
			t.Errorf("commune %d: the roll-up's indicators %+v, the ratings' %+v", c, rolled, direct)
		}
	}

	var demands []models.Demand
	fixture.Must(t, db.NewSelect().Model(&demands).Order("id").Scan(ctx))
	if len(demands) != 2000 {
		t.Fatalf("%d demands, want 2000", len(demands))
	}
	byState := map[string][]models.Demand{}
	refFormat := regexp.MustCompile(`^20\d\d-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$`)
	for _, d := range demands {
		byState[d.State] = append(byState[d.State], d)
		if !refFormat.MatchString(d.Reference) {
			t.Errorf("demand %d: reference %q", d.ID, d.Reference)
		}
		evs, err := models.History(ctx, db, d.CommuneID, d.ID, false)
		fixture.Must(t, err)
		if d.Version != len(evs)+1 {
			t.Errorf("demand %d (%s): version %d with %d events", d.ID, d.State, d.Version, len(evs))
		}
		from := workflow.Draft
		last := d.CreatedAt
		for _, ev := range evs {
			if ev.FromState != from || ev.At.Before(last) || ev.At.After(time.Now()) {
				t.Errorf("demand %d: event %s %s→%s at %s follows state %s at %s", d.ID, ev.Kind, ev.FromState, ev.ToState, ev.At, from, last)
			}
			from, last = ev.ToState, ev.At
		}
		if from != d.State {
			t.Errorf("demand %d: history ends in %s, state is %s", d.ID, from, d.State)
		}
		if (d.State == workflow.Draft) != (d.SubmittedAt == nil) || (d.DecidedAt != nil) != (from == workflow.Accepted || from == workflow.Refused || from == workflow.Archived) {
			t.Errorf("demand %d (%s): submitted %v, decided %v", d.ID, d.State, d.SubmittedAt, d.DecidedAt)
		}
		if d.AssignmentID != nil {
			a, err := models.AssignmentByID(ctx, db, d.CommuneID, *d.AssignmentID)
			fixture.Must(t, err)
			open := d.State == workflow.Transferred || d.State == workflow.CorrectionRequested
			if a.DemandID != d.ID || a.ServiceID != *d.ServiceID || (a.EndedAt == nil) != open {
				t.Errorf("demand %d (%s): assignment %+v", d.ID, d.State, a)
			}
		}
	}
	for _, s := range workflow.AllStates {
		if len(byState[s]) == 0 {
			t.Errorf("no demand in state %s", s)
		}
	}

	// The engine takes a few demands of each open state further, with the
	// actor the history says holds them.
	engine := &workflow.Engine{DB: db}
	for _, d := range append(byState[workflow.Submitted][:3], byState[workflow.ReturnedToGuichet][:1]...) {
		var accueil models.Agent
		fixture.Must(t, db.NewSelect().Model(&accueil).Relation("Profile").
			Where("agent.commune_id = ? AND profile.name = ?", d.CommuneID, perm.AccueilProfile).Limit(1).Scan(ctx))
		var svc int64
		fixture.Must(t, db.NewSelect().Model((*models.Service)(nil)).Column("id").Where("commune_id = ?", d.CommuneID).Limit(1).Scan(ctx, &svc))
		apply(t, engine, d, workflow.Transfer, workflow.AgentActor(&accueil), workflow.Input{ServiceID: svc})
	}
	for _, d := range byState[workflow.Transferred][:3] {
		svc, err := models.ServiceByID(ctx, db, d.CommuneID, *d.ServiceID)
		fixture.Must(t, err)
		apply(t, engine, d, workflow.Accept, workflow.ServiceActor(svc, *d.AssignmentID, ""), workflow.Input{})
	}
	for _, d := range byState[workflow.CorrectionRequested][:3] {
		apply(t, engine, d, workflow.Resubmit, workflow.CitizenActor(d.CommuneID, d.ID, d.CitizenEmail), workflow.Input{})
	}
	for _, d := range byState[workflow.Accepted][:3] {
		apply(t, engine, d, workflow.Archive, workflow.SystemActor(d.CommuneID), workflow.Input{})
	}
	for _, d := range byState[workflow.Draft][:3] {
		apply(t, engine, d, workflow.Submit, workflow.CitizenActor(d.CommuneID, d.ID, d.CitizenEmail), workflow.Input{})
	}

	// The history's chains, loaded in bulk then extended by the engine,
	// verify: the loader hashed them as the writer does.
	rs, err := audit.Verify(ctx, db, 0, ed25519.NewKeyFromSeed(make([]byte, ed25519.SeedSize)).Public().(ed25519.PublicKey))
	fixture.Must(t, err)
	var entries int64
	for _, r := range rs {
		if !r.OK() {
			t.Errorf("commune %s: %s", r.Commune.Slug, r.Problem)
		}
		entries += r.Entries
	}
	var all int64
	fixture.Must(t, db.NewRaw("SELECT count(*) FROM demand_events").Scan(ctx, &all))
	if len(rs) != 3 || entries != all {
		t.Errorf("%d chains verified with %d entries, of %d", len(rs), entries, all)
	}

	// The generated text is found by the French search.
	d := byState[workflow.Archived][0]
	var found bool
	err = db.NewRaw("SELECT EXISTS (SELECT 1 FROM demands WHERE id = ? AND search @@ plainto_tsquery('fr_unaccent', ?))", d.ID, d.CitizenName).Scan(ctx, &found)
	fixture.Must(t, err)
	if !found {
		t.Errorf("search for %q does not find demand %d", d.CitizenName, d.ID)
	}
}

func apply(t *testing.T, e *workflow.Engine, d models.Demand, ev workflow.Event, a workflow.Actor, in workflow.Input) {
	t.Helper()
	in.Version = d.Version
	if _, err := e.Apply(context.Background(), d.ID, ev, a, in); err != nil {
		t.Errorf("demand %d (%s): %s by %s: %v", d.ID, d.State, ev, a.Kind, err)
	}
}

// A second seed into the same database is refused rather than mixed in.
func TestSeedTwiceIsRefused(t *testing.T) {
	db := seed(t, 10, 1)
	err := bench.Seed(context.Background(), db, bench.SeedOptions{Demands: 10, Communes: 1, Out: io.Discard,
		Hash: func(pw string) (string, error) { return auth.HashPassword(context.Background(), pw, auth.FastParams) }})
	if err == nil {
		t.Fatal("second seed accepted")
	}
}

// The seed adds about one conversation per demand, five messages each on
// average, each with the history the conversation package would record,
// found by the inbox's search, and listed by the inbox's views.
func TestSeedAddsConversations(t *testing.T) {
	ctx := context.Background()
	db := seed(t, 2000, 3)
	var convs, msgs, notes, tagged, badHistory, unsearchable int
	fixture.Must(t, db.NewRaw(`SELECT (SELECT count(*) FROM conversations), (SELECT count(*) FROM conversation_messages),
		(SELECT count(*) FROM conversation_messages WHERE internal), (SELECT count(DISTINCT conversation_id) FROM conversation_tags)`).
		Scan(ctx, &convs, &msgs, &notes, &tagged))
	if convs != 2000 || msgs < 4*convs || msgs > 6*convs || notes == 0 || tagged == 0 {
		t.Fatalf("%d conversations, %d messages (%d notes), %d tagged", convs, msgs, notes, tagged)
	}
	// The mails notify would have sent: each demand sent its acknowledgement
	// and, decided, its decision; each conversation answered its reply; each
	// to its citizen, naming its reference.
	var wantDemands, demandMails, wantConvs, convMails, all int
	fixture.Must(t, db.NewRaw(`SELECT
		(SELECT count(*) FILTER (WHERE submitted_at IS NOT NULL) + count(*) FILTER (WHERE decided_at IS NOT NULL) FROM demands),
		(SELECT count(*) FROM outbox_mails AS m JOIN demands AS d ON d.id = m.demand_id
			WHERE m.conversation_id IS NULL AND m.recipient = d.citizen_email AND m.subject LIKE '% ' || d.reference),
		(SELECT count(*) FROM conversations AS cv WHERE (SELECT count(*) FROM conversation_messages AS m WHERE m.conversation_id = cv.id) >= 2),
		(SELECT count(*) FROM outbox_mails AS m JOIN conversations AS cv ON cv.id = m.conversation_id
			WHERE m.recipient = cv.citizen_email AND m.subject LIKE '%[' || cv.reference || ']' AND m.demand_id IS NOT DISTINCT FROM cv.demand_id),
		(SELECT count(*) FROM outbox_mails WHERE status = 'sent')`).Scan(ctx, &wantDemands, &demandMails, &wantConvs, &convMails, &all))
	if wantDemands == 0 || demandMails != wantDemands || wantConvs == 0 || convMails != wantConvs || all != demandMails+convMails {
		t.Fatalf("%d mails of demands (want %d), %d of conversations (want %d), %d sent in all", demandMails, wantDemands, convMails, wantConvs, all)
	}
	fixture.Must(t, db.NewRaw(`SELECT count(*) FROM conversations AS cv WHERE
		(SELECT count(*) FROM demand_events AS e WHERE e.conversation_id = cv.id AND e.kind IN ('conversation_message', 'conversation_note'))
		<> (SELECT count(*) FROM conversation_messages AS m WHERE m.conversation_id = cv.id)
		OR NOT EXISTS (SELECT 1 FROM demand_events AS e WHERE e.conversation_id = cv.id AND e.kind = 'conversation_opened')
		OR cv.last_message_at <> (SELECT max(created_at) FROM conversation_messages AS m WHERE m.conversation_id = cv.id)`).Scan(ctx, &badHistory))
	fixture.Must(t, db.NewRaw(`SELECT count(*) FROM conversation_messages AS m JOIN conversations AS cv ON cv.id = m.conversation_id
		WHERE NOT cv.search @@ plainto_tsquery('fr_unaccent', m.body)`).Scan(ctx, &unsearchable))
	if badHistory != 0 || unsearchable != 0 {
		t.Fatalf("%d conversations whose history or dates differ from their messages, %d messages not found by the search", badHistory, unsearchable)
	}
	// The open conversations have an answer due, as a running clock would set it; the others none.
	var due, badDue int
	fixture.Must(t, db.NewRaw(`SELECT count(*) FILTER (WHERE due_at IS NOT NULL),
		count(*) FILTER (WHERE (due_at IS NOT NULL) <> (status IN ('new', 'open')) OR due_at < last_message_at) FROM conversations`).Scan(ctx, &due, &badDue))
	if due == 0 || badDue != 0 {
		t.Fatalf("%d conversations with a due time, %d whose due time does not fit their status", due, badDue)
	}
	// The tags' links carry what the tag-filtered inbox reads, as its trigger would have copied it.
	if stale := fixture.StaleTagLinks(t, db); stale != 0 {
		t.Fatalf("%d tag links differ from their conversation", stale)
	}
	var c models.Commune
	fixture.Must(t, db.NewSelect().Model(&c).Where("slug = ?", bench.SlugPrefix+"1").Scan(ctx))
	counts, err := models.CountInbox(ctx, db, c.ID, models.InboxFilter{AllTeams: true})
	fixture.Must(t, err)
	for _, v := range []string{models.ViewOpen, models.ViewWaiting, models.ViewResolved, models.ViewUnassigned} {
		if counts.ByView[v] == 0 {
			t.Errorf("no conversation in the view %s: %v", v, counts)
		}
	}
}
