package handlers_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"guichet/fixture"
	"guichet/models"
	"guichet/streets"
)

const banHeader = "id;id_fantoir;numero;rep;nom_voie;code_postal;code_insee;nom_commune;code_insee_ancienne_commune;nom_ancienne_commune;x;y;lon;lat;type_position;alias;nom_ld;libelle_acheminement;nom_afnor;source_position;source_nom_voie;certification_commune;cad_parcelles\n"

// banRow is one address line of a BAN file of commune 13998.
func banRow(name string) string {
	return "13998_0001_00001;13998_0001;1;;" + name + ";13200;13998;Rougon;;;1;2;5.4;43.5;entrée;;;ROUGON;X;commune;commune;1;\n"
}

// banSample is the real-shaped BAN file of the streets package's tests.
func banSample(t testing.TB) []byte {
	t.Helper()
	b, err := os.ReadFile("../streets/testdata/adresses-13999.csv")
	fixture.Must(t, err)
	return b
}

// suggestions fetches the street suggestions for q.
func suggestions(t *testing.T, c *client, slug, q string) (int, []streets.Suggestion, string) {
	t.Helper()
	r := c.get("/c/" + slug + "/voies?q=" + url.QueryEscape(q))
	var out []streets.Suggestion
	var refusal struct{ Erreur string }
	if r.StatusCode == http.StatusOK {
		fixture.Must(t, json.Unmarshal([]byte(r.Body), &out))
	} else {
		json.Unmarshal([]byte(r.Body), &refusal)
	}
	return r.StatusCode, out, refusal.Erreur
}

// TestAdminImportsStreets: the admin uploads the commune's BAN file and sees
// how many streets it has and some of them; a malformed file is refused
// with its line, and changes nothing; a new file replaces the streets.
func TestAdminImportsStreets(t *testing.T) {
	a := newApp(t)
	admin := a.signIn(a.Admin)
	page := admin.get("/gestion/admin/voies")
	mustStatus(t, page, http.StatusOK)
	mustContain(t, page, "Aucune voie n'est importée")
	if page.Doc.Find(`nav a[href="/gestion/admin/voies"][aria-current="page"]`).Length() != 1 {
		t.Error("the menu does not show the streets page as current")
	}

	r := admin.postFile("/gestion/admin/voies", nil, "fichier", "adresses-13999.csv", banSample(t))
	mustStatus(t, r, http.StatusSeeOther)
	page = admin.follow(r)
	mustContain(t, page, "10 voies importées depuis « adresses-13999.csv »")
	mustContain(t, page, "La commune compte 10 voies et lieux-dits")
	mustContain(t, page, "Avenue Émile Zola (13090, 13100)")

	bad := []byte(banHeader + banRow("Rue Haute") + banRow("Rue Basse") + "13998_0003;13998;3;Rue Courte\n")
	r = admin.postFile("/gestion/admin/voies", nil, "fichier", "adresses-13998.csv", bad)
	mustStatus(t, r, http.StatusUnprocessableEntity)
	if msg, invalid := fieldError(r, "fichier"); !invalid || !strings.Contains(msg, "« adresses-13998.csv » n'a pas été importé, ligne 4 : la ligne n'a pas autant de colonnes que l'en-tête") {
		t.Fatalf("malformed file: %q", msg)
	}
	mustContain(t, r, "La commune compte 10 voies")

	for _, bad := range [][]byte{nil, []byte("nom;prenom\nDupont;Claude\n")} {
		r = admin.postFile("/gestion/admin/voies", nil, "fichier", "liste.csv", bad)
		if msg, _ := fieldError(r, "fichier"); r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(msg, "n'a pas été importé") {
			t.Fatalf("%q: %d %q", bad, r.StatusCode, msg)
		}
	}
	r = admin.post("/gestion/admin/voies", url.Values{})
	if msg, _ := fieldError(r, "fichier"); r.StatusCode != http.StatusUnprocessableEntity || msg != "Erreur : Choisissez le fichier des adresses de la commune à importer." {
		t.Fatalf("no file: %d %q", r.StatusCode, msg)
	}

	r = admin.postFile("/gestion/admin/voies", nil, "fichier", "adresses-13998.csv", []byte(banHeader+banRow("Rue Haute")+banRow("Rue Basse")))
	mustStatus(t, r, http.StatusSeeOther)
	mustContain(t, admin.follow(r), "La commune compte 2 voies")
	if n, _ := models.CountStreets(context.Background(), a.DB, a.Commune.ID); n != 2 {
		t.Fatalf("%d streets after the re-import, want 2", n)
	}
}

