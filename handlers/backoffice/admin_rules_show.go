package backoffice

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"guichet/handlers/web"
	"guichet/models"
	"guichet/routing"
	"guichet/views"
)

// adminRulesShow lists the commune's routing rules in order, with the
// rule set's mode and the procedures that allow automatic transfers.
func (s *Handlers) adminRulesShow(c *gin.Context) {
	s.showAdminRules(c, http.StatusOK, nil, nil)
}

// adminRulesData is the Data of "admin/rules".
type adminRulesData struct {
	Modes []views.Option
	Rules []ruleRow
	// AutoTransfer: the procedures, checked where a rule may transfer itself.
	AutoTransfer []views.Option
}

// ruleRow is a rule as the list words it.
type ruleRow struct {
	models.RoutingRule
	Conditions, Actions []string
	First, Last         bool
}

func (s *Handlers) showAdminRules(c *gin.Context, status int, form map[string]any, errs views.FormErrors) {
	ctx := c.Request.Context()
	communeID := web.Commune(c).ID
	set, rules, err := models.RuleSetOf(ctx, s.DB, communeID, models.TriggerSubmission, false)
	if err != nil {
		s.Fail(c, err)
		return
	}
	o, err := s.ruleOptions(c, communeID)
	if err != nil {
		s.Fail(c, err)
		return
	}
	ps, err := models.ListProcedures(ctx, s.DB, communeID)
	if err != nil {
		s.Fail(c, err)
		return
	}
	data := adminRulesData{Modes: []views.Option{{Value: models.ModeFirst, Label: "La première règle qui s'applique, seule"},
		{Value: models.ModeAll, Label: "Toutes les règles qui s'appliquent, dans l'ordre"}}}
	var allowed []string
	for _, p := range ps {
		data.AutoTransfer = append(data.AutoTransfer, views.Option{Value: strconv.FormatInt(p.ID, 10), Label: p.Title})
		if p.AutoTransfer {
			allowed = append(allowed, strconv.FormatInt(p.ID, 10))
		}
	}
	for i, r := range rules {
		data.Rules = append(data.Rules, ruleRow{RoutingRule: r, Conditions: o.conditionWords(r.Conditions),
			Actions: o.actionWords(r.Actions), First: i == 0, Last: i == len(rules)-1})
	}
	p := s.Page(c, "Règles d'orientation")
	p.Form = map[string]any{"mode": set.Mode, "auto": allowed}
	for k, v := range form {
		p.Form[k] = v
	}
	p.Errors = errs
	p.Data = data
	s.Render(c, status, "admin/rules", p)
}

// label is an option's label by its value, or the value itself.
func label(opts []views.Option, value string) string {
	if i := slices.IndexFunc(opts, func(o views.Option) bool { return o.Value == value }); i >= 0 {
		return opts[i].Label
	}
	return value
}

// conditionWords words a rule's conditions in French, one line each.
func (o ruleOptions) conditionWords(c models.RuleConditions) []string {
	var out []string
	if len(c.Channels) > 0 {
		var ls []string
		for _, ch := range c.Channels {
			ls = append(ls, label(o.Channels, ch))
		}
		out = append(out, "Canal : "+strings.Join(ls, " ou "))
	}
	if len(c.Procedures) > 0 {
		var ls []string
		for _, id := range c.Procedures {
			ls = append(ls, label(o.Procedures, strconv.FormatInt(id, 10)))
		}
		out = append(out, "Démarche : "+strings.Join(ls, " ou "))
	}
	if c.MotifID != 0 {
		out = append(out, "Motif n° "+strconv.FormatInt(c.MotifID, 10)+" ou l'un de ses sous-motifs")
	}
	for _, f := range c.Fields {
		out = append(out, "« "+label(o.Fields, f.Field)+" » "+label(o.Ops, f.Op)+" « "+strings.Join(f.Values, " », « ")+" »")
	}
	if len(c.Words) > 0 {
		which := "l'un des mots"
		if c.AllWords {
			which = "tous les mots"
		}
		out = append(out, "Le texte contient "+which+" : "+strings.Join(c.Words, ", "))
	}
	if len(c.Domains) > 0 {
		out = append(out, "Adresse de l'expéditeur en "+strings.Join(c.Domains, ", "))
	}
	if len(c.Tags) > 0 {
		out = append(out, "Porte l'une des étiquettes : "+strings.Join(c.Tags, ", "))
	}
	if len(out) == 0 {
		out = append(out, "Toutes les demandes et conversations")
	}
	return out
}

