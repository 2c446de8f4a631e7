package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"guichet/articles"
	"guichet/fixture"
	"guichet/handlers/web"
	"guichet/models"
	"guichet/perm"
)

// articleRow is the indicators' line of an article: views, answered, opened.
func articleRow(t *testing.T, a *app, title string) []string {
	t.Helper()
	page := a.signIn(a.Supervisor).get("/gestion/supervision/indicateurs")
	mustStatus(t, page, http.StatusOK)
	var cells []string
	page.Doc.Find("table.indicators-articles tbody tr").Each(func(_ int, tr *goquery.Selection) {
		if strings.TrimSpace(tr.Find("th").Text()) == title {
			tr.Find("td").Each(func(_ int, td *goquery.Selection) { cells = append(cells, strings.TrimSpace(td.Text())) })
		}
	})
	return cells
}

// suggested are the titles of the articles a page suggests.
func suggested(r *response) []string {
	var out []string
	r.Doc.Find("#suggestions a").Each(func(_ int, s *goquery.Selection) { out = append(out, s.Text()) })
	return out
}

// A citizen describes their question on the contact form's first step:
// the public articles that may answer it are listed (never an internal
// one), in French (stems, accents aside); the article shows its date at
// its foot, "Cela répond à ma question" ends there and is counted, and
// writing to the mairie after reading it is counted too.
func TestACitizenFindsAnArticleFromTheContactForm(t *testing.T) {
	a := newApp(t)
	pub := a.article(t, "Jours de collecte des déchets", "Les poubelles sont **ramassées** le mardi et le vendredi.", true)
	a.article(t, "Consigne interne déchets", "Les poubelles : ne pas promettre de passage.", false)
	other := fixture.NewWorld(t, a.DB)
	_, err := articles.Save(t.Context(), a.DB, other.Accueil, 0, articles.Input{Title: "Collecte des poubelles ailleurs", Body: "Poubelles le lundi.", Public: true}, a.Clock.Now())
	fixture.Must(t, err)
	c := a.client()
	base := "/c/" + a.Commune.Slug

	step := c.get(base + "/contact")
	mustContain(t, step, "Décrivez votre question")
	r := c.get(base + "/contact?" + url.Values{"question": {"Quand passe le ramassage des poubelles ?"}}.Encode())
	mustStatus(t, r, http.StatusOK)
	assertAccessible(t, r.Doc)
	if got := suggested(r); len(got) != 1 || got[0] != pub.Title {
		t.Fatalf("suggested %v, want only %q", got, pub.Title)
	}
	if v, _ := r.Doc.Find(`input[name="objet"]`).Attr("value"); v != "Quand passe le ramassage des poubelles ?" {
		t.Fatalf("the subject starts as %q", v)
	}
	// The fragment the page's script asks while one types.
	frag := c.get(base + "/aide/suggestions?question=dechets")
	if !strings.Contains(frag.Body, pub.Title) || strings.Contains(frag.Body, "interne") || strings.Contains(frag.Body, "ailleurs") {
		t.Fatalf("fragment: %s", frag.Body)
	}
	if none := c.get(base + "/aide/suggestions?question=le+du"); strings.Contains(none.Body, "<a ") {
		t.Fatalf("stop words alone suggest: %s", none.Body)
	}

	href, _ := r.Doc.Find("#suggestions a").Attr("href")
	art := c.get(href)
	mustStatus(t, art, http.StatusOK)
	assertAccessible(t, art.Doc)
	if art.Doc.Find(".article-body strong").Text() != "ramassées" {
		t.Fatalf("body not rendered: %s", text(art))
	}
	if got := strings.TrimSpace(art.Doc.Find("article p.article-updated").Text()); got != "Mis à jour le "+pub.UpdatedAt.In(web.Paris).Format("02/01/2006") {
		t.Fatalf("foot: %q", got)
	}
	done := c.post(base+"/aide/"+pub.Slug+"/utile", nil)
	mustStatus(t, done, http.StatusOK)
	mustContain(t, done, "Tant mieux")
	if got := articleRow(t, a, pub.Title); strings.Join(got, " ") != "1 1 0" {
		t.Fatalf("indicators after « Cela répond »: %v", got)
	}

	// Another citizen reads it and writes anyway, from the article's link.
	d := a.client()
	art = d.get(href)
	contact, _ := art.Doc.Find(`.article-feedback a`).Attr("href")
	form := d.get(contact)
	if v, _ := form.Doc.Find(`input[name="article"]`).Attr("value"); v != itoa(pub.ID) {
		t.Fatalf("the form does not carry the article read: %q", v)
	}
	if got := form.Doc.Find(`textarea[name="message"]`).Text(); got != "Quand passe le ramassage des poubelles ?" {
		t.Fatalf("the question did not follow: %q", got)
	}
	mustStatus(t, d.postMessage(base+"/contact", map[string]string{"objet": "Poubelles", "message": "Pas passé mardi.", "nom": "Camille Martin",
		"email": "camille@exemple.fr", "article": itoa(pub.ID)}, nil), http.StatusSeeOther)
	if got := articleRow(t, a, pub.Title); strings.Join(got, " ") != "2 1 1" {
		t.Fatalf("indicators after a message written anyway: %v", got)
	}

	// French search on the help page: a stem, accents aside.
	for _, q := range []string{"ramassée", "DECHETS", "collectes", "pou"} {
		found := c.get(base + "/aide?" + url.Values{"q": {q}}.Encode())
		if found.Doc.Find(`.article-list a:contains("`+pub.Title+`")`).Length() != 1 || strings.Contains(found.Body, "interne") {
			t.Errorf("search %q: %s", q, text(found))
		}
	}
	// An internal article, or another commune's, has no public page here.
	mustStatus(t, c.get(base+"/aide/consigne-interne-dechets"), http.StatusNotFound)
	mustStatus(t, c.get(base+"/aide/collecte-des-poubelles-ailleurs"), http.StatusNotFound)
	mustStatus(t, c.post(base+"/aide/consigne-interne-dechets/utile", nil), http.StatusNotFound)
}

