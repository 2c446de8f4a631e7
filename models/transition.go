package models

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"sync"

	"github.com/uptrace/bun"
)

// A transition of a demand costs few round trips to PostgreSQL: one query
// locks the demand and reads all it needs (LockForTransition), and its writes
// go in one more (Batch). Each round trip through database/sql costs more
// than the statement itself; a transition once made thirteen.

// Transition is what a transition reads: the demand, locked, its commune and
// procedure, its current assignment and the service holding it (zero values
// when it has none), and the service a transfer targets.
type Transition struct {
	Demand     Demand           `bun:"embed:d__"`
	Commune    Commune          `bun:"embed:c__"`
	Procedure  Procedure        `bun:"embed:p__"` // its version: Version's
	Version    ProcedureVersion `bun:"embed:v__"`
	Assignment Assignment       `bun:"embed:a__"`
	Service    Service          `bun:"embed:s__"`
	Target     Service          `bun:"embed:t__"`
	// NextAssignmentID is the id a transfer's new assignment takes, drawn
	// from its sequence, so that the writes need not wait for it.
	NextAssignmentID int64
}

// LockForTransition locks a demand of a commune and reads what a transition
// needs; targetID, a transfer's service (0 for other events).
func LockForTransition(ctx context.Context, tx bun.Tx, communeID, demandID, targetID int64) (*Transition, error) {
	// Prepared once per connection, unlike bun's queries (their arguments
	// are written in): planning this join cost three times running it.
	rows, err := tx.Tx.QueryContext(ctx, lockQuery(tx), PreparedMode(tx.NewSelect().DB()), targetID, communeID, demandID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	t := new(Transition)
	if err := tx.NewSelect().DB().ScanRows(ctx, rows, t); err != nil {
		return nil, notFound(err)
	}
	if t.Demand.ID == 0 { // no row: another commune's, or none
		return nil, ErrNotFound
	}
	t.Procedure.ProcedureVersion = t.Version
	return t, nil
}

var (
	lockOnce sync.Once
	lockSQL  string
)

// lockQuery is LockForTransition's statement: $1 the target (0: none, and
// no assignment id drawn), $2 the commune, $3 the demand.
func lockQuery(db bun.IDB) string {
	lockOnce.Do(func() {
		cols := []string{
			prefixed(db, Demand{}, "d"), prefixed(db, Commune{}, "c"), prefixed(db, Procedure{}, "p"), prefixed(db, ProcedureVersion{}, "v"),
			prefixed(db, Assignment{}, "a"), prefixed(db, Service{}, "s"), prefixed(db, Service{}, "t"),
		}
		lockSQL = `SELECT ` + strings.Join(cols, ", ") + `,
			CASE WHEN $1::bigint <> 0 THEN nextval(pg_get_serial_sequence('assignments', 'id')) END AS next_assignment_id
			FROM demands AS d
			JOIN communes AS c ON c.id = d.commune_id
			JOIN procedures AS p ON p.commune_id = d.commune_id AND p.id = d.procedure_id
			JOIN procedure_versions AS v ON v.procedure_id = d.procedure_id AND v.number = d.procedure_version
			LEFT JOIN assignments AS a ON a.commune_id = d.commune_id AND a.id = d.assignment_id
			LEFT JOIN services AS s ON s.commune_id = d.commune_id AND s.id = coalesce(a.service_id, d.service_id)
			LEFT JOIN services AS t ON t.commune_id = d.commune_id AND t.id = $1
			WHERE d.commune_id = $2 AND d.id = $3
			FOR NO KEY UPDATE OF d`
	})
	return lockSQL
}

// prefixed lists a model's columns from alias, each named alias__column:
// what bun's embed:alias__ reads back.
func prefixed(db bun.IDB, model any, alias string) string {
	fields := db.Dialect().Tables().Get(reflect.TypeOf(model)).Fields
	cols := make([]string, len(fields))
	for i, f := range fields {
		cols[i] = fmt.Sprintf("%s.%s AS %s__%s", alias, f.SQLName, alias, f.Name)
	}
	return strings.Join(cols, ", ")
}

// Batch is statements sent to PostgreSQL in one round trip, in order.
type Batch []string

// Add appends a query, its arguments written in (as bun sends them anyway).
func (b *Batch) Add(q fmt.Stringer) { *b = append(*b, q.String()) }

// Exec sends the statements in one round trip, inside tx: PostgreSQL runs
// them in order and stops at the first error. Nothing is read back.
func (b Batch) Exec(ctx context.Context, tx bun.Tx) error {
	if len(b) == 0 {
		return nil
	}
	// Through database/sql itself: bun would read each "?" of the text
	// (a citizen's question mark) as a placeholder.
	_, err := tx.Tx.ExecContext(ctx, strings.Join(b, ";\n"))
	return err
}
