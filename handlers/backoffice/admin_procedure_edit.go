package backoffice

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"guichet/calendar"
	"guichet/forms"
	"guichet/handlers/web"
	"guichet/models"
	"guichet/views"
	"guichet/workflow"
)

// The procedure editor, server-rendered: every button (add, move or remove
// a field, save) submits the whole form, which comes back with everything
// kept, so it works without JavaScript.

const proceduresPath = "/gestion/admin/demarches"

func procedurePath(id int64) string { return proceduresPath + "/" + strconv.FormatInt(id, 10) }

// procedureEditData is the Data of "admin/procedure".
type procedureEditData struct {
	Editor   forms.Editor
	Fields   []editorField
	Action   string
	ID       int64 // 0: a new procedure
	Revision int
	Active   bool
	Version  string // "Version 2 du 01/12/2026"; empty for a new one
	Demands  int
	Types    []views.Option
	Controls []views.Option
	Variants []views.Option
	Motifs   []views.Option // by path
	Silences []views.Option
	Units    []views.Option
}

// silenceOptions and unitOptions are the choices of a procedure's legal deadline.
var silenceOptions, delayUnitOptions = func() ([]views.Option, []views.Option) {
	var ss, us []views.Option
	for _, s := range calendar.Silences {
		ss = append(ss, views.Option{Value: string(s), Label: s.Label()})
	}
	for _, u := range calendar.DelayUnits {
		us = append(us, views.Option{Value: string(u), Label: string(u)})
	}
	return ss, us
}()

// motifOptions are the motifs a procedure may have by default: the active
// ones, and current (a path) even if it no longer is.
func motifOptions(t models.MotifTree, current string) []views.Option {
	var out []views.Option
	for _, n := range t {
		if !n.Inactive || n.Path == current {
			label := n.Path
			if n.Inactive {
				label += " (désactivé)"
			}
			out = append(out, views.Option{Value: n.Path, Label: label})
		}
	}
	return out
}

// definitionOf is a procedure's latest version as its file says it.
func (s *Handlers) definitionOf(c *gin.Context, p *models.Procedure) (forms.Definition, error) {
	t, err := models.Motifs(c.Request.Context(), s.DB, p.CommuneID)
	return forms.DefinitionOf(p, t), err
}

// editorField is one field in the editor, with what its inputs offer.
type editorField struct {
	forms.EditorField
	Index   int
	Kind    forms.Type
	Earlier []views.Option // the fields a condition may name
	Last    bool
}

// In returns the name (and id) of this field's input attr.
func (f editorField) In(attr string) string { return forms.EditorInput(f.Index, attr) }

var typeOptions, controlOptions = func() ([]views.Option, []views.Option) {
	ts := make([]views.Option, len(forms.TypeNames))
	for i, t := range forms.TypeNames {
		ts[i] = views.Option{Value: t, Label: forms.Types[t].Label}
	}
	return ts, []views.Option{{Value: "select", Label: "Liste déroulante"}, {Value: "radio", Label: "Boutons radio (tous les choix visibles)"}}
}()

// variantLabels words the lifecycles a procedure may follow.
var variantLabels = map[string]string{
	workflow.Standard.Name:    "Standard : l'accueil vérifie puis transmet à un service",
	workflow.SansService.Name: "Sans service : l'accueil répond elle-même",
}

func variantOptions() []views.Option {
	var out []views.Option
	for name := range workflow.Variants {
		label := variantLabels[name]
		if label == "" {
			label = name
		}
		out = append(out, views.Option{Value: name, Label: label})
	}
	slices.SortFunc(out, func(a, b views.Option) int {
		if a.Value == workflow.Standard.Name {
			return -1
		}
		if b.Value == workflow.Standard.Name {
			return 1
		}
		return 0
	})
	return out
}

// renderEditor shows the editor for e; p is nil for a new procedure.
// form holds what was typed in the page's other forms (a copy's address).
func (s *Handlers) renderEditor(c *gin.Context, status int, p *models.Procedure, e forms.Editor, revision int, errs map[string]string, flash *views.Flash, form map[string]any) {
	data := procedureEditData{Editor: e, Action: proceduresPath + "/nouvelle", Revision: revision,
		Types: typeOptions, Controls: controlOptions, Variants: variantOptions(), Silences: silenceOptions, Units: delayUnitOptions}
	tree, err := models.Motifs(c.Request.Context(), s.DB, web.Commune(c).ID)
	if err != nil {
		s.Fail(c, err)
		return
	}
	data.Motifs = motifOptions(tree, e.Motif)
	title := "Nouvelle démarche"
	if p != nil {
		data.ID, data.Active, data.Version, data.Action = p.ID, p.Active, web.VersionText(p), procedurePath(p.ID)
		counts, err := models.CountDemands(c.Request.Context(), s.DB, p.CommuneID)
		if err != nil {
			s.Fail(c, err)
			return
		}
		data.Demands = counts[p.ID]
		title = "Modifier « " + p.Title + " »"
	}
	var earlier []views.Option
	for i, f := range e.Fields {
		data.Fields = append(data.Fields, editorField{EditorField: f, Index: i, Kind: forms.Types[f.Type],
			Earlier: slices.Clone(earlier), Last: i == len(e.Fields)-1})
		if forms.Types[f.Type].Shows && f.Name != "" {
			earlier = append(earlier, views.Option{Value: f.Name, Label: fmt.Sprintf("%s (%s)", f.Label, f.Name)})
		}
	}
	pg := s.Page(c, title)
	pg.Errors, pg.Form = views.FormErrors(errs), form
	if flash != nil {
		pg.Flash = flash
	}
	pg.Data = data
	s.Render(c, status, "admin/procedure", pg)
}

