package backoffice

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"guichet/forms"
	"guichet/handlers/web"
	"guichet/models"
	"guichet/routing"
	"guichet/views"
)

// adminRuleData is the Data of "admin/rule": a rule's form and, after
// "Prévisualiser", what it would have done.
type adminRuleData struct {
	Action  string // where the form posts
	Title   string
	Version int
	Options ruleOptions
	Rows    []int // the form-field conditions' indexes
	Preview *rulePreview
}

// rulePreview is a preview as the page shows it.
type rulePreview struct {
	Tried, Count                  int
	Sample                        []models.Demand // the first few
	TriedConversations, CountConv int
	SampleConversations           []models.Conversation
}

// previewSample is how many touched demands a preview lists.
const previewSample = 10

// adminRuleNew is the form of a new rule.
func (s *Handlers) adminRuleNew(c *gin.Context) {
	s.showAdminRule(c, http.StatusOK, nil, map[string]any{"active": forms.Checked, "mots_mode": "un", "transfert_mode": transferPropose}, nil, nil)
}

// adminRuleEdit is a stored rule's form.
func (s *Handlers) adminRuleEdit(c *gin.Context) {
	r, err := models.RoutingRuleByID(c.Request.Context(), s.DB, web.Commune(c).ID, web.IDParam(c, "rid"))
	if err != nil {
		s.Fail(c, err)
		return
	}
	s.showAdminRule(c, http.StatusOK, r, ruleToValues(r), nil, nil)
}

func (s *Handlers) showAdminRule(c *gin.Context, status int, stored *models.RoutingRule, values map[string]any, errs views.FormErrors, pv *rulePreview) {
	o, err := s.ruleOptions(c, web.Commune(c).ID)
	if err != nil {
		s.Fail(c, err)
		return
	}
	data := adminRuleData{Action: rulesPath + "/nouvelle", Title: "Nouvelle règle", Options: o, Preview: pv}
	for i := range ruleFieldRows {
		data.Rows = append(data.Rows, i)
	}
	if stored != nil {
		data.Action, data.Title, data.Version = rulesPath+"/"+strconv.FormatInt(stored.ID, 10), "Règle « "+stored.Name+" »", stored.Version
	}
	if v, ok := values["version"].(int); ok {
		data.Version = v
	}
	p := s.Page(c, data.Title)
	p.Form, p.Errors, p.Data = values, errs, data
	s.Render(c, status, "admin/rule", p)
}

// adminRuleSave previews the rule typed ("Prévisualiser") or saves it.
// A rule that names anything outside the commune is refused, as are
// unreadable inputs, in French beside each, with everything kept.
func (s *Handlers) adminRuleSave(c *gin.Context) {
	ctx := c.Request.Context()
	communeID := web.Commune(c).ID
	var stored *models.RoutingRule
	if c.Param("rid") != "" {
		var err error
		if stored, err = models.RoutingRuleByID(ctx, s.DB, communeID, web.IDParam(c, "rid")); err != nil {
			s.Fail(c, err)
			return
		}
	}
	values := ruleValues(c)
	r, errs := ruleFromValues(values, communeID)
	checked, err := routing.Check(ctx, s.DB, communeID, r)
	if err != nil {
		s.Fail(c, err)
		return
	}
	for k, msg := range checked {
		if _, ok := errs[k]; !ok {
			errs[k] = msg
		}
	}
	version, _ := strconv.Atoi(c.PostForm("version"))
	values["version"] = version
	if len(errs) > 0 {
		s.showAdminRule(c, http.StatusUnprocessableEntity, stored, values, errs, nil)
		return
	}
	if stored != nil {
		r.ID, r.SetID, r.Position, r.Version = stored.ID, stored.SetID, stored.Position, version
	}
	if c.PostForm("op") == "apercu" {
		pv, err := s.Routing.Preview(ctx, communeID, *r)
		if err != nil {
			s.Fail(c, err)
			return
		}
		show := &rulePreview{Tried: pv.Tried, Count: len(pv.Touched), Sample: pv.Touched[:min(len(pv.Touched), previewSample)],
			TriedConversations: pv.TriedConversations, CountConv: len(pv.TouchedConversations),
			SampleConversations: pv.TouchedConversations[:min(len(pv.TouchedConversations), previewSample)]}
		s.showAdminRule(c, http.StatusOK, stored, values, nil, show)
		return
	}
	if stored == nil {
		err = models.CreateRoutingRule(ctx, s.DB, r, models.TriggerSubmission)
	} else {
		err = models.UpdateRoutingRule(ctx, s.DB, r, s.Clock.Now())
	}
	if errors.Is(err, models.ErrStale) {
		values["version"] = stored.Version
		s.showAdminRule(c, http.StatusConflict, stored, values, views.FormErrors{routing.InName: "Cette règle a été modifiée entre-temps par quelqu'un d'autre. Votre saisie est conservée : vérifiez la règle, puis enregistrez de nouveau pour remplacer sa version actuelle."}, nil)
		return
	}
	if err != nil {
		s.Fail(c, err)
		return
	}
	s.SetFlash(c, views.FlashSuccess, "Règle « "+r.Name+" » enregistrée : elle s'applique aux prochaines demandes déposées.")
	web.Redirect(c, rulesPath)
}
