package bench

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"guichet/models"
	"guichet/workflow"
)

// stateShares are the plausible proportions of a platform running for a few
// years: most demands are decided and archived, a few per cent are open.
var stateShares = []struct {
	state string
	share float64
}{
	{workflow.Draft, 0.06},
	{workflow.Submitted, 0.03},
	{workflow.CorrectionRequested, 0.02},
	{workflow.Transferred, 0.06},
	{workflow.ReturnedToGuichet, 0.005},
	{workflow.Accepted, 0.22},
	{workflow.Refused, 0.05},
	{workflow.Archived, 0.555},
}

func pickState(r *rand.Rand) string {
	u := r.Float64()
	for _, s := range stateShares {
		if u < s.share {
			return s.state
		}
		u -= s.share
	}
	return workflow.Archived
}

// demandRow, assignmentRow, eventRow and attachmentRow are rows as COPY
// takes them.
type demandRow struct {
	models.Demand
	attachments []attachmentRow
	events      []eventRow
	assignments []assignmentRow
	current     int // index of the current (or suspended) assignment, -1 if none
}

type assignmentRow struct {
	serviceID int64
	createdAt time.Time
	endedAt   *time.Time
	reason    string
	id        int64 // set when ids are reserved
}

type eventRow struct {
	at                        time.Time
	kind, actorKind           string
	actorID                   *int64
	actorName, channel        string
	from, to, message, visibl string
	details                   map[string]any
	assignment                int // index in assignments, -1 if none: its id goes into details
}

type attachmentRow struct {
	field, filename, contentType string
	size                         int64
	sha256                       string
}

// story writes one demand's life up to its target state, with history,
// assignments and files consistent with what the workflow would have
// recorded.
type story struct {
	r   *rand.Rand
	c   *commune
	d   *demandRow
	now time.Time
	// t is the time of the next step, relative to the story's start; the
	// story is shifted so that its last step ends where it must.
	t      time.Duration
	state  string
	curAsg int // current assignment index, -1 if none
}

func (s *story) step(min, max time.Duration) {
	s.t += min + time.Duration(s.r.Int64N(int64(max-min)))
}

func (s *story) event(kind workflow.Event, actor actorRef, to string, msg string, details map[string]any) *eventRow {
	if details == nil {
		details = map[string]any{}
	}
	vis := models.Public
	if kind == workflow.ReturnToGuichet {
		vis = models.Internal
	}
	s.d.events = append(s.d.events, eventRow{
		at: time.Unix(0, int64(s.t)), kind: string(kind), actorKind: actor.kind, actorID: actor.id,
		actorName: actor.name, channel: actor.channel, from: s.state, to: to, message: msg,
		visibl: vis, details: details, assignment: -1,
	})
	s.state = to
	s.d.Version++
	return &s.d.events[len(s.d.events)-1]
}

type actorRef struct {
	kind, name, channel string
	id                  *int64
}

func (s *story) citizen() actorRef {
	return actorRef{kind: workflow.KindCitizen, name: s.d.CitizenEmail, channel: workflow.ChannelWeb}
}

func (s *story) agent() actorRef {
	a := s.c.accueil[s.r.IntN(len(s.c.accueil))]
	if s.r.IntN(10) == 0 {
		a = s.c.supervisor
	}
	return actorRef{kind: workflow.KindAgent, name: a.Name, channel: workflow.ChannelWeb, id: &a.ID}
}

func (s *story) service() actorRef {
	svc := s.c.services[s.d.assignments[s.curAsg].serviceID]
	return actorRef{kind: workflow.KindService, name: svc.Name, channel: workflow.ChannelLink, id: &svc.ID}
}

// competent is the service a demand belongs to: by category for a report,
// Voirie or Urbanisme for the use of public space.
func (s *story) competent() int64 {
	name := "Voirie"
	switch cat, _ := s.d.Data["categorie"].(string); cat {
	case "Propreté", "Espaces verts":
		name = cat
	case "":
		if s.r.IntN(5) < 2 {
			name = "Urbanisme"
		}
	}
	return s.c.serviceByName[name]
}

