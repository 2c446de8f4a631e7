package streets_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"guichet/apperr"
	"guichet/models"
	"guichet/streets"
	"guichet/testdb"
)

func TestMain(m *testing.M) { testdb.Main(m) }

const header = "id;id_fantoir;numero;rep;nom_voie;code_postal;code_insee;nom_commune;code_insee_ancienne_commune;nom_ancienne_commune;x;y;lon;lat;type_position;alias;nom_ld;libelle_acheminement;nom_afnor;source_position;source_nom_voie;certification_commune;cad_parcelles\n"

// row is a BAN line of commune 13998 (Rougon) for street name, postcode.
func row(n int, name, postcode string) string {
	return strings.Join([]string{"13998_0001_0000" + string(rune('0'+n)), "13998_0001", "1", "", name, postcode, "13998", "Rougon", "", "", "1", "2", "5.4", "43.5", "entrée", "", "", "ROUGON", strings.ToUpper(name), "commune", "commune", "1", ""}, ";") + "\n"
}

func sample(t *testing.T) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/adresses-13999.csv")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func names(ss []models.Street) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = s.Name
	}
	return out
}

// TestReadBANFile: one street per name (accents and case aside), with every
// postcode of its addresses; a lieu-dit without a street name is taken from
// nom_ld; a gzip file reads the same.
func TestReadBANFile(t *testing.T) {
	for _, gz := range []bool{false, true} {
		src := sample(t)
		if gz {
			var b bytes.Buffer
			w := gzip.NewWriter(&b)
			w.Write(src)
			w.Close()
			src = b.Bytes()
		}
		ss, err := streets.Read(bytes.NewReader(src), nil)
		if err != nil {
			t.Fatal(err)
		}
		want := []string{"Rue de l'Église", "Avenue Émile Zola", "Cours Sauvaire", "Rue Balande", "Place de l'Hôtel de Ville",
			"Impasse des Œillets", "Rue du 4 Septembre", "Chemin de Saint-Mittre", "Les Tuileries", "La Bastide Neuve"}
		if got := names(ss); !slices.Equal(got, want) {
			t.Fatalf("gzip %v: streets %q, want %q", gz, got, want)
		}
		if pc := ss[1].Postcodes; !slices.Equal(pc, []string{"13090", "13100"}) {
			t.Errorf("Avenue Émile Zola has postcodes %q, want both of its addresses'", pc)
		}
		if ss[7].Folded != "chemin de saint mittre" || ss[5].Folded != "impasse des oeillets" {
			t.Errorf("folded as %q and %q", ss[7].Folded, ss[5].Folded)
		}
	}
}

// TestReadRefusesMalformedFiles: each refusal is French and names the line.
func TestReadRefusesMalformedFiles(t *testing.T) {
	cases := map[string]struct{ file, want string }{
		"missing column": {"id;numero;voie\n1;2;Rue\n", "ligne 1 : l'en-tête n'a pas de colonne « nom_voie »"},
		"short line":     {header + row(1, "Rue Haute", "13100") + "13998_x;13998;1;Rue Basse\n", "ligne 3 : la ligne n'a pas autant de colonnes que l'en-tête"},
		"latin-1":        {header + row(1, "Rue Haute", "13100") + row(2, "Place de l'\xc9glise", "13100"), "ligne 3 : le texte n'est pas en UTF-8"},
		"bad postcode":   {header + row(1, "Rue Haute", "1310"), "ligne 2 : le code postal « 1310 » n'est pas un code à 5 chiffres."},
		"bare quote":     {header + row(1, `Rue "Haute`, "13100"), "ligne 2 : un guillemet est mal placé."},
		"two communes":   {header + row(1, "Rue Haute", "13100") + strings.Replace(row(2, "Rue Basse", "13100"), ";13998;", ";13997;", 1), "ligne 3 : le fichier contient plusieurs communes (codes INSEE 13998 et 13997)"},
		"empty":          {"", "le fichier est vide."},
		"no street":      {header, "le fichier ne contient aucun nom de voie."},
	}
	for name, c := range cases {
		_, err := streets.Read(strings.NewReader(c.file), nil)
		var fe *streets.FormatError
		if !errors.As(err, &fe) || !strings.HasPrefix(err.Error(), c.want) {
			t.Errorf("%s: got %v, want %q", name, err, c.want)
		}
	}
}

func newCommune(t *testing.T, db *bun.DB, slug string) *models.Commune {
	t.Helper()
	c := &models.Commune{Slug: slug, Name: slug}
	if _, err := db.NewInsert().Model(c).Exec(context.Background()); err != nil {
		t.Fatal(err)
	}
	return c
}

func values(ss []streets.Suggestion) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = s.Value
	}
	return out
}

