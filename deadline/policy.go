package deadline

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"guichet/apperr"
	"guichet/calendar"
	"guichet/history"
	"guichet/models"
	"guichet/validate"
	"guichet/workflow"
)

// KindPolicySaved is the history entry of a policy created or changed
// (internal, about neither a demand nor a conversation): its Details hold
// the policy ("policy_id", "name") and what it now says ("text").
const KindPolicySaved = "deadline_policy_saved"

// KindWarned and KindLapsed are the entries of a warning sent before a
// clock lapses and of its lapse (internal; "target", "due").
const (
	KindWarned = "deadline_warned"
	KindLapsed = "deadline_lapsed"
)

func init() {
	history.Register(history.Kind{Name: KindPolicySaved, Agent: func(e models.Event) string {
		name, _ := e.Details["name"].(string)
		text, _ := e.Details["text"].(string)
		if name == "" || text == "" {
			return "Politique d'échéance enregistrée"
		}
		return "Politique d'échéance « " + name + " » : " + text
	}})
	due := func(e models.Event) (string, string) {
		target, _ := e.Details["target"].(string)
		at, _ := e.Details["due"].(string)
		if at != "" {
			at = " (" + at + ")"
		}
		return TargetLabel(target), at
	}
	history.Register(history.Kind{Name: KindWarned, Agent: func(e models.Event) string {
		t, at := due(e)
		return "Échéance de " + t + " proche" + at + " : l'agent en charge prévenu"
	}})
	history.Register(history.Kind{Name: KindLapsed, Agent: func(e models.Event) string {
		t, at := due(e)
		return "Échéance de " + t + " dépassée" + at + " : la supervision prévenue"
	}})
}

// MaxAmount is the largest budget a target takes.
const MaxAmount = 999

// PolicyInput is a policy as the admin's form gives it.
type PolicyInput struct {
	Name            string `form:"nom" label:"le nom de la politique" example:"« Voirie : 2 jours »" validate:"required,max=100"`
	Applies         string `form:"cible"` // "", "motif:ID" or "demarche:ID"
	FirstAnswer     string `form:"premiere_reponse"`
	FirstAnswerUnit string `form:"premiere_reponse_unite" label:"l'unité du délai de première réponse" validate:"oneof=heures_ouvrees jours_ouvres"`
	Resolution      string `form:"resolution"`
	ResolutionUnit  string `form:"resolution_unite" label:"l'unité du délai de résolution" validate:"oneof=heures_ouvrees jours_ouvres"`
	Version         int    // the version the form showed (0: a new policy)
}

// Form is the input as the page shows it again.
func (in PolicyInput) Form() map[string]any {
	return map[string]any{"nom": in.Name, "cible": in.Applies, "premiere_reponse": in.FirstAnswer,
		"premiere_reponse_unite": in.FirstAnswerUnit, "resolution": in.Resolution, "resolution_unite": in.ResolutionUnit}
}

// Applies is a policy's target as the form's select holds it.
func Applies(p *models.DeadlinePolicy) string {
	switch {
	case p.MotifID != nil:
		return "motif:" + strconv.FormatInt(*p.MotifID, 10)
	case p.ProcedureID != nil:
		return "demarche:" + strconv.FormatInt(*p.ProcedureID, 10)
	}
	return ""
}

// InputOf is a policy as its form shows it.
func InputOf(p *models.DeadlinePolicy) PolicyInput {
	amount := func(n *int) string {
		if n == nil {
			return ""
		}
		return strconv.Itoa(*n)
	}
	return PolicyInput{Name: p.Name, Applies: Applies(p), FirstAnswer: amount(p.FirstAnswer), FirstAnswerUnit: string(p.FirstAnswerUnit),
		Resolution: amount(p.Resolution), ResolutionUnit: string(p.ResolutionUnit), Version: p.Version}
}

// Summary is what a policy says, in French: "première réponse en 4 heures
// ouvrées, résolution en 10 jours ouvrés, pour le motif Voirie".
func Summary(p *models.DeadlinePolicy, tree models.MotifTree, procedureTitle func(int64) string) string {
	var parts []string
	if p.FirstAnswer != nil {
		parts = append(parts, "première réponse en "+p.FirstAnswerUnit.French(*p.FirstAnswer))
	}
	if p.Resolution != nil {
		parts = append(parts, "résolution en "+p.ResolutionUnit.French(*p.Resolution))
	}
	out := strings.Join(parts, ", ")
	switch {
	case p.MotifID != nil:
		out += ", pour le motif " + tree.PathOf(p.MotifID)
	case p.ProcedureID != nil:
		out += ", pour la démarche " + procedureTitle(*p.ProcedureID)
	default:
		out += ", appliquée par les règles d'orientation"
	}
	return out
}

