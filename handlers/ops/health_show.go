package ops

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

// healthShow answers that the process is alive and serving HTTP, without
// touching the database: a database down makes the process unready, not dead.
func (s *Handlers) healthShow(c *gin.Context) {
	c.String(http.StatusOK, "ok\n")
}
