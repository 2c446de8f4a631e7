// Package handlers is Guichet's HTTP layer: who is acting (session cookie or
// signed link), on which commune, and what page answers. It holds no SQL and
// no business rule: queries are in models, rules in workflow, drafts,
// servicelink and validate.
package handlers

import (
	"log/slog"
	"net/http"
	"net/url"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/uptrace/bun"

	"guichet/auth"
	"guichet/clock"
	"guichet/config"
	"guichet/files"
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
	Files    *files.Store    // uploaded documents, outside the web root
	Jobs     *jobs.Scheduler // deferred work: Wake(jobs.MailJob) after enqueuing mail
	Log      *slog.Logger
	Clock    clock.Clock // the one clock of the application (app.New)

	authn *auth.Authenticator // set up by agentRoutes
}

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
	return s.securityHeaders(s.sameOrigin(r))
}

// securityHeaders sets what every response should carry.
func (s *Server) securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin") // signed links must not leak to other sites
		h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; object-src 'none'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'")
		if !s.Config.Dev() {
			h.Set("Strict-Transport-Security", "max-age=31536000") // production is served over HTTPS only
		}
		next.ServeHTTP(w, r)
	})
}

// sameOrigin refuses cross-origin POSTs: Go's protection, and, where it
// trusts an Origin header because it names the request's host (a browser
// too old for Sec-Fetch-Site), BASE_URL's scheme too, since the Host header
// carries none: an http page must not post to an https site, nor the reverse.
func (s *Server) sameOrigin(next http.Handler) http.Handler {
	cop := http.NewCrossOriginProtection()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if cop.Check(r) != nil || s.otherScheme(r) {
			s.Views.Render(w, http.StatusForbidden, "error", views.Page{Title: "Requête refusée", Data: views.ErrorData{Title: "Requête refusée",
				Message: "Ce formulaire a été envoyé depuis un autre site que le guichet unique : il n'est pas pris en compte. Revenez sur la page du guichet et envoyez-le de nouveau."}})
			return
		}
		next.ServeHTTP(w, r)
	})
}

// otherScheme tells whether r is a request Go's protection lets through on
// its Origin header although that origin's scheme is not BASE_URL's.
func (s *Server) otherScheme(r *http.Request) bool {
	origin := r.Header.Get("Origin")
	switch {
	case origin == "" || r.Header.Get("Sec-Fetch-Site") != "":
		return false
	case r.Method == http.MethodGet || r.Method == http.MethodHead || r.Method == http.MethodOptions:
		return false // safe methods are not checked
	}
	o, err := url.Parse(origin)
	base, _ := url.Parse(s.Config.BaseURL)
	return err != nil || base == nil || o.Scheme != base.Scheme
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
