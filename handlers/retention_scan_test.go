package handlers_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"guichet/audit"
	"guichet/conversation"
	"guichet/fixture"
	"guichet/models"
	"guichet/workflow"
)

// The seeded citizen: their identity and every free text they or the
// agents typed about them, each word found nowhere else.
const (
	seededEmail = "ernestine.vauquelin@exemple.fr"
	seededName  = "Ernestine Vauquelin"
)

var seededWords = []string{"Vauquelin", "Ernestine", "zorglubesque", "pantoufliard", "quincailloforme", "bigorneauphile",
	"carabistouille", "ornithorynquesque", "tarabiscotage", "saperlipopette", "hurluberlu", "galimatias",
	"farfadesque", "trucmuchesque", "pataquesque", "mirlitonesque", "billevesant", "tintinnabulant", "coquecigrue"}

// seedCitizen gives the seeded citizen a demand made through the whole
// workflow (answers, a file, a correction answered, a note, a transfer with
// a message to the service, an escalation returned with a note, a decision
// with a message) with a conversation about it, and a conversation
// without a demand (messages both ways, a note with a file, a message
// forwarded with a covering note and its recipient's answer by mail, a reply held for validation and returned
// with a comment, an escalation returned, a mail received), both resolved.
func seedCitizen(t *testing.T, a *app) *models.Demand {
	t.Helper()
	ctx := context.Background()
	acc := workflow.AgentActor(a.Accueil)
	d := a.Draft(t, seededEmail)
	a.exec("UPDATE demands SET citizen_name = ?, data = ? WHERE id = ?", seededName,
		`{"nom": "Ernestine Vauquelin", "description": "Lampadaire zorglubesque"}`, d.ID)
	a.attach(d, "", "pantoufliard.pdf", append(pdfFile(200), "contenu tarabiscotage"...))
	d = a.Apply(t, a.reload(t, d), workflow.Submit, a.Citizen(d), workflow.Input{})
	d = a.Apply(t, d, workflow.RequestCorrection, acc, workflow.Input{Message: "Madame Vauquelin, précisez le lieu.", Fields: []string{"description"}})
	d = a.Apply(t, d, workflow.Resubmit, a.Citizen(d), workflow.Input{Data: map[string]any{"nom": seededName, "description": "Lampadaire bigorneauphile"}})
	_, err := a.Engine.Note(ctx, d.ID, acc, "Appelé Ernestine : carabistouille.")
	fixture.Must(t, err)
	d = a.Apply(t, d, workflow.Transfer, acc, workflow.Input{ServiceID: a.Voirie.ID, Message: "Mme Vauquelin habite l'impasse farfadesque."})
	d = a.Apply(t, d, workflow.ReturnToGuichet, a.ServiceOn(d, a.Voirie), workflow.Input{Message: "Relève de l'accueil."})
	referent := a.Referent(t)
	a.EscalateAndReturn(t, referent, conversation.EscalateInput{DemandID: d.ID, Label: "Support de l'intercommunalité",
		Problem: "Mme Vauquelin, lampadaire trucmuchesque."}, "Ernestine Vauquelin relève du pataquesque.")
	about, _, err := a.App.Conversations.Open(ctx, a.Commune, conversation.CitizenOfDemand(d), conversation.OpenInput{Subject: "Au sujet de ma demande saperlipopette",
		Email: seededEmail, Name: seededName, DemandID: d.ID, Client: "192.0.2.7", Message: conversation.MessageInput{Body: "Où en est ma demande, hurluberlu ?"}})
	fixture.Must(t, err)
	d = a.Apply(t, a.reload(t, d), workflow.Accept, acc, workflow.Input{Message: "Accord pour Mme Vauquelin."})

	cv, _, err := a.App.Conversations.Open(ctx, a.Commune, conversation.Citizen(a.Commune.ID, seededName), conversation.OpenInput{Subject: "Question quincailloforme",
		Email: seededEmail, Name: seededName, Client: "192.0.2.7", Message: conversation.MessageInput{Body: "Bonjour, ornithorynquesque ?"}})
	fixture.Must(t, err)
	a.reply(t, a.Accueil, cv, "Bonjour Madame Vauquelin, voici la réponse galimatias.")
	mustStatus(t, a.signIn(a.Accueil).postMessage("/gestion/messages/"+itoa(cv.ID)+"/messages",
		map[string]string{"mode": "note", "message": "Note sur Mme Vauquelin."}, &upload{Name: "quincailloforme.pdf", Content: append(pdfFile(300), "pièce saperlipopette"...)}), 303)
	a.ReturnHeldReply(t, acc, cv.ID, "Réponse à valider pour Ernestine.", "Ne citez pas Mme Vauquelin : billevesant.")
	var asked int64
	fixture.Must(t, a.DB.NewRaw("SELECT id FROM conversation_messages WHERE conversation_id = ? AND author_kind = 'citizen' ORDER BY id LIMIT 1", cv.ID).Scan(ctx, &asked))
	fixture.Must(t, a.App.Conversations.Forward(ctx, a.Commune, acc, cv.ID, asked, "accueil@caf.exemple.fr", "Pour Ernestine Vauquelin, question mirlitonesque."))
	a.EscalateAndReturn(t, referent, conversation.EscalateInput{ConversationID: cv.ID, Label: "Support de l'intercommunalité",
		Problem: "Mme Vauquelin, dossier tintinnabulant."}, "Pas pour nous.")
	reply, err := a.Notifier.ReplyAddress(a.Commune, cv)
	fixture.Must(t, err)
	raw := fmt.Sprintf("From: %s <%s>\r\nTo: %s\r\nSubject: Re: Question quincailloforme\r\nMessage-ID: <ev1@exemple.fr>\r\n\r\nMerci, tarabiscotage.\r\n\r\n-- \r\n%s\r\n", seededName, seededEmail, reply, seededName)
	fixture.Must(t, a.App.Inbound.Receive(ctx, seededEmail, []string{reply}, strings.NewReader(raw)))
	// The forwarding's recipient answers: a note for the team, whose raw
	// mail is linked by its message only.
	raw = fmt.Sprintf("From: accueil@caf.exemple.fr\r\nTo: %s\r\nSubject: Re: Question quincailloforme\r\nMessage-ID: <caf1@exemple.fr>\r\n\r\nMme %s est connue de nos services, coquecigrue.\r\n", reply, seededName)
	fixture.Must(t, a.App.Inbound.Receive(ctx, "accueil@caf.exemple.fr", []string{reply}, strings.NewReader(raw)))
	for _, id := range []int64{about.ID, cv.ID} {
		c, err := models.ConversationByID(ctx, a.DB, a.Commune.ID, id)
		fixture.Must(t, err)
		_, err = a.App.Conversations.SetStatus(ctx, acc, id, c.Version, models.ConvResolved)
		fixture.Must(t, err)
	}
	a.sendMail()
	return d
}

