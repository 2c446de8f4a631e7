package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"guichet/calendar"
	"guichet/fixture"
	"guichet/mail/mailtest"
	"guichet/models"
	"guichet/receipt/receipttest"
	"guichet/workflow"
)

// received1Dec is a Tuesday: two months later, 1 February 2027, is a Monday
// and no holiday, so the delay's last day is 01/02/2027 and the implicit
// decision is born on 02/02/2027 (worked out by hand).
var received1Dec = time.Date(2026, 12, 1, 10, 0, 0, 0, calendar.Paris)

// oneLine is a text with its line breaks and runs of spaces as one space:
// mails and the PDF wrap long sentences.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// submitDemo submits a demand of a demo procedure as its citizen, at the
// clock's time.
func (a *app) submitDemo(t *testing.T, p *models.Procedure, email string) *models.Demand {
	t.Helper()
	d, err := models.NewDraft(context.Background(), a.DB, p, email, a.Clock.Now())
	fixture.Must(t, err)
	return a.Apply(t, d, workflow.Submit, a.Citizen(d), workflow.Input{})
}

// The acknowledgement e-mail (over SMTP) and the PDF receipt (downloaded
// from the citizen's link and read back) of each demo procedure carry every
// mention of CRPA L112-3 and R112-5: date of receipt, the service, its postal
// address, phone and e-mail, the implicit decision's date and meaning, and
// the appeal routes (rejection) or the right to an attestation (acceptance).
func TestAcknowledgementOfEachDemoProcedureCarriesEveryMention(t *testing.T) {
	a := newApp(t)
	a.Clock.Set(received1Dec)
	procs := a.demoProcedures()
	c := a.Commune
	common := []string{"01/12/2026 à 10:00", "Accueil — guichet unique de la mairie de " + c.Name, c.Address, c.Phone, c.Email}
	cases := []struct {
		slug      string
		want, not []string
	}{
		{"signalement-dysfonctionnement", []string{"aucune décision implicite"}, []string{"Décision implicite le", "réputée"}},
		{"occupation-domaine-public", []string{"Décision implicite le", "02/02/2027", "vaut rejet", "au plus tard le 01/02/2027",
			"réputée rejetée le 02/02/2027", "recours gracieux auprès du maire de " + c.Name, "recours hiérarchique",
			"recours contentieux devant le tribunal administratif", "dans un délai de deux mois"}, []string{"L232-3", "acceptée"}},
		{"acte-etat-civil", []string{"Décision implicite le", "02/02/2027", "vaut acceptation", "au plus tard le 01/02/2027",
			"réputée acceptée le 02/02/2027", "attestation", "L232-3"}, []string{"recours", "rejetée"}},
	}
	if len(cases) != len(procs) {
		t.Fatalf("%d demo procedures, %d cases: give each its mentions", len(procs), len(cases))
	}
	for _, tc := range cases {
		t.Run(tc.slug, func(t *testing.T) {
			p := procs[tc.slug]
			if p == nil {
				t.Fatalf("no demo procedure %s", tc.slug)
			}
			email := tc.slug + "@exemple.fr"
			d := a.submitDemo(t, p, email)
			m := mailTo(t, a.sendMail(), email)
			follow := pathOf(t, followLinkIn(t, m))
			res, pdf := a.client().download(follow + "/recepisse.pdf")
			if res.StatusCode != http.StatusOK {
				t.Fatalf("receipt: %d", res.StatusCode)
			}
			pdfText, err := receipttest.Text(pdf)
			fixture.Must(t, err)
			for name, got := range map[string]string{"mail": oneLine(m.Text), "mail HTML": oneLine(m.HTML), "receipt": oneLine(pdfText)} {
				for _, w := range append(append([]string{d.Reference}, common...), tc.want...) {
					if !strings.Contains(got, strings.ReplaceAll(w, "'", "&#39;")) && !strings.Contains(got, w) {
						t.Errorf("%s lacks %q:\n%s", name, w, got)
					}
				}
				for _, w := range tc.not {
					if strings.Contains(got, w) {
						t.Errorf("%s says %q:\n%s", name, w, got)
					}
				}
			}
		})
	}
}

