package web

import (
	"net/http"

	"github.com/gin-gonic/gin"
	"github.com/uptrace/bun"

	"guichet/replica"
)

// WroteCookie holds the primary's WAL position after the browser's last
// request that may have written: until the replica has replayed past it,
// that browser's lists read from the primary. It is no secret: altered,
// it only sends the browser's own reads to the primary or to a replica a
// few seconds behind.
const WroteCookie = "guichet_ecrit"

// ReadDB is the database a list, the indicators or an export read from:
// the replica when it is up, close enough, and has the browser's own
// writes; the primary otherwise (replica.Reader.For).
func (s *Base) ReadDB(c *gin.Context) *bun.DB {
	after, _ := c.Cookie(WroteCookie)
	return s.Reads.For(c.Request.Context(), after)
}

// ReadYourWrites gives the browser, with the answer to a request that may
// write (not GET or HEAD), the primary's WAL position once the handler is
// done: its commit is at or before it.
func (s *Base) ReadYourWrites(c *gin.Context) {
	if s.Reads == nil || s.Reads.Replica == nil || c.Request.Method == http.MethodGet || c.Request.Method == http.MethodHead {
		c.Next()
		return
	}
	w := &wroteWriter{ResponseWriter: c.Writer}
	w.mark = func() {
		if lsn, err := replica.WrittenAt(c.Request.Context(), s.DB); err == nil {
			http.SetCookie(w.ResponseWriter, &http.Cookie{Name: WroteCookie, Value: lsn, Path: "/", MaxAge: 3600,
				HttpOnly: true, Secure: !s.Config.Dev(), SameSite: http.SameSiteLaxMode})
		}
	}
	c.Writer = w
	c.Next()
	w.once() // an answer without a body (a redirect) is written after the handlers
}

// wroteWriter sets the cookie just before the answer's first byte: after
// the handler's transaction committed, before the headers leave.
type wroteWriter struct {
	gin.ResponseWriter
	mark func()
	done bool
}

func (w *wroteWriter) once() {
	if !w.done && !w.ResponseWriter.Written() {
		w.done = true
		w.mark()
	}
}

func (w *wroteWriter) WriteHeaderNow()             { w.once(); w.ResponseWriter.WriteHeaderNow() }
func (w *wroteWriter) Write(b []byte) (int, error) { w.once(); return w.ResponseWriter.Write(b) }
func (w *wroteWriter) WriteString(s string) (int, error) {
	w.once()
	return w.ResponseWriter.WriteString(s)
}
func (w *wroteWriter) Flush() { w.once(); w.ResponseWriter.Flush() }