// traces lists where the seeded words are, in every table's text, jsonb,
// array and bytea column (gzip read through: raw mails) and tsvector
// (matched as a search would), found from information_schema so that a
// new table is covered, and in every file of the store.
func traces(t *testing.T, a *app) map[string][]string {
	t.Helper()
	ctx := context.Background()
	found := map[string][]string{}
	var cols []struct{ TableName, ColumnName, DataType string }
	fixture.Must(t, a.DB.NewRaw(`SELECT c.table_name, c.column_name, c.data_type FROM information_schema.columns c
		JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
		WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'
			AND c.data_type IN ('text', 'character varying', 'character', 'jsonb', 'json', 'ARRAY', 'bytea', 'tsvector')
		ORDER BY 1, 2`).Scan(ctx, &cols))
	if len(cols) < 50 {
		t.Fatalf("only %d columns found", len(cols))
	}
	words := regexp.MustCompile("(?i)" + strings.Join(seededWords, "|"))
	query := strings.Join(seededWords, " | ")
	note := func(where string, s string) {
		for _, w := range words.FindAllString(s, -1) {
			found[strings.ToLower(w)] = append(found[strings.ToLower(w)], where)
		}
	}
	for _, c := range cols {
		where := c.TableName + "." + c.ColumnName
		col := fmt.Sprintf("%q", c.ColumnName)
		switch c.DataType {
		case "bytea":
			var vals [][]byte
			fixture.Must(t, a.DB.NewRaw(fmt.Sprintf("SELECT %s FROM %q WHERE length(%s) > 0", col, c.TableName, col)).Scan(ctx, &vals))
			for _, v := range vals {
				if zr, err := gzip.NewReader(bytes.NewReader(v)); err == nil {
					if plain, err := io.ReadAll(zr); err == nil {
						v = plain
					}
				}
				note(where, string(v))
			}
		default:
			var vals []string
			fixture.Must(t, a.DB.NewRaw(fmt.Sprintf("SELECT %s::text FROM %q WHERE %s::text ~* ?", col, c.TableName, col), words.String()[4:]).Scan(ctx, &vals))
			for _, v := range vals {
				note(where, v)
			}
			if c.DataType == "tsvector" {
				var n int
				fixture.Must(t, a.DB.NewRaw(fmt.Sprintf("SELECT count(*) FROM %q WHERE %s @@ to_tsquery('fr_unaccent', ?)", c.TableName, col), query).Scan(ctx, &n))
				if n > 0 {
					found["(search)"] = append(found["(search)"], fmt.Sprintf("%s: %d rows", where, n))
				}
			}
		}
	}
	fixture.Must(t, filepath.WalkDir(a.App.Files.Dir, func(p string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		note("file "+e.Name(), string(b))
		return err
	}))
	return found
}