// adminProcedureNew shows the editor of a new procedure: a title, one field.
func (s *Handlers) adminProcedureNew(c *gin.Context) {
	// Silence vaut acceptation after two months is the general rule (CRPA L231-1).
	s.renderEditor(c, http.StatusOK, nil, forms.Editor{Variant: workflow.Standard.Name, Silence: string(calendar.SilenceAcceptance),
		DelayN: strconv.Itoa(calendar.DefaultDelay.N), DelayUnit: string(calendar.DefaultDelay.Unit), Fields: []forms.EditorField{{Type: "text"}}}, 0, nil, nil, nil)
}

// adminProcedureEdit shows the editor of a procedure's latest version.
func (s *Handlers) adminProcedureEdit(c *gin.Context) {
	p, ok := s.adminProcedure(c)
	if !ok {
		return
	}
	def, err := s.definitionOf(c, p)
	if err != nil {
		s.Fail(c, err)
		return
	}
	s.renderEditor(c, http.StatusOK, p, forms.EditorOf(def), p.Revision, nil, nil, nil)
}

// adminProcedure loads the procedure of the URL, in the admin's commune:
// another commune's is not found.
func (s *Handlers) adminProcedure(c *gin.Context) (*models.Procedure, bool) {
	p, err := models.ProcedureByID(c.Request.Context(), s.DB, web.Commune(c).ID, web.IDParam(c, "pid"))
	if err != nil {
		s.Fail(c, err)
		return nil, false
	}
	return p, true
}

// adminProcedureSave answers every button of the editor: those that add,
// move or remove a field re-render it; "enregistrer" checks and saves.
func (s *Handlers) adminProcedureSave(c *gin.Context) {
	ctx := c.Request.Context()
	var p *models.Procedure
	if c.Param("pid") != "" {
		var ok bool
		if p, ok = s.adminProcedure(c); !ok {
			return
		}
	}
	// The longest form (forms.ReadEditor reads 200 fields at most) is far below.
	c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, 2<<20)
	if err := c.Request.ParseForm(); err != nil {
		s.RenderError(c, http.StatusBadRequest, "Formulaire illisible", "Le formulaire envoyé est illisible ou trop long. Rechargez la page et recommencez.")
		return
	}
	e := forms.ReadEditor(c.Request.PostForm)
	if p != nil {
		e.Slug = p.Slug // a procedure keeps its address: citizens' links name it
	}
	revision, _ := strconv.Atoi(c.PostForm("_revision"))
	if op := c.PostForm("op"); op != "enregistrer" {
		e.Apply(op, c.PostForm("nouveau_type"))
		s.renderEditor(c, http.StatusOK, p, e, revision, nil, nil, nil)
		return
	}
	def, errs := e.Definition()
	if pbs := def.CommuneProblems(web.Commune(c)); len(pbs) > 0 && errs["silence"] == "" {
		errs["silence"] = forms.Sentence(pbs[0])
	}
	if len(errs) > 0 {
		s.renderEditor(c, http.StatusUnprocessableEntity, p, e, revision, errs,
			&views.Flash{Kind: views.FlashError, Text: "La démarche n'a pas été enregistrée : corrigez les points signalés. Tout ce que vous avez saisi est conservé."}, nil)
		return
	}
	a := currentAgent(c)
	np := def.Procedure(web.Commune(c).ID)
	np.CreatedBy, np.CreatedByName = &a.ID, a.Name
	if p == nil {
		err := models.CreateProcedure(ctx, s.DB, np)
		if errors.Is(err, models.ErrTaken) {
			s.renderEditor(c, http.StatusUnprocessableEntity, nil, e, revision, map[string]string{"slug": "Une démarche de la commune a déjà cet identifiant : choisissez-en un autre."}, nil, nil)
			return
		}
		if err != nil {
			s.Fail(c, err)
			return
		}
		s.SetFlash(c, views.FlashSuccess, "Démarche « "+np.Title+" » créée, non publiée : vérifiez-la avec l'aperçu, puis publiez-la.")
		web.Redirect(c, procedurePath(np.ID))
		return
	}
	np.ID = p.ID
	newVersion, err := models.SaveProcedure(ctx, s.DB, np, revision)
	if errors.Is(err, models.ErrStale) {
		s.renderEditor(c, http.StatusConflict, p, e, p.Revision, nil, &views.Flash{Kind: views.FlashError,
			Text: "La démarche a été modifiée entre-temps par quelqu'un d'autre : vos modifications n'ont pas été enregistrées. Elles sont conservées ci-dessous : comparez-les avec la démarche actuelle (ouvrez-la dans un autre onglet) ; les enregistrer à nouveau remplacera celle-ci."}, nil)
		return
	}
	if err != nil {
		s.Fail(c, err)
		return
	}
	msg := fmt.Sprintf("Démarche enregistrée (version %d).", np.Latest)
	if newVersion {
		msg = fmt.Sprintf("Nouvelle version %d enregistrée. Les demandes déjà faites gardent la version avec laquelle elles ont été remplies.", np.Latest)
	}
	msg += createdMotifs(np)
	s.SetFlash(c, views.FlashSuccess, msg)
	web.Redirect(c, procedurePath(p.ID))
}

// createdMotifs says which motifs saving a procedure created, " " first.
func createdMotifs(ps ...*models.Procedure) string {
	var paths []string
	for _, p := range ps {
		paths = append(paths, p.CreatedMotifs...)
	}
	if len(paths) == 0 {
		return ""
	}
	return " Motif(s) créé(s) dans l'arbre des motifs : « " + strings.Join(paths, " », « ") + " »."
}
