package backoffice

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"guichet/forms"
	"guichet/models"
	"guichet/routing"
	"guichet/views"
)

// The form of a routing rule (/gestion/admin/regles/…): every condition
// and action as plain inputs, read back as typed whatever is refused.

const rulesPath = "/gestion/admin/regles"

// ruleFieldRows is how many form-field conditions the form offers.
const ruleFieldRows = 2

// The assignment select's values: the accueil, "service:ID" or "agent:ID".
const (
	assignAccueil = "accueil"
	assignService = "service:"
	assignAgent   = "agent:"
)

// transfer modes of the form.
const (
	transferPropose = "proposer"
	transferMake    = "effectuer"
)

// ruleValues reads the rule form's inputs as typed.
func ruleValues(c *gin.Context) map[string]any {
	v := map[string]any{}
	for _, k := range []string{routing.InName, "active", routing.InMotif, routing.InWords, "mots_mode", routing.InDomains,
		routing.InAssign, routing.InTransfer, "transfert_mode", routing.InTags, routing.InPriority, routing.InPolicy,
		routing.InHasTags, routing.InReply} {
		v[k] = strings.TrimSpace(c.PostForm(k))
	}
	v[routing.InChannels] = c.PostFormArray(routing.InChannels)
	v[routing.InProcedures] = c.PostFormArray(routing.InProcedures)
	for i := range ruleFieldRows {
		for _, k := range []string{routing.InField, "op", "valeur"} {
			name := fmt.Sprintf("%s-%d", k, i)
			v[name] = strings.TrimSpace(c.PostForm(name))
		}
	}
	return v
}

// list splits a comma- (or, for values, semicolon-) separated input.
func list(s, sep string) []string {
	var out []string
	for _, x := range strings.Split(s, sep) {
		if x = strings.TrimSpace(x); x != "" {
			out = append(out, x)
		}
	}
	return out
}

