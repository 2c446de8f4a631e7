package conversation

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"guichet/apperr"
	"guichet/deadline"
	"guichet/models"
	"guichet/validate"
	"guichet/workflow"
)

// OpenInput opens a conversation: the citizen's from the portal, or an
// agent's on behalf of a citizen or a third party, whose address is then
// the one answered.
type OpenInput struct {
	Subject string `form:"objet" label:"l'objet" validate:"required,max=200"`
	Email   string `form:"email" label:"l'adresse e-mail" hint:"la mairie répondra à cette adresse" validate:"required,max=254,address"`
	Name    string `form:"nom" label:"le nom" validate:"max=200"`
	// ProcedureID, DemandID: what it is about (0: the general inbox).
	ProcedureID int64
	DemandID    int64
	Message     MessageInput
	Client      string // the citizen's network address, for the limits
}

// Open opens a conversation with its first message and e-mails the citizen
// its reference and private link, which it returns. Bad input is an
// apperr.Invalid error, a limit reached an apperr.TooMany one, each with a
// French message on the field at fault.
func (m *Manager) Open(ctx context.Context, cm *models.Commune, actor workflow.Actor, in OpenInput) (*models.Conversation, string, error) {
	if err := direct(actor); err != nil {
		return nil, "", err
	}
	in.Subject, in.Email, in.Name = strings.TrimSpace(in.Subject), strings.TrimSpace(in.Email), strings.TrimSpace(in.Name)
	errs := validate.Struct(in)
	if errs == nil {
		errs = map[string]string{}
	}
	if actor.Kind == workflow.KindCitizen && in.Name == "" {
		errs["nom"] = "Indiquez vos nom et prénom : la mairie vous répondra par votre nom."
	}
	if err := in.Message.check(actor); err != nil {
		e := apperr.As(err)
		if len(e.Fields) == 0 {
			return nil, "", err
		}
		for k, v := range e.Fields {
			errs[k] = v
		}
	}
	if in.ProcedureID != 0 {
		if p, err := models.ProcedureByID(ctx, m.DB, cm.ID, in.ProcedureID); err != nil || !p.Active {
			errs["demarche"] = "Choisissez une démarche de la liste, ou aucune."
		}
	}
	if len(errs) > 0 {
		return nil, "", apperr.Fields(errs)
	}
	if in.Message.Internal {
		return nil, "", apperr.Field("message", "Une conversation commence par un message à l'usager : la note viendra ensuite.")
	}
	if actor.Kind == workflow.KindCitizen {
		if err := m.openLimits(ctx, in); err != nil {
			return nil, "", err
		}
	}
	now := m.Clock.Now()
	cv := &models.Conversation{CommuneID: cm.ID, Reference: models.NewConversationReference(now), Subject: in.Subject,
		Status: models.ConvNew, CitizenEmail: in.Email, CitizenName: in.Name, Channel: in.Message.Channel, Version: 1,
		CreatedAt: now, UpdatedAt: now, LastMessageAt: now}
	if in.ProcedureID != 0 {
		cv.ProcedureID = &in.ProcedureID
	}
	if in.DemandID != 0 {
		cv.DemandID = &in.DemandID
	}
	if actor.Kind == workflow.KindAgent {
		cv.AssigneeID = &actor.ID // who opens it handles it
	}
	var link string
	err := m.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		var err error
		link, err = m.insertOpened(ctx, tx, cm, cv, actor, in)
		return err
	})
	if err != nil {
		return nil, "", err
	}
	return cv, link, nil
}

// insertOpened writes a conversation just opened, checked, with its first
// message, and returns the citizen's link to it.
func (m *Manager) insertOpened(ctx context.Context, tx bun.Tx, cm *models.Commune, cv *models.Conversation, actor workflow.Actor, in OpenInput) (string, error) {
	if in.DemandID != 0 {
		d, err := models.LockDemand(ctx, tx, cm.ID, in.DemandID)
		if err != nil {
			return "", err
		}
		cv.ProcedureID = &d.ProcedureID
	}
	if err := models.InsertConversation(ctx, tx, cv); err != nil {
		return "", err
	}
	if err := m.record(ctx, tx, cv, actor, KindOpened, map[string]any{}); err != nil {
		return "", err
	}
	first, err := m.post(ctx, tx, cm, cv, actor, in.Message, true)
	if err != nil {
		return "", err
	}
	// The procedure's deadline policy, from the opening (a rule may set another).
	p, err := deadline.PolicyOf(ctx, tx, cm.ID, nil, cv.ProcedureID)
	if err != nil {
		return "", err
	}
	if p != nil {
		now := m.Clock.Now()
		st := deadline.State{Waiting: cv.Status == models.ConvWaiting, Answered: actor.Kind != workflow.KindCitizen}
		if err := deadline.Apply(ctx, tx, deadline.OfConversation(cv), p, now, now, st); err != nil {
			return "", err
		}
	}
	if _, err := m.route(ctx, tx, cm, cv, first, workflow.SystemActor(cm.ID)); err != nil {
		return "", err
	}
	return m.Notifier.ConversationURL(cm, cv)
}

