package models

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/uptrace/bun"

	"guichet/apperr"
)

// Motif is what a demand is about, in a commune's tree of motifs: a theme
// (no parent), a motif under a theme, a sous-motif under a motif.
type Motif struct {
	bun.BaseModel `bun:"table:motifs,alias:m"`

	ID        int64 `bun:",pk,autoincrement"`
	CommuneID int64 `bun:",notnull"`
	ParentID  *int64
	Name      string    `bun:",notnull"`
	Active    bool      `bun:",notnull"`
	CreatedAt time.Time `bun:",nullzero,notnull,default:current_timestamp"`
}

// MaxMotifDepth is the tree's depth: theme, motif, sous-motif.
const MaxMotifDepth = 3

// MotifLevels names each level of the tree, from the top.
var MotifLevels = [MaxMotifDepth]string{"Thème", "Motif", "Sous-motif"}

// PathSeparator separates the levels of a motif's path: "Voirie / Éclairage".
const PathSeparator = " / "

// MotifNode is a motif in its tree: its level (0 for a theme), its path
// and the number of levels from it down to its deepest descendant (1 for
// a leaf).
type MotifNode struct {
	Motif
	Depth  int
	Path   string
	Height int
	// Inactive is set when it or one of its ancestors is deactivated.
	Inactive bool
}

// MotifTree is a commune's motifs in tree order, each after its parent,
// siblings by name.
type MotifTree []MotifNode

// Find returns the node of a motif id, and whether the tree has it.
func (t MotifTree) Find(id int64) (MotifNode, bool) {
	for _, n := range t {
		if n.ID == id {
			return n, true
		}
	}
	return MotifNode{}, false
}

// PathOf is the path of a motif id, "" for none or a motif not in the tree.
func (t MotifTree) PathOf(id *int64) string {
	if id == nil {
		return ""
	}
	n, _ := t.Find(*id)
	return n.Path
}

// Lineage is a motif and every motif above it, from it up ("" for none).
func (t MotifTree) Lineage(id *int64) []int64 {
	var out []int64
	for id != nil {
		n, ok := t.Find(*id)
		if !ok {
			break
		}
		out = append(out, n.ID)
		id = n.ParentID
	}
	return out
}

// under tells whether id is anc or one of its descendants.
func (t MotifTree) under(id, anc int64) bool {
	for id != 0 {
		if id == anc {
			return true
		}
		n, ok := t.Find(id)
		if !ok || n.ParentID == nil {
			return false
		}
		id = *n.ParentID
	}
	return false
}

// Motifs is a commune's tree of motifs.
func Motifs(ctx context.Context, db bun.IDB, communeID int64) (MotifTree, error) {
	var ms []Motif
	if err := db.NewSelect().Model(&ms).Where("commune_id = ?", communeID).OrderExpr("lower(name), id").Scan(ctx); err != nil {
		return nil, err
	}
	children := map[int64][]Motif{}
	for _, m := range ms {
		var p int64
		if m.ParentID != nil {
			p = *m.ParentID
		}
		children[p] = append(children[p], m)
	}
	var out MotifTree
	var walk func(parent int64, depth int, path string, inactive bool) int
	walk = func(parent int64, depth int, path string, inactive bool) int {
		height := 0
		for _, m := range children[parent] {
			i := len(out)
			n := MotifNode{Motif: m, Depth: depth, Path: path + m.Name, Inactive: inactive || !m.Active}
			out = append(out, n)
			h := 1 + walk(m.ID, depth+1, n.Path+PathSeparator, n.Inactive)
			out[i].Height = h
			height = max(height, h)
		}
		return height
	}
	walk(0, 0, "", false)
	return out, nil
}

// CheckMotifName says, in French, what is wrong with a motif's name.
func CheckMotifName(name string) error {
	switch {
	case strings.TrimSpace(name) == "":
		return apperr.Field("nom", "Indiquez le nom du motif.")
	case utf8.RuneCountInString(name) > 120:
		return apperr.Field("nom", "Le nom du motif est trop long : 120 caractères au plus.")
	case strings.Contains(name, "/"):
		return apperr.Field("nom", "Le nom d'un motif ne peut pas contenir « / », qui sépare les niveaux d'un chemin (« Thème / Motif / Sous-motif »).")
	}
	return nil
}

var errSibling = apperr.Field("nom", "Un motif de ce nom existe déjà à cet endroit de l'arbre : choisissez un autre nom.")

// checkPlace checks that a subtree of the given height may go under
// parent (nil: at the top) in tree t, moving motif id (0: a new one).
func (t MotifTree) checkPlace(id int64, parent *int64, height int) error {
	depth := 0
	if parent != nil {
		p, ok := t.Find(*parent)
		if !ok {
			return apperr.Field("parent", "Ce motif parent n'existe pas : choisissez-en un dans la liste.")
		}
		if id != 0 && t.under(p.ID, id) {
			return apperr.Field("parent", "Un motif ne peut pas être placé sous lui-même ni sous l'un de ses sous-motifs.")
		}
		depth = p.Depth + 1
	}
	if depth+height > MaxMotifDepth {
		return apperr.Field("parent", fmt.Sprintf("L'arbre a trois niveaux au plus (%s) : ce motif ne peut pas aller là.", strings.Join(MotifLevels[:], ", ")))
	}
	return nil
}

