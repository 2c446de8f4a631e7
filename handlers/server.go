// Package handlers is Guichet's HTTP layer: who is acting (session cookie or
// signed link), on which commune, and what page answers. It holds no SQL and
// no business rule: queries are in models, rules in workflow.
package handlers

import (
	"log/slog"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/uptrace/bun"

	"guichet/auth"
	"guichet/config"
	"guichet/jobs"
	"guichet/links"
	"guichet/notify"
	"guichet/views"
	"guichet/workflow"
)

// Server holds what every handler needs.
type Server struct {
	DB       *bun.DB
	Config   *config.Config
	Views    *views.Renderer
	Links    *links.Signer
	Notifier *notify.Notifier
	Engine   *workflow.Engine
	Worker   *jobs.Worker
	Log      *slog.Logger

	authn *auth.Authenticator // set up by agentRoutes
}

// Handler is the whole application: the router behind Go's cross-origin
// protection (which refuses cross-site POSTs: our CSRF defence).
func (s *Server) Handler() http.Handler {
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	if err := r.SetTrustedProxies(s.Config.TrustedProxies); err != nil {
		s.Log.Error("TRUSTED_PROXIES ignored", "err", err)
		_ = r.SetTrustedProxies(nil)
	}
	r.Use(s.logRequests, gin.CustomRecovery(s.recovered), s.refuseUnstorable)
	r.GET("/static/*filepath", gin.WrapH(views.Static()))
	r.GET("/", s.homeShow)
	if s.Config.Dev() {
		r.GET("/dev/mail", s.devMailIndex)
		r.GET("/dev/mail/:id", s.devMailShow)
	}
	s.citizenRoutes(r)
	s.agentRoutes(r)
	s.serviceRoutes(r)
	r.NoRoute(func(c *gin.Context) {
		s.renderError(c, http.StatusNotFound, "Page introuvable", "Cette page n'existe pas ou plus. Vérifiez l'adresse, ou revenez à l'accueil.")
	})
	return http.NewCrossOriginProtection().Handler(securityHeaders(r))
}

// securityHeaders sets what every response should carry.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin") // signed links must not leak to other sites
		h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; object-src 'none'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'")
		next.ServeHTTP(w, r)
	})
}

func (s *Server) logRequests(c *gin.Context) {
	start := time.Now()
	c.Next()
	// The path may hold a signed token: log the route pattern, not the path.
	route := c.FullPath()
	if route == "" {
		route = "(no route)"
	}
	s.Log.Info("http", "method", c.Request.Method, "route", route, "status", c.Writer.Status(), "ms", time.Since(start).Milliseconds())
}

func (s *Server) recovered(c *gin.Context, err any) {
	s.Log.Error("panic", "err", err, "route", c.FullPath())
	s.renderError(c, http.StatusInternalServerError, "Erreur interne", "Une erreur inattendue est survenue. Veuillez réessayer dans quelques instants.")
}