// TestImportReplacesAndSuggestsPerCommune: an import makes the file's
// streets the commune's, a second one replaces them, a refused one changes
// nothing, and suggestions never come from another commune.
func TestImportReplacesAndSuggestsPerCommune(t *testing.T) {
	db := testdb.New(t)
	ctx := context.Background()
	plassans, rougon := newCommune(t, db, "plassans"), newCommune(t, db, "rougon")
	sum, err := streets.Import(ctx, db, plassans.ID, bytes.NewReader(sample(t)), nil)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Count != 10 || len(sum.Sample) != 10 || sum.Sample[0].Name != "Avenue Émile Zola" {
		t.Fatalf("summary %d streets, sample %q", sum.Count, names(sum.Sample))
	}
	_, err = streets.Import(ctx, db, rougon.ID, strings.NewReader(header+row(1, "Rue de l'Église Saint-Jean", "13200")+row(2, "Place Rougon", "13200")), nil)
	if err != nil {
		t.Fatal(err)
	}
	got, err := streets.Suggest(ctx, db, plassans.ID, "rue de l'eglise")
	if err != nil || !slices.Equal(values(got), []string{"Rue de l'Église"}) {
		t.Fatalf("Plassans suggests %q (%v) for « rue de l'eglise », want its own street only", values(got), err)
	}
	// A number typed first stays in front; the label gives the postcode, and
	// the name without accents, which the browser's own filter needs.
	got, _ = streets.Suggest(ctx, db, plassans.ID, "12 bis RUE DE L'EGL")
	if len(got) != 1 || got[0].Value != "12 bis Rue de l'Église" || got[0].Label != "13100 · 12 bis rue de l'eglise" {
		t.Fatalf("with a number: %+v", got)
	}
	// Any word's beginning; the name beginning with the text first, then the shortest.
	got, _ = streets.Suggest(ctx, db, plassans.ID, "sa")
	if want := []string{"Cours Sauvaire", "Chemin de Saint-Mittre"}; !slices.Equal(values(got), want) {
		t.Fatalf("« sa » suggests %q, want %q", values(got), want)
	}
	got, _ = streets.Suggest(ctx, db, plassans.ID, "r")
	if want := []string{"Rue Balande", "Rue de l'Église", "Rue du 4 Septembre"}; !slices.Equal(values(got), want) {
		t.Fatalf("« r » suggests %q, want %q", values(got), want)
	}
	got, _ = streets.Suggest(ctx, db, rougon.ID, "egl")
	if !slices.Equal(values(got), []string{"Rue de l'Église Saint-Jean"}) {
		t.Fatalf("Rougon suggests %q", values(got))
	}

	// A malformed file is refused whole: Plassans keeps its ten streets.
	if _, err := streets.Import(ctx, db, plassans.ID, strings.NewReader(header+row(1, "Rue Neuve", "13100")+"cassé\n"), nil); err == nil {
		t.Fatal("a malformed file was imported")
	}
	if n, _ := models.CountStreets(ctx, db, plassans.ID); n != 10 {
		t.Fatalf("after a refused import, Plassans has %d streets, want 10", n)
	}
	// A new import replaces them.
	sum, err = streets.Import(ctx, db, plassans.ID, strings.NewReader(header+row(1, "Rue Neuve", "13100")), nil)
	if err != nil || sum.Count != 1 {
		t.Fatalf("re-import: %+v %v", sum, err)
	}
	if got, _ := streets.Suggest(ctx, db, plassans.ID, "eglise"); len(got) != 0 {
		t.Fatalf("a replaced street is still suggested: %q", values(got))
	}
	if n, _ := models.CountStreets(ctx, db, rougon.ID); n != 2 {
		t.Fatalf("Plassans's import changed Rougon's streets: %d", n)
	}
}

// TestSuggestBounds: at most ten suggestions; too long a text is refused in French.
func TestSuggestBounds(t *testing.T) {
	db := testdb.New(t)
	ctx := context.Background()
	c := newCommune(t, db, "plassans")
	var file strings.Builder
	file.WriteString(header)
	for i := range 30 {
		file.WriteString(row(1, fmt.Sprintf("Allée %d", i), "13100"))
	}
	if _, err := streets.Import(ctx, db, c.ID, strings.NewReader(file.String()), nil); err != nil {
		t.Fatal(err)
	}
	if got, _ := streets.Suggest(ctx, db, c.ID, "allee"); len(got) != streets.Suggestions {
		t.Fatalf("%d suggestions, want %d", len(got), streets.Suggestions)
	}
	_, err := streets.Suggest(ctx, db, c.ID, strings.Repeat("a", 101))
	if apperr.CodeOf(err) != apperr.Invalid || !strings.Contains(err.Error(), "trop longue") {
		t.Fatalf("a long text: %v", err)
	}
}
