package retention

import (
	"archive/zip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"time"

	"guichet/calendar"
	"guichet/files"
	"guichet/history"
	"guichet/models"
	"guichet/receipt"
	"guichet/workflow"
)

// The export (GDPR art. 15 and 20) is a ZIP of a readable summary
// (synthese.pdf), the same data for a machine (donnees.json) and the files
// themselves (fichiers/).
const (
	ExportPDF  = "synthese.pdf"
	ExportJSON = "donnees.json"
	ExportDir  = "fichiers/"
)

// The JSON file's shapes: named in French, what a person reads in it.
type (
	exportDoc struct {
		Commune       string               `json:"commune"`
		Adresse       string               `json:"adresse_electronique"`
		EtabliLe      time.Time            `json:"etabli_le"`
		Demandes      []exportDemand       `json:"demandes"`
		Conversations []exportConversation `json:"conversations"`
		Courriels     []exportMail         `json:"courriels_recus_non_classes"`
		Avis          []exportExperience   `json:"avis"`
	}
	exportDemand struct {
		Reference  string         `json:"reference"`
		Demarche   string         `json:"demarche"`
		Etat       string         `json:"etat"`
		Nom        string         `json:"nom"`
		Adresse    string         `json:"adresse_electronique"`
		CreeeLe    time.Time      `json:"creee_le"`
		DeposeeLe  *time.Time     `json:"deposee_le,omitempty"`
		DecideeLe  *time.Time     `json:"decidee_le,omitempty"`
		Reponses   []exportAnswer `json:"reponses"`
		Fichiers   []exportFile   `json:"fichiers"`
		Historique []exportEvent  `json:"historique"`
		Conservee  string         `json:"conservation,omitempty"`
		Donnees    map[string]any `json:"donnees_brutes"`
	}
	exportAnswer struct {
		Question string `json:"question"`
		Reponse  string `json:"reponse"`
	}
	exportFile struct {
		Nom    string `json:"nom"`
		Type   string `json:"type"`
		Taille int64  `json:"taille"`
		Chemin string `json:"chemin"`
	}
	exportEvent struct {
		Le      time.Time `json:"le"`
		Quoi    string    `json:"quoi"`
		Par     string    `json:"par"`
		Message string    `json:"message,omitempty"`
	}
	exportConversation struct {
		Reference string          `json:"reference"`
		Objet     string          `json:"objet"`
		Statut    string          `json:"statut"`
		Nom       string          `json:"nom"`
		Adresse   string          `json:"adresse_electronique"`
		OuverteLe time.Time       `json:"ouverte_le"`
		Messages  []exportMessage `json:"messages"`
		Conservee string          `json:"conservation,omitempty"`
	}
	exportMessage struct {
		Le       time.Time    `json:"le"`
		De       string       `json:"de"`
		Interne  bool         `json:"note_interne"`
		Texte    string       `json:"texte"`
		Cite     string       `json:"texte_cite,omitempty"`
		Fichiers []exportFile `json:"fichiers"`
	}
	exportMail struct {
		Le     time.Time `json:"le"`
		Objet  string    `json:"objet"`
		Statut string    `json:"statut"`
	}
	// An experience of "Je donne mon avis", with the service's answer.
	exportExperience struct {
		DeposeLe     time.Time  `json:"depose_le"`
		Texte        string     `json:"texte"`
		Statut       string     `json:"statut"`
		PublieLe     *time.Time `json:"publie_le,omitempty"`
		Service      string     `json:"service,omitempty"`
		Reponse      string     `json:"reponse_du_service,omitempty"`
		Amelioration string     `json:"amelioration,omitempty"`
	}
)

// ExperienceStatuses word an experience's status for its author.
var ExperienceStatuses = map[string]string{
	models.ExperiencePending:   "En attente de relecture",
	models.ExperiencePublished: "Publié",
	models.ExperienceRefused:   "Non publié",
}

