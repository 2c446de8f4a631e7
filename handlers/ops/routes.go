package ops

import "github.com/gin-gonic/gin"

// Routes: the probes. They name nothing of any commune.
func (s *Handlers) Routes(r *gin.Engine) {
	r.GET("/healthz", s.healthShow)
	r.GET("/readyz", s.readyShow)
}