// transfer sends the demand to the competent service, or to another one
// when it will come back (wrong routing).
func (s *story) transfer(wrong bool) {
	s.step(time.Hour, 3*24*time.Hour)
	home := s.competent()
	svc := home
	for wrong && svc == home {
		svc = s.c.serviceIDs[s.r.IntN(len(s.c.serviceIDs))]
	}
	s.d.assignments = append(s.d.assignments, assignmentRow{serviceID: svc, createdAt: time.Unix(0, int64(s.t))})
	s.curAsg = len(s.d.assignments) - 1
	ev := s.event(workflow.Transfer, s.agent(), workflow.Transferred, "",
		map[string]any{"service_id": svc, "service": s.c.services[svc].Name})
	ev.assignment = s.curAsg
}

func (s *story) endAssignment(reason string) {
	at := time.Unix(0, int64(s.t))
	a := &s.d.assignments[s.curAsg]
	a.endedAt, a.reason = &at, reason
}

func (s *story) requestCorrection(by actorRef, byWho string) {
	s.step(time.Hour, 5*24*time.Hour)
	msg := correctionMessages[s.r.IntN(len(correctionMessages))]
	form := s.c.procs[s.d.ProcedureID].Form
	fields := []string{form[s.r.IntN(len(form))].Name}
	s.event(workflow.RequestCorrection, by, workflow.CorrectionRequested, msg, map[string]any{"fields": fields, "by": byWho})
	s.d.CorrectionBy, s.d.CorrectionMessage, s.d.CorrectionFields = &byWho, msg, fields
}

func (s *story) resubmit(to string) {
	s.step(time.Hour, 7*24*time.Hour)
	s.event(workflow.Resubmit, s.citizen(), to, "", nil)
	s.d.CorrectionBy, s.d.CorrectionMessage, s.d.CorrectionFields = nil, "", []string{}
}

func (s *story) decide(target string, by actorRef) {
	s.step(2*time.Hour, 20*24*time.Hour)
	ev, msg := workflow.Accept, ""
	if target == workflow.Refused {
		ev, msg = workflow.Refuse, refusalMotives[s.r.IntN(len(refusalMotives))]
	}
	s.event(ev, by, target, msg, nil)
	at := time.Unix(0, int64(s.t))
	s.d.DecidedAt = &at
}

// play runs the story to target and anchors it in time.
func (s *story) play(target string) {
	d := s.d
	s.curAsg, d.current, s.state, d.State = -1, -1, workflow.Draft, workflow.Draft
	if target == workflow.Draft {
		d.CreatedAt = s.now.Add(-time.Duration(s.r.Int64N(int64(365 * 24 * time.Hour))))
		d.UpdatedAt = d.CreatedAt.Add(time.Duration(s.r.Int64N(int64(2 * time.Hour))))
		d.Reference = reference(d.ID, d.CreatedAt)
		return
	}
	s.step(5*time.Minute, 2*time.Hour) // filling the form
	s.event(workflow.Submit, s.citizen(), workflow.Submitted, "", nil)
	submitted := time.Unix(0, int64(s.t))
	d.SubmittedAt = &submitted

	if s.r.IntN(10) == 0 || (target == workflow.CorrectionRequested && s.r.IntN(2) == 0) {
		s.requestCorrection(s.agent(), "accueil")
		if target == workflow.CorrectionRequested {
			s.anchor(target)
			return
		}
		s.resubmit(workflow.Submitted)
	}
	if target == workflow.Submitted {
		s.anchor(target)
		return
	}
	viaService := target != workflow.Accepted && target != workflow.Refused && target != workflow.Archived || s.r.IntN(100) < 65
	if !viaService {
		s.decide(s.decision(target), s.agent())
		s.archive(target)
		return
	}
	returns := target == workflow.ReturnedToGuichet || s.r.IntN(20) == 0
	s.transfer(returns)
	if returns {
		s.step(time.Hour, 4*24*time.Hour)
		s.endAssignment("returned")
		s.event(workflow.ReturnToGuichet, s.service(), workflow.ReturnedToGuichet, returnReasons[s.r.IntN(len(returnReasons))], nil)
		s.curAsg = -1
		if target == workflow.ReturnedToGuichet {
			s.anchor(target)
			return
		}
		s.transfer(false)
	}
	if target == workflow.CorrectionRequested {
		s.requestCorrection(s.service(), "service")
	} else if target != workflow.Transferred {
		if s.r.IntN(8) == 0 {
			s.requestCorrection(s.service(), "service")
			s.resubmit(workflow.Transferred)
		}
		s.decide(s.decision(target), s.service())
		s.endAssignment("decided")
		s.archive(target)
		return
	}
	s.anchor(target)
}