// TestStreetsPageIsTheAdminsOfItsCommune: the accueil and the supervisor
// get nothing; another commune's admin imports into their own commune only.
func TestStreetsPageIsTheAdminsOfItsCommune(t *testing.T) {
	a := newApp(t)
	for _, ag := range []*models.Agent{a.Accueil, a.Supervisor} {
		c := a.signIn(ag)
		if r := c.get("/gestion/admin/voies"); r.StatusCode != http.StatusForbidden {
			t.Errorf("%s opens the streets page: %d", ag.Profile.Name, r.StatusCode)
		}
		if r := c.postFile("/gestion/admin/voies", nil, "fichier", "a.csv", banSample(t)); r.StatusCode != http.StatusForbidden {
			t.Errorf("%s imports streets: %d", ag.Profile.Name, r.StatusCode)
		}
	}
	other := fixture.NewWorld(t, a.DB)
	theirs := a.signIn(other.Admin)
	mustStatus(t, theirs.postFile("/gestion/admin/voies", nil, "fichier", "a.csv", banSample(t)), http.StatusSeeOther)
	ctx := context.Background()
	if n, _ := models.CountStreets(ctx, a.DB, a.Commune.ID); n != 0 {
		t.Fatalf("another commune's admin gave this commune %d streets", n)
	}
	if n, _ := models.CountStreets(ctx, a.DB, other.Commune.ID); n != 10 {
		t.Fatalf("their commune has %d streets, want 10", n)
	}
}

// TestStreetsFileTooLarge: a file over the limit is refused before it is read.
func TestStreetsFileTooLarge(t *testing.T) {
	a := newApp(t)
	admin := a.signIn(a.Admin)
	cookie := admin.hc.Jar.Cookies(mustURL(t, a.URL))
	var cookies []string
	for _, ck := range cookie {
		cookies = append(cookies, ck.Name+"="+ck.Value)
	}
	conn, err := net.Dial("tcp", strings.TrimPrefix(a.URL, "http://"))
	fixture.Must(t, err)
	defer conn.Close()
	fmt.Fprintf(conn, "POST /gestion/admin/voies HTTP/1.1\r\nHost: %s\r\nOrigin: %s\r\nSec-Fetch-Site: same-origin\r\nCookie: %s\r\nContent-Type: multipart/form-data; boundary=x\r\nContent-Length: %d\r\n\r\n--x\r\n",
		strings.TrimPrefix(a.URL, "http://"), a.URL, strings.Join(cookies, "; "), streets.MaxFileSize+2<<20)
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	fixture.Must(t, err)
	defer res.Body.Close()
	doc, err := goquery.NewDocumentFromReader(res.Body)
	fixture.Must(t, err)
	msg := strings.Join(strings.Fields(doc.Find("#fichier-erreur").Text()), " ")
	if res.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(msg, "Le fichier est trop volumineux : 200 Mo au plus.") {
		t.Fatalf("%d %q", res.StatusCode, msg)
	}
}

func mustURL(t testing.TB, raw string) *url.URL {
	u, err := url.Parse(raw)
	fixture.Must(t, err)
	return u
}

