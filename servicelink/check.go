// Package servicelink checks a service's signed link, in one place for every
// route that takes one: the demand's page, its print, its files, the
// service's actions and its request for a new link, and the service's board.
package servicelink

import (
	"context"
	"errors"

	"github.com/uptrace/bun"

	"guichet/links"
	"guichet/models"
	"guichet/notify"
	"guichet/workflow"
)

// Why a link does not open.
var (
	ErrNoCommune = errors.New("no such commune")
	// ErrInvalid: forged, altered, made for another commune or demand, or
	// signed with a key retired since.
	ErrInvalid = errors.New("invalid service link")
	// ErrExpired: genuine, but its time is over.
	ErrExpired = links.ErrExpired
	// ErrRevoked: the commune revoked every link of the service since.
	ErrRevoked = errors.New("revoked service link")
	// ErrDeactivated: the service is deactivated, and its board no longer
	// opens (a demand's link still shows the demand: see CanAct).
	ErrDeactivated = errors.New("deactivated service")
	// ErrCommuneClosed: the operator deactivated the commune; none of its
	// links opens.
	ErrCommuneClosed = errors.New("deactivated commune")
)

// Access is what a link opens. A board's link (links.Board) names a
// service; a demand's link (links.Service) names one demand for one
// service, under one assignment (the transfer the link was made for).
type Access struct {
	Token   string
	Claims  links.Claims
	Commune *models.Commune
	Service *models.Service
	// A demand's link only:
	Demand     *models.Demand
	Assignment *models.Assignment
	Procedure  *models.Procedure
	// An escalation's link only (CheckEscalation):
	Escalation *models.Escalation
}

// Check verifies the token for purpose (links.Service or links.Board) on the
// commune of the URL and loads what it names. When it does not open, the
// error says why and Access holds what could be loaded: the commune unless
// there is none; for an expired or revoked demand's link, everything, since
// it may still ask for a new link (MayResend).
func Check(ctx context.Context, db bun.IDB, signer *links.Signer, communeSlug, token, purpose string) (*Access, error) {
	a, verr, err := verify(ctx, db, signer, communeSlug, token, purpose)
	if err != nil {
		return a, err
	}
	if purpose == links.Board {
		return a, a.loadBoard(ctx, db, verr)
	}
	return a, a.loadDemand(ctx, db, verr)
}

// verify loads the commune of the URL and checks the token's signature
// for it; verr is the signer's verdict on a genuine token (nil or
// ErrExpired), err why it does not open at all.
func verify(ctx context.Context, db bun.IDB, signer *links.Signer, communeSlug, token, purpose string) (a *Access, verr, err error) {
	cm, err := models.CommuneBySlug(ctx, db, communeSlug)
	if err == models.ErrNotFound {
		return nil, nil, ErrNoCommune
	}
	if err != nil {
		return nil, nil, err
	}
	a = &Access{Token: token, Commune: cm}
	if !cm.Active {
		return a, nil, ErrCommuneClosed
	}
	cl, verr := signer.Verify(purpose, token)
	if verr == links.ErrInvalid || cl.CommuneID != cm.ID {
		return a, nil, ErrInvalid
	}
	a.Claims = cl
	return a, verr, nil
}

// ErrEnded: an escalation's link, genuine, whose escalation is over
// (answered, sent back, revoked): it gives nothing any more.
var ErrEnded = errors.New("escalation ended")

// CheckEscalation verifies level 2's link to an escalation
// (links.Escalation) on the commune of the URL: it opens only while the
// escalation is open, before its expiry and, for a service of the commune,
// while the service is active and its links not revoked. It loads the
// escalation in Access.Escalation only when the link opens.
func CheckEscalation(ctx context.Context, db bun.IDB, signer *links.Signer, communeSlug, token string) (*Access, error) {
	a, verr, err := verify(ctx, db, signer, communeSlug, token, links.Escalation)
	if err != nil {
		return a, err
	}
	if verr != nil {
		return a, verr
	}
	e, err := models.EscalationByID(ctx, db, a.Commune.ID, a.Claims.EscalationID)
	if err != nil {
		return a, notFoundAs(err, ErrInvalid)
	}
	if (e.ServiceID == nil) != (a.Claims.ServiceID == 0) || (e.ServiceID != nil && *e.ServiceID != a.Claims.ServiceID) {
		return a, ErrInvalid
	}
	if e.ServiceID != nil {
		if a.Service, err = models.ServiceByID(ctx, db, a.Commune.ID, *e.ServiceID); err != nil {
			return a, err
		}
		switch {
		case !a.Service.Active:
			return a, ErrDeactivated
		case a.Claims.Epoch != a.Service.LinkEpoch:
			return a, ErrRevoked
		}
	}
	if e.Status != models.EscalationOpen {
		return a, ErrEnded
	}
	a.Escalation = e
	return a, nil
}

// loadBoard: only a link still valid names a service to load; an expired
// one keeps its error and never opens the board.
func (a *Access) loadBoard(ctx context.Context, db bun.IDB, verr error) error {
	if verr != nil {
		return verr
	}
	var err error
	if a.Service, err = models.ServiceByID(ctx, db, a.Commune.ID, a.Claims.ServiceID); err != nil {
		return notFoundAs(err, ErrInvalid)
	}
	switch {
	case !a.Service.Active:
		return ErrDeactivated
	case a.Claims.Epoch != a.Service.LinkEpoch:
		return ErrRevoked
	}
	return nil
}

func (a *Access) loadDemand(ctx context.Context, db bun.IDB, verr error) error {
	cl, cm := a.Claims, a.Commune
	var err error
	if a.Assignment, err = models.AssignmentByID(ctx, db, cm.ID, cl.AssignmentID); err != nil {
		return notFoundAs(err, ErrInvalid)
	}
	if a.Assignment.DemandID != cl.DemandID || a.Assignment.ServiceID != cl.ServiceID {
		return ErrInvalid
	}
	if a.Demand, err = models.DemandByID(ctx, db, cm.ID, cl.DemandID); err != nil {
		return err
	}
	if a.Service, err = models.ServiceByID(ctx, db, cm.ID, cl.ServiceID); err != nil {
		return err
	}
	if a.Procedure, err = models.DemandProcedure(ctx, db, a.Demand); err != nil {
		return err
	}
	switch {
	case verr != nil:
		return verr
	case cl.Epoch != a.Service.LinkEpoch:
		return ErrRevoked
	}
	return nil
}

func notFoundAs(err, as error) error {
	if err == models.ErrNotFound {
		return as
	}
	return err
}

// Path is the address of the demand's page the link opens.
func (a *Access) Path() string { return notify.ServicePath(a.Commune, a.Token) }

// Actor is the service acting through the link; person is the name the
// person acting chose to give.
func (a *Access) Actor(person string) workflow.Actor {
	return workflow.ServiceActor(a.Service, a.Assignment.ID, person)
}

// Ended tells whether the assignment is over (decided, returned): the
// demand is no longer the service's business, nor are its files; the link
// only says where it stands.
func (a *Access) Ended() bool { return a.Assignment.EndedAt != nil }

// CanAct tells whether an opened demand's link grants action now: the
// demand is in the service's hands under this assignment, and the service
// is active (a deactivated service's links only show).
func (a *Access) CanAct() bool { return a.Service.Active && a.Actor("").HoldsDemand(a.Demand) }

// MayResend tells whether an expired or revoked demand's link may ask for
// a new one, sent to the service's own address: while the assignment lasts
// and the service is active.
func (a *Access) MayResend() bool { return !a.Ended() && a.Service.Active }
