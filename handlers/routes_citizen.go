package handlers

import "github.com/gin-gonic/gin"

// citizenRoutes: the commune's public portal and the citizen's journey.
func (s *Server) citizenRoutes(r *gin.Engine) {}
