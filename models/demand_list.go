package models

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/uptrace/bun"
)

// The back office's lists of demands: filtered, sorted by any column, paged
// by keyset (after the last row shown, never OFFSET) so that a deep page
// costs what the first does, at a million demands.

// DemandFilter selects demands of a commune.
type DemandFilter struct {
	States      []string // wanted states; empty: every state of Visible
	Visible     []string // states the list may show at all; empty: every state
	ProcedureID int64
	// Procedures limits the demands to these procedures (an agent's scope); empty: every one.
	Procedures []int64
	ServiceID  int64
	From, To   *time.Time // received (submitted; created, for a draft) in [From, To)
	Text       string     // names, e-mails and field values, in French, accents ignored, partial words
	// Counted is what CountByState found of the text: its matches, which a
	// list then reads at once, or that they are many (no Matches), and a
	// page then reads the list in its order keeping the matches, instead of
	// collecting and sorting them all. Nil: searched anew (exports).
	Counted *Counts
}

// Sort columns of a list.
const (
	SortReference = "reference"
	SortProcedure = "demarche"
	SortCitizen   = "usager"
	SortReceived  = "recue"
	SortUpdated   = "modifiee"
	SortState     = "etat"
	SortService   = "service"
	SortPriority  = "priorite"
	SortDue       = "echeance"
)

type sortColumn struct {
	expr string // SQL, over d (demands), p (procedures), s (services)
	typ  string // SQL type of a cursor value
}

var sortColumns = map[string]sortColumn{
	SortReference: {"d.reference", "text"},
	SortProcedure: {"v.title", "text"},
	// French order (migration 20261123001000), indexed (demands_citizen_idx):
	// the keyset's comparison takes the collation from this expression.
	SortCitizen: {"lower(coalesce(nullif(d.citizen_name, ''), d.citizen_email)) COLLATE french_names", "text"},
	// Indexed (demands_received_idx): the default order.
	SortReceived: {"coalesce(d.submitted_at, d.created_at)", "timestamptz"},
	SortUpdated:  {"d.updated_at", "timestamptz"},
	SortState:    {"", "integer"}, // in Order.States' order: see column
	SortService:  {"coalesce(s.name, '')", "text"},
	// Indexed (demands_priority_idx); routing sets it.
	SortPriority: {"d.priority", "smallint"},
	// Indexed (demands_due_idx); kept by deadline.Observe. None comes last.
	SortDue: {"coalesce(d.due_at, 'infinity'::timestamptz)", "timestamptz"},
}

// ValidSort tells whether s names a sort column.
func ValidSort(s string) bool {
	_, ok := sortColumns[s]
	return ok
}

// Order is a list's sort: a column and a direction. Rows of equal value are
// ordered by id, which makes every position unique.
type Order struct {
	Column string
	Desc   bool
	// States, in the lifecycle's order (workflow's), which SortState
	// follows rather than the alphabet.
	States []string
}

func (o Order) column() (sortColumn, bool) {
	col, ok := sortColumns[o.Column]
	if o.Column == SortState {
		quoted := make([]string, len(o.States))
		for i, s := range o.States {
			quoted[i] = "'" + strings.ReplaceAll(s, "'", "''") + "'"
		}
		col.expr = "array_position(ARRAY[" + strings.Join(quoted, ", ") + "]::text[], d.state)"
	}
	return col, ok
}

// Cursor is a position in a list: the sort value and id of a row. A page
// starts after it, or, with Before, ends before it.
type Cursor struct {
	Key    string
	ID     int64
	Before bool
}

// ErrBadCursor is a cursor whose value the sort column cannot hold (a
// hand-edited address, or one of another sort).
var ErrBadCursor = errors.New("cursor does not fit the sort column")

// DemandRow is one line of a list.
type DemandRow struct {
	Demand         `bun:",extend"`
	ProcedureTitle string
	ServiceName    string
	SortKey        string
}

// Key is the row's place in its list's order, for keyset paging.
func (r DemandRow) Key() (string, int64) { return r.SortKey, r.ID }

// listColumns are a row's columns; data (the form's answers) only for exports.
var listColumns = []string{"d.id", "d.commune_id", "d.procedure_id", "d.reference", "d.tracking_code", "d.state",
	"d.version", "d.citizen_email", "d.citizen_name", "d.correction_by", "d.service_id", "d.assignment_id",
	"d.submitted_at", "d.decided_at", "d.created_at", "d.updated_at", "d.priority", "d.implicit_decision_on", "d.implicit_reached_at", "d.due_at"}

