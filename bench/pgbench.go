package bench

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/uptrace/bun"
)

// pgbenchScript is the transition Apply runs, written as plain SQL: lock
// the demand, then either transfer it to Voirie (assignment, state,
// history and its chain head, mails to the citizen and the service) or
// return it to the accueil (end of assignment, state, history, a mail to
// each accueil agent). Mail bodies have the size of Guichet's. It is the floor
// PostgreSQL itself sets on this machine.
//
// On a hot set, the script reads the demand first, as Apply's actors do
// (the page a person acts from), and acts only if the version it read is
// still the demand's once locked: otherwise it is the "modifié entre-temps"
// conflict, and the transaction changes nothing.
const pgbenchScript = `%s
SELECT demand_id AS id FROM bench_slots WHERE slot = :slot \gset
%s
BEGIN;
SELECT version AS v, (state = 'transferred')::int AS t, coalesce(assignment_id, 0) AS aid
  FROM demands WHERE commune_id = :cid AND id = :id FOR NO KEY UPDATE \gset
\if :seen != -1 and :v != :seen
\elif :t
UPDATE assignments SET ended_at = now(), ended_reason = 'returned' WHERE id = :aid;
UPDATE demands SET state = 'returned_to_guichet', version = version + 1, service_id = NULL, assignment_id = NULL, updated_at = now()
  WHERE id = :id AND version = :v;
WITH head AS (%[3]s)
INSERT INTO demand_events (commune_id, demand_id, kind, actor_kind, actor_id, actor_name, channel, from_state, to_state, message, visibility,
    content_hash, seq, prev_hash, hash)
  SELECT :cid, :id, 'return_to_guichet', 'service', :svc, 'Voirie', 'link', 'transferred', 'returned_to_guichet',
         'Cette demande ne relève pas de notre service.', 'internal', sha256(convert_to('Cette demande ne relève pas de notre service.', 'UTF8')),
         seq, prev_hash, hash FROM head;
INSERT INTO outbox_mails (commune_id, demand_id, recipient, subject, body_text, body_html, message_id, thread_id)
  SELECT :cid, :id, a.email, 'Demande renvoyée à l''accueil', repeat('x', :textlen), repeat('x', :htmllen), gen_random_uuid()::text, 'demand'
  FROM agents a JOIN profiles p ON p.id = a.profile_id
  WHERE a.commune_id = :cid AND p.name = 'Agent d''accueil' AND a.active;
\else
INSERT INTO assignments (commune_id, demand_id, service_id) VALUES (:cid, :id, :svc) RETURNING id AS newaid \gset
UPDATE demands SET state = 'transferred', version = version + 1, service_id = :svc, assignment_id = :newaid, updated_at = now()
  WHERE id = :id AND version = :v;
WITH head AS (%[3]s)
INSERT INTO demand_events (commune_id, demand_id, kind, actor_kind, actor_id, actor_name, channel, from_state, to_state, visibility, details,
    content_hash, seq, prev_hash, hash)
  SELECT :cid, :id, 'transfer', 'agent', :agent, 'Accueil', 'web', 'submitted', 'transferred', 'public',
         jsonb_build_object('service_id', :svc::bigint, 'service', 'Voirie'::text, 'assignment_id', :newaid::bigint), sha256(''::bytea),
         seq, prev_hash, hash FROM head;
INSERT INTO outbox_mails (commune_id, demand_id, recipient, subject, body_text, body_html, message_id, thread_id)
  SELECT :cid, :id, r, 'Demande transmise', repeat('x', :textlen), repeat('x', :htmllen), gen_random_uuid()::text, 'demand'
  FROM unnest(ARRAY[(SELECT citizen_email FROM demands WHERE id = :id), 'voirie@mairie.fr']) AS r;
\endif
COMMIT;
`

// pgbenchHead moves the commune's history chain head as the history's
// writer does (models.insertEventSQL), an entry's digest (made by Go in
// Guichet) stood for by a hash of the demand's id.
const pgbenchHead = `INSERT INTO chain_heads AS h (commune_id, seq, prev_hash, hash) VALUES (:cid, 1, '\x00'::bytea, '\x00'::bytea)
  ON CONFLICT (commune_id) DO UPDATE SET seq = h.seq + 1, prev_hash = h.hash, hash = sha256(h.hash || sha256(convert_to(:id::text, 'UTF8')))
  RETURNING seq, prev_hash, hash`

