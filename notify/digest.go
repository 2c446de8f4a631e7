package notify

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"guichet/history"
	"guichet/jobs"
	"guichet/models"
)

// DigestEvery is how often the digest job looks for digests due: a digest
// goes within this much of its hour. A look is one query on the items not
// sent yet (a partial index holds only those).
const DigestEvery = time.Minute

// Digests sends each agent, at the hour they chose, one e-mail listing the
// events of their digest's window: those that occurred before the latest
// of their digest hours and were listed in no digest yet. The window needs
// no record of the last digest: what a digest lists is marked as listed.
type Digests struct {
	DB       *bun.DB
	Notifier *Notifier
}

// RunOnce sends the digests due at now and returns how many it sent.
func (g *Digests) RunOnce(ctx context.Context, now time.Time) (int, error) {
	pending, err := models.PendingDigests(ctx, g.DB)
	if err != nil {
		return 0, err
	}
	// An agent has a row per cadence: one digest holds what is due of both.
	var due []models.PendingDigest
	seen := map[int64]bool{}
	for _, p := range pending {
		daily, weekly := cutoffs(p, now)
		cut := daily
		if p.Cadence == string(Weekly) {
			cut = weekly
		}
		if p.Oldest.Before(cut) && !seen[p.AgentID] {
			seen[p.AgentID] = true
			due = append(due, p)
		}
	}
	sent := 0
	for _, p := range due {
		daily, weekly := cutoffs(p, now)
		ok, err := g.send(ctx, p.AgentID, daily, weekly, now)
		if err != nil {
			return sent, err
		}
		if ok {
			sent++
		}
	}
	return sent, nil
}

// cutoffs are an agent's latest daily and weekly digest hours at or
// before now, in Europe/Paris.
func cutoffs(p models.PendingDigest, now time.Time) (daily, weekly time.Time) {
	dh, wd, wh := DefaultDigestHour, DefaultDigestDay, DefaultDigestHour
	if p.HasSched {
		dh, wd, wh = p.DailyHour, p.WeeklyDay, p.WeeklyHour
	}
	return lastAt(now, dh, 0), lastAt(now, wh, wd)
}

// lastAt is the latest hour:00 in Europe/Paris at or before now, on the
// ISO weekday day (0: any day).
func lastAt(now time.Time, hour, day int) time.Time {
	local := now.In(paris)
	for back := 0; ; back++ {
		t := time.Date(local.Year(), local.Month(), local.Day()-back, hour, 0, 0, 0, paris)
		if !t.After(now) && (day == 0 || isoWeekday(t) == day) {
			return t
		}
	}
}

func isoWeekday(t time.Time) int { return (int(t.Weekday())+6)%7 + 1 }

// send enqueues one agent's digest, in one transaction with the marking of
// its items: false when another run is sending it or nothing is left. Two
// runs (two servers) never list an item twice: the agent's row is locked,
// then their items, the second run skipping what the first holds.
func (g *Digests) send(ctx context.Context, agentID int64, daily, weekly, now time.Time) (bool, error) {
	sent := false
	err := g.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		a, ok, err := models.LockDigestAgent(ctx, tx, agentID)
		if err != nil || !ok {
			return err
		}
		lines, err := models.ClaimDigestItems(ctx, tx, agentID, daily, weekly)
		if err != nil || len(lines) == 0 {
			return err
		}
		communeID := a.CommuneID
		c, err := models.CommuneByID(ctx, tx, communeID)
		if err != nil {
			return err
		}
		ob, err := g.Notifier.digestMail(c, a, lines, daily, weekly)
		if err != nil {
			return err
		}
		if err := models.MarkDigested(ctx, tx, &models.Digest{CommuneID: communeID, AgentID: agentID, SentAt: now, Items: len(lines)}, lines); err != nil {
			return err
		}
		sent = true
		return jobs.Enqueue(ctx, tx, ob, g.Notifier.Host())
	})
	return sent, err
}

// digestMail is what the digest's templates receive.
type digestMail struct {
	Subject     string
	Intro       string
	Groups      []digestGroup
	SettingsURL string
	Commune     *models.Commune
	ReplyNote   string // the signature's closing line ("": do not reply)
}

type digestGroup struct {
	Heading string
	Lines   []digestLine
}