// route runs the routing rules on a conversation, by the system when it
// opens or by an agent, and sends the saved reply they chose, as the
// system, its variables filled. It returns how many rules acted.
func (m *Manager) route(ctx context.Context, tx bun.Tx, cm *models.Commune, cv *models.Conversation, first *models.Message, by workflow.Actor) (int, error) {
	if m.Router == nil {
		return 0, nil
	}
	reply, acted, err := m.Router.RouteConversation(ctx, tx, cv, first, by)
	if err != nil || reply == nil {
		return acted, err
	}
	var d *models.Demand
	if cv.DemandID != nil {
		if d, err = models.DemandByID(ctx, tx, cm.ID, *cv.DemandID); err != nil {
			return 0, err
		}
	}
	if err := models.CountSavedReplyUse(ctx, tx, cm.ID, reply.ID); err != nil {
		return 0, err
	}
	_, err = m.post(ctx, tx, cm, cv, workflow.SystemActor(cm.ID), MessageInput{Body: Fill(reply.Body, cm, cv, d), Channel: models.ChannelWeb}, false)
	return acted, err
}

// ApplyRules runs the routing rules on a conversation at an agent's
// request ("Appliquer les règles"); it returns how many rules acted.
func (m *Manager) ApplyRules(ctx context.Context, cm *models.Commune, actor workflow.Actor, id int64) (int, error) {
	if err := direct(actor); err != nil { // a rule may answer the citizen at once
		return 0, err
	}
	var acted int
	err := m.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		cv, err := lockFor(ctx, tx, actor, id)
		if err != nil {
			return err
		}
		ms, err := models.Thread(ctx, tx, cm.ID, cv.ID, true)
		if err != nil {
			return err
		}
		var first *models.Message
		if len(ms) > 0 {
			first = &ms[0]
		}
		acted, err = m.route(ctx, tx, cm, cv, first, actor)
		return err
	})
	return acted, err
}

func (m *Manager) openLimits(ctx context.Context, in OpenInput) error {
	byAddress := models.RateLimit{Key: "contact:email:" + strings.ToLower(in.Email), Max: OpenPerAddress, Per: time.Hour}
	byClient := models.RateLimit{Key: "contact:ip:" + in.Client, Max: OpenPerClient, Per: time.Hour}
	over, err := models.CountEvent(ctx, m.DB, m.Clock.Now(), byAddress, byClient)
	if err != nil || over == nil {
		return err
	}
	why := "Trop de messages ont été envoyés depuis cette adresse e-mail au cours de la dernière heure."
	if over.Key == byClient.Key {
		why = "Trop de messages ont été envoyés depuis votre connexion au cours de la dernière heure."
	}
	e := apperr.Field("email", why+" Pour éviter les envois abusifs, réessayez dans une heure, ou appelez la mairie.")
	e.Code = apperr.TooMany
	return e
}

// AboutDemand is the conversation the citizen following a demand writes
// in: the latest about it with the demand's address, or none yet (nil).
func AboutDemand(ctx context.Context, db bun.IDB, d *models.Demand) (*models.Conversation, []models.Conversation, error) {
	all, err := models.ConversationsOfDemand(ctx, db, d.CommuneID, d.ID)
	if err != nil {
		return nil, nil, err
	}
	var mine []models.Conversation
	for _, cv := range all {
		if strings.EqualFold(cv.CitizenEmail, d.CitizenEmail) {
			mine = append(mine, cv)
		}
	}
	if len(mine) == 0 {
		return nil, nil, nil
	}
	return &mine[len(mine)-1], mine, nil
}

// CitizenOfDemand is the citizen holding a demand's follow link.
func CitizenOfDemand(d *models.Demand) workflow.Actor {
	return Citizen(d.CommuneID, nameOr(d.CitizenName, d.CitizenEmail))
}

// WriteAboutDemand posts a message about a demand, the citizen's or to the
// citizen (a service holding it), in the demand's conversation, or a new
// one if it has none.
func (m *Manager) WriteAboutDemand(ctx context.Context, cm *models.Commune, d *models.Demand, p *models.Procedure, actor workflow.Actor, in MessageInput) (*models.Conversation, error) {
	cv, _, err := AboutDemand(ctx, m.DB, d)
	if err != nil {
		return nil, err
	}
	if cv == nil {
		cv, _, err = m.Open(ctx, cm, actor, OpenInput{Subject: fmt.Sprintf("Demande %s — %s", d.Reference, p.Title),
			Email: d.CitizenEmail, Name: nameOr(d.CitizenName, d.CitizenEmail), DemandID: d.ID, Message: in, Client: "demande:" + itoa(d.ID)})
		return cv, err
	}
	cv, _, err = m.Post(ctx, cm, actor, cv.ID, in)
	return cv, err
}

// CitizenOf is the citizen holding a conversation's private link.
func CitizenOf(cv *models.Conversation) workflow.Actor {
	return Citizen(cv.CommuneID, nameOr(cv.CitizenName, cv.CitizenEmail))
}

// Citizen is a citizen of a commune writing on the portal under name.
func Citizen(communeID int64, name string) workflow.Actor {
	return workflow.Actor{Kind: workflow.KindCitizen, Name: name, CommuneID: communeID, Channel: workflow.ChannelWeb}
}

func nameOr(name, email string) string {
	if name != "" {
		return name
	}
	return email
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