// filterDemands restricts q, over demands AS d, to the filter's demands of
// a commune; withStates false ignores the wanted states (not the visible
// ones).
func filterDemands(q *bun.SelectQuery, communeID int64, f DemandFilter, withStates bool) *bun.SelectQuery {
	matchCommuneAndText(q, communeID, f)
	states := f.Visible
	if withStates && len(f.States) > 0 {
		states = f.States
		if len(f.Visible) > 0 {
			states = intersect(f.States, f.Visible)
		}
		if len(states) == 0 {
			q.Where("FALSE") // only states this list may not show
		}
	}
	if len(states) > 0 {
		q.Where("d.state IN (?)", bun.In(states))
	}
	if f.ProcedureID != 0 {
		q.Where("d.procedure_id = ?", f.ProcedureID)
	}
	if len(f.Procedures) > 0 {
		q.Where("d.procedure_id IN (?)", bun.In(f.Procedures))
	}
	if f.ServiceID != 0 {
		q.Where("d.service_id = ?", f.ServiceID)
	}
	if f.From != nil {
		q.Where("coalesce(d.submitted_at, d.created_at) >= ?", *f.From)
	}
	if f.To != nil {
		q.Where("coalesce(d.submitted_at, d.created_at) < ?", *f.To)
	}
	return q
}

func intersect(a, b []string) []string {
	out := []string{}
	for _, x := range a {
		for _, y := range b {
			if x == y {
				out = append(out, x)
			}
		}
	}
	return out
}

// orderedDemands is the query of a list's rows (into dest), filtered and
// in the order's direction (reversed with backwards), from the cursor on.
func orderedDemands(db bun.IDB, dest any, communeID int64, f DemandFilter, col sortColumn, desc bool, cur *Cursor) *bun.SelectQuery {
	dir, cmp := "ASC", ">"
	if desc {
		dir, cmp = "DESC", "<"
	}
	q := db.NewSelect().Model(dest).ModelTableExpr("demands AS d").
		ColumnExpr(strings.Join(listColumns, ", ")).
		ColumnExpr("v.title AS procedure_title, coalesce(s.name, '') AS service_name").
		ColumnExpr("(" + col.expr + ")::text AS sort_key").
		Join("JOIN procedure_versions AS v ON v.procedure_id = d.procedure_id AND v.number = d.procedure_version").
		Join("LEFT JOIN services AS s ON s.commune_id = d.commune_id AND s.id = d.service_id").
		OrderExpr(col.expr + " " + dir).OrderExpr("d.id " + dir)
	filterDemands(q, communeID, f, true)
	if cur != nil {
		q.Where(fmt.Sprintf("(%s, d.id) %s (CAST(? AS %s), ?)", col.expr, cmp, col.typ), cur.Key, cur.ID)
	}
	return q
}

