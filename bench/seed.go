// Package bench measures Guichet at the scale of a large platform: it fills
// a database with realistic demands fast (seed) and measures the dashboard,
// search, demand page, workflow and HTTP server on it (run).
package bench

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/uptrace/bun"
	"golang.org/x/sync/errgroup"

	"guichet/demo"
	"guichet/hours"
	"guichet/models"
	"guichet/perm"
	"guichet/workflow"
)

// Password of every bench agent.
const Password = "banc-d-essai-2026"

// SlugPrefix marks the bench communes.
const SlugPrefix = "banc-"

// SeedOptions say how much to load.
type SeedOptions struct {
	Demands  int
	Communes int
	// Hash turns Password into the stored hash (the auth package's).
	Hash func(string) (string, error)
	// Workers load chunks in parallel, each on its own connection.
	Workers int
	Out     io.Writer
}

// commune is a bench commune and what stories need of it.
type commune struct {
	models.Commune
	accueil       []models.Agent
	supervisor    models.Agent
	services      map[int64]*models.Service
	serviceIDs    []int64
	serviceByName map[string]int64
	procs         map[int64]*models.Procedure
	procIDs       []int64
	tagIDs        []int64
}

// bulkTables are loaded by COPY; their secondary indexes and foreign keys
// are dropped during the load and rebuilt after it.
var bulkTables = []string{"demands", "assignments", "demand_events", "attachments", "conversations", "conversation_messages", "conversation_tags", "ratings", "outbox_mails"}

const chunkSize = 10_000

// Seed creates the communes, then loads the demands with their history,
// assignments and files by COPY, printing progress.
func Seed(ctx context.Context, db *bun.DB, o SeedOptions) error {
	if o.Workers < 1 {
		o.Workers = 1
	}
	exists, err := db.NewSelect().Model((*models.Commune)(nil)).Where("slug LIKE ?", SlugPrefix+"%").Exists(ctx)
	if err != nil {
		return err
	}
	if exists {
		return errors.New("this database already holds bench communes: seed a fresh one (another DATA_DIR or DATABASE_URL)")
	}
	start := time.Now()
	communes, err := createCommunes(ctx, db, o)
	if err != nil {
		return err
	}
	if err := seedTags(ctx, db, communes); err != nil {
		return err
	}
	fmt.Fprintf(o.Out, "%d communes with services, agents, procedures and tags created (%s)\n", len(communes), since(start))

	restore, err := dropIndexes(ctx, db, o.Out)
	if err != nil {
		return err
	}
	loadErr := load(ctx, db, communes, o)
	// Indexes come back even when the load failed or was interrupted.
	if err := restore(context.WithoutCancel(ctx)); err != nil {
		return errors.Join(loadErr, err)
	}
	if loadErr != nil {
		return loadErr
	}
	t := time.Now()
	for _, tbl := range bulkTables {
		if _, err := db.ExecContext(ctx, "VACUUM (ANALYZE) "+tbl); err != nil {
			return err
		}
	}
	fmt.Fprintf(o.Out, "VACUUM ANALYZE done (%s)\n", since(t))
	fmt.Fprintf(o.Out, "Seed complete: %d demands in %s\n", o.Demands, since(start))
	return nil
}

func since(t time.Time) string { return time.Since(t).Round(100 * time.Millisecond).String() }

