package backoffice

import (
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"guichet/calendar"
	"guichet/conversation"
	"guichet/handlers/web"
	"guichet/models"
	"guichet/perm"
	"guichet/retention"
	"guichet/validate"
	"guichet/views"
	"guichet/workflow"
)

const personalDataPath = "/gestion/supervision/donnees-personnelles"

// forecastDays is how far the supervisor's forecast looks; forecastRows
// bounds its list of the first items, the counts per day cover the rest
// (each stops at models.CountCap: "plus de 1 000").
const (
	forecastDays = 30
	forecastRows = 50
)

var expiringLabels = map[string]string{
	models.ExpiringDemand:       "Demande décidée",
	models.ExpiringDraft:        "Brouillon non modifié",
	models.ExpiringConversation: "Conversation résolue",
	models.ExpiringMail:         "Courriel reçu sans conversation",
}

// forecastKinds are the columns of the counts.
var forecastKinds = []string{models.ExpiringDemand, models.ExpiringDraft, models.ExpiringConversation, models.ExpiringMail}

// retentionForecastShow tells a supervisor the commune's retention rules,
// how much will be anonymised on each of the next forecastDays days (today:
// what is overdue too), per kind, and the first items.
func (s *Handlers) retentionForecastShow(c *gin.Context) {
	ctx := c.Request.Context()
	cm := web.Commune(c)
	facts, err := retention.CommuneFacts(ctx, s.DB, cm.ID)
	if err != nil {
		s.Fail(c, err)
		return
	}
	today := calendar.DateOf(s.Clock.Now())
	through := today.AddDays(forecastDays)
	counts, err := models.ExpiringCounts(ctx, s.DB, cm.ID, retention.Rules, today, through, models.CountCap)
	if err != nil {
		s.Fail(c, err)
		return
	}
	due, err := models.Expirings(ctx, s.DB, cm.ID, retention.Rules, today, through, forecastRows+1)
	if err != nil {
		s.Fail(c, err)
		return
	}
	type row struct {
		Day                         calendar.Date
		Kind, Reference, Title, URL string
		State                       string
	}
	type day struct {
		Day    calendar.Date
		Today  bool
		Counts []views.Count // in the order of Kinds
	}
	perms := workflow.AgentActor(currentAgent(c)).Perms
	data := struct {
		Rules         []string
		Days          int
		Kinds         []string
		PerDay        []day
		Rows          []row
		More          bool
		MayAdminister bool
	}{Rules: facts.Lines(), Days: forecastDays, More: len(due) > forecastRows, MayAdminister: perms.Has(perm.Administer)}
	for _, k := range forecastKinds {
		data.Kinds = append(data.Kinds, expiringLabels[k])
	}
	for _, n := range counts {
		d := calendar.DateOf(n.Day)
		if len(data.PerDay) == 0 || data.PerDay[len(data.PerDay)-1].Day != d {
			data.PerDay = append(data.PerDay, day{Day: d, Today: d == today, Counts: make([]views.Count, len(forecastKinds))})
		}
		cs := data.PerDay[len(data.PerDay)-1].Counts
		cs[slices.Index(forecastKinds, n.Kind)] = views.Count{N: min(n.N, models.CountCap), More: n.N > models.CountCap}
	}
	for i, e := range due {
		if i == forecastRows {
			break
		}
		r := row{Day: calendar.DateOf(e.Day), Kind: expiringLabels[e.Kind], Reference: e.Reference, Title: e.Title}
		switch e.Kind {
		case models.ExpiringConversation:
			r.State = conversation.StatusLabel(e.State)
			if perms.Converses() {
				r.URL = fmt.Sprintf("%s/%d", inboxPath, e.ID)
			}
		case models.ExpiringMail:
			r.Reference, r.State = "Courriel n° "+strconv.FormatInt(e.ID, 10), inboundLabels[e.State]
		default:
			r.URL, r.State = fmt.Sprintf("/gestion/demandes/%d", e.ID), workflow.StateLabel(e.State)
		}
		data.Rows = append(data.Rows, r)
	}
	pg := s.Page(c, "Conservation des données")
	pg.Data = data
	s.Render(c, http.StatusOK, "supervisor/retention", pg)
}