// The implicit decision date waits for a correction: asked on 4 December,
// sent back on 10 December, seven days both counted (L114-5), so the last
// day moves from 1 to 8 February 2027 (a Monday) and the decision is born
// on 9 February. The correction mail names the missing items and the date
// by which to send them; the lists and the demand page show the date.
func TestImplicitDateWaitsForACorrection(t *testing.T) {
	a := newApp(t)
	a.Clock.Set(received1Dec)
	p := a.demoProcedures()["acte-etat-civil"]
	d := a.submitDemo(t, p, "pause@exemple.fr")
	if got := day(t, d.ImplicitDecisionOn); got != "2027-02-02" {
		t.Fatalf("implicit decision on %s at submission, want 2027-02-02", got)
	}
	a.Clock.Set(time.Date(2026, 12, 4, 9, 0, 0, 0, calendar.Paris))
	agent := a.signIn(a.Accueil)
	page := agent.get("/gestion/demandes/" + itoa(d.ID))
	if v, _ := page.Doc.Find("#correction-echeance").Attr("value"); v != "2026-12-19" {
		t.Fatalf("the correction's default due date is %q, want 2026-12-19 (15 days)", v)
	}
	r := agent.post("/gestion/demandes/"+itoa(d.ID)+"/actions/correction", url.Values{"version": {vers(d.Version)},
		"message": {"Précisez le type d'acte."}, "champs": {"acte"}, "echeance": {"2026-12-18"}, "confirmer": {"oui"}})
	mustStatus(t, r, http.StatusSeeOther)
	m := mailTo(t, a.sendMail(), "pause@exemple.fr")
	for _, w := range []string{"Éléments manquants : Type d'acte", "À envoyer au plus tard le : 18/12/2026", "suspendu"} {
		if !strings.Contains(oneLine(m.Text), w) {
			t.Errorf("correction mail lacks %q:\n%s", w, m.Text)
		}
	}
	list := a.signIn(a.Supervisor).get("/gestion/supervision")
	if !strings.Contains(text(list), "délai suspendu pendant la correction") {
		t.Errorf("the list does not say the delay is suspended: %.2000s", text(list))
	}

	a.Clock.Set(time.Date(2026, 12, 10, 15, 0, 0, 0, calendar.Paris))
	d = a.Apply(t, a.reload(t, d), workflow.Resubmit, a.Citizen(d), workflow.Input{})
	if got := day(t, d.ImplicitDecisionOn); got != "2027-02-09" {
		t.Fatalf("implicit decision on %s after a 7-day correction, want 2027-02-09", got)
	}
	page = a.signIn(a.Accueil).get("/gestion/demandes/" + itoa(d.ID)) // a session lasts a day at most
	if got := oneLine(page.Doc.Find(".summary dt:contains('Décision implicite le') + dd").Text()); got != "09/02/2027" {
		t.Errorf("demand page: %s", got)
	}
}

// Reaching the implicit decision date is one history entry and one mail to
// the citizen saying what it means, however many times the job runs; a
// demand decided before the date never triggers it. Before, the lists warn.
func TestReachingTheImplicitDecisionOnce(t *testing.T) {
	a := newApp(t)
	ctx := context.Background()
	a.Clock.Set(received1Dec)
	p := a.demoProcedures()["acte-etat-civil"]
	silent := a.submitDemo(t, p, "silence@exemple.fr")
	decided := a.submitDemo(t, p, "decidee@exemple.fr")
	a.Apply(t, decided, workflow.Accept, workflow.AgentActor(a.Accueil), workflow.Input{})
	a.sendMail()

	a.Clock.Set(time.Date(2027, 1, 20, 9, 0, 0, 0, calendar.Paris))
	list := a.signIn(a.Supervisor).get("/gestion/supervision")
	row := oneLine(list.Doc.Find("tr:contains('silence@exemple.fr')").Text())
	if !strings.Contains(text(list), "Décision implicite le") || !strings.Contains(row, "02/02/2027") || !strings.Contains(row, "échéance dans 13 jours") ||
		strings.Contains(oneLine(list.Doc.Find("tr:contains('decidee@exemple.fr')").Text()), "échéance") {
		t.Errorf("the list does not warn 13 days before: %.3000s", text(list))
	}

	run := func(at time.Time, want int) {
		t.Helper()
		a.Clock.Set(at)
		ran, ok := a.App.Jobs.RunDue(ctx)["implicit decisions recorded"]
		fixture.Must(t, ran.Err)
		if !ok || ran.N != want {
			t.Fatalf("run at %s: %d recorded (ran: %v), want %d", at, ran.N, ok, want)
		}
	}
	run(time.Date(2027, 2, 1, 23, 50, 0, 0, calendar.Paris), 0) // the last day: the commune may still answer
	run(time.Date(2027, 2, 2, 0, 10, 0, 0, calendar.Paris), 1)
	run(time.Date(2027, 2, 2, 0, 30, 0, 0, calendar.Paris), 0)

	var mails []mailtest.Received
	for _, m := range a.sendMail() {
		if strings.Contains(m.Subject, "réputée") {
			mails = append(mails, m)
		}
	}
	if len(mails) != 1 || !slices.Equal(mails[0].To, []string{"silence@exemple.fr"}) {
		t.Fatalf("%d mails of an implicit decision, want 1 to silence@exemple.fr: %+v", len(mails), mails)
	}
	for _, w := range []string{"réputée acceptée", "02/02/2027", "L232-3", "attestation", "/suivi/"} {
		if !strings.Contains(oneLine(mails[0].Text), w) {
			t.Errorf("mail lacks %q:\n%s", w, mails[0].Text)
		}
	}
	for d, want := range map[*models.Demand]int{silent: 1, decided: 0} {
		evs, err := models.HistoryOfKinds(ctx, a.DB, a.Commune.ID, d.ID, workflow.KindImplicitDecision)
		fixture.Must(t, err)
		if len(evs) != want {
			t.Errorf("%s: %d history entries of its implicit decision, want %d", d.CitizenEmail, len(evs), want)
		}
	}
	// The citizen reads it in the history of their page.
	follow := a.client().get(pathOf(t, followLinkIn(t, mails[0])))
	if !strings.Contains(text(follow), "Décision implicite d'acceptation") {
		t.Errorf("the citizen's page does not show the implicit decision: %.2000s", text(follow))
	}
}

// day is a date column's value, ISO.
func day(t *testing.T, v *time.Time) string {
	t.Helper()
	d, ok := models.Day(v)
	if !ok {
		return "none"
	}
	return d.String()
}

func vers(n int) string { return itoa(int64(n)) }