func (s *story) decision(target string) string {
	if target == workflow.Archived {
		if s.r.IntN(5) == 0 {
			return workflow.Refused
		}
		return workflow.Accepted
	}
	return target
}

func (s *story) archive(target string) {
	if target == workflow.Archived {
		s.step(90*24*time.Hour, 92*24*time.Hour)
		s.event(workflow.Archive, actorRef{kind: workflow.KindSystem, name: "Guichet", channel: workflow.ChannelSystem}, workflow.Archived, "", nil)
	}
	s.anchor(target)
}

// anchor shifts the story so that it ends at a plausible date: open demands
// are recent, decided ones from the last quarter, archived ones up to three
// years old.
func (s *story) anchor(target string) {
	d := s.d
	var back time.Duration
	switch target {
	case workflow.Accepted, workflow.Refused:
		back = time.Duration(s.r.Int64N(int64(85 * 24 * time.Hour)))
	case workflow.Archived:
		back = time.Duration(s.r.Int64N(int64(2 * 365 * 24 * time.Hour)))
	default:
		back = time.Duration(s.r.Int64N(int64(30 * 24 * time.Hour)))
	}
	end := s.now.Add(-back)
	shift := end.Sub(time.Unix(0, int64(s.t)))
	move := func(t time.Time) time.Time { return t.Add(shift).UTC() }
	for i := range d.events {
		d.events[i].at = move(d.events[i].at)
	}
	for i := range d.assignments {
		a := &d.assignments[i]
		a.createdAt = move(a.createdAt)
		if a.endedAt != nil {
			t := move(*a.endedAt)
			a.endedAt = &t
		}
	}
	t := move(*d.SubmittedAt)
	d.SubmittedAt = &t
	if d.DecidedAt != nil {
		t := move(*d.DecidedAt)
		d.DecidedAt = &t
	}
	d.CreatedAt = d.SubmittedAt.Add(-time.Duration(5*time.Minute + time.Duration(s.r.Int64N(int64(2*time.Hour)))))
	d.UpdatedAt = end.UTC()
	d.Reference = reference(d.ID, d.CreatedAt)
	d.current, d.State = s.curAsg, s.state
	if d.DecidedAt == nil && d.State != workflow.CorrectionRequested {
		// A resolution due about two weeks after receipt, spread by the
		// id (no draw: the rest of the data stays as it was), as the
		// deadline policies would set it: the queue sorted by due time.
		due := d.SubmittedAt.Add(14*24*time.Hour + time.Duration(d.ID%240)*time.Hour)
		d.DueAt = &due
	}
	if s.curAsg >= 0 {
		svc := s.d.assignments[s.curAsg].serviceID
		d.ServiceID = &svc
	}
}