func createCommunes(ctx context.Context, db *bun.DB, o SeedOptions) ([]*commune, error) {
	defs, err := demo.Procedures()
	if err != nil {
		return nil, err
	}
	hash, err := o.Hash(Password)
	if err != nil {
		return nil, err
	}
	var out []*commune
	err = db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		for i := range o.Communes {
			name := communeNames[i%len(communeNames)]
			if i >= len(communeNames) {
				name = fmt.Sprintf("%s %d", name, i/len(communeNames)+1)
			}
			slug := fmt.Sprintf("%s%d", SlugPrefix, i+1)
			c := &commune{Commune: models.Commune{Slug: slug, Name: name, AccentColor: "#1f4e8c",
				Address: "Hôtel de ville, 1 place de la Mairie", Phone: "01 23 45 67 89", Email: "accueil@" + slug + ".fr",
				OpeningHours: models.Hours{Week: hours.Weekdays(hours.Range{Start: 8*60 + 30, End: 17 * 60})}},
				services: map[int64]*models.Service{}, serviceByName: map[string]int64{}, procs: map[int64]*models.Procedure{}}
			profiles, err := models.CreateCommune(ctx, tx, &c.Commune)
			if err != nil {
				return err
			}
			for _, s := range services {
				svc := &models.Service{CommuneID: c.ID, Name: s.Name, Email: s.Mail + "@" + slug + ".fr", Active: true}
				if _, err := tx.NewInsert().Model(svc).Exec(ctx); err != nil {
					return err
				}
				c.services[svc.ID] = svc
				c.serviceIDs = append(c.serviceIDs, svc.ID)
				c.serviceByName[svc.Name] = svc.ID
			}
			agent := func(profile, email, name string) (models.Agent, error) {
				p := profiles[profile]
				a := models.Agent{CommuneID: c.ID, Email: email + "@" + slug + ".fr", Name: name, ProfileID: p.ID, Profile: p, PasswordHash: hash, Active: true}
				_, err := tx.NewInsert().Model(&a).Exec(ctx)
				return a, err
			}
			for k := range 3 {
				a, err := agent(perm.AccueilProfile, fmt.Sprintf("accueil%d", k+1), firstNames[(i+k)%len(firstNames)]+" "+lastNames[(i*3+k)%len(lastNames)])
				if err != nil {
					return err
				}
				c.accueil = append(c.accueil, a)
			}
			if c.supervisor, err = agent(perm.SupervisorProfile, "direction", "Direction de "+name); err != nil {
				return err
			}
			if _, err := agent(perm.AdminProfile, "admin", "Administration de "+name); err != nil {
				return err
			}
			for _, d := range defs {
				p := d.Procedure(c.ID)
				p.Active = true
				if err := models.CreateProcedure(ctx, tx, p); err != nil {
					return err
				}
				c.procs[p.ID] = p
				// The stories play the standard lifecycle (transfers included).
				if workflow.For(p) == &workflow.Standard {
					c.procIDs = append(c.procIDs, p.ID)
				}
			}
			out = append(out, c)
		}
		return nil
	})
	return out, err
}

// dropIndexes drops the secondary indexes and foreign keys of the bulk
// tables (unique constraints stay: references must stay unique) and returns
// what recreates them. Building an index once is much faster than
// maintaining it row by row, GIN above all.
func dropIndexes(ctx context.Context, db *bun.DB, out io.Writer) (func(context.Context) error, error) {
	type ddl struct{ name, drop, create string }
	var fks, idxs []ddl
	rows, err := db.QueryContext(ctx, `
		SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid)
		FROM pg_constraint WHERE contype = 'f' AND conrelid::regclass::text IN (?)`, bun.In(bulkTables))
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var tbl, name, def string
		if err := rows.Scan(&tbl, &name, &def); err != nil {
			return nil, err
		}
		fks = append(fks, ddl{name,
			fmt.Sprintf("ALTER TABLE %s DROP CONSTRAINT %s", tbl, pgx.Identifier{name}.Sanitize()),
			fmt.Sprintf("ALTER TABLE %s ADD CONSTRAINT %s %s", tbl, pgx.Identifier{name}.Sanitize(), def)})
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = db.QueryContext(ctx, `
		SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
		FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid
		WHERE t.relname IN (?) AND NOT i.indisunique AND NOT i.indisprimary`, bun.In(bulkTables))
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var name, def string
		if err := rows.Scan(&name, &def); err != nil {
			return nil, err
		}
		idxs = append(idxs, ddl{name, "DROP INDEX " + name, def})
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	// Triggers (the counts per state) would run per row and serialize the
	// loading connections on the same counters: the counts are rebuilt after.
	var triggers []ddl
	for _, tbl := range bulkTables {
		triggers = append(triggers, ddl{tbl + " triggers", "ALTER TABLE " + tbl + " DISABLE TRIGGER USER", "ALTER TABLE " + tbl + " ENABLE TRIGGER USER"})
	}
	for _, d := range append(append(fks, idxs...), triggers...) {
		if _, err := db.ExecContext(ctx, d.drop); err != nil {
			return nil, fmt.Errorf("%s: %w", d.drop, err)
		}
	}
	fmt.Fprintf(out, "Dropped %d foreign keys and %d indexes, disabled triggers for the load\n", len(fks), len(idxs))
	return func(ctx context.Context) error {
		conn, err := db.Conn(ctx)
		if err != nil {
			return err
		}
		defer conn.Close()
		if _, err := conn.ExecContext(ctx, "SET maintenance_work_mem = '512MB'"); err != nil {
			return err
		}
		for _, d := range append(append(idxs, fks...), triggers...) {
			t := time.Now()
			if _, err := conn.ExecContext(ctx, d.create); err != nil {
				return fmt.Errorf("%s: %w", d.create, err)
			}
			fmt.Fprintf(out, "  rebuilt %-40s %s\n", d.name, since(t))
		}
		return recount(ctx, conn)
	}, nil
}