// personalDataShow finds everything held about an e-mail address, on a
// citizen's request (GDPR art. 15), with the export and the erasure.
func (s *Handlers) personalDataShow(c *gin.Context) {
	email := strings.TrimSpace(c.Query("email"))
	if email == "" {
		s.showPersonalData(c, http.StatusOK, "", nil, nil)
		return
	}
	h, ok := s.holdings(c, email)
	if ok {
		s.showPersonalData(c, http.StatusOK, email, h, nil)
	}
}

// holdings reads what is held about email, or shows the form again with
// the address refused.
func (s *Handlers) holdings(c *gin.Context, email string) (*retention.Holdings, bool) {
	if !validate.IsAddress(email) {
		s.showPersonalData(c, http.StatusUnprocessableEntity, email, nil, views.FormErrors{"email": validate.AddressMessage("")})
		return nil, false
	}
	h, err := retention.Find(c.Request.Context(), s.DB, web.Commune(c).ID, email, calendar.DateOf(s.Clock.Now()))
	if err != nil {
		s.Fail(c, err)
		return nil, false
	}
	return h.Within(workflow.AgentActor(currentAgent(c))), true
}

func (s *Handlers) showPersonalData(c *gin.Context, status int, email string, h *retention.Holdings, errs views.FormErrors) {
	pg := s.Page(c, "Données personnelles d'un usager")
	pg.Form = map[string]any{"email": email, "motif": c.PostForm("motif"), "confirmation": c.PostForm("confirmation")}
	pg.Errors = errs
	type row struct {
		Reference, Title, State, URL, Kept string
		Files, Messages                    int
	}
	data := struct {
		Email                  string
		Found                  bool
		Demands, Conversations []row
		Mails                  []retention.HeldMail
		Experiences            []row
		Erasable, Limited      bool
		Reasons                []views.Option
	}{Email: email, Found: h != nil, Reasons: []views.Option{
		{Value: retention.ReasonRequest, Label: "À la demande de la personne (RGPD, article 17)"},
		{Value: retention.ReasonDecision, Label: "Sur décision de la commune"},
	}}
	converses := workflow.AgentActor(currentAgent(c)).Perms.Converses()
	if h != nil {
		for _, d := range h.Demands {
			data.Demands = append(data.Demands, row{Reference: d.Demand.Reference, Title: d.Procedure, State: workflow.StateLabel(d.Demand.State),
				URL: fmt.Sprintf("/gestion/demandes/%d", d.Demand.ID), Kept: d.Kept, Files: len(d.Files)})
			data.Erasable = data.Erasable || d.Kept == ""
		}
		for _, hc := range h.Conversations {
			files := 0
			for _, m := range hc.Messages {
				files += len(m.Files)
			}
			r := row{Reference: hc.Conversation.Reference, Title: hc.Conversation.Subject,
				State: conversation.StatusLabel(hc.Conversation.Status), Kept: hc.Kept, Files: files, Messages: len(hc.Messages)}
			if converses {
				r.URL = fmt.Sprintf("%s/%d", inboxPath, hc.Conversation.ID)
			}
			data.Conversations = append(data.Conversations, r)
			data.Erasable = data.Erasable || hc.Kept == ""
		}
		for _, x := range h.Experiences {
			data.Experiences = append(data.Experiences, row{Reference: calendar.DateOf(x.CreatedAt).French(), Title: x.Body,
				State: retention.ExperienceStatuses[x.Status]})
		}
		data.Mails, data.Limited = h.Mails, h.Limited
		data.Erasable = data.Erasable || len(h.Mails) > 0 || len(h.Experiences) > 0
	}
	pg.Data = data
	s.Render(c, status, "supervisor/personal_data", pg)
}