// actionWords words a rule's actions in French, one line each.
func (o ruleOptions) actionWords(as []models.RuleAction) []string {
	var out []string
	for _, a := range as {
		switch a.Kind {
		case routing.ActionTeam:
			if a.ServiceID == 0 {
				out = append(out, "Confier à l'équipe de l'accueil")
			} else {
				out = append(out, "Confier à l'équipe du service "+label(o.Services, strconv.FormatInt(a.ServiceID, 10)))
			}
		case routing.ActionAgent:
			out = append(out, "Attribuer à "+strings.TrimPrefix(label(o.Assign, assignAgent+strconv.FormatInt(a.AgentID, 10)), "L'agent "))
		case routing.ActionTransfer:
			verb := "Proposer la transmission au service "
			if a.Auto {
				verb = "Transmettre (si la démarche l'autorise) au service "
			}
			out = append(out, verb+label(o.Services, strconv.FormatInt(a.ServiceID, 10)))
		case routing.ActionTags:
			out = append(out, "Étiquettes : "+strings.Join(a.Tags, ", "))
		case routing.ActionPriority:
			out = append(out, "Priorité : "+routing.PriorityLabel(a.Priority))
		case routing.ActionDeadline:
			out = append(out, "Politique d'échéance : "+label(o.Policies, strconv.FormatInt(a.PolicyID, 10)))
		case routing.ActionReply:
			out = append(out, "Répondre (conversations) : "+label(o.Replies, strconv.FormatInt(a.ReplyID, 10)))
		}
	}
	return out
}

// adminRulesMode chooses whether the first matching rule acts alone or every one does.
func (s *Handlers) adminRulesMode(c *gin.Context) {
	mode := c.PostForm("mode")
	if mode != models.ModeFirst && mode != models.ModeAll {
		s.showAdminRules(c, http.StatusUnprocessableEntity, map[string]any{"mode": mode},
			views.FormErrors{"mode": "Choisissez : la première règle qui s'applique, ou toutes."})
		return
	}
	if err := models.SetRuleSetMode(c.Request.Context(), s.DB, web.Commune(c).ID, models.TriggerSubmission, mode); err != nil {
		s.Fail(c, err)
		return
	}
	s.SetFlash(c, views.FlashSuccess, "Mode des règles enregistré.")
	web.Redirect(c, rulesPath)
}

// adminRulesAutoTransfer sets the procedures whose demands a rule may
// transfer itself ("transfert automatique autorisé").
func (s *Handlers) adminRulesAutoTransfer(c *gin.Context) {
	typed := c.PostFormArray("auto")
	var ids []int64
	for _, v := range typed {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			s.showAdminRules(c, http.StatusUnprocessableEntity, map[string]any{"auto": typed},
				views.FormErrors{"auto": "Choisissez les démarches dans la liste."})
			return
		}
		ids = append(ids, id)
	}
	if err := models.SetAutoTransfer(c.Request.Context(), s.DB, web.Commune(c).ID, ids); err != nil {
		s.Fail(c, err)
		return
	}
	s.SetFlash(c, views.FlashSuccess, "Transferts automatiques enregistrés.")
	web.Redirect(c, rulesPath)
}

// adminRuleMove moves a rule up or down the order.
func (s *Handlers) adminRuleMove(up bool) gin.HandlerFunc {
	return func(c *gin.Context) {
		if err := models.MoveRoutingRule(c.Request.Context(), s.DB, web.Commune(c).ID, web.IDParam(c, "rid"), up); err != nil {
			s.Fail(c, err)
			return
		}
		web.Redirect(c, rulesPath)
	}
}

// adminRuleEnable turns a rule on or off.
func (s *Handlers) adminRuleEnable(on bool) gin.HandlerFunc {
	return func(c *gin.Context) {
		ctx := c.Request.Context()
		r, err := models.RoutingRuleByID(ctx, s.DB, web.Commune(c).ID, web.IDParam(c, "rid"))
		if err == nil {
			err = models.SetRoutingRuleEnabled(ctx, s.DB, r.CommuneID, r.ID, on)
		}
		if err != nil {
			s.Fail(c, err)
			return
		}
		if on {
			s.SetFlash(c, views.FlashSuccess, "Règle « "+r.Name+" » activée : elle s'applique aux prochaines demandes.")
		} else {
			s.SetFlash(c, views.FlashSuccess, "Règle « "+r.Name+" » désactivée.")
		}
		web.Redirect(c, rulesPath)
	}
}
