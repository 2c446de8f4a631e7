package migrations_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"guichet/testdb"
)

// globalTables hold no commune: each with why. In a sharded database they
// stay on the coordinator (or become reference tables): nothing joins them
// with a commune's rows.
var globalTables = map[string]string{
	"communes":            "the tenants themselves: distributed by id, the column every other table's commune_id names",
	"bun_migrations":      "bun's record of the applied migrations: one per database",
	"bun_migration_locks": "bun's migration lock: one per database",
	"login_throttles":     "sign-in failures, keyed by account address and by client address, counted before any commune is known (the sign-in asks for none)",
	"rate_limits":         "windows of events keyed by client or e-mail address (drafts started, tracking lookups), across communes",
	"reset_requests":      "password reset requests, queued whatever the address before the agent, and so the commune, is known",
	"file_contents":       "uploaded files in the database (FILE_STORE=postgres), stored once under their SHA-256 whichever communes' rows refer to them: distributed by sha256 on their own, never joined",
	"file_chunks":         "the bytes of file_contents, distributed with it by sha256",
	"dev_keys":            "a development instance's generated keys, one set per instance",
}

// workLeft is what a distribution by commune still needs, each problem as
// tenantProblems words it, with the work it takes (docs/SCALING.md, "Work
// left"). A problem fixed must leave this list; any other fails the test.
var workLeft = map[string]string{}

func init() {
	pk := "its primary key is id alone: it becomes (commune_id, id), promoting the UNIQUE (commune_id, id) where there is one, once every query by id names the commune (bun's WherePK does not)"
	for _, t := range []string{"agent_sessions", "agents", "assignments", "attachments", "closures", "conversation_files",
		"conversation_messages", "conversations", "demand_events", "demands", "digest_items", "digests", "procedure_versions",
		"motifs", "procedures", "profiles", "routing_rules", "rule_sets", "saved_replies", "services", "streets", "tags"} {
		workLeft[t+": PRIMARY KEY (id) lacks commune_id"] = pk
	}
	for problem, work := range map[string]string{
		"agent_sessions: UNIQUE (token_hash) lacks commune_id":                                                                                    "a session cookie is looked up without its commune: the cookie names the commune, or sessions stay a global table",
		"agents: UNIQUE INDEX agents_email_key ON public.agents USING btree (lower(email)) lacks commune_id":                                      "a sign-in address is unique across communes since the sign-in asks for none: a global table of sign-in addresses (address → commune) beside the distributed agents",
		"demands: UNIQUE (reference) lacks commune_id":                                                                                            "references are looked up on a commune's portal: UNIQUE (commune_id, reference), once every lookup names the commune",
		"demands: UNIQUE (tracking_code) lacks commune_id":                                                                                        "tracking codes likewise: UNIQUE (commune_id, tracking_code)",
		"digest_items: FOREIGN KEY (event_id) REFERENCES demand_events(id) lacks commune_id":                                                      "needs demand_events' composite key, the largest table: with its primary key (commune_id, id) rather than one more index on every history write",
		"outbox_mails: commune_id may be NULL":                                                                                                    "every mail names its commune today, but older rows may not: backfill, then SET NOT NULL; the worker's claim across communes (SKIP LOCKED) becomes one per shard",
		"outbox_mails: PRIMARY KEY (id) lacks commune_id":                                                                                         pk,
		"outbox_mails: UNIQUE (message_id) lacks commune_id":                                                                                      "Message-IDs are random: UNIQUE (commune_id, message_id)",
		"password_resets: PRIMARY KEY (nonce) lacks commune_id":                                                                                   "a reset link is looked up by its nonce alone: the link names the commune, then PRIMARY KEY (commune_id, nonce)",
		"conversations: UNIQUE (reference) lacks commune_id":                                                                                      "like demands' references: UNIQUE (commune_id, reference), once every lookup names the commune",
		"conversation_messages: UNIQUE (mail_id) lacks commune_id":                                                                                "a mail's Message-ID is random: UNIQUE (commune_id, mail_id)",
		"conversation_tags: PRIMARY KEY (conversation_id, tag_id) lacks commune_id":                                                               "a join table without commune_id: add it (from the conversation) and key (commune_id, conversation_id, tag_id)",
		"demand_tags: PRIMARY KEY (demand_id, tag_id) lacks commune_id":                                                                           "likewise (commune_id, demand_id, tag_id)",
		"demands: FOREIGN KEY (procedure_id, procedure_version) REFERENCES procedure_versions(procedure_id, number) lacks commune_id":             "procedure_versions gets UNIQUE (commune_id, procedure_id, number) and the key names commune_id",
		"procedure_versions: FOREIGN KEY (created_by) REFERENCES agents(id) lacks commune_id":                                                     "(commune_id, created_by) REFERENCES agents (commune_id, id)",
		"routing_rules: UNIQUE (set_id, \"position\") DEFERRABLE INITIALLY DEFERRED lacks commune_id":                                             "a rule's place in its set: UNIQUE (commune_id, set_id, position)",
		"procedure_versions: UNIQUE (procedure_id, number) lacks commune_id":                                                                      "UNIQUE (commune_id, procedure_id, number)",
		"procedures: FOREIGN KEY (id, latest) REFERENCES procedure_versions(procedure_id, number) DEFERRABLE INITIALLY DEFERRED lacks commune_id": "with procedure_versions' key above: (commune_id, id, latest)",
	} {
		workLeft[problem] = work
	}
}

