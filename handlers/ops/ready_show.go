package ops

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/gin-gonic/gin"

	"guichet/migrations"
)

// readyTimeout bounds the database checks: a probe must answer quickly.
const readyTimeout = 2 * time.Second

// downGrace is how long the database may fail to answer before /readyz
// says so: the gap of a pooler's restart or of a dropped connection, in
// which every server would fail at once and the load balancer would take
// them all out, although the person's retry a second later goes through.
// A longer outage is reported: HAProxy (checks every 500 ms, out after 2
// failures) takes the server out about four seconds after it began.
const downGrace = 3 * time.Second

// outage remembers since when the database's pings fail.
type outage struct {
	mu    sync.Mutex
	since time.Time // the first failed ping of the current run; zero once one succeeds
}

// ping records the outcome of a ping at now and tells since when the
// database has been failing (zero: it answers).
func (o *outage) ping(now time.Time, err error) time.Time {
	o.mu.Lock()
	defer o.mu.Unlock()
	switch {
	case err == nil:
		o.since = time.Time{}
	case o.since.IsZero():
		o.since = now
	}
	return o.since
}

// readyShow answers 200 when the process can serve: the database answers
// (or has failed for less than downGrace), its migrations are the ones
// this program embeds, and the job system runs (mail, reminders,
// archiving). Otherwise 503, with what failed.
func (s *Handlers) readyShow(c *gin.Context) {
	ctx, cancel := context.WithTimeout(c.Request.Context(), readyTimeout)
	defer cancel()
	checks := map[string]string{"database": "ok", "migrations": "ok", "jobs": "ok"}
	now := s.Clock.Now()
	err := s.DB.PingContext(ctx)
	tolerated := false // the database's failure, while within downGrace
	if since := s.db.ping(now, err); err != nil {
		down := now.Sub(since)
		tolerated = down < downGrace
		checks["database"] = fmt.Sprintf("injoignable depuis %.0f s", down.Seconds())
		if tolerated {
			checks["database"] += fmt.Sprintf(" (toléré %.0f s)", downGrace.Seconds())
			s.Log.Warn("database unreachable, tolerated", "err", err, "since", since)
		}
		checks["migrations"] = "inconnues"
	} else if pending, unknown, err := migrations.Compare(ctx, s.DB); err != nil {
		checks["migrations"] = "illisibles"
	} else if len(pending)+len(unknown) > 0 {
		var parts []string
		if len(pending) > 0 {
			parts = append(parts, fmt.Sprintf("%d à appliquer (%s)", len(pending), strings.Join(pending, ", ")))
		}
		if len(unknown) > 0 {
			parts = append(parts, fmt.Sprintf("%d inconnues de ce programme (%s)", len(unknown), strings.Join(unknown, ", ")))
		}
		checks["migrations"] = strings.Join(parts, " ; ")
	}
	if !s.Jobs.Running() {
		checks["jobs"] = "arrêtées"
	}
	for k, v := range checks {
		if v != "ok" && !(tolerated && (k == "database" || k == "migrations")) {
			s.Log.Warn("not ready", "checks", checks)
			c.JSON(http.StatusServiceUnavailable, gin.H{"ready": false, "checks": checks})
			return
		}
	}
	c.JSON(http.StatusOK, gin.H{"ready": true, "checks": checks})
}