// pgbench runs the script at each concurrency, distinct demands and hot
// set, on the demands Apply moved, and adds Apply's ratio to it.
func (b *bed) pgbench(ctx context.Context) error {
	if !b.want("pgbench") {
		return nil
	}
	bin, err := pgbenchBinary()
	if err != nil {
		fmt.Fprintf(b.o.Out, "  pgbench skipped: %v\n", err)
		return nil
	}
	ids, err := b.pool(ctx, 16+hotSet)
	if err != nil {
		return err
	}
	if _, err := b.db.ExecContext(ctx, "CREATE TABLE IF NOT EXISTS bench_slots (slot int PRIMARY KEY, demand_id bigint NOT NULL)"); err != nil {
		return err
	}
	defer b.db.ExecContext(context.WithoutCancel(ctx), "DROP TABLE bench_slots")
	if _, err := b.db.ExecContext(ctx, "TRUNCATE bench_slots"); err != nil {
		return err
	}
	for i, id := range ids {
		if _, err := b.db.ExecContext(ctx, "INSERT INTO bench_slots VALUES (?, ?)", i, id); err != nil {
			return err
		}
	}
	// Mail bodies as large as the ones Apply wrote.
	var textLen, htmlLen int
	if err := b.db.NewRaw(`SELECT coalesce(avg(length(body_text)), 1000)::int, coalesce(avg(length(body_html)), 3000)::int
		FROM (SELECT body_text, body_html FROM outbox_mails WHERE commune_id = ? ORDER BY id DESC LIMIT 100) m`,
		b.commune.ID).Scan(ctx, &textLen, &htmlLen); err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "guichet-pgbench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	run := func(name string, clients int, slot, seen string) (Result, error) {
		script := filepath.Join(dir, "transition.sql")
		if err := os.WriteFile(script, []byte(fmt.Sprintf(pgbenchScript, slot, seen, pgbenchHead)), 0o644); err != nil {
			return Result{}, err
		}
		secs := max(1, int(b.o.Duration.Seconds()))
		cmd := exec.CommandContext(ctx, bin, "-n", "-M", "prepared", "-c", strconv.Itoa(clients), "-j", strconv.Itoa(min(clients, 2)),
			"-T", strconv.Itoa(secs), "-f", script, "-l", "--log-prefix", "tx",
			"-D", fmt.Sprint("cid=", b.commune.ID), "-D", fmt.Sprint("svc=", b.voirie.ID), "-D", fmt.Sprint("agent=", b.accueil.ID),
			"-D", fmt.Sprint("textlen=", textLen), "-D", fmt.Sprint("htmllen=", htmlLen), "-D", "hot=2", b.o.DSN)
		cmd.Dir = dir
		out, err := cmd.CombinedOutput()
		if err != nil {
			return Result{}, fmt.Errorf("%s: %w\n%s", name, err, out)
		}
		r, err := parsePgbench(name, string(out))
		if err != nil {
			return r, err
		}
		lat, failed, err := pgbenchLatencies(dir)
		if err != nil {
			return r, err
		}
		if failed > 0 {
			r.Note = fmt.Sprintf("%d failed transactions; ", failed)
		}
		s := summarize(name, lat, time.Second)
		r.P50, r.P95, r.P99 = s.P50, s.P95, s.P99
		return r, nil
	}
	for _, clients := range concurrency {
		name := fmt.Sprintf("pgbench, %d clients, distinct demands", clients)
		if !b.want(name) {
			continue
		}
		// Each client alone on its demand acts from the version it locks
		// (-1: none read), as each of Apply's actors from the demand its
		// last transition returned.
		r, err := run(name, clients, `\set slot :client_id`, `\set seen -1`)
		if err != nil {
			return err
		}
		b.ratio(r, fmt.Sprintf("workflow.Apply, %d actors, distinct demands", clients))
	}
	for _, clients := range concurrency[1:] {
		name := fmt.Sprintf("pgbench, %d clients, hot set of %d", clients, hotSet)
		if !b.want(name) {
			continue
		}
		before, err := b.versions(ctx, ids[16:])
		if err != nil {
			return err
		}
		r, err := run(name, clients, fmt.Sprintf(`\set slot %d + random(0, :hot - 1)`, 16), `SELECT version AS seen FROM demands WHERE id = :id \gset`)
		if err != nil {
			return err
		}
		after, err := b.versions(ctx, ids[16:])
		if err != nil {
			return err
		}
		// Transitions are what changed the versions; the other transactions
		// met a newer version and changed nothing, as Apply's conflicts.
		if done := after - before; r.N > 0 {
			r.Note = fmt.Sprintf("%d conflicts (%.0f%% of attempts); ", r.N-done, 100*float64(r.N-done)/float64(r.N))
			r.PerSec *= float64(done) / float64(r.N)
			r.N = done
		}
		b.ratio(r, fmt.Sprintf("workflow.Apply, %d actors, hot set of %d", clients, hotSet))
	}
	return nil
}

