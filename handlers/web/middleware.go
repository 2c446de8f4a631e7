package web

import (
	"net/http"
	"net/url"
	"time"

	"github.com/gin-gonic/gin"

	"guichet/views"
)

// SecurityHeaders sets what every response should carry.
func (s *Base) SecurityHeaders(next http.Handler) http.Handler {
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

// SameOrigin refuses cross-origin POSTs: Go's protection, and, where it
// trusts an Origin header because it names the request's host (a browser
// too old for Sec-Fetch-Site), BASE_URL's scheme too, since the Host header
// carries none: an http page must not post to an https site, nor the reverse.
func (s *Base) SameOrigin(next http.Handler) http.Handler {
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
func (s *Base) otherScheme(r *http.Request) bool {
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

// LogRequests logs every request and measures its latency (metrics).
func (s *Base) LogRequests(c *gin.Context) {
	start := time.Now()
	c.Next()
	took := time.Since(start)
	// The path may hold a signed token: log the route pattern, not the path;
	// it bounds the metrics' series too.
	route := c.FullPath()
	if route == "" {
		route = "(no route)"
	}
	s.Metrics.Request(route, c.Request.Method, c.Writer.Status(), took)
	s.Log.Info("http", "method", c.Request.Method, "route", route, "status", c.Writer.Status(), "ms", took.Milliseconds())
}

func (s *Base) Recovered(c *gin.Context, err any) {
	s.Log.Error("panic", "err", err, "route", c.FullPath())
	s.RenderError(c, http.StatusInternalServerError, "Erreur interne", "Une erreur inattendue est survenue. Veuillez réessayer dans quelques instants.")
}
