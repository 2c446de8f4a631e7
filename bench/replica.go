package bench

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"time"

	"guichet/models"
	"guichet/perm"
	"guichet/replica"
)

// ReadsOptions are the two applications the replica's lines compare, both
// in-process on the cluster's database through PgBouncer: one reads every
// page on the primary, the other reads lists through replica.Reader from
// the streaming replica (DATABASE_REPLICA_URL), as the servers do.
type ReadsOptions struct {
	OnPrimary, OnReplica http.Handler
	Replica              *replica.Reader // OnReplica's
}

// replicaReads measures the pages that read from the replica: the demand
// list (first page, and filtered), the inbox and the indicators, on the
// replica as a ratio to the same on the primary, in turn, one at a time.
// Both hold the same demands: the replica is a streaming copy.
func (b *bed) replicaReads(ctx context.Context, o ReadsOptions) error {
	if o.Replica == nil || o.Replica.Replica == nil {
		return errors.New("DATABASE_REPLICA_URL is not set: load the cluster's environment (var/cluster/env)")
	}
	if o.Replica.For(ctx, "") != o.Replica.Replica {
		return errors.New("the replica is not read from (down, or behind): see scripts/cluster.sh status")
	}
	accueil, err := b.sessionOn(ctx, o.OnPrimary, b.accueil.Email)
	if err != nil {
		return err
	}
	sup := new(models.Agent)
	if err := b.db.NewSelect().Model(sup).Relation("Profile").Where("agent.commune_id = ? AND profile.name = ?", b.commune.ID, perm.SupervisorProfile).
		Order("agent.id").Limit(1).Scan(ctx); err != nil {
		return err
	}
	supervisor, err := b.sessionOn(ctx, o.OnPrimary, sup.Email)
	if err != nil {
		return err
	}
	handlers := []http.Handler{o.OnPrimary, o.OnReplica}
	for _, p := range []struct {
		name, path string
		session    []*http.Cookie
	}{
		{"cluster: list first page (queue, oldest first)", "/gestion/", accueil},
		{"cluster: list filtered (transferred to Voirie)", fmt.Sprintf("/gestion/?etat=transferred&service=%d", b.voirie.ID), accueil},
		{"cluster: inbox first page (open conversations)", "/gestion/messages", accueil},
		{"cluster: indicators (supervisor)", "/gestion/supervision/indicateurs", supervisor},
	} {
		err := b.interleaved(ctx, p.name, readPaths, func(ctx context.Context, i int) (time.Duration, error) {
			t := time.Now()
			_, err := serveOn(ctx, handlers[i], httptest.NewRequest(http.MethodGet, p.path, nil), p.session, http.StatusOK)
			return time.Since(t), err
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// readPaths are what the replica's lines compare, in the order of ReadsOptions.
var readPaths = []string{"primary", "replica (replica.Reader)"}

// sessionOn signs an agent of the measured commune in, in-process on h.
func (b *bed) sessionOn(ctx context.Context, h http.Handler, email string) ([]*http.Cookie, error) {
	req := httptest.NewRequest(http.MethodPost, "/gestion/connexion", strings.NewReader(url.Values{"email": {email}, "password": {cmp.Or(b.password, Password)}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	rec, err := serveOn(ctx, h, req, nil, http.StatusSeeOther)
	if err != nil {
		return nil, err
	}
	return rec.Result().Cookies(), nil
}