// versions sums the versions of demands: how many transitions they had.
func (b *bed) versions(ctx context.Context, ids []int64) (int, error) {
	var n int
	err := b.db.NewRaw("SELECT coalesce(sum(version), 0) FROM demands WHERE id IN (?)", bun.In(ids)).Scan(ctx, &n)
	return n, err
}

// ratio adds the pgbench result and, if its Apply twin was measured, notes
// the ratio of Apply's throughput to it.
func (b *bed) ratio(r Result, apply string) {
	for _, a := range b.results {
		if a.Name == apply && r.PerSec > 0 {
			r.Note += fmt.Sprintf("Apply reaches %.0f%% of it", 100*a.PerSec/r.PerSec)
		}
	}
	b.add(r)
}

var (
	tpsRe = regexp.MustCompile(`tps = ([0-9.]+) \(without initial connection time\)`)
	cntRe = regexp.MustCompile(`number of transactions actually processed: ([0-9]+)`)
)

func parsePgbench(name, out string) (Result, error) {
	tps, cnt := tpsRe.FindStringSubmatch(out), cntRe.FindStringSubmatch(out)
	if tps == nil || cnt == nil {
		return Result{}, fmt.Errorf("%s: unexpected pgbench output:\n%s", name, out)
	}
	r := Result{Name: name}
	r.PerSec, _ = strconv.ParseFloat(tps[1], 64)
	r.N, _ = strconv.Atoi(cnt[1])
	return r, nil
}

// pgbenchLatencies reads the per-transaction logs (-l) that pgbench wrote
// in dir, then removes them: the third column is the latency in µs, or
// "failed" (a deadlock or serialization failure).
func pgbenchLatencies(dir string) (lat []time.Duration, failed int, err error) {
	logs, err := filepath.Glob(filepath.Join(dir, "tx.*"))
	if err != nil {
		return nil, 0, err
	}
	for _, l := range logs {
		b, err := os.ReadFile(l)
		if err != nil {
			return nil, 0, err
		}
		for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
			f := strings.Fields(line)
			if len(f) < 3 {
				continue
			}
			if f[2] == "failed" {
				failed++
				continue
			}
			us, err := strconv.ParseInt(f[2], 10, 64)
			if err != nil {
				return nil, 0, fmt.Errorf("pgbench log %s: %q", l, line)
			}
			lat = append(lat, time.Duration(us)*time.Microsecond)
		}
		os.Remove(l)
	}
	return lat, failed, nil
}

// pgbenchBinary looks in PATH, then in Debian's versioned directories.
func pgbenchBinary() (string, error) {
	if p, err := exec.LookPath("pgbench"); err == nil {
		return p, nil
	}
	matches, _ := filepath.Glob("/usr/lib/postgresql/*/bin/pgbench")
	if len(matches) > 0 {
		return matches[len(matches)-1], nil
	}
	return "", errors.New("pgbench not found (Debian: apt-get install postgresql-client)")
}