// SavePolicy creates (id 0) or changes a policy of the actor's commune, after
// checking the input; a policy changed since in.Version is refused
// ("modifiée entre-temps"). The change is a history entry. Only the clocks
// started afterwards follow the new targets.
func SavePolicy(ctx context.Context, db *bun.DB, actor workflow.Actor, id int64, in PolicyInput, now time.Time) (*models.DeadlinePolicy, error) {
	p := &models.DeadlinePolicy{ID: id, CommuneID: actor.CommuneID, Name: strings.TrimSpace(in.Name), Version: in.Version}
	in.Name = p.Name
	errs := validate.Struct(in)
	if errs == nil {
		errs = map[string]string{}
	}
	amount := func(key, raw string, unit string, n **int, u *calendar.Unit) {
		*u = calendar.Unit(unit)
		raw = strings.TrimSpace(raw)
		if raw == "" {
			return
		}
		v, err := strconv.Atoi(raw)
		if err != nil || v < 1 || v > MaxAmount {
			errs[key] = fmt.Sprintf("Indiquez un nombre entier de 1 à %d, ou laissez vide pour ne pas fixer ce délai.", MaxAmount)
			return
		}
		*n = &v
	}
	amount("premiere_reponse", in.FirstAnswer, in.FirstAnswerUnit, &p.FirstAnswer, &p.FirstAnswerUnit)
	amount("resolution", in.Resolution, in.ResolutionUnit, &p.Resolution, &p.ResolutionUnit)
	if p.FirstAnswer == nil && p.Resolution == nil && errs["premiere_reponse"] == "" && errs["resolution"] == "" {
		errs["premiere_reponse"] = "Fixez au moins un délai : de première réponse, de résolution, ou les deux."
	}
	tree, err := models.Motifs(ctx, db, actor.CommuneID)
	if err != nil {
		return nil, err
	}
	titles := map[int64]string{}
	if ps, err := models.AllProcedures(ctx, db, actor.CommuneID); err != nil {
		return nil, err
	} else {
		for _, pr := range ps {
			titles[pr.ID] = pr.Title
		}
	}
	kind, raw, _ := strings.Cut(in.Applies, ":")
	ref, perr := strconv.ParseInt(raw, 10, 64)
	switch {
	case in.Applies == "":
	case kind == "motif" && perr == nil:
		if n, ok := tree.Find(ref); ok && !n.Inactive {
			p.MotifID = &ref
		} else {
			errs["cible"] = "Ce motif n'existe pas ou n'est plus actif : choisissez-en un dans la liste."
		}
	case kind == "demarche" && perr == nil && titles[ref] != "":
		p.ProcedureID = &ref
	default:
		errs["cible"] = "Choisissez dans la liste un motif, une démarche, ou « les règles d'orientation seulement »."
	}
	if len(errs) > 0 {
		return nil, apperr.Fields(errs)
	}
	err = db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		var err error
		if id == 0 {
			err = models.CreateDeadlinePolicy(ctx, tx, p, now)
		} else {
			_, err = models.UpdateDeadlinePolicy(ctx, tx, p, now)
		}
		if err != nil {
			return err
		}
		text := Summary(p, tree, func(id int64) string { return titles[id] })
		if id == 0 {
			text = "créée, " + text
		}
		ev := &models.Event{CommuneID: actor.CommuneID, At: now, Kind: KindPolicySaved, ActorKind: actor.Kind, ActorName: actor.Name,
			Channel: actor.Channel, Details: map[string]any{"policy_id": p.ID, "name": p.Name, "text": text}}
		if actor.ID != 0 {
			ev.ActorID = &actor.ID
		}
		return history.Record(ctx, tx, ev)
	})
	var taken models.ErrPolicyTaken
	switch {
	case errors.As(err, &taken) && taken.Field == "name":
		return nil, apperr.Field("nom", "Une autre politique de la commune porte déjà ce nom : choisissez-en un autre.")
	case errors.As(err, &taken):
		return nil, apperr.Field("cible", "Une autre politique s'applique déjà à "+map[string]string{"motif": "ce motif", "procedure": "cette démarche"}[taken.Field]+" : modifiez-la plutôt.")
	case errors.Is(err, models.ErrStale):
		return nil, &apperr.Error{Code: apperr.Conflict, Message: "Cette politique a été modifiée entre-temps par une autre personne : voici sa version actuelle. Vos saisies sont gardées ci-dessous ; vérifiez-les avant d'enregistrer à nouveau."}
	case errors.Is(err, models.ErrNotFound):
		return nil, apperr.New(apperr.NotFound, "Cette politique n'existe pas.")
	}
	return p, err
}

// History lists the changes of a commune's policies (policyID 0: of every
// one), newest first.
func History(ctx context.Context, db bun.IDB, communeID, policyID int64) ([]models.Event, error) {
	key := ""
	if policyID != 0 {
		key = "policy_id"
	}
	return models.CommuneEvents(ctx, db, communeID, []string{KindPolicySaved}, key, policyID, 100)
}
