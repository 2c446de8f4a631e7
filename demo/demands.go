package demo

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"net/url"
	"time"

	"github.com/uptrace/bun"

	"guichet/clock"
	"guichet/conversation"
	"guichet/files"
	"guichet/forms"
	"guichet/models"
	"guichet/satisfaction"
	"guichet/workflow"
)

// Demands are the demo's demands, driven through the real workflow so that
// the dashboards, the services' boards and the history show a commune at
// work over the past weeks.
type Demands struct {
	DB     *bun.DB
	Engine *workflow.Engine // its clock is Clock's
	Files  *files.Store
	Limits models.FileLimits
	Clock  *clock.Fake // set back in time as each demand goes
	// Conversations plays the demo's conversations (none when nil); its clock is Clock's.
	Conversations *conversation.Manager
	// Satisfaction plays the demo's experiences and ratings (none when
	// nil); its clock is Clock's.
	Satisfaction *satisfaction.Manager
}

// step is one event of a demand's story, fired by who, some hours after
// the previous one.
type step struct {
	ev      workflow.Event
	by      string // "usager", "accueil", "superviseur" or a service's name
	message string
	fields  []string // a correction's
	service string   // a transfer's
	hours   int      // after the previous step
}

// story is one demand: its procedure, who made it, what they wrote, what happened.
type story struct {
	procedure string
	person    citizen
	values    url.Values // as the citizen typed them
	steps     []step
}

type citizen struct{ name, email string }

// Load drives every story, the first one starting about six weeks before
// the clock's time, the last event of each before it.
func (ds Demands) Load(ctx context.Context, c *models.Commune) error {
	now := ds.Clock.Now()
	procs := map[string]*models.Procedure{}
	for _, slug := range []string{"signalement-dysfonctionnement", "occupation-domaine-public", "acte-etat-civil"} {
		p, err := models.ProcedureBySlug(ctx, ds.DB, c.ID, slug)
		if err != nil {
			return fmt.Errorf("demo procedure %s: %w", slug, err)
		}
		procs[slug] = p
	}
	agents := map[string]*models.Agent{}
	for _, l := range Logins {
		a, err := models.AgentByEmail(ctx, ds.DB, l.Email)
		if err != nil {
			return err
		}
		agents[l.Profile] = a
	}
	svcs, err := models.ListServices(ctx, ds.DB, c.ID, true)
	if err != nil {
		return err
	}
	stories := Stories()
	r := rand.New(rand.NewPCG(2017, 1871))
	for i, st := range stories {
		// Spread the starts over six weeks, oldest first; the later steps
		// of a story come after, and before now.
		var total int
		for _, s := range st.steps {
			total += s.hours
		}
		start := now.Add(-time.Duration(42*24*(len(stories)-i)/len(stories)) * time.Hour).Add(-time.Duration(r.IntN(8)) * time.Hour)
		if latest := now.Add(-time.Duration(total+2) * time.Hour); start.After(latest) {
			start = latest
		}
		ds.Clock.Set(start)
		if err := ds.drive(ctx, c, procs[st.procedure], agents, svcs, st); err != nil {
			return fmt.Errorf("demo demand %d (%s): %w", i+1, st.person.name, err)
		}
	}
	ds.Clock.Set(now)
	if ds.Conversations != nil {
		if err := ds.loadConversations(ctx, c, agents); err != nil {
			return err
		}
	}
	if ds.Satisfaction != nil {
		return ds.loadSatisfaction(ctx, c, agents)
	}
	return nil
}

// demoPDF is the file a demo citizen attaches where the form asks for one.
var demoPDF = []byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")

func (ds Demands) drive(ctx context.Context, c *models.Commune, p *models.Procedure, agents map[string]*models.Agent, svcs []models.Service, st story) error {
	// The draft is begun at the story's start, by the demo's clock.
	d, err := models.NewDraft(ctx, ds.DB, p, st.person.email, ds.Clock.Now())
	if err != nil {
		return err
	}
	if err := models.SetCitizenName(ctx, ds.DB, d, st.person.name); err != nil {
		return err
	}
	values := url.Values{}
	for k, v := range st.values {
		values[k] = v
	}
	if p.Slug == "occupation-domaine-public" { // in two weeks, for three days
		values.Set("date_debut", ds.Clock.Now().AddDate(0, 0, 14).Format(time.DateOnly))
		values.Set("date_fin", ds.Clock.Now().AddDate(0, 0, 17).Format(time.DateOnly))
	}
	data, errs := forms.Read(p.Form, values)
	if len(errs) > 0 {
		return fmt.Errorf("demo answers refused: %v", errs)
	}
	for _, f := range p.Form {
		if f.Type != "file" || !f.Required {
			continue
		}
		up, err := ds.Files.Receive(bytes.NewReader(demoPDF), int64(len(demoPDF)))
		if err != nil {
			return err
		}
		name := f.Name + ".pdf"
		a := &models.Attachment{CommuneID: c.ID, DemandID: d.ID, Field: f.Name, Filename: name,
			ContentType: up.ContentType, Size: up.Size, SHA256: up.SHA256, UploadedBy: workflow.KindCitizen}
		if err := models.AddAttachment(ctx, ds.DB, a, []string{workflow.Draft}, ds.Limits, up.Keep); err != nil {
			return err
		}
		data[f.Name] = []any{name}
	}
	service := func(name string) *models.Service {
		for i := range svcs {
			if svcs[i].Name == name {
				return &svcs[i]
			}
		}
		return nil
	}
	steps := append([]step{{ev: workflow.Submit, by: "usager"}}, st.steps...)
	for _, s := range steps {
		ds.Clock.Advance(time.Duration(s.hours) * time.Hour)
		in := workflow.Input{Version: d.Version, Message: s.message, Fields: s.fields}
		var actor workflow.Actor
		switch s.by {
		case "usager":
			actor = workflow.CitizenActor(c.ID, d.ID, d.CitizenEmail)
			if s.ev == workflow.Submit || s.ev == workflow.Resubmit {
				in.Data = data
			}
		case accueil, superviseur:
			actor = workflow.AgentActor(agents[s.by])
		default:
			sv := service(s.by)
			if sv == nil || d.AssignmentID == nil {
				return fmt.Errorf("no assignment to service %q", s.by)
			}
			actor = workflow.ServiceActor(sv, *d.AssignmentID, "")
		}
		if s.service != "" {
			in.ServiceID = service(s.service).ID
		}
		if d, err = ds.Engine.Apply(ctx, d.ID, s.ev, actor, in); err != nil {
			return fmt.Errorf("%s by %s: %w", s.ev, s.by, err)
		}
	}
	return nil
}
