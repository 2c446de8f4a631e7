package servicelink_test

import (
	"context"
	"testing"
	"time"

	"guichet/fixture"
	"guichet/links"
	"guichet/models"
	"guichet/servicelink"
	"guichet/testdb"
	"guichet/workflow"
)

func TestMain(m *testing.M) { testdb.Main(m) }

// TestCheck: every way a link may be, for a demand's link and a board's,
// gives one outcome, the same for every route that takes the link.
func TestCheck(t *testing.T) {
	db := testdb.New(t)
	w := fixture.NewWorld(t, db)
	other := fixture.NewWorld(t, db)
	ctx := context.Background()

	sign := func(purpose string, cl links.Claims, ttl time.Duration) string {
		tok, err := w.Links.Sign(purpose, cl, ttl)
		fixture.Must(t, err)
		return tok
	}
	demandClaims := func(d *models.Demand) links.Claims {
		return links.Claims{CommuneID: w.Commune.ID, DemandID: d.ID, ServiceID: w.Voirie.ID, AssignmentID: *d.AssignmentID}
	}
	// A service of its own, so that deactivating or revoking it touches no other case.
	service := func(name string) *models.Service {
		s := &models.Service{CommuneID: w.Commune.ID, Name: name, Email: name + "@mairie.test", Active: true}
		fixture.Must(t, models.CreateService(ctx, db, s))
		return s
	}
	boardOf := func(s *models.Service) links.Claims {
		return links.Claims{CommuneID: w.Commune.ID, ServiceID: s.ID}
	}

	held := w.DemandAt(t, fixture.AtTransferred)
	waiting := w.DemandAt(t, fixture.AtTransferred)
	waitingClaims := demandClaims(waiting)
	w.Apply(t, waiting, workflow.RequestCorrection, w.ServiceOn(waiting, w.Voirie), workflow.Input{Message: "Ajoutez une photo."})
	decided := w.DemandAt(t, fixture.AtTransferred)
	decidedClaims := demandClaims(decided)
	w.Apply(t, decided, workflow.Accept, w.ServiceOn(decided, w.Voirie), workflow.Input{})
	returned := w.DemandAt(t, fixture.AtTransferred)
	returnedClaims := demandClaims(returned)
	w.Apply(t, returned, workflow.ReturnToGuichet, w.ServiceOn(returned, w.Voirie), workflow.Input{Message: "Pas pour nous."})
	another := w.DemandAt(t, fixture.AtTransferred)
	revoked := service("revoquee")
	_, err := models.RevokeServiceLinks(ctx, db, w.Commune.ID, revoked.ID)
	fixture.Must(t, err)
	off := service("desactivee")
	fixture.Must(t, models.SetServiceActive(ctx, db, w.Commune.ID, off.ID, false))

	// A demand transferred to the deactivated service, the link signed before.
	offDemand := w.DemandAt(t, fixture.AtSubmitted)
	offDemand = w.Apply(t, offDemand, workflow.Transfer, workflow.AgentActor(w.Accueil), workflow.Input{ServiceID: w.Urbanisme.ID})
	offClaims := links.Claims{CommuneID: w.Commune.ID, DemandID: offDemand.ID, ServiceID: w.Urbanisme.ID, AssignmentID: *offDemand.AssignmentID}
	offToken := sign(links.Service, offClaims, time.Hour)
	fixture.Must(t, models.SetServiceActive(ctx, db, w.Commune.ID, w.Urbanisme.ID, false))
	t.Cleanup(func() { fixture.Must(t, models.SetServiceActive(ctx, db, w.Commune.ID, w.Urbanisme.ID, true)) })

	mismatched := demandClaims(held)
	mismatched.DemandID = another.ID

	revokedDemand := demandClaims(held)
	revokedDemand.Epoch = -1 // signed before the epoch it carries changed

	for _, tc := range []struct {
		name                     string
		commune, token, purpose  string
		want                     error
		ended, canAct, mayResend bool
	}{
		{"held", w.Commune.Slug, sign(links.Service, demandClaims(held), time.Hour), links.Service, nil, false, true, true},
		{"waiting for the citizen", w.Commune.Slug, sign(links.Service, waitingClaims, time.Hour), links.Service, nil, false, false, true},
		{"decided", w.Commune.Slug, sign(links.Service, decidedClaims, time.Hour), links.Service, nil, true, false, false},
		{"returned", w.Commune.Slug, sign(links.Service, returnedClaims, time.Hour), links.Service, nil, true, false, false},
		{"service deactivated", w.Commune.Slug, offToken, links.Service, nil, false, false, false},
		{"expired", w.Commune.Slug, sign(links.Service, demandClaims(held), -time.Minute), links.Service, servicelink.ErrExpired, false, false, true},
		{"expired and ended", w.Commune.Slug, sign(links.Service, decidedClaims, -time.Minute), links.Service, servicelink.ErrExpired, true, false, false},
		{"revoked", w.Commune.Slug, sign(links.Service, revokedDemand, time.Hour), links.Service, servicelink.ErrRevoked, false, false, true},
		{"another demand than its assignment's", w.Commune.Slug, sign(links.Service, mismatched, time.Hour), links.Service, servicelink.ErrInvalid, false, false, false},
		{"another commune", other.Commune.Slug, sign(links.Service, demandClaims(held), time.Hour), links.Service, servicelink.ErrInvalid, false, false, false},
		{"a board's token", w.Commune.Slug, sign(links.Board, boardOf(w.Voirie), time.Hour), links.Service, servicelink.ErrInvalid, false, false, false},
		{"tampered", w.Commune.Slug, sign(links.Service, demandClaims(held), time.Hour) + "x", links.Service, servicelink.ErrInvalid, false, false, false},
		{"no such commune", "nulle-part", sign(links.Service, demandClaims(held), time.Hour), links.Service, servicelink.ErrNoCommune, false, false, false},

		{"board", w.Commune.Slug, sign(links.Board, boardOf(w.Voirie), time.Hour), links.Board, nil, false, false, false},
		{"board expired", w.Commune.Slug, sign(links.Board, boardOf(w.Voirie), -time.Minute), links.Board, servicelink.ErrExpired, false, false, false},
		{"board revoked", w.Commune.Slug, sign(links.Board, boardOf(revoked), time.Hour), links.Board, servicelink.ErrRevoked, false, false, false},
		{"board of a deactivated service", w.Commune.Slug, sign(links.Board, boardOf(off), time.Hour), links.Board, servicelink.ErrDeactivated, false, false, false},
		{"board of another commune", other.Commune.Slug, sign(links.Board, boardOf(w.Voirie), time.Hour), links.Board, servicelink.ErrInvalid, false, false, false},
		{"board of no service", w.Commune.Slug, sign(links.Board, links.Claims{CommuneID: w.Commune.ID, ServiceID: -1}, time.Hour), links.Board, servicelink.ErrInvalid, false, false, false},
		{"a demand's token as a board", w.Commune.Slug, sign(links.Service, demandClaims(held), time.Hour), links.Board, servicelink.ErrInvalid, false, false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a, err := servicelink.Check(ctx, db, w.Links, tc.commune, tc.token, tc.purpose)
			if err != tc.want {
				t.Fatalf("got %v, want %v", err, tc.want)
			}
			if err == servicelink.ErrNoCommune || err == servicelink.ErrInvalid || tc.purpose == links.Board {
				if err == servicelink.ErrExpired && a.Service != nil {
					t.Error("an expired board's link loaded its service")
				}
				return
			}
			if a.Ended() != tc.ended || (err == nil && a.CanAct() != tc.canAct) || a.MayResend() != tc.mayResend {
				t.Errorf("ended %v, can act %v, may resend %v; want %v, %v, %v", a.Ended(), a.CanAct(), a.MayResend(), tc.ended, tc.canAct, tc.mayResend)
			}
		})
	}
}