// personalDataExport sends what is held about an address as a ZIP: a
// readable PDF, a JSON file and the files (GDPR art. 15 and 20).
func (s *Handlers) personalDataExport(c *gin.Context) {
	email := strings.TrimSpace(c.PostForm("email"))
	h, ok := s.holdings(c, email)
	if !ok {
		return
	}
	now := s.Clock.Now()
	c.Header("Cache-Control", "no-store")
	c.Header("Content-Type", "application/zip")
	c.Header("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": "donnees-personnelles-" + calendar.DateOf(now).String() + ".zip"}))
	c.Status(http.StatusOK)
	if err := retention.Export(c.Request.Context(), c.Writer, web.Commune(c), h, s.Files, now); err != nil {
		// The archive has begun: the browser sees it cut short.
		s.Log.Error("personal data export", "err", err)
	}
}

// personalDataErase anonymises what is held about an address that no
// legal duty keeps (GDPR art. 17), once the supervisor confirmed, with the
// reason chosen; what is kept is named, with why.
func (s *Handlers) personalDataErase(c *gin.Context) {
	email := strings.TrimSpace(c.PostForm("email"))
	h, ok := s.holdings(c, email)
	if !ok {
		return
	}
	reason := c.PostForm("motif")
	errs := views.FormErrors{}
	if reason != retention.ReasonRequest && reason != retention.ReasonDecision {
		errs["motif"] = "Choisissez le motif de l'effacement."
	}
	if c.PostForm("confirmation") != "oui" {
		errs["confirmation"] = "Cochez la case pour confirmer l'effacement : il est définitif."
	}
	if len(errs) > 0 {
		s.showPersonalData(c, http.StatusUnprocessableEntity, email, h, errs)
		return
	}
	out, err := s.Retention.Erase(c.Request.Context(), web.Commune(c).ID, h, reason, workflow.AgentActor(currentAgent(c)), s.Clock.Now())
	if err != nil {
		s.Fail(c, err)
		return
	}
	msg := "Effacé : " + strconv.Itoa(len(out.Erased)+out.Mails+out.Experiences) + " élément(s)."
	if len(out.Kept) > 0 {
		msg += " Conservé : " + strconv.Itoa(len(out.Kept)) + " élément(s), qu'une obligation légale garde (voyez ci-dessous)."
	}
	s.SetFlash(c, views.FlashSuccess, msg)
	web.Redirect(c, personalDataPath+"?"+url.Values{"email": {email}}.Encode())
}

// adminRetentionUpdate sets how long each procedure keeps its decided
// demands and the commune its conversations; a value out of bounds is
// refused beside its field, everything typed kept.
func (s *Handlers) adminRetentionUpdate(c *gin.Context) {
	ctx := c.Request.Context()
	cm := web.Commune(c)
	facts, err := retention.CommuneFacts(ctx, s.DB, cm.ID)
	if err != nil {
		s.Fail(c, err)
		return
	}
	typed := map[string]any{}
	errs := views.FormErrors{}
	read := func(name string) int {
		v := c.PostForm(name)
		typed[name] = v
		n, err := retention.ParseMonths(v)
		if err != nil {
			errs[name] = err.Error()
		}
		return n
	}
	months := map[int64]int{}
	for _, p := range facts.Procedures {
		months[p.ID] = read(retentionField(p.ID))
	}
	conversations := read(conversationRetentionField)
	if len(errs) > 0 {
		s.showAdminProceduresTyped(c, http.StatusUnprocessableEntity, errs, typed)
		return
	}
	if err := models.SetRetention(ctx, s.DB, cm.ID, months, conversations); err != nil {
		s.Fail(c, err)
		return
	}
	s.SetFlash(c, views.FlashSuccess, "Durées de conservation enregistrées : le traitement quotidien les applique dès demain.")
	web.Redirect(c, "/gestion/admin/demarches")
}

// The retention fields of the procedures' page.
const conversationRetentionField = "conservation-conversations"

func retentionField(procedureID int64) string {
	return "conservation-" + strconv.FormatInt(procedureID, 10)
}