// recounts are the counts triggers keep, rebuilt after a load made with
// the triggers off: the back office's per state, the inbox's per view,
// the satisfaction indicators' per month.
var recounts = []struct{ table, rebuild string }{
	{"demand_state_counts", `INSERT INTO demand_state_counts (commune_id, state, n)
		SELECT commune_id, state, count(*) FROM demands GROUP BY 1, 2`},
	{"conversation_counts", `INSERT INTO conversation_counts (commune_id, service_id, assignee_id, status, n)
		SELECT commune_id, coalesce(service_id, 0), coalesce(assignee_id, 0), status, count(*)
		FROM conversations WHERE merged_into IS NULL GROUP BY 1, 2, 3, 4`},
	{"rating_month_counts", `INSERT INTO rating_month_counts (commune_id, month, service_id, motif_id, procedure_id, n, score_sum, low)
		SELECT commune_id, date_trunc('month', rated_at AT TIME ZONE 'Europe/Paris')::date,
			coalesce(service_id, 0), coalesce(motif_id, 0), coalesce(procedure_id, 0),
			count(*), sum(score), count(*) FILTER (WHERE score <= 2)
		FROM ratings WHERE rated_at IS NOT NULL GROUP BY 1, 2, 3, 4, 5`},
}

// recount rebuilds the kept counts the schema has.
func recount(ctx context.Context, conn bun.Conn) error {
	for _, r := range recounts {
		var exists bool
		if err := conn.QueryRowContext(ctx, "SELECT to_regclass(?) IS NOT NULL", r.table).Scan(&exists); err != nil {
			return err
		}
		if !exists {
			continue
		}
		if _, err := conn.ExecContext(ctx, "DELETE FROM "+r.table+"; "+r.rebuild); err != nil {
			return fmt.Errorf("%s: %w", r.table, err)
		}
	}
	return nil
}

type counters struct{ demands, rows atomic.Int64 }

// chains are the heads of the communes' history chains as the load makes
// them: chunks are chained one at a time, in whatever order the workers
// finish generating them.
type chains struct {
	mu    sync.Mutex
	heads map[int64]*models.ChainHead
}

// link gives the chunk's entries, prepared (digests made in parallel by
// the workers), their places and hashes in their communes' chains.
func (c *chains) link(evs []*models.Event, digests [][]byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for i, e := range evs {
		h := c.heads[e.CommuneID]
		if h == nil {
			h = &models.ChainHead{CommuneID: e.CommuneID, Hash: models.ZeroHash}
			c.heads[e.CommuneID] = h
		}
		e.Seq, e.PrevHash, e.Hash = h.Seq+1, h.Hash, models.Link(h.Hash, digests[i])
		h.Seq, h.PrevHash, h.Hash = e.Seq, e.PrevHash, e.Hash
	}
}

