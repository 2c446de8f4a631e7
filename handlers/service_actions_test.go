package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"guichet/fixture"
	"guichet/models"
	"guichet/workflow"
)

func lastEvent(t *testing.T, a *app, d *models.Demand) models.Event {
	t.Helper()
	evs, err := models.History(context.Background(), a.DB, d.CommuneID, d.ID, false)
	fixture.Must(t, err)
	for i := len(evs) - 1; i >= 0; i-- {
		if evs[i].Kind != models.KindLinkOpened {
			return evs[i]
		}
	}
	t.Fatal("no history")
	return models.Event{}
}

// TestServiceActions takes each action through the link, confirmed, and
// checks the state, the history (service, person's name, link) and the
// e-mails that follow over SMTP.
func TestServiceActions(t *testing.T) {
	a := newApp(t)
	cases := []struct {
		slug     string
		fill     map[string][]string
		state    string
		kind     string
		mailTo   func(d *models.Demand) string // "" when none
		subject  string
		mailSays string
		flash    string
	}{
		{"acceptation", nil, workflow.Accepted, "accept",
			func(d *models.Demand) string { return d.CitizenEmail }, "acceptée", "a été acceptée", "La demande est acceptée"},
		{"refus", map[string][]string{"message": {"Ce trottoir appartient au département."}}, workflow.Refused, "refuse",
			func(d *models.Demand) string { return d.CitizenEmail }, "refusée", "Motif : Ce trottoir appartient au département.", "La demande est refusée"},
		{"correction", map[string][]string{"message": {"Joignez une photo du lampadaire."}, "fields": {"description"}}, workflow.CorrectionRequested, "request_correction",
			func(d *models.Demand) string { return d.CitizenEmail }, "une correction est nécessaire", "Joignez une photo du lampadaire.", "La demande de correction est envoyée"},
		{"renvoi", map[string][]string{"message": {"Relève de l'urbanisme."}}, workflow.ReturnedToGuichet, "return_to_guichet",
			func(*models.Demand) string { return a.Accueil.Email }, "renvoyée à l'accueil par voirie", "Motif : Relève de l'urbanisme.", "La demande est renvoyée à l'accueil"},
		{"note", map[string][]string{"message": {"Passé sur place : lampadaire bien éteint."}}, workflow.Transferred, workflow.KindNote,
			nil, "", "", "Votre note est ajoutée"},
	}
	for _, tc := range cases {
		t.Run(tc.slug, func(t *testing.T) {
			d, link := transferred(t, a)
			before := stateOf(t, a, d)
			sentBefore := len(a.SMTP.Messages())
			fill := map[string][]string{"person": {"Jeanne Martin"}}
			for k, v := range tc.fill {
				fill[k] = v
			}
			c := a.client()
			r := c.act(link, tc.slug, fill)
			if r.StatusCode != http.StatusSeeOther {
				t.Fatalf("%s: %d %s", tc.slug, r.StatusCode, text(r))
			}
			if page := c.follow(r); !strings.Contains(text(page), tc.flash) {
				t.Fatalf("after %s: %s", tc.slug, text(page))
			}
			after := stateOf(t, a, d)
			if after.State != tc.state || after.Events != before.Events+1 {
				t.Fatalf("%+v -> %+v", before, after)
			}
			ev := lastEvent(t, a, d)
			if ev.Kind != tc.kind || ev.ActorKind != workflow.KindService || *ev.ActorID != a.Voirie.ID ||
				ev.ActorName != "voirie (Jeanne Martin)" || ev.Channel != workflow.ChannelLink {
				t.Fatalf("history: %+v", ev)
			}
			if msg := tc.fill["message"]; msg != nil && ev.Message != msg[0] {
				t.Fatalf("history message %q", ev.Message)
			}
			if tc.slug == "correction" && !slices.Equal(toStrings(ev.Details["fields"]), []string{"description"}) {
				t.Fatalf("fields to correct: %v", ev.Details["fields"])
			}
			msgs := a.sendMail()[sentBefore:]
			if tc.mailTo == nil {
				if len(msgs) != 0 || after.Version != before.Version {
					t.Fatalf("a note sent %d mails, version %d -> %d", len(msgs), before.Version, after.Version)
				}
				return
			}
			m := mailTo(t, msgs, tc.mailTo(d))
			if len(msgs) != 1 || !strings.Contains(m.Subject, tc.subject) || !strings.Contains(m.Text, tc.mailSays) {
				t.Fatalf("%d mails; to %v: %q\n%s", len(msgs), m.To, m.Subject, m.Text)
			}
		})
	}
}

func toStrings(v any) []string {
	var out []string
	if xs, ok := v.([]any); ok {
		for _, x := range xs {
			out = append(out, x.(string))
		}
	}
	return out
}