// tenantProblems lists what keeps each tenant table of the schema from
// being distributed by commune_id and co-located: commune_id missing or
// nullable, a primary or unique key without it, a foreign key to another
// tenant table that does not carry it on both sides.
func tenantProblems(t *testing.T, db *bun.DB) []string {
	ctx := context.Background()
	var tables []struct {
		Name    string
		Commune string // "", "NULL" or "NOT NULL"
	}
	err := db.NewRaw(`SELECT c.relname AS name, coalesce((SELECT CASE WHEN a.attnotnull THEN 'NOT NULL' ELSE 'NULL' END
			FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'commune_id' AND NOT a.attisdropped), '') AS commune
		FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') ORDER BY 1`).Scan(ctx, &tables)
	if err != nil {
		t.Fatal(err)
	}
	var keys []struct {
		Table, Kind, Def, Target string
		Has, TargetHas           bool
	}
	// Constraints (primary, unique, foreign), then unique indexes that are
	// no constraint (expressions); has: commune_id among the columns (or in
	// the index's expressions), on both sides for a foreign key.
	err = db.NewRaw(`SELECT k.conrelid::regclass::text AS table, k.contype::text AS kind, pg_get_constraintdef(k.oid) AS def,
			coalesce(k.confrelid::regclass::text, '') AS target,
			EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = k.conrelid AND a.attnum = ANY (k.conkey) AND a.attname = 'commune_id') AS has,
			EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = k.confrelid AND a.attnum = ANY (k.confkey) AND a.attname = 'commune_id') AS target_has
		FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE n.nspname = current_schema() AND k.contype IN ('p', 'u', 'f')
		UNION ALL
		SELECT i.indrelid::regclass::text, 'i', pg_get_indexdef(i.indexrelid), '',
			EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey) AND a.attname = 'commune_id')
				OR pg_get_expr(i.indexprs, i.indrelid) ~ '\mcommune_id\M', false
		FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE n.nspname = current_schema() AND i.indisunique
			AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid AND k.contype IN ('p', 'u'))
		ORDER BY 1, 2, 3`).Scan(ctx, &keys)
	if err != nil {
		t.Fatal(err)
	}
	tenant := map[string]bool{}
	var problems []string
	for _, tb := range tables {
		switch {
		case globalTables[tb.Name] != "":
			if tb.Commune != "" {
				problems = append(problems, tb.Name+": has commune_id, yet is listed as global")
			}
			continue
		case tb.Commune == "":
			problems = append(problems, tb.Name+": no commune_id column")
		case tb.Commune == "NULL":
			problems = append(problems, tb.Name+": commune_id may be NULL")
		}
		tenant[tb.Name] = true
	}
	for _, k := range keys {
		if !tenant[k.Table] {
			continue
		}
		switch {
		case k.Kind == "f" && !tenant[k.Target]:
			// To communes (the tenant key itself) or a global table.
		case k.Kind == "f" && !(k.Has && k.TargetHas):
			problems = append(problems, fmt.Sprintf("%s: %s lacks commune_id", k.Table, k.Def))
		case k.Kind == "i" && !k.Has:
			problems = append(problems, fmt.Sprintf("%s: UNIQUE INDEX %s lacks commune_id", k.Table, k.Def[len("CREATE UNIQUE INDEX "):]))
		case k.Kind != "f" && k.Kind != "i" && !k.Has:
			problems = append(problems, fmt.Sprintf("%s: %s lacks commune_id", k.Table, k.Def))
		}
	}
	slices.Sort(problems)
	return problems
}

// Every tenant table carries commune_id, NOT NULL, in its primary key, its
// unique keys and its foreign keys to other tenant tables, so that Citus
// could distribute every table by commune_id and co-locate a commune's rows
// (docs/SCALING.md), but for the work left, listed with what it takes. A new
// table, key or foreign key that does not name the commune fails here: give
// it commune_id, or, for a table that holds no commune's data, add it to
// globalTables with the reason.
func TestTenantTablesAreKeyedByCommune(t *testing.T) {
	problems := tenantProblems(t, testdb.New(t))
	for _, p := range problems {
		if workLeft[p] == "" {
			t.Errorf("%s: a tenant table's keys must name commune_id (see docs/SCALING.md)", p)
		}
	}
	for p := range workLeft {
		if !slices.Contains(problems, p) {
			t.Errorf("fixed, or no longer there: take %q off workLeft and docs/SCALING.md", p)
		}
	}
	if len(problems) == 0 {
		t.Fatal("no problem found at all: the catalogue query reads nothing")
	}
}

// The check itself finds what it must: a new table without commune_id, one
// whose unique key or foreign key forgets it.
func TestTenantCheckFindsANewTableWithoutCommune(t *testing.T) {
	db := testdb.New(t)
	for _, stmt := range []string{
		"CREATE TABLE meetings (id bigserial PRIMARY KEY, title text)",
		"CREATE TABLE notes (commune_id bigint NOT NULL, id bigint, demand_id bigint, code text UNIQUE, PRIMARY KEY (commune_id, id), FOREIGN KEY (demand_id) REFERENCES demands (id))",
	} {
		if _, err := db.Exec(stmt); err != nil {
			t.Fatal(err)
		}
	}
	problems := tenantProblems(t, db)
	for _, want := range []string{
		"meetings: no commune_id column",
		"notes: UNIQUE (code) lacks commune_id",
		"notes: FOREIGN KEY (demand_id) REFERENCES demands(id) lacks commune_id",
	} {
		if !slices.Contains(problems, want) {
			t.Errorf("not found: %s", want)
		}
	}
	for _, p := range problems {
		if strings.HasPrefix(p, "notes: PRIMARY KEY") {
			t.Errorf("a primary key with commune_id: %s", p)
		}
	}
}