// load generates and copies the demands chunk by chunk, on o.Workers
// connections.
func load(ctx context.Context, db *bun.DB, communes []*commune, o SeedOptions) error {
	var n counters
	heads := &chains{heads: map[int64]*models.ChainHead{}}
	chunks := make(chan int)
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error {
		defer close(chunks)
		for first := 0; first < o.Demands; first += chunkSize {
			select {
			case chunks <- first:
			case <-gctx.Done():
				return gctx.Err()
			}
		}
		return nil
	})
	now := time.Now().UTC()
	for range o.Workers {
		g.Go(func() error {
			conn, err := db.Conn(gctx)
			if err != nil {
				return err
			}
			defer conn.Close()
			return conn.Raw(func(dc any) error {
				pc := dc.(*stdlib.Conn).Conn()
				for first := range chunks {
					size := min(chunkSize, o.Demands-first)
					if err := loadChunk(gctx, pc, communes, uint64(first), size, now, heads, &n); err != nil {
						return err
					}
				}
				return nil
			})
		})
	}
	var wg sync.WaitGroup
	done := make(chan struct{})
	wg.Go(func() { progress(o.Out, &n, o.Demands, done) })
	err := g.Wait()
	close(done)
	wg.Wait()
	if err != nil {
		return err
	}
	for _, h := range heads.heads {
		if _, err := db.NewInsert().Model(h).Exec(ctx); err != nil {
			return err
		}
	}
	return nil
}

func progress(out io.Writer, n *counters, total int, done chan struct{}) {
	start := time.Now()
	tick := time.NewTicker(3 * time.Second)
	defer tick.Stop()
	report := func() {
		s := time.Since(start).Seconds()
		d, r := n.demands.Load(), n.rows.Load()
		fmt.Fprintf(out, "  %9d / %d demands (%3.0f%%)  %7.0f demands/s  %8.0f rows/s\n", d, total, 100*float64(d)/float64(total), float64(d)/s, float64(r)/s)
	}
	for {
		select {
		case <-tick.C:
			report()
		case <-done:
			report()
			return
		}
	}
}

// pickCommune skews demands towards the first communes, as a platform
// serves a few large towns and many villages: with 20 communes the largest
// gets about a fifth of all demands.
func pickCommune(r *rand.Rand, communes []*commune) *commune {
	u := r.Float64()
	return communes[int(u*u*float64(len(communes)))]
}

func loadChunk(ctx context.Context, conn *pgx.Conn, communes []*commune, first uint64, size int, now time.Time, heads *chains, n *counters) error {
	tx, err := conn.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	ids, err := nextIDs(ctx, tx, "demands", size)
	if err != nil {
		return err
	}
	r := rand.New(rand.NewPCG(first, 42))
	ds := make([]demandRow, size)
	nAsg := 0
	for i := range ds {
		d := &ds[i]
		c := pickCommune(r, communes)
		d.ID, d.CommuneID, d.Version, d.CorrectionFields = ids[i], c.ID, 1, []string{}
		d.TrackingCode = trackingCode(d.ID)
		d.ProcedureID = c.procIDs[0]
		if r.IntN(100) < 35 {
			d.ProcedureID = c.procIDs[len(c.procIDs)-1]
		}
		target := pickState(r)
		s := &story{r: r, c: c, d: d, now: now}
		s.fill(target == workflow.Draft)
		s.play(target)
		nAsg += len(d.assignments)
	}
	asgIDs, err := nextIDs(ctx, tx, "assignments", nAsg)
	if err != nil {
		return err
	}
	for i := range ds {
		d := &ds[i]
		for j := range d.assignments {
			d.assignments[j].id, asgIDs = asgIDs[0], asgIDs[1:]
		}
		if d.current >= 0 {
			id := d.assignments[d.current].id
			d.AssignmentID = &id
		}
		for j := range d.events {
			if a := d.events[j].assignment; a >= 0 {
				d.events[j].details["assignment_id"] = d.assignments[a].id
			}
		}
	}
	evs, err := chain(ds, heads)
	if err != nil {
		return err
	}
	rows, err := copyChunk(ctx, tx, ds, evs)
	if err != nil {
		return err
	}
	byID := map[int64]*commune{}
	for _, c := range communes {
		byID[c.ID] = c
	}
	cvs, err := conversations(ctx, tx, r, byID, ds, now)
	if err != nil {
		return err
	}
	var owned []ownedEvents
	for i := range cvs {
		owned = append(owned, ownedEvents{cvs[i].CommuneID, 0, cvs[i].ID, cvs[i].events})
	}
	cevs, err := chainEvents(owned, heads)
	if err != nil {
		return err
	}
	convRows, err := copyConversations(ctx, tx, cvs, cevs)
	if err != nil {
		return err
	}
	rows += convRows
	rated, err := copyRatings(ctx, tx, r, ds)
	if err != nil {
		return err
	}
	rows += rated
	mailed, err := copyMails(ctx, tx, ds, cvs)
	if err != nil {
		return err
	}
	rows += mailed
	if err := tx.Commit(ctx); err != nil {
		return err
	}
	n.demands.Add(int64(size))
	n.rows.Add(rows)
	return nil
}

