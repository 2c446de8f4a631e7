package handlers_test

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"guichet/fixture"
	"guichet/models"
)

// The accueil's correction request may name a file question, as the
// service's may; the citizen's form marks each question named, at the
// question itself, and no other.
func TestAccueilCorrectionNamesFilesAndTheFormMarksThem(t *testing.T) {
	a := newApp(t)
	a.Procedure.Form = append(a.Procedure.Form, models.Field{Name: "photo", Label: "Photo", Type: "file"})
	_, err := a.DB.NewUpdate().Model(&a.Procedure.ProcedureVersion).Column("form").WherePK().Exec(context.Background())
	fixture.Must(t, err)
	d := a.DemandAt(t, fixture.AtSubmitted)
	a.sendMail()

	c := a.signIn(a.Accueil)
	page := c.get("/gestion/demandes/" + itoa(d.ID))
	var offered []string
	page.Doc.Find(`form[action$="/actions/correction"] input[name="champs"]`).Each(func(_ int, s *goquery.Selection) {
		offered = append(offered, s.AttrOr("value", ""))
	})
	if want := []string{"nom", "description", "photo"}; !slices.Equal(offered, want) {
		t.Fatalf("the accueil may name %v, want %v", offered, want)
	}
	action, form := actionForm(t, page, "correction")
	form.Set("message", "Décrivez mieux le lieu et joignez une photo nette.")
	form["champs"] = []string{"description", "photo"}
	form.Set("confirmer", "oui")
	mustStatus(t, c.post(action, form), http.StatusSeeOther)

	citizen := a.client()
	follow := citizen.get(pathOf(t, followLinkIn(t, mailTo(t, a.sendMail(), d.CitizenEmail))))
	mustStatus(t, follow, http.StatusOK)
	assertAccessible(t, follow.Doc)
	var listed []string
	follow.Doc.Find(`.correction li a`).Each(func(_ int, s *goquery.Selection) { listed = append(listed, s.AttrOr("href", "")) })
	if want := []string{"#champ-description", "#champ-photo"}; !slices.Equal(listed, want) {
		t.Fatalf("listed at the top: %v, want %v", listed, want)
	}
	for label, marked := range map[string]bool{`label[for="champ-description"]`: true, `label[for="champ-photo"]`: true, `label[for="champ-nom"]`: false} {
		l := follow.Doc.Find("form.demand-form " + label)
		if l.Length() != 1 {
			t.Fatalf("%s: %d on the page", label, l.Length())
		}
		if got := strings.TrimSpace(l.Find(".to-correct").Text()); (got == "(à corriger)") != marked {
			t.Errorf("%s marked %q, want marked %v", label, got, marked)
		}
	}
}
