// Package handlers is Guichet's HTTP layer, grouped by audience: citizen
// (the commune's public portal and the citizen's journey), backoffice (the
// agents' sign-in, lists, demands, supervision and administration) and
// service (what services do through their signed links), each with its
// routes.go and one file per action; web is what they share (rendering,
// paging, middleware, file receiving). This package only builds the router
// from them. It holds no SQL and no business rule: queries are in models,
// rules in workflow, drafts, servicelink and validate.
package handlers

import (
	"context"
	"net/http"

	"github.com/gin-gonic/gin"

	"guichet/handlers/backoffice"
	"guichet/handlers/citizen"
	"guichet/handlers/ops"
	"guichet/handlers/service"
	"guichet/handlers/web"
	"guichet/views"
)

// Server is the HTTP side of the application (app.New builds it).
type Server struct {
	*web.Base
}

// Handler is the whole application: the router behind our security
// headers and the cross-origin check (our CSRF defence).
func (s *Server) Handler() http.Handler { return s.SecurityHeaders(s.SameOrigin(s.Router())) }

// Router is the application's routes (the tests walk them).
func (s *Server) Router() *gin.Engine {
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	if err := r.SetTrustedProxies(s.Config.TrustedProxies); err != nil {
		s.Log.Error("TRUSTED_PROXIES ignored", "err", err)
		_ = r.SetTrustedProxies(nil)
	}
	r.Use(s.LogRequests, gin.CustomRecovery(s.Recovered), s.RefuseUnstorable, s.ReadYourWrites)
	r.GET("/static/*filepath", gin.WrapH(views.Static()))
	// Browsers that ignore the layout's icon link still ask for /favicon.ico.
	r.GET("/favicon.ico", func(c *gin.Context) { c.Redirect(http.StatusMovedPermanently, views.StaticPrefix+"favicon.svg") })
	citizen.New(s.Base).Routes(r)
	backoffice.New(s.Base).Routes(r)
	service.New(s.Base).Routes(r)
	ops.New(s.Base).Routes(r)
	r.NoRoute(func(c *gin.Context) {
		s.RenderError(c, http.StatusNotFound, "Page introuvable", "Cette page n'existe pas ou plus. Vérifiez l'adresse, ou revenez à l'accueil.")
	})
	return r
}

// MailResetRequests turns the queued password reset requests into mails
// (backoffice); the mail worker runs it before each look at the outbox.
func (s *Server) MailResetRequests(ctx context.Context) error {
	return backoffice.New(s.Base).MailResetRequests(ctx)
}