// ruleFromValues builds the rule the inputs say, with a French message for
// each input that is not even readable (the rest is routing.Check's).
func ruleFromValues(v map[string]any, communeID int64) (*models.RoutingRule, views.FormErrors) {
	errs := views.FormErrors{}
	str := func(k string) string { s, _ := v[k].(string); return s }
	r := &models.RoutingRule{CommuneID: communeID, Name: str(routing.InName), Enabled: str("active") == forms.Checked}
	c := &r.Conditions
	c.Channels, _ = v[routing.InChannels].([]string)
	for _, s := range v[routing.InProcedures].([]string) {
		id, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			errs[routing.InProcedures] = "Choisissez les démarches dans la liste."
			continue
		}
		c.Procedures = append(c.Procedures, id)
	}
	if m := str(routing.InMotif); m != "" {
		id, err := strconv.ParseInt(m, 10, 64)
		if err != nil || id <= 0 {
			errs[routing.InMotif] = "Le motif est le numéro d'un motif de la commune, par exemple 12."
		}
		c.MotifID = id
	}
	for i := range ruleFieldRows {
		field, op, value := str(fmt.Sprintf("%s-%d", routing.InField, i)), str(fmt.Sprintf("op-%d", i)), str(fmt.Sprintf("valeur-%d", i))
		if field == "" && value == "" {
			continue
		}
		values := []string{value}
		if op == routing.OpOneOf {
			values = list(value, ";")
		}
		if value == "" {
			values = nil
		}
		c.Fields = append(c.Fields, models.FieldCriteria{Field: field, Op: op, Values: values})
	}
	c.Words, c.AllWords = list(str(routing.InWords), ","), str("mots_mode") == "tous"
	c.Domains = list(str(routing.InDomains), ",")
	c.Tags = list(str(routing.InHasTags), ",")

	bad := func(in string) { errs[in] = "Choisissez dans la liste." }
	switch a := str(routing.InAssign); {
	case a == "":
	case a == assignAccueil:
		r.Actions = append(r.Actions, models.RuleAction{Kind: routing.ActionTeam})
	case strings.HasPrefix(a, assignService):
		id, err := strconv.ParseInt(strings.TrimPrefix(a, assignService), 10, 64)
		if err != nil {
			bad(routing.InAssign)
		}
		r.Actions = append(r.Actions, models.RuleAction{Kind: routing.ActionTeam, ServiceID: id})
	case strings.HasPrefix(a, assignAgent):
		id, err := strconv.ParseInt(strings.TrimPrefix(a, assignAgent), 10, 64)
		if err != nil {
			bad(routing.InAssign)
		}
		r.Actions = append(r.Actions, models.RuleAction{Kind: routing.ActionAgent, AgentID: id})
	default:
		bad(routing.InAssign)
	}
	if t := str(routing.InTransfer); t != "" {
		id, err := strconv.ParseInt(t, 10, 64)
		if err != nil {
			bad(routing.InTransfer)
		}
		r.Actions = append(r.Actions, models.RuleAction{Kind: routing.ActionTransfer, ServiceID: id, Auto: str("transfert_mode") == transferMake})
	}
	if tags := list(str(routing.InTags), ","); len(tags) > 0 {
		r.Actions = append(r.Actions, models.RuleAction{Kind: routing.ActionTags, Tags: tags})
	}
	if p := str(routing.InPriority); p != "" {
		n, err := strconv.ParseInt(p, 10, 16)
		if err != nil || routing.PriorityLabel(int16(n)) == "" {
			bad(routing.InPriority)
		}
		r.Actions = append(r.Actions, models.RuleAction{Kind: routing.ActionPriority, Priority: int16(n)})
	}
	if p := str(routing.InPolicy); p != "" {
		id, err := strconv.ParseInt(p, 10, 64)
		if err != nil {
			bad(routing.InPolicy)
		}
		r.Actions = append(r.Actions, models.RuleAction{Kind: routing.ActionDeadline, PolicyID: id})
	}
	if rp := str(routing.InReply); rp != "" {
		id, err := strconv.ParseInt(rp, 10, 64)
		if err != nil {
			bad(routing.InReply)
		}
		r.Actions = append(r.Actions, models.RuleAction{Kind: routing.ActionReply, ReplyID: id})
	}
	return r, errs
}

// ruleToValues is a stored rule as its form's inputs.
func ruleToValues(r *models.RoutingRule) map[string]any {
	v := map[string]any{routing.InName: r.Name, routing.InChannels: r.Conditions.Channels,
		routing.InWords: strings.Join(r.Conditions.Words, ", "), routing.InDomains: strings.Join(r.Conditions.Domains, ", "),
		routing.InHasTags: strings.Join(r.Conditions.Tags, ", "),
		"mots_mode":       "un", "transfert_mode": transferPropose}
	if r.Enabled {
		v["active"] = forms.Checked
	}
	if r.Conditions.AllWords {
		v["mots_mode"] = "tous"
	}
	var procs []string
	for _, id := range r.Conditions.Procedures {
		procs = append(procs, strconv.FormatInt(id, 10))
	}
	v[routing.InProcedures] = procs
	if r.Conditions.MotifID != 0 {
		v[routing.InMotif] = strconv.FormatInt(r.Conditions.MotifID, 10)
	}
	for i, f := range r.Conditions.Fields {
		if i >= ruleFieldRows {
			break
		}
		v[fmt.Sprintf("%s-%d", routing.InField, i)], v[fmt.Sprintf("op-%d", i)] = f.Field, f.Op
		v[fmt.Sprintf("valeur-%d", i)] = strings.Join(f.Values, " ; ")
	}
	for _, a := range r.Actions {
		switch a.Kind {
		case routing.ActionTeam:
			v[routing.InAssign] = assignAccueil
			if a.ServiceID != 0 {
				v[routing.InAssign] = assignService + strconv.FormatInt(a.ServiceID, 10)
			}
		case routing.ActionAgent:
			v[routing.InAssign] = assignAgent + strconv.FormatInt(a.AgentID, 10)
		case routing.ActionTransfer:
			v[routing.InTransfer] = strconv.FormatInt(a.ServiceID, 10)
			if a.Auto {
				v["transfert_mode"] = transferMake
			}
		case routing.ActionTags:
			v[routing.InTags] = strings.Join(a.Tags, ", ")
		case routing.ActionPriority:
			v[routing.InPriority] = strconv.Itoa(int(a.Priority))
		case routing.ActionDeadline:
			v[routing.InPolicy] = strconv.FormatInt(a.PolicyID, 10)
		case routing.ActionReply:
			v[routing.InReply] = strconv.FormatInt(a.ReplyID, 10)
		}
	}
	return v
}