// TestServiceActionInputIsCheckedBeforeConfirmation: a missing motive is
// said next to its field, with everything typed kept; "Modifier" on the
// confirmation comes back to the filled form.
func TestServiceActionInputIsCheckedBeforeConfirmation(t *testing.T) {
	a := newApp(t)
	d, link := transferred(t, a)
	before := stateOf(t, a, d)
	c := a.client()
	r := c.act(link, "refus", map[string][]string{"message": {"   "}, "person": {"Jeanne Martin"}})
	if r.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("empty motive: %d %s", r.StatusCode, text(r))
	}
	if msg := r.Doc.Find("#refus-message-erreur").Text(); !strings.Contains(msg, "Indiquez le motif du refus") {
		t.Fatalf("no error next to the field: %s", text(r))
	}
	if href, _ := r.Doc.Find(".error-summary a").Attr("href"); href != "#refus-message" {
		t.Fatalf("error summary links to %q", href)
	}
	if v, _ := r.Doc.Find("#refus-person").Attr("value"); v != "Jeanne Martin" {
		t.Fatalf("typed name lost: %q", v)
	}
	if _, open := r.Doc.Find("form[action$='/refus']").Parent().Attr("open"); !open {
		t.Fatal("the refusal form is not open")
	}

	// Confirmation, then "Modifier": the form again, filled.
	form := actionValues(r, "/refus")
	form.Set("refus-message", "Hors compétence communale.")
	confirm := c.post(link+"/refus", form)
	if !strings.Contains(text(confirm), "Hors compétence communale.") || !strings.Contains(text(confirm), "L'usager recevra par e-mail le motif") {
		t.Fatalf("confirmation: %s", text(confirm))
	}
	edit := actionValues(confirm, "/refus")
	edit.Set("edit", "1")
	back := c.post(link+"/refus", edit)
	if got := back.Doc.Find("#refus-message").Text(); got != "Hors compétence communale." {
		t.Fatalf("typed motive lost on Modifier: %q", got)
	}
	if after := stateOf(t, a, d); after != before {
		t.Fatalf("changed before confirmation: %+v -> %+v", before, after)
	}
}

// TestServiceStaleFormKeepsTypedText: the demand changed since the page was
// opened (the service asked a correction, the citizen corrected it): the
// old form gets "modifié entre-temps", the fresh page and its text back.
func TestServiceStaleFormKeepsTypedText(t *testing.T) {
	a := newApp(t)
	d, link := transferred(t, a)
	c := a.client()
	page := c.get(link)
	form := actionValues(page, "/refus")
	form.Set("refus-message", "Motif tapé sur une page ancienne.")
	form.Set("confirm", "1")

	d = a.Apply(t, d, workflow.RequestCorrection, a.ServiceOn(d, a.Voirie), workflow.Input{Message: "Précisez."})
	a.Apply(t, d, workflow.Resubmit, a.Citizen(d), workflow.Input{})
	before := stateOf(t, a, d)

	r := c.post(link+"/refus", form)
	if r.StatusCode != http.StatusConflict || !strings.Contains(text(r), "modifié entre-temps") {
		t.Fatalf("stale: %d %s", r.StatusCode, text(r))
	}
	if got := r.Doc.Find("#refus-message").Text(); got != "Motif tapé sur une page ancienne." {
		t.Fatalf("typed text lost: %q", got)
	}
	if v, _ := r.Doc.Find("form[action$='/refus'] input[name=version]").Attr("value"); v != currentVersion(t, a, d) {
		t.Fatalf("the fresh form carries version %s", v)
	}
	if after := stateOf(t, a, d); after != before {
		t.Fatalf("changed: %+v -> %+v", before, after)
	}
}

// TestServiceCorrectionPendingShowsNoAction: while the citizen corrects,
// the link shows the demand and says it will come back, without actions.
func TestServiceCorrectionPendingShowsNoAction(t *testing.T) {
	a := newApp(t)
	d, link := transferred(t, a)
	a.Apply(t, d, workflow.RequestCorrection, a.ServiceOn(d, a.Voirie), workflow.Input{Message: "Précisez."})
	r := a.client().get(link)
	if r.StatusCode != http.StatusOK || !strings.Contains(text(r), "La demande vous reviendra quand il l'aura corrigée") ||
		!strings.Contains(text(r), "Claude Dupont") || r.Doc.Find("main form").Length() != 0 {
		t.Fatalf("%d %s", r.StatusCode, text(r))
	}
	before := stateOf(t, a, d)
	post := a.client().post(link+"/note", url.Values{"version": {currentVersion(t, a, d)}, "note-message": {"x"}, "confirm": {"1"}})
	if post.StatusCode != http.StatusForbidden || stateOf(t, a, d) != before {
		t.Fatalf("note while the citizen corrects: %d %s", post.StatusCode, text(post))
	}
}
