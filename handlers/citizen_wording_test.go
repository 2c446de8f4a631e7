package handlers_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"guichet/fixture"
	"guichet/workflow"
)

// A procedure named "Demande d'…" is not called "demande « Demande d'… »":
// in the resume mail, on the confirmation page, in the acknowledgement and
// on the follow page. The confirmation and the acknowledgement say that the
// accueil may refuse the demand; the correction mail's button says what it
// is for.
func TestCitizenWordingOfADemandNamedDemande(t *testing.T) {
	a := newApp(t)
	a.Procedure.Title = "Demande d'occupation du domaine public"
	_, err := a.DB.NewUpdate().Model(&a.Procedure.ProcedureVersion).Column("title").WherePK().Exec(context.Background())
	fixture.Must(t, err)
	const email = "claude@exemple.fr"
	c := a.client()
	draftPath := startDraft(t, c, a.Commune.Slug, a.Procedure.Slug, email)
	started := mailTo(t, a.sendMail(), email)
	if want := "Votre demande d'occupation du domaine public : lien pour la reprendre"; started.Subject != want {
		t.Errorf("resume mail's subject %q, want %q", started.Subject, want)
	}
	if !strings.Contains(started.Text, "Vous avez commencé une demande d'occupation du domaine public sur le site") {
		t.Errorf("resume mail:\n%s", started.Text)
	}

	_, values := demandForm(t, c.get(draftPath))
	values.Set("nom", "Claude Dupont")
	values.Set("description", "Une terrasse devant le café.")
	confirm := c.follow(c.postMultipart(draftPath+"/deposer", values, nil, false))
	mustStatus(t, confirm, http.StatusOK)
	mustContain(t, confirm, "a reçu votre demande d'occupation du domaine public le")
	mustContain(t, confirm, "Il peut l'accepter, la refuser, vous demander une correction ou la transmettre au service compétent.")
	d := a.onlyDemand(t)

	ack := mailTo(t, a.sendMail(), email)
	if want := "Demande " + d.Reference + " bien reçue"; ack.Subject != want {
		t.Errorf("acknowledgement's subject %q, want %q", ack.Subject, want)
	}
	for _, want := range []string{"Nous avons bien reçu votre demande d'occupation du domaine public.",
		"Il peut l'accepter, la refuser, vous demander une correction ou la transmettre au service compétent."} {
		if !strings.Contains(ack.Text, want) {
			t.Errorf("acknowledgement lacks %q:\n%s", want, ack.Text)
		}
	}
	follow := c.get(pathOf(t, followLinkIn(t, ack)))
	if h1 := strings.Join(strings.Fields(follow.Doc.Find("h1").Text()), " "); h1 != "Votre demande d'occupation du domaine public" {
		t.Errorf("follow page's heading %q", h1)
	}
	for _, m := range []string{started.Text, ack.Text, text(confirm), text(follow)} {
		if strings.Contains(m, "« Demande") {
			t.Errorf("the procedure's name repeats the word: %s", m)
		}
	}

	// The correction mail's button is for correcting, and opens the demand.
	a.Apply(t, d, workflow.RequestCorrection, workflow.AgentActor(a.Accueil), workflow.Input{Message: "Précisez la surface."})
	corr := mailTo(t, a.sendMail(), email)
	if !strings.Contains(corr.Text, "Corriger ma demande :\n"+a.URL+"/c/"+a.Commune.Slug+"/suivi/") || strings.Contains(corr.Text, "Suivre ma demande") {
		t.Errorf("correction mail's link:\n%s", corr.Text)
	}
	if !strings.Contains(corr.HTML, ">Corriger ma demande</a>") {
		t.Errorf("correction mail's button:\n%s", corr.HTML)
	}
}

// Every page names the favicon, and /favicon.ico leads to it.
func TestFavicon(t *testing.T) {
	a := newApp(t)
	c := a.client()
	home := c.get("/c/" + a.Commune.Slug + "/")
	href := home.Doc.Find(`head link[rel="icon"]`).AttrOr("href", "")
	if href == "" {
		t.Fatalf("no icon link in the page's head")
	}
	for _, path := range []string{href, "/favicon.ico"} {
		r := c.get(path)
		if r.StatusCode == http.StatusMovedPermanently {
			r = c.get(r.Header.Get("Location"))
		}
		if r.StatusCode != http.StatusOK || r.Header.Get("Content-Type") != "image/svg+xml" || !strings.Contains(r.Body, "<svg") {
			t.Errorf("%s: %d %s", path, r.StatusCode, r.Header.Get("Content-Type"))
		}
	}
}