// An article tied to a procedure and a motif is on the procedure's page
// and on the motif's, which the help page lists.
func TestArticlesOnProcedureAndMotifPages(t *testing.T) {
	a := newApp(t)
	m := &models.Motif{CommuneID: a.Commune.ID, Name: "Propreté"}
	fixture.Must(t, models.CreateMotif(t.Context(), a.DB, m))
	ar, err := articles.Save(t.Context(), a.DB, a.Accueil, 0, articles.Input{Title: "Signaler un dépôt sauvage", Body: "Décrivez le lieu.", Public: true,
		MotifIDs: []int64{m.ID}, ProcedureIDs: []int64{a.Procedure.ID}}, a.Clock.Now())
	fixture.Must(t, err)
	c := a.client()
	base := "/c/" + a.Commune.Slug
	proc := c.get(base + "/demarches/" + a.Procedure.Slug)
	mustStatus(t, proc, http.StatusOK)
	assertAccessible(t, proc.Doc)
	if proc.Doc.Find(`a[href="`+articles.Path(a.Commune.Slug, ar.Slug)+`"]`).Length() != 1 {
		t.Fatalf("the procedure's page does not offer its article: %s", text(proc))
	}
	help := c.get(base + "/aide")
	assertAccessible(t, help.Doc)
	motif, ok := help.Doc.Find(`a:contains("Propreté")`).Attr("href")
	if !ok {
		t.Fatalf("no motif on the help page: %s", text(help))
	}
	mp := c.get(motif)
	mustStatus(t, mp, http.StatusOK)
	mustContain(t, mp, "Signaler un dépôt sauvage")
	art := c.get(articles.Path(a.Commune.Slug, ar.Slug))
	if art.Doc.Find(`a[href="`+base+`/demarches/`+a.Procedure.Slug+`"]`).Length() != 1 {
		t.Fatalf("the article does not link its procedure: %s", text(art))
	}
	mustStatus(t, c.get(base+"/aide/motifs/999999"), http.StatusNotFound)
}