// fill gives the demand a citizen and form values in French; a draft has
// part of its form filled.
func (s *story) fill(draft bool) {
	r, d := s.r, s.d
	first, last := firstNames[r.IntN(len(firstNames))], lastNames[r.IntN(len(lastNames))]
	d.CitizenEmail = fmt.Sprintf("%s.%s%d@%s", asciiLower(first), asciiLower(last), r.IntN(100), mailDomains[r.IntN(len(mailDomains))])
	p := s.c.procs[d.ProcedureID]
	data := map[string]any{}
	street := fmt.Sprintf("%d %s %s", 1+r.IntN(120), streetKinds[r.IntN(len(streetKinds))], streetNames[r.IntN(len(streetNames))])
	day := s.now
	for i, f := range p.Form {
		if draft && i > 2 && r.IntN(2) == 0 {
			continue
		}
		switch f.Type {
		case "text":
			if f.Name == "nom" {
				data[f.Name] = first + " " + last
			} else if r.IntN(3) == 0 {
				data[f.Name] = []string{"SARL ", "SAS ", "Entreprise ", "Boulangerie "}[r.IntN(4)] + last
			}
		case "phone":
			data[f.Name] = fmt.Sprintf("0%d %02d %02d %02d %02d", 6+r.IntN(2), r.IntN(100), r.IntN(100), r.IntN(100), r.IntN(100))
		case "email":
			data[f.Name] = d.CitizenEmail
		case "choice":
			data[f.Name] = f.Options[r.IntN(len(f.Options))]
		case "checkboxes":
			data[f.Name] = f.Options
		case "address":
			data[f.Name] = street
		case "date":
			day = day.AddDate(0, 0, 1+r.IntN(30))
			data[f.Name] = day.Format(time.DateOnly)
		case "period":
			start := day.AddDate(0, 0, 1+r.IntN(30))
			data[f.Name] = map[string]any{"debut": start.Format(time.DateOnly), "fin": start.AddDate(0, 0, r.IntN(15)).Format(time.DateOnly)}
		case "number":
			data[f.Name] = fmt.Sprint(1 + r.IntN(40))
		case "textarea":
			cat, _ := data["categorie"].(string)
			ps := problems[cat]
			if ps == nil {
				ps = problems["Autre"]
			}
			text := ps[r.IntN(len(ps))]
			if strings.Contains(text, "%d") {
				text = fmt.Sprintf(text, 1+r.IntN(120))
			}
			data[f.Name] = strings.TrimSpace(text + " " + sinceWhen[r.IntN(len(sinceWhen))])
		case "file":
			if f.Required || r.IntN(10) < 4 {
				a := s.file(f.Name)
				d.attachments = append(d.attachments, a)
				data[f.Name] = []string{a.filename} // as the portal records files in the data
			}
		}
	}
	d.Data = data
	if !draft {
		d.CitizenName = first + " " + last
	}
}

func (s *story) file(field string) attachmentRow {
	r := s.r
	a := attachmentRow{field: field, size: 40_000 + r.Int64N(4_000_000), sha256: fmt.Sprintf("%016x%016x%016x%016x", r.Uint64(), r.Uint64(), r.Uint64(), r.Uint64())}
	switch field {
	case "photo":
		a.filename, a.contentType = fmt.Sprintf("IMG_%d.jpg", 1000+r.IntN(9000)), "image/jpeg"
	case "plan":
		a.filename, a.contentType = "plan-de-situation.pdf", "application/pdf"
	case "assurance":
		a.filename, a.contentType = "attestation-assurance.pdf", "application/pdf"
	default:
		a.filename, a.contentType = field+".pdf", "application/pdf"
	}
	return a
}

func asciiLower(s string) string {
	s = strings.ToLower(s)
	return strings.NewReplacer("é", "e", "è", "e", "ë", "e", "ç", "c", "ï", "i", "î", "i", "ô", "o", " ", "", "'", "").Replace(s)
}

// reference mimics models' public reference (year and 8 Crockford base32
// characters) from the id through a bijection, so that references are
// unique without a lookup, and look random.
func reference(id int64, created time.Time) string {
	c := code40(uint64(id), 0x9E3779B97F4A7C15)
	return fmt.Sprintf("%d-%s-%s", created.Year(), c[:4], c[4:])
}

func trackingCode(id int64) string { return code40(uint64(id), 0xC2B2AE3D27D4EB4F) }

const crockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

// code40 maps x (< 2^40) to 8 base32 characters: multiplication by an odd
// constant and xor-shift are both bijections modulo 2^40.
func code40(x, mult uint64) string {
	const mask = 1<<40 - 1
	x = (x * mult) & mask
	x ^= x >> 17
	x = (x * 0xD6E8FEB86659FD93) & mask
	b := make([]byte, 8)
	for i := 7; i >= 0; i-- {
		b[i] = crockford[x&31]
		x >>= 5
	}
	return string(b)
}
