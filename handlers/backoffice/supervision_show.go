package backoffice

import "github.com/gin-gonic/gin"

// supervisionShow is the supervisor's list of every demand, drafts included.
func (s *Handlers) supervisionShow(c *gin.Context) { s.showList(c, allScope) }