// The editor: a preview saves nothing and renders the Markdown inert; a
// save over another agent's is refused, "modifié entre-temps", with the
// input kept; bad input gets French messages beside the fields, the input
// kept. A profile whose replies are held reads articles but writes none;
// another commune's agent sees nothing of them.
func TestAgentsWriteArticles(t *testing.T) {
	a := newApp(t)
	ag := a.signIn(a.Accueil)
	mustStatus(t, ag.get("/gestion/articles/nouveau"), http.StatusOK)
	md := "Ouvert le **samedi**.\n\n<script>alert(1)</script>\n\n[piège](javascript:alert(1))"
	pv := ag.post("/gestion/articles/nouveau", url.Values{"titre": {"Horaires du samedi"}, "texte": {md}, "op": {"apercu"}, "public": {"oui"}})
	mustStatus(t, pv, http.StatusOK)
	assertAccessible(t, pv.Doc)
	if pv.Doc.Find(".article-preview strong").Text() != "samedi" || pv.Doc.Find(".article-preview script").Length() != 0 ||
		strings.Contains(pv.Body, "javascript:alert") && pv.Doc.Find(`.article-preview a[href^="javascript"]`).Length() != 0 {
		t.Fatalf("preview: %s", pv.Body)
	}
	if got := pv.Doc.Find(`textarea[name="texte"]`).Text(); got != md {
		t.Fatalf("the preview lost the text: %q", got)
	}
	var n int
	fixture.Must(t, a.DB.NewRaw("SELECT count(*) FROM articles WHERE commune_id = ?", a.Commune.ID).Scan(t.Context(), &n))
	if n != 0 {
		t.Fatal("the preview saved the article")
	}

	bad := ag.post("/gestion/articles/nouveau", url.Values{"titre": {""}, "texte": {"Un texte gardé."}})
	mustStatus(t, bad, http.StatusUnprocessableEntity)
	if msg, _ := fieldError(bad, "titre"); !strings.Contains(msg, "Indiquez le titre de l'article") || bad.Doc.Find(`textarea[name="texte"]`).Text() != "Un texte gardé." {
		t.Fatalf("empty title: %q, %s", msg, text(bad))
	}

	saved := ag.post("/gestion/articles/nouveau", url.Values{"titre": {"Horaires du samedi"}, "texte": {md}, "public": {"oui"}, "op": {"enregistrer"}})
	mustStatus(t, saved, http.StatusSeeOther)
	path := saved.Header.Get("Location")
	page := ag.follow(saved)
	assertAccessible(t, page.Doc)
	version, _ := page.Doc.Find(`input[name="version"]`).Attr("value")
	pub := a.client().get(articles.Path(a.Commune.Slug, "horaires-du-samedi"))
	mustStatus(t, pub, http.StatusOK)
	if pub.Doc.Find("main script").Length() != 0 || pub.Doc.Find(`main a[href^="javascript"]`).Length() != 0 {
		t.Fatalf("the public page runs the Markdown's script: %s", pub.Body)
	}

	dup := ag.post("/gestion/articles/nouveau", url.Values{"titre": {"Horaires du samedi"}, "texte": {"Autre."}})
	mustStatus(t, dup, http.StatusUnprocessableEntity)
	if msg, _ := fieldError(dup, "slug"); !strings.Contains(msg, "déjà celle d'un autre article") {
		t.Fatalf("a taken slug: %q", msg)
	}

	// Two agents edit from the same version: the second is told.
	second := a.signIn(a.NewAgent(t, "second", a.Profiles[perm.AccueilProfile]))
	mustStatus(t, second.post(path, url.Values{"titre": {"Horaires du samedi"}, "texte": {"Ouvert de 9 h à 12 h."}, "public": {"oui"}, "version": {version}}), http.StatusSeeOther)
	stale := ag.post(path, url.Values{"titre": {"Horaires du samedi"}, "texte": {"Fermé le samedi."}, "public": {"oui"}, "version": {version}})
	mustStatus(t, stale, http.StatusConflict)
	mustContain(t, stale, "modifié entre-temps")
	if got := stale.Doc.Find(`textarea[name="texte"]`).Text(); got != "Fermé le samedi." {
		t.Fatalf("the stale input was lost: %q", got)
	}
	mustContain(t, a.client().get(articles.Path(a.Commune.Slug, "horaires-du-samedi")), "Ouvert de 9 h à 12 h.")

	// Replies held for validation: reading, not writing.
	held := a.signIn(a.NewAgent(t, "sous-validation", a.NewProfile(t, "Sous validation", perm.Set{perm.See, perm.ReplyValidated})))
	list := held.get("/gestion/articles")
	mustStatus(t, list, http.StatusOK)
	if list.Doc.Find(`a[href="/gestion/articles/nouveau"]`).Length() != 0 {
		t.Fatal("a held profile is offered to write")
	}
	read := held.get(path)
	mustStatus(t, read, http.StatusOK)
	if read.Doc.Find("form[method=post] textarea").Length() != 0 || !strings.Contains(text(read), "Ouvert de 9 h à 12 h.") {
		t.Fatalf("a held profile's view of an article: %s", text(read))
	}
	mustStatus(t, held.post(path, url.Values{"titre": {"Piraté"}, "texte": {"x"}, "version": {"2"}}), http.StatusForbidden)

	// Another commune.
	other := fixture.NewWorld(t, a.DB)
	stranger := a.signIn(other.Accueil)
	if strings.Contains(stranger.get("/gestion/articles").Body, "Horaires du samedi") {
		t.Fatal("another commune's agent lists this commune's articles")
	}
	mustStatus(t, stranger.get(path), http.StatusNotFound)
	mustStatus(t, stranger.post(path, url.Values{"titre": {"Piraté"}, "texte": {"x"}, "version": {"2"}}), http.StatusNotFound)
	om := &models.Motif{CommuneID: other.Commune.ID, Name: "Ailleurs"}
	fixture.Must(t, models.CreateMotif(t.Context(), a.DB, om))
	foreign := ag.post("/gestion/articles/nouveau", url.Values{"titre": {"Motif étranger"}, "texte": {"x"}, "motifs": {itoa(om.ID)}})
	mustStatus(t, foreign, http.StatusUnprocessableEntity)
	if msg, _ := fieldError(foreign, "motifs"); !strings.Contains(msg, "motifs de la commune") {
		t.Fatalf("another commune's motif: %q", msg)
	}
}

