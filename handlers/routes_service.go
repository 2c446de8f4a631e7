package handlers

import "github.com/gin-gonic/gin"

// serviceRoutes: what services do through their signed links.
func (s *Server) serviceRoutes(r *gin.Engine) {}