// Export writes the ZIP of what h holds, for commune c, made at now,
// reading the files from store.
func Export(ctx context.Context, w io.Writer, c *models.Commune, h *Holdings, store *files.Store, now time.Time) error {
	doc := exportDoc{Commune: c.Name, Adresse: h.Email, EtabliLe: now, Demandes: []exportDemand{}, Conversations: []exportConversation{}, Courriels: []exportMail{}, Avis: []exportExperience{}}
	type stored struct{ path, sha string }
	var contents []stored
	file := func(dir string, id int64, name, typ, sha string, size int64) exportFile {
		p := fmt.Sprintf("%s%s/%d-%s", ExportDir, dir, id, files.Name(name, kindOf(typ)))
		contents = append(contents, stored{p, sha})
		return exportFile{Nom: name, Type: typ, Taille: size, Chemin: p}
	}
	for _, d := range h.Demands {
		e := exportDemand{Reference: d.Demand.Reference, Demarche: d.Procedure, Etat: workflow.StateLabel(d.Demand.State),
			Nom: d.Demand.CitizenName, Adresse: d.Demand.CitizenEmail, CreeeLe: d.Demand.CreatedAt, DeposeeLe: d.Demand.SubmittedAt,
			DecideeLe: d.Demand.DecidedAt, Conservee: d.Kept, Donnees: d.Demand.Data, Reponses: []exportAnswer{}, Fichiers: []exportFile{}, Historique: []exportEvent{}}
		for _, a := range d.Answers {
			e.Reponses = append(e.Reponses, exportAnswer{a.Label, a.Value})
		}
		for _, f := range d.Files {
			e.Fichiers = append(e.Fichiers, file(d.Demand.Reference, f.ID, f.Filename, f.ContentType, f.SHA256, f.Size))
		}
		for _, ev := range d.History {
			if history.IsOpening(ev.Kind) {
				continue
			}
			e.Historique = append(e.Historique, exportEvent{ev.At, history.AgentTitle(ev), ev.ActorName, ev.Message})
		}
		doc.Demandes = append(doc.Demandes, e)
	}
	for _, hc := range h.Conversations {
		cv := hc.Conversation
		e := exportConversation{Reference: cv.Reference, Objet: cv.Subject, Statut: cv.Status, Nom: cv.CitizenName, Adresse: cv.CitizenEmail,
			OuverteLe: cv.CreatedAt, Conservee: hc.Kept, Messages: []exportMessage{}}
		for _, m := range hc.Messages {
			em := exportMessage{Le: m.CreatedAt, De: m.AuthorName, Interne: m.Internal, Texte: m.Body, Cite: m.Folded, Fichiers: []exportFile{}}
			for _, f := range m.Files {
				em.Fichiers = append(em.Fichiers, file(cv.Reference, f.ID, f.Filename, f.ContentType, f.SHA256, f.Size))
			}
			e.Messages = append(e.Messages, em)
		}
		doc.Conversations = append(doc.Conversations, e)
	}
	for _, m := range h.Mails {
		doc.Courriels = append(doc.Courriels, exportMail{m.ReceivedAt, m.Subject, m.Status})
	}
	for _, x := range h.Experiences {
		e := exportExperience{DeposeLe: x.CreatedAt, Texte: x.Body, Statut: ExperienceStatuses[x.Status], PublieLe: x.PublishedAt,
			Service: x.ServiceName, Amelioration: x.Improvement}
		if x.AnswerStatus == models.AnswerPublished {
			e.Reponse = x.Answer // a held answer is the commune's draft, not yet theirs
		}
		doc.Avis = append(doc.Avis, e)
	}

	z := zip.NewWriter(w)
	pw, err := z.Create(ExportPDF)
	if err != nil {
		return err
	}
	if err := receipt.WriteSummary(pw, summary(c, &doc)); err != nil {
		return err
	}
	jw, err := z.Create(ExportJSON)
	if err != nil {
		return err
	}
	enc := json.NewEncoder(jw)
	enc.SetIndent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return err
	}
	for _, s := range contents {
		if err := copyStored(ctx, z, store, s.path, s.sha); err != nil {
			return err
		}
	}
	return z.Close()
}

func copyStored(ctx context.Context, z *zip.Writer, store *files.Store, path, sha string) error {
	f, err := store.Open(ctx, sha)
	if err != nil {
		return err
	}
	defer f.Close()
	w, err := z.Create(path)
	if err != nil {
		return err
	}
	_, err = io.Copy(w, f)
	return err
}