// ruleOptions are the form's lists: the commune's channels, procedures,
// form fields, teams, agents, services, the priorities and saved replies.
type ruleOptions struct {
	Channels, Procedures, Fields, Assign, Services, Priorities, Ops, Replies, Policies []views.Option
}

func (s *Handlers) ruleOptions(c *gin.Context, communeID int64) (ruleOptions, error) {
	ctx := c.Request.Context()
	var o ruleOptions
	for _, ch := range routing.Channels {
		o.Channels = append(o.Channels, views.Option{Value: ch.Code, Label: ch.Label})
	}
	ps, err := models.ListProcedures(ctx, s.DB, communeID)
	if err != nil {
		return o, err
	}
	seen := map[string]int{}
	for _, p := range ps {
		o.Procedures = append(o.Procedures, views.Option{Value: strconv.FormatInt(p.ID, 10), Label: p.Title})
		for _, f := range p.Form {
			if t := forms.Types[f.Type]; !t.Valued || f.Type == "file" {
				continue
			}
			if i, ok := seen[f.Name]; ok {
				o.Fields[i].Label += ", " + p.Title
				continue
			}
			seen[f.Name] = len(o.Fields)
			o.Fields = append(o.Fields, views.Option{Value: f.Name, Label: f.Label + " — " + p.Title})
		}
	}
	ss, err := models.ListServices(ctx, s.DB, communeID, true)
	if err != nil {
		return o, err
	}
	o.Assign = []views.Option{{Value: assignAccueil, Label: "L'équipe de l'accueil"}}
	for _, sv := range ss {
		id := strconv.FormatInt(sv.ID, 10)
		o.Services = append(o.Services, views.Option{Value: id, Label: sv.Name})
		o.Assign = append(o.Assign, views.Option{Value: assignService + id, Label: "L'équipe du service " + sv.Name})
	}
	as, err := models.ListAgents(ctx, s.DB, communeID)
	if err != nil {
		return o, err
	}
	for _, a := range as {
		if a.Active {
			o.Assign = append(o.Assign, views.Option{Value: assignAgent + strconv.FormatInt(a.ID, 10), Label: "L'agent " + a.Name})
		}
	}
	for _, p := range routing.Priorities {
		o.Priorities = append(o.Priorities, views.Option{Value: strconv.Itoa(int(p.Value)), Label: p.Label})
	}
	rs, err := models.SavedReplies(ctx, s.DB, communeID, "")
	if err != nil {
		return o, err
	}
	for _, r := range rs {
		o.Replies = append(o.Replies, views.Option{Value: strconv.FormatInt(r.ID, 10), Label: r.Title})
	}
	o.Ops = []views.Option{{Value: routing.OpEquals, Label: "est égal à"}, {Value: routing.OpContains, Label: "contient"},
		{Value: routing.OpOneOf, Label: "est l'une des valeurs"}}
	pols, err := models.DeadlinePolicies(ctx, s.DB, communeID)
	for _, p := range pols {
		o.Policies = append(o.Policies, views.Option{Value: strconv.FormatInt(p.ID, 10), Label: p.Name})
	}
	return o, err
}