// nextIDs takes n values of a table's id sequence, so that rows copied
// together can reference each other.
func nextIDs(ctx context.Context, tx pgx.Tx, table string, n int) ([]int64, error) {
	rows, _ := tx.Query(ctx, "SELECT nextval(pg_get_serial_sequence($1, 'id')) FROM generate_series(1, $2)", table, n)
	return pgx.CollectRows(rows, pgx.RowTo[int64])
}

// chain makes the chunk's history entries of its demands, in order, with
// the hashes the history's writer gives them (models.PrepareEntry, then the chain).
func chain(ds []demandRow, heads *chains) ([]*models.Event, error) {
	var owned []ownedEvents
	for i := range ds {
		owned = append(owned, ownedEvents{ds[i].CommuneID, ds[i].ID, 0, ds[i].events})
	}
	return chainEvents(owned, heads)
}

// ownedEvents are the history entries of one demand or one conversation.
type ownedEvents struct {
	communeID, demandID, conversationID int64
	events                              []eventRow
}

// chainEvents makes history entries, in order, and gives them their places
// and hashes in their communes' chains.
func chainEvents(owned []ownedEvents, heads *chains) ([]*models.Event, error) {
	var evs []*models.Event
	var digests [][]byte
	for _, o := range owned {
		for _, e := range o.events {
			ev := &models.Event{CommuneID: o.communeID, DemandID: o.demandID, ConversationID: o.conversationID, At: e.at,
				Kind: e.kind, ActorKind: e.actorKind, ActorID: e.actorID, ActorName: e.actorName, Channel: e.channel,
				FromState: e.from, ToState: e.to, Message: e.message, Visibility: e.visibl, Details: e.details}
			digest, err := models.PrepareEntry(ev)
			if err != nil {
				return nil, err
			}
			evs, digests = append(evs, ev), append(digests, digest)
		}
	}
	heads.link(evs, digests)
	return evs, nil
}