// TestAnonymisationLeavesNothingOfTheCitizen: once a citizen's demand and
// conversations expire, none of their identity and texts remains in any
// table, the search index or the file store; what the indicators count
// stays, and the history chain verifies.
func TestAnonymisationLeavesNothingOfTheCitizen(t *testing.T) {
	a := newApp(t)
	ctx := context.Background()
	d := seedCitizen(t, a)
	seedCitizenElsewhere(t, a)
	before := traces(t, a)
	for _, w := range append(seededWords, "(search)") {
		if len(before[strings.ToLower(w)]) == 0 {
			t.Fatalf("%q was never seeded: the scan would prove nothing (found %v)", w, before)
		}
	}
	var stored []string
	fixture.Must(t, a.DB.NewRaw("SELECT sha256 FROM attachments WHERE demand_id = ? UNION ALL SELECT sha256 FROM conversation_files WHERE commune_id = ?", d.ID, a.Commune.ID).Scan(ctx, &stored))
	if len(stored) != 2 {
		t.Fatalf("%d files stored", len(stored))
	}
	fixture.Must(t, models.SetRetention(ctx, a.DB, a.Commune.ID, map[int64]int{a.Procedure.ID: 1}, 1))
	d = a.reload(t, d)

	a.runRetention(t, a.Clock.Now().AddDate(0, 2, 0))
	eraseCitizenElsewhere(t, a)
	if after := traces(t, a); len(after) > 0 {
		t.Errorf("the citizen's data remains: %v", after)
	}
	for _, sha := range stored {
		if _, err := a.App.Files.Open(ctx, sha); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("file %s still in the store (%v)", sha, err)
		}
	}
	var reasons []string
	fixture.Must(t, a.DB.NewRaw("SELECT details->>'reason' FROM demand_events WHERE commune_id = ? AND kind = 'anonymised' ORDER BY id", a.Commune.ID).Scan(ctx, &reasons))
	if strings.Join(reasons, ",") != "expiry,expiry,expiry" {
		t.Errorf("anonymisation entries %v: want the demand's and its two conversations'", reasons)
	}
	gone := a.reload(t, d)
	if gone.Reference != d.Reference || gone.State != d.State || gone.SubmittedAt == nil || !gone.DecidedAt.Equal(*d.DecidedAt) {
		t.Errorf("what the indicators count changed: %+v", gone)
	}
	key, err := a.Config.AuditKey()
	fixture.Must(t, err)
	res, err := audit.VerifyCommune(ctx, a.DB, a.Commune, key.Public().(ed25519.PublicKey))
	fixture.Must(t, err)
	if !res.OK() {
		t.Fatalf("the chain no longer verifies: %s", res.Problem)
	}
}

// seedCitizenElsewhere gives the seeded citizen what lives outside their
// demands and conversations: a bounce bearing their name (it expires
// with the conversations' months, from its receipt) and a published
// experience, answered, rated and improved (erased on their request).
func seedCitizenElsewhere(t *testing.T, a *app) {
	t.Helper()
	bounceMail(t, a, seededName+" <"+seededEmail+">", "Retour zorglubesque", "Non distribué à "+seededName+", pantoufliard.")
	publishedExperience(t, a, seededEmail, "Ernestine Vauquelin trouve la médiathèque bigorneauphile.", "Merci Madame Vauquelin, quincailloforme.")
}

// eraseCitizenElsewhere erases, as a supervisor on the seeded citizen's
// request, what no retention expires: their experience.
func eraseCitizenElsewhere(t *testing.T, a *app) {
	t.Helper()
	sup := a.signIn(a.Supervisor)
	done := sup.follow(sup.post("/gestion/supervision/donnees-personnelles/effacer", url.Values{"email": {seededEmail}, "motif": {"request"}, "confirmation": {"oui"}}))
	mustContain(t, done, "Effacé : 1 élément(s).")
}