type digestLine struct {
	Reference, Procedure, What, Message, When, URL string
}

// digestMail writes an agent's digest of lines, grouped by kind in the
// registry's order, each group oldest first.
func (n *Notifier) digestMail(c *models.Commune, a *models.Agent, lines []models.DigestLine, daily, weekly time.Time) (*models.OutboxMail, error) {
	m := digestMail{Commune: c, SettingsURL: n.BaseURL + "/gestion/profil"}
	// The window ends at the latest cutoff of the cadences listed.
	var until time.Time
	since := "depuis hier"
	for _, l := range lines {
		cut := daily
		if l.Cadence == string(Weekly) {
			cut, since = weekly, "depuis "+Weekdays[isoWeekday(weekly)-1]+" dernier"
		}
		if cut.After(until) {
			until = cut
		}
	}
	events := "événements"
	if len(lines) == 1 {
		events = "événement"
	}
	m.Subject = fmt.Sprintf("Guichet — %d %s %s", len(lines), events, since)
	m.Intro = fmt.Sprintf("Voici ce qui s'est passé sur le guichet unique de %s jusqu'au %s, pour les événements que vous avez choisi de recevoir en résumé.",
		c.Name, formatTime(&until))
	for _, k := range kinds {
		g := digestGroup{Heading: k.Heading}
		for _, l := range lines {
			if l.Kind != k.Name {
				continue
			}
			what := history.AgentTitle(l.Event)
			if l.Event.ActorName != "" {
				what += " par " + l.Event.ActorName
			}
			g.Lines = append(g.Lines, digestLine{Reference: l.Reference, Procedure: l.Procedure, What: what, Message: l.Event.Message,
				When: formatTime(&l.OccurredAt), URL: n.AgentDemandURL(&models.Demand{ID: l.DemandID})})
		}
		if len(g.Lines) > 0 {
			m.Groups = append(m.Groups, g)
		}
	}
	text, html, err := render("digest", m)
	if err != nil {
		return nil, err
	}
	ob := &models.OutboxMail{CommuneID: &c.ID, Recipient: a.Email, Subject: m.Subject, BodyText: text, BodyHTML: html,
		MessageID: jobs.NewMessageID("digest", n.Host()), Status: models.MailPending}
	ob.CreatedAt = n.Clock.Now()
	ob.NextAttemptAt = ob.CreatedAt
	return ob, nil
}

const textDigest = `{{define "digest"}}Bonjour,

{{.Intro}}
{{range .Groups}}
{{.Heading}} ({{len .Lines}})
{{range .Lines}}
- {{.Reference}} — {{.Procedure}}
  {{.What}}, le {{.When}}
{{- with .Message}}
  « {{.}} »{{end}}
  {{.URL}}
{{end}}{{end}}
Pour recevoir ces e-mails autrement (tout de suite, chaque jour, chaque semaine ou jamais) :
{{.SettingsURL}}
{{template "signature" .}}{{end}}`

const htmlDigest = `{{define "digest"}}<!DOCTYPE html>
<html lang="fr"><head><meta charset="utf-8"><title>{{.Subject}}</title></head>
<body style="font-family:Arial,Helvetica,sans-serif;font-size:16px;line-height:1.5;color:#1a1a1a;max-width:640px;margin:0 auto;padding:16px">
<p>Bonjour,</p>
<p>{{.Intro}}</p>
{{range .Groups}}<h2 style="font-size:18px;margin:24px 0 8px">{{.Heading}} ({{len .Lines}})</h2>
<ul style="padding-left:20px;margin:0">
{{range .Lines}}<li style="margin-bottom:12px"><a href="{{.URL}}" style="color:#1f4e8c;font-weight:bold">{{.Reference}}</a> — {{.Procedure}}<br>{{.What}}, le {{.When}}{{with .Message}}<br>« {{.}} »{{end}}</li>
{{end}}</ul>
{{end}}<p style="font-size:14px;color:#444">Pour recevoir ces e-mails autrement (tout de suite, chaque jour, chaque semaine ou jamais) : <a href="{{.SettingsURL}}" style="color:#1f4e8c">mes notifications</a>.</p>
{{template "signature" .}}
</body></html>{{end}}`