// copyChunk copies the chunk's rows into the four tables and returns how
// many rows it wrote; evs are the history entries of the chunk's demands.
func copyChunk(ctx context.Context, tx pgx.Tx, ds []demandRow, evs []*models.Event) (int64, error) {
	var demands, asgs, events, files [][]any
	for i := range ds {
		d := &ds[i]
		var corrBy any
		if d.CorrectionBy != nil {
			corrBy = *d.CorrectionBy
		}
		demands = append(demands, []any{d.ID, d.CommuneID, d.ProcedureID, 1, d.Reference, d.TrackingCode, d.State,
			d.Version, d.CitizenEmail, d.CitizenName, d.Data, corrBy, d.CorrectionMessage, d.CorrectionFields,
			d.ServiceID, d.AssignmentID, d.SubmittedAt, d.DecidedAt, d.CreatedAt, d.UpdatedAt, d.DueAt})
		for _, a := range d.assignments {
			asgs = append(asgs, []any{a.id, d.CommuneID, d.ID, a.serviceID, a.createdAt, a.endedAt, a.reason})
		}
		for _, f := range d.attachments {
			files = append(files, []any{d.CommuneID, d.ID, f.field, f.filename, f.contentType, f.size, f.sha256, "citizen", d.CreatedAt})
		}
	}
	for _, e := range evs {
		events = append(events, []any{e.CommuneID, e.DemandID, e.At, e.Kind, e.ActorKind, e.ActorID, e.ActorName,
			e.Channel, e.FromState, e.ToState, e.Message, e.Visibility, e.Details, e.Seq, e.PrevHash, e.Hash, e.ContentHash})
	}
	copies := []tableRows{
		{"demands", []string{"id", "commune_id", "procedure_id", "procedure_version", "reference", "tracking_code", "state", "version",
			"citizen_email", "citizen_name", "data", "correction_by", "correction_message", "correction_fields",
			"service_id", "assignment_id", "submitted_at", "decided_at", "created_at", "updated_at", "due_at"}, demands},
		{"assignments", []string{"id", "commune_id", "demand_id", "service_id", "created_at", "ended_at", "ended_reason"}, asgs},
		{"demand_events", []string{"commune_id", "demand_id", "at", "kind", "actor_kind", "actor_id", "actor_name",
			"channel", "from_state", "to_state", "message", "visibility", "details", "seq", "prev_hash", "hash", "content_hash"}, events},
		{"attachments", []string{"commune_id", "demand_id", "field", "filename", "content_type", "size", "sha256", "uploaded_by", "created_at"}, files},
	}
	return copyTables(ctx, tx, copies)
}

// tableRows are rows to copy into a table's columns.
type tableRows struct {
	table string
	cols  []string
	rows  [][]any
}

// copyTables copies each table's rows, in order, and returns how many it wrote.
func copyTables(ctx context.Context, tx pgx.Tx, copies []tableRows) (int64, error) {
	var total int64
	for _, c := range copies {
		n, err := tx.CopyFrom(ctx, pgx.Identifier{c.table}, c.cols, pgx.CopyFromRows(c.rows))
		if err != nil {
			return total, fmt.Errorf("copy %s: %w", c.table, err)
		}
		total += n
	}
	return total, nil
}

// copyRatings gives every demand sent one rating, as many ratings as
// demands (the indicators' measure at a million ratings): the decision's,
// by the team that decided it, or, for a demand still under way, one of
// its conversation's three days after it was sent. Scores lean to the
// satisfied side; a score of 1 or 2 has its follow-up, closed when older
// than a month.
func copyRatings(ctx context.Context, tx pgx.Tx, r *rand.Rand, ds []demandRow) (int64, error) {
	var rows [][]any
	for i := range ds {
		d := &ds[i]
		if d.SubmittedAt == nil {
			continue
		}
		at := d.SubmittedAt.Add(72 * time.Hour)
		var team any
		if d.DecidedAt != nil {
			at = *d.DecidedAt
			if n := len(d.assignments); n > 0 && d.assignments[n-1].reason == "decided" {
				team = d.assignments[n-1].serviceID
			}
		}
		score := []int16{1, 2, 3, 4, 4, 5, 5, 5}[r.IntN(8)]
		followup := ""
		if score <= 2 {
			followup = models.FollowUpOpen
			if time.Since(at) > 30*24*time.Hour {
				followup = models.FollowUpClosed
			}
		}
		rows = append(rows, []any{d.CommuneID, d.ID, team, d.ProcedureID, d.CitizenEmail, at, score, at, followup})
	}
	return copyTables(ctx, tx, []tableRows{{"ratings", []string{"commune_id", "demand_id", "service_id", "procedure_id", "email",
		"requested_at", "score", "rated_at", "followup"}, rows}})
}