// The reply composer inserts a public article's link in the reply without
// sending it (what was typed kept); its search finds articles; an internal
// article, or another commune's, is never offered nor inserted.
func TestTheComposerInsertsAnArticleLink(t *testing.T) {
	a := newApp(t)
	pub := a.article(t, "Jours de collecte des déchets", "Le mardi.", true)
	a.article(t, "Carte grise", "En préfecture.", true)
	internal := a.article(t, "Consigne interne", "Ne rien promettre.", false)
	other := fixture.NewWorld(t, a.DB)
	foreign, err := articles.Save(t.Context(), a.DB, other.Accueil, 0, articles.Input{Title: "Ailleurs", Body: "x", Public: true}, a.Clock.Now())
	fixture.Must(t, err)
	cv := a.openConversation(t, "camille@exemple.fr", "Poubelles", "Quand passent-elles ?")
	ag := a.signIn(a.Accueil)
	base := "/gestion/messages/" + itoa(cv.ID)

	page := ag.get(base)
	if page.Doc.Find(`select[name="article"] option`).Length() != 2 || page.Doc.Find(`option[value="`+itoa(internal.ID)+`"]`).Length() != 0 {
		t.Fatalf("the composer offers: %s", page.Doc.Find(`select[name="article"]`).Text())
	}
	found := ag.postMessage(base+"/messages", map[string]string{"mode": "reponse", "message": "Bonjour,", "inserer": "chercher", "article_q": "collecte"}, nil)
	mustStatus(t, found, http.StatusOK)
	if opts := found.Doc.Find(`select[name="article"] option`); opts.Length() != 1 || opts.Text() != pub.Title {
		t.Fatalf("the search found %q", opts.Text())
	}
	if found.Doc.Find(`#reponse-message`).Text() != "Bonjour," {
		t.Fatal("searching lost the reply's text")
	}
	ins := ag.postMessage(base+"/messages", map[string]string{"mode": "reponse", "message": "Bonjour,", "inserer": "article", "article": itoa(pub.ID)}, nil)
	mustStatus(t, ins, http.StatusOK)
	want := "Bonjour,\n" + pub.Title + " : " + a.Config.BaseURL + articles.Path(a.Commune.Slug, pub.Slug) + "\n"
	if got := ins.Doc.Find(`#reponse-message`).Text(); got != want {
		t.Fatalf("the reply reads %q, want %q", got, want)
	}
	for _, id := range []int64{internal.ID, foreign.ID} {
		r := ag.postMessage(base+"/messages", map[string]string{"mode": "reponse", "message": "Bonjour,", "inserer": "article", "article": itoa(id)}, nil)
		if got := r.Doc.Find(`#reponse-message`).Text(); got != "Bonjour," {
			t.Fatalf("article %d inserted: %q", id, got)
		}
	}
	ms, err := models.Thread(t.Context(), a.DB, a.Commune.ID, cv.ID, false)
	fixture.Must(t, err)
	if len(ms) != 1 {
		t.Fatalf("inserting sent a message: %d in the thread", len(ms))
	}
	// Sent, the reply carries the link to the citizen.
	mustStatus(t, ag.postMessage(base+"/messages", map[string]string{"mode": "reponse", "message": want}, nil), http.StatusSeeOther)
	if m := mailTo(t, a.sendMail(), "camille@exemple.fr"); !strings.Contains(m.Text, a.Config.BaseURL+articles.Path(a.Commune.Slug, pub.Slug)) {
		t.Fatalf("the mail lacks the link:\n%s", m.Text)
	}
}
