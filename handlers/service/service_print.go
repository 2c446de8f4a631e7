package service

import "github.com/gin-gonic/gin"

// servicePrint is the demand laid out for paper: data, files, notes and
// history, without the forms.
func (s *Handlers) servicePrint(c *gin.Context) {
	s.serviceView(c, "print", "service/print")
}