// CreateMotif adds a motif under m.ParentID (nil: a theme), active.
func CreateMotif(ctx context.Context, db bun.IDB, m *Motif) error {
	m.Name = strings.TrimSpace(m.Name)
	if err := CheckMotifName(m.Name); err != nil {
		return err
	}
	return db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		t, err := lockMotifs(ctx, tx, m.CommuneID)
		if err != nil {
			return err
		}
		if err := t.checkPlace(0, m.ParentID, 1); err != nil {
			return err
		}
		m.Active = true
		_, err = tx.NewInsert().Model(m).Returning("id, created_at").Exec(ctx)
		if errors.Is(uniqueViolation(err), ErrTaken) {
			return errSibling
		}
		return err
	})
}

// lockMotifs reads a commune's tree, its changes serialised (a move checks
// the tree as it is).
func lockMotifs(ctx context.Context, tx bun.Tx, communeID int64) (MotifTree, error) {
	if _, err := tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock(hashtext('motifs'), ?::int)", communeID); err != nil {
		return nil, err
	}
	return Motifs(ctx, tx, communeID)
}

// UpdateMotif renames a motif of a commune and moves it under parent (nil:
// at the top).
func UpdateMotif(ctx context.Context, db bun.IDB, communeID, id int64, name string, parent *int64) error {
	name = strings.TrimSpace(name)
	if err := CheckMotifName(name); err != nil {
		return err
	}
	return db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		t, err := lockMotifs(ctx, tx, communeID)
		if err != nil {
			return err
		}
		n, ok := t.Find(id)
		if !ok {
			return ErrNotFound
		}
		if err := t.checkPlace(id, parent, n.Height); err != nil {
			return err
		}
		_, err = tx.NewUpdate().Model((*Motif)(nil)).Set("name = ?, parent_id = ?", name, parent).
			Where("commune_id = ? AND id = ?", communeID, id).Exec(ctx)
		if errors.Is(uniqueViolation(err), ErrTaken) {
			return errSibling
		}
		return err
	})
}

// SetMotifActive deactivates (or reactivates) a motif of a commune: a
// deactivated motif and its descendants are offered no more, and what
// points at them keeps them.
func SetMotifActive(ctx context.Context, db bun.IDB, communeID, id int64, active bool) error {
	res, err := db.NewUpdate().Model((*Motif)(nil)).Set("active = ?", active).Where("commune_id = ? AND id = ?", communeID, id).Exec(ctx)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return nil
}

// ParsePath splits a motif's path, "Thème / Motif / Sous-motif", into its
// names.
func ParsePath(path string) []string {
	var out []string
	for _, s := range strings.Split(path, "/") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// EnsureMotifPath finds the motif of a path (its names from the theme down,
// case aside) in a commune's tree, creating what is missing; created names
// the motifs it created.
func EnsureMotifPath(ctx context.Context, tx bun.Tx, communeID int64, names []string) (id int64, created []string, err error) {
	if len(names) == 0 || len(names) > MaxMotifDepth {
		return 0, nil, apperr.New(apperr.Invalid, "Un motif se nomme par un à trois niveaux, « Thème / Motif / Sous-motif ».")
	}
	t, err := lockMotifs(ctx, tx, communeID)
	if err != nil {
		return 0, nil, err
	}
	var parent *int64
	path := ""
	for _, name := range names {
		if err := CheckMotifName(name); err != nil {
			return 0, nil, err
		}
		path += name
		found := false
		for _, n := range t {
			if strings.EqualFold(n.Path, path) {
				id, found = n.ID, true
				break
			}
		}
		if !found {
			m := &Motif{CommuneID: communeID, ParentID: parent, Name: name, Active: true}
			if _, err := tx.NewInsert().Model(m).Returning("id, created_at").Exec(ctx); err != nil {
				return 0, nil, err
			}
			id, created = m.ID, append(created, path)
			t = append(t, MotifNode{Motif: *m, Path: path})
		}
		parent = &id
		path += PathSeparator
	}
	return id, created, nil
}

// MotifUsage counts the demands (drafts aside) of each motif of a commune.
func MotifUsage(ctx context.Context, db bun.IDB, communeID int64) (map[int64]int, error) {
	var rows []struct {
		MotifID int64
		N       int
	}
	err := db.NewRaw("SELECT motif_id, count(*) AS n FROM demands WHERE commune_id = ? AND motif_id IS NOT NULL AND state <> 'draft' GROUP BY motif_id", communeID).Scan(ctx, &rows)
	out := map[int64]int{}
	for _, r := range rows {
		out[r.MotifID] = r.N
	}
	return out, err
}
