package routing

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/uptrace/bun"

	"guichet/models"
	"guichet/validate"
)

// Limits of a rule's texts.
const (
	MaxName  = 100
	MaxItems = 20 // words, domains, values, tags
	MaxText  = 100
)

// Where Check's messages go: the admin's form's inputs (handlers).
const (
	InName       = "nom"
	InChannels   = "canaux"
	InProcedures = "demarches"
	InMotif      = "motif"
	InField      = "champ" // + the criteria's index: champ-0
	InWords      = "mots"
	InDomains    = "domaines"
	InAssign     = "attribuer"
	InTransfer   = "transfert"
	InTags       = "etiquettes"
	InPriority   = "priorite"
	InPolicy     = "politique"
	InReply      = "reponse"
	InHasTags    = "etiquettes_presentes"
	InActions    = "actions"
)

// Check checks a rule before it is saved, in French, by input: every id it
// names must be one of the commune's (a procedure, an active service or
// agent). The same ids are checked again when the rule runs.
func Check(ctx context.Context, db bun.IDB, communeID int64, r *models.RoutingRule) (map[string]string, error) {
	errs := map[string]string{}
	name := strings.TrimSpace(r.Name)
	switch {
	case name == "":
		errs[InName] = "Donnez un nom à la règle, par exemple « Éclairage → Voirie »."
	case utf8.RuneCountInString(name) > MaxName:
		errs[InName] = fmt.Sprintf("Le nom de la règle est trop long (%d caractères au plus).", MaxName)
	}
	c := r.Conditions
	for _, ch := range c.Channels {
		if !slices.ContainsFunc(Channels, func(k struct{ Code, Label string }) bool { return k.Code == ch }) {
			errs[InChannels] = "Choisissez les canaux dans la liste."
		}
	}
	if len(c.Procedures) > 0 {
		ps, err := models.ListProcedures(ctx, db, communeID)
		if err != nil {
			return nil, err
		}
		for _, id := range c.Procedures {
			if !slices.ContainsFunc(ps, func(p models.Procedure) bool { return p.ID == id }) {
				errs[InProcedures] = "Choisissez les démarches dans la liste."
			}
		}
	}
	if c.MotifID < 0 {
		errs[InMotif] = "Le motif doit être un numéro de motif de la commune."
	}
	for i, f := range c.Fields {
		in := fmt.Sprintf("%s-%d", InField, i)
		switch {
		case f.Field == "":
			errs[in] = "Choisissez le champ du formulaire."
		case f.Op != OpEquals && f.Op != OpContains && f.Op != OpOneOf:
			errs[in] = "Choisissez la comparaison dans la liste."
		case len(f.Values) == 0:
			errs[in] = "Indiquez la valeur attendue, par exemple « Éclairage public »."
		case len(f.Values) > MaxItems || tooLong(f.Values):
			errs[in] = fmt.Sprintf("%d valeurs au plus, de %d caractères au plus chacune.", MaxItems, MaxText)
		}
	}
	if len(c.Words) > MaxItems || tooLong(c.Words) {
		errs[InWords] = fmt.Sprintf("%d mots ou expressions au plus, de %d caractères au plus chacun.", MaxItems, MaxText)
	}
	for _, d := range c.Domains {
		if !validate.IsAddress("x@" + d) {
			errs[InDomains] = fmt.Sprintf("« %s » n'est pas un domaine d'adresse e-mail (par exemple : plassans.fr).", d)
		}
	}
	if len(c.Domains) > MaxItems {
		errs[InDomains] = fmt.Sprintf("%d domaines au plus.", MaxItems)
	}
	if len(c.Tags) > MaxItems || tooLong(c.Tags) {
		errs[InHasTags] = fmt.Sprintf("%d étiquettes au plus, de %d caractères au plus chacune.", MaxItems, MaxText)
	}

	if len(r.Actions) == 0 {
		errs[InActions] = "Choisissez au moins une action : attribuer, transmettre, étiqueter, une priorité, une politique d'échéance ou une réponse enregistrée."
	}
	tg, err := loadTargets(ctx, db, communeID)
	if err != nil {
		return nil, err
	}
	for _, a := range r.Actions {
		in := map[string]string{ActionTeam: InAssign, ActionAgent: InAssign, ActionTransfer: InTransfer,
			ActionTags: InTags, ActionPriority: InPriority, ActionDeadline: InPolicy, ActionReply: InReply}[a.Kind]
		if in == "" {
			errs[InActions] = "Action inconnue."
			continue
		}
		if problem := tg.check(a); problem != "" {
			errs[in] = "Choisissez dans la liste : " + problem + "."
		}
		switch a.Kind {
		case ActionTags:
			if len(a.Tags) > MaxItems || tooLong(a.Tags) {
				errs[in] = fmt.Sprintf("%d étiquettes au plus, de %d caractères au plus chacune.", MaxItems, MaxText)
			}
		}
	}
	return errs, nil
}