// summary is the PDF's text: the same as the JSON file, for a person.
func summary(c *models.Commune, doc *exportDoc) receipt.Summary {
	s := receipt.Summary{Commune: c.Name, Contact: c.ContactLines(), Title: "Vos données personnelles", At: doc.EtabliLe,
		Intro: fmt.Sprintf("Voici tout ce que la mairie de %s conserve au sujet de l'adresse %s : vos demandes, brouillons compris, vos échanges de messages et leurs pièces jointes, vos avis (droit d'accès et à la portabilité, RGPD articles 15 et 20). Le fichier %s de cette archive contient les mêmes données, lisibles par un programme, et le dossier %s les fichiers eux-mêmes.",
			c.Name, doc.Adresse, ExportJSON, ExportDir)}
	when := func(t time.Time) string { return t.In(paris).Format("02/01/2006 à 15:04") }
	for _, d := range doc.Demandes {
		sec := receipt.Section{Heading: "Demande " + d.Reference, Rows: []receipt.Line{
			{Label: "Démarche", Value: d.Demarche}, {Label: "État", Value: d.Etat}, {Label: "Nom", Value: d.Nom},
			{Label: "Adresse électronique", Value: d.Adresse}, {Label: "Créée le", Value: when(d.CreeeLe)},
		}}
		if d.Conservee != "" {
			sec.Rows = append(sec.Rows, receipt.Line{Label: "Conservation", Value: d.Conservee})
		}
		for _, a := range d.Reponses {
			sec.Rows = append(sec.Rows, receipt.Line{Label: a.Question, Value: a.Reponse})
		}
		for _, f := range d.Fichiers {
			sec.Rows = append(sec.Rows, receipt.Line{Label: "Pièce jointe", Value: f.Nom + " (" + f.Chemin + ")"})
		}
		for _, e := range d.Historique {
			p := when(e.Le) + " — " + e.Quoi
			if e.Message != "" {
				p += " : " + e.Message
			}
			sec.Paragraphs = append(sec.Paragraphs, p)
		}
		s.Sections = append(s.Sections, sec)
	}
	for _, cv := range doc.Conversations {
		sec := receipt.Section{Heading: "Conversation " + cv.Reference, Rows: []receipt.Line{
			{Label: "Objet", Value: cv.Objet}, {Label: "Nom", Value: cv.Nom}, {Label: "Adresse électronique", Value: cv.Adresse},
			{Label: "Ouverte le", Value: when(cv.OuverteLe)},
		}}
		if cv.Conservee != "" {
			sec.Rows = append(sec.Rows, receipt.Line{Label: "Conservation", Value: cv.Conservee})
		}
		for _, m := range cv.Messages {
			head := when(m.Le) + " — " + m.De
			if m.Interne {
				head += " (note interne)"
			}
			sec.Paragraphs = append(sec.Paragraphs, head+" :\n"+m.Texte)
			for _, f := range m.Fichiers {
				sec.Paragraphs = append(sec.Paragraphs, "Pièce jointe : "+f.Nom+" ("+f.Chemin+")")
			}
		}
		s.Sections = append(s.Sections, sec)
	}
	if len(doc.Courriels) > 0 {
		sec := receipt.Section{Heading: "Courriels reçus non classés"}
		for _, m := range doc.Courriels {
			sec.Rows = append(sec.Rows, receipt.Line{Label: when(m.Le), Value: m.Objet})
		}
		s.Sections = append(s.Sections, sec)
	}
	for _, x := range doc.Avis {
		sec := receipt.Section{Heading: "Avis du " + when(x.DeposeLe), Rows: []receipt.Line{{Label: "Statut", Value: x.Statut}},
			Paragraphs: []string{x.Texte}}
		if x.Service != "" {
			sec.Rows = append(sec.Rows, receipt.Line{Label: "Service", Value: x.Service})
		}
		if x.Reponse != "" {
			sec.Paragraphs = append(sec.Paragraphs, "Réponse du service :\n"+x.Reponse)
		}
		if x.Amelioration != "" {
			sec.Paragraphs = append(sec.Paragraphs, "Amélioration :\n"+x.Amelioration)
		}
		s.Sections = append(s.Sections, sec)
	}
	if len(s.Sections) == 0 {
		s.Sections = []receipt.Section{{Heading: "Aucune donnée", Paragraphs: []string{"La mairie ne conserve aucune donnée au sujet de cette adresse."}}}
	}
	return s
}

var paris = calendar.Paris

func kindOf(contentType string) files.Kind {
	k, _ := files.KindOf(contentType)
	return k
}
