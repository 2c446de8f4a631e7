package ops

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"guichet/migrations"
)

// readyTimeout bounds the database checks: a probe must answer quickly.
const readyTimeout = 2 * time.Second

// readyShow answers 200 when the process can serve: the database answers,
// its migrations are the ones this program embeds, and the job system runs
// (mail, reminders, archiving). Otherwise 503, with what failed.
func (s *Handlers) readyShow(c *gin.Context) {
	ctx, cancel := context.WithTimeout(c.Request.Context(), readyTimeout)
	defer cancel()
	checks := map[string]string{"database": "ok", "migrations": "ok", "jobs": "ok"}
	if err := s.DB.PingContext(ctx); err != nil {
		checks["database"] = "injoignable"
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
	for _, v := range checks {
		if v != "ok" {
			s.Log.Warn("not ready", "checks", checks)
			c.JSON(http.StatusServiceUnavailable, gin.H{"ready": false, "checks": checks})
			return
		}
	}
	c.JSON(http.StatusOK, gin.H{"ready": true, "checks": checks})
}