// TestStreetSuggestions, through HTTP: accents and case aside, any word's
// beginning, ten at most, only the commune's own streets; too long a text
// is refused in French.
func TestStreetSuggestions(t *testing.T) {
	a := newApp(t)
	other := fixture.NewWorld(t, a.DB)
	ctx := context.Background()
	_, err := streets.Import(ctx, a.DB, a.Commune.ID, bytes.NewReader(banSample(t)), nil)
	fixture.Must(t, err)
	var many strings.Builder
	many.WriteString(banHeader)
	for i := range 25 {
		many.WriteString(banRow(fmt.Sprintf("Rue de l'Église n° %d", i)))
	}
	_, err = streets.Import(ctx, a.DB, other.Commune.ID, strings.NewReader(many.String()), nil)
	fixture.Must(t, err)
	c := a.client()

	for q, want := range map[string]string{"rue de l'eglise": "Rue de l'Église", "RUE DE L’ÉGL": "Rue de l'Église", "oeil": "Impasse des Œillets",
		"zola": "Avenue Émile Zola", "3 bis, egl": "3 bis Rue de l'Église", "bastide": "La Bastide Neuve"} {
		status, got, _ := suggestions(t, c, a.Commune.Slug, q)
		if status != http.StatusOK || len(got) != 1 || got[0].Value != want {
			t.Errorf("%q: %d %+v, want only %q", q, status, got, want)
		}
	}
	if _, got, _ := suggestions(t, c, a.Commune.Slug, "zola"); got[0].Label != "13090, 13100" {
		t.Errorf("label %q, want the postcodes", got[0].Label)
	}
	if _, got, _ := suggestions(t, c, a.Commune.Slug, "moulin"); len(got) != 0 {
		t.Errorf("a street of nowhere: %+v", got)
	}
	if _, got, _ := suggestions(t, c, other.Commune.Slug, "eglise"); len(got) != 10 {
		t.Errorf("%d suggestions, want ten at most", len(got))
	}
	status, _, msg := suggestions(t, c, a.Commune.Slug, strings.Repeat("rue ", 26))
	if status != http.StatusUnprocessableEntity || msg != "La recherche de voie est trop longue : 100 caractères au plus." {
		t.Errorf("a long text: %d %q", status, msg)
	}
	if r := c.get("/c/" + a.Commune.Slug + "/voies?q=%FF"); r.StatusCode != http.StatusBadRequest || !strings.Contains(text(r), "caractère non autorisé") {
		t.Errorf("invalid UTF-8: %d %s", r.StatusCode, text(r))
	}
	if r := c.get("/c/nulle-part/voies?q=eglise"); r.StatusCode != http.StatusNotFound {
		t.Errorf("unknown commune: %d", r.StatusCode)
	}
}

// TestAddressFieldSuggestsAndKeepsFreeText: once the commune has streets,
// an address field is a one-line input with a datalist fed from the
// commune's suggestions; an address that is not in the list is accepted.
func TestAddressFieldSuggestsAndKeepsFreeText(t *testing.T) {
	a := newApp(t)
	c, path, values := readyDraft(t, a)
	input := c.get(path).Doc.Find("#champ-adresse")
	if goquery.NodeName(input) != "input" || input.AttrOr("list", "") != "" {
		t.Fatalf("without streets, the address is a %s with list %q", goquery.NodeName(input), input.AttrOr("list", ""))
	}
	_, err := streets.Import(context.Background(), a.DB, a.Commune.ID, bytes.NewReader(banSample(t)), nil)
	fixture.Must(t, err)
	page := c.get(path)
	input = page.Doc.Find("#champ-adresse")
	list := input.AttrOr("list", "")
	if list == "" || page.Doc.Find("datalist#"+list).Length() != 1 || input.AttrOr("data-suggest", "") != "/c/"+a.Commune.Slug+"/voies" {
		h, _ := goquery.OuterHtml(input)
		t.Fatalf("the address field suggests nothing: %s", h)
	}
	free := "12 chemin du Moulin-Neuf, derrière la boulangerie"
	values.Set("adresse", free)
	r := c.postMultipart(path+"/deposer", values, nil, false)
	mustStatus(t, r, http.StatusSeeOther)
	if d := a.onlyDemand(t); d.Data["adresse"] != free {
		t.Fatalf("stored address %q, want %q", d.Data["adresse"], free)
	}
}