func tooLong(items []string) bool {
	return slices.ContainsFunc(items, func(s string) bool { return utf8.RuneCountInString(s) > MaxText })
}

// Preview is what a rule would have done on the commune's latest demands
// and conversations.
type Preview struct {
	Tried   int             // demands tried (at most PreviewSize)
	Touched []models.Demand // those the rule would have acted on, the latest first
	// The same of conversations, tried as they were opened.
	TriedConversations   int
	TouchedConversations []models.Conversation
}

// PreviewSize is how many of the latest demands, and of the latest
// conversations, a preview tries.
const PreviewSize = 200

// Preview evaluates a rule not saved yet on the commune's latest demands
// and conversations, in its place among the enabled rules (replacing its
// stored self, or last for a new one), with the very evaluation a
// submission or an opening runs.
func (m *Manager) Preview(ctx context.Context, communeID int64, candidate models.RoutingRule) (*Preview, error) {
	set, rows, err := models.RuleSetOf(ctx, m.DB, communeID, models.TriggerSubmission, true)
	if err != nil {
		return nil, err
	}
	candidate.Enabled = true
	at := slices.IndexFunc(rows, func(r models.RoutingRule) bool { return candidate.ID != 0 && r.ID == candidate.ID })
	if at < 0 && candidate.ID != 0 { // stored but disabled: at its position
		at = slices.IndexFunc(rows, func(r models.RoutingRule) bool { return r.Position > candidate.Position })
		if at < 0 {
			at = len(rows)
		}
		rows = slices.Insert(rows, at, candidate)
	} else if at < 0 {
		at, rows = len(rows), append(rows, candidate)
	} else {
		rows[at] = candidate
	}
	s := NewSet(set.Mode, rows)
	touches := func(sub Subject) bool { return slices.Contains(s.Evaluate(sub), &s.Rules[at]) }
	motifs, err := models.Motifs(ctx, m.DB, communeID)
	if err != nil {
		return nil, err
	}
	ds, err := models.RecentDemands(ctx, m.DB, communeID, PreviewSize)
	if err != nil {
		return nil, err
	}
	ids := make([]int64, len(ds))
	for i, d := range ds {
		ids[i] = d.ID
	}
	tags, err := models.TagNames(ctx, m.DB, "demand_tags", "demand_id", communeID, ids)
	if err != nil {
		return nil, err
	}
	out := &Preview{Tried: len(ds)}
	for _, d := range ds {
		if touches(DemandSubject(&d, motifs, tags[d.ID])) {
			out.Touched = append(out.Touched, d)
		}
	}
	cvs, first, err := models.RecentConversations(ctx, m.DB, communeID, PreviewSize)
	if err != nil {
		return nil, err
	}
	ids = ids[:0]
	for _, cv := range cvs {
		ids = append(ids, cv.ID)
	}
	if tags, err = models.TagNames(ctx, m.DB, "conversation_tags", "conversation_id", communeID, ids); err != nil {
		return nil, err
	}
	procMotifs, err := procedureMotifs(ctx, m.DB, communeID)
	if err != nil {
		return nil, err
	}
	out.TriedConversations = len(cvs)
	for _, cv := range cvs {
		var motif *int64
		if cv.ProcedureID != nil {
			motif = procMotifs[*cv.ProcedureID]
		}
		if touches(ConversationSubject(&cv, first[cv.ID], motif, motifs, tags[cv.ID])) {
			out.TouchedConversations = append(out.TouchedConversations, cv)
		}
	}
	return out, nil
}

// procedureMotifs are the default motifs of the commune's procedures.
func procedureMotifs(ctx context.Context, db bun.IDB, communeID int64) (map[int64]*int64, error) {
	ps, err := models.ListProcedures(ctx, db, communeID)
	if err != nil {
		return nil, err
	}
	out := make(map[int64]*int64, len(ps))
	for _, p := range ps {
		out[p.ID] = p.MotifID
	}
	return out, nil
}