// ListDemands returns up to limit demands from the cursor on (the first
// page without one), and whether there are more past the page's far end.
func ListDemands(ctx context.Context, db bun.IDB, communeID int64, f DemandFilter, o Order, cur *Cursor, limit int) ([]DemandRow, bool, error) {
	col, ok := o.column()
	if !ok {
		return nil, false, fmt.Errorf("unknown sort column %q", o.Column)
	}
	backwards := cur != nil && cur.Before // read backwards from the cursor, then turn the page round
	var rows []DemandRow
	page := func(ctx context.Context, db bun.IDB) error {
		return orderedDemands(db, &rows, communeID, f, col, o.Desc != backwards, cur).Limit(int64(limit) + 1).Scan(ctx)
	}
	var err error
	if words, emails := SearchTerms(f.Text); len(words)+len(emails) > 0 && f.Counted != nil && f.Counted.Matches == nil {
		err = inIndexOrder(ctx, db, page)
	} else {
		err = page(ctx, db)
	}
	var pgErr *pgconn.PgError
	if cur != nil && errors.As(err, &pgErr) && strings.HasPrefix(pgErr.Code, "22") {
		return nil, false, ErrBadCursor // data exception: the cursor's value is not of the column's type
	}
	if err != nil && err != sql.ErrNoRows {
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

// inIndexOrder runs read with the planner told to read rows in an index's
// order: no bitmap or sequential scan, no sort. The text filter's
// selectivity is beyond its estimates: where a common word's matches are
// dense, the first page comes after a few hundred rows in order, where
// collecting and sorting all the matches would read thousands.
func inIndexOrder(ctx context.Context, db bun.IDB, read func(context.Context, bun.IDB) error) error {
	return db.RunInTx(ctx, &sql.TxOptions{ReadOnly: true}, func(ctx context.Context, tx bun.Tx) error {
		_, err := tx.ExecContext(ctx, "SELECT set_config('enable_bitmapscan', 'off', true), set_config('enable_seqscan', 'off', true), set_config('enable_sort', 'off', true)")
		if err != nil {
			return err
		}
		return read(ctx, tx)
	})
}

// EachDemand calls fn with every filtered demand in order, data included,
// reading them as a stream: an export of a million rows holds one at a time.
func EachDemand(ctx context.Context, db *bun.DB, communeID int64, f DemandFilter, o Order, fn func(*DemandRow) error) error {
	col, ok := o.column()
	if !ok {
		return fmt.Errorf("unknown sort column %q", o.Column)
	}
	rows, err := orderedDemands(db, (*DemandRow)(nil), communeID, f, col, o.Desc, nil).ColumnExpr("d.data").Rows(ctx)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var r DemandRow
		if err := db.ScanRow(ctx, rows, &r); err != nil {
			return err
		}
		if err := fn(&r); err != nil {
			return err
		}
	}
	return rows.Err()
}

// CountCap bounds the counting of a filtered list: past it, the figures say
// "more than", and the person narrows the search.
const CountCap = 1000

// Counts are the figures of a filtered list.
type Counts struct {
	ByState map[string]int // whatever the filter's wanted states
	Capped  bool           // more than CountCap demands: ByState stops there
	// Matches are the demands the text matched (with the other criteria but
	// the states), when at most CountCap: a list reads them at once instead
	// of searching again. Nil without a text, or with more matches: a list
	// then reads itself in order, keeping the matches, which are dense
	// enough for a page to come soon (at a million demands, the largest
	// commune holds 220,000: at most 50 × 220,000 / 1,000 = 11,000 rows).
	Matches []int64
}

// CountByState counts the filtered demands in each state, whatever the
// filter's wanted states: the figures beside a list's state filter. Without
// other criteria, the counts the database keeps are read at once; with
// some, at most CountCap demands are counted, and Capped says so.
func CountByState(ctx context.Context, db bun.IDB, communeID int64, f DemandFilter) (Counts, error) {
	c := Counts{ByState: map[string]int{}}
	var rows []struct {
		ID    int64
		State string
		N     int
	}
	f.Counted = nil // search anew
	words, emails := SearchTerms(f.Text)
	text := len(words)+len(emails) > 0
	narrowed := text || f.ProcedureID != 0 || len(f.Procedures) > 0 || f.ServiceID != 0 || f.From != nil || f.To != nil
	var err error
	switch {
	case text: // the matches themselves, for the list to read
		err = filterDemands(db.NewSelect().TableExpr("demands AS d"), communeID, f, false).
			ColumnExpr("d.id, d.state, 1 AS n").Limit(CountCap+1).Scan(ctx, &rows)
	case narrowed:
		matches := filterDemands(db.NewSelect().TableExpr("demands AS d"), communeID, f, false).
			Column("d.state").Limit(CountCap + 1)
		err = db.NewSelect().TableExpr("(?) AS m", matches).ColumnExpr("state, count(*) AS n").
			GroupExpr("state").Scan(ctx, &rows)
	default:
		q := db.NewSelect().Table("demand_state_counts").Column("state", "n").Where("commune_id = ?", communeID)
		if len(f.Visible) > 0 {
			q.Where("state IN (?)", bun.In(f.Visible))
		}
		err = q.Scan(ctx, &rows)
	}
	total := 0
	for _, r := range rows {
		c.ByState[r.State] += r.N
		total += r.N
	}
	c.Capped = narrowed && total > CountCap
	if text && !c.Capped {
		c.Matches = make([]int64, len(rows))
		for i, r := range rows {
			c.Matches[i] = r.ID
		}
	}
	return c, err
}
