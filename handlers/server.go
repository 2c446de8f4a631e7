// Package handlers is Guichet's HTTP layer: who is acting (session cookie or
// signed link), on which commune, and what page answers. It holds no SQL and
// no business rule: queries are in models, rules in workflow, drafts,
// servicelink and validate.
package handlers

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"guichet/views"
)

// Handler is the whole application: the router behind our security
// headers and the cross-origin check (our CSRF defence).
func (s *Server) Handler() http.Handler {
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	if err := r.SetTrustedProxies(s.Config.TrustedProxies); err != nil {
		s.Log.Error("TRUSTED_PROXIES ignored", "err", err)
		_ = r.SetTrustedProxies(nil)
	}
	r.Use(s.logRequests, gin.CustomRecovery(s.recovered), s.refuseUnstorable)
	r.GET("/static/*filepath", gin.WrapH(views.Static()))
	// Browsers that ignore the layout's icon link still ask for /favicon.ico.
	r.GET("/favicon.ico", func(c *gin.Context) { c.Redirect(http.StatusMovedPermanently, views.StaticPrefix+"favicon.svg") })
	s.citizenRoutes(r)
	s.agentRoutes(r)
	s.serviceRoutes(r)
	r.NoRoute(func(c *gin.Context) {
		s.renderError(c, http.StatusNotFound, "Page introuvable", "Cette page n'existe pas ou plus. Vérifiez l'adresse, ou revenez à l'accueil.")
	})
	return s.securityHeaders(s.sameOrigin(r))
}
