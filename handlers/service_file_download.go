package handlers

import "github.com/gin-gonic/gin"

// serviceFileDownload sends one of the demand's files (the citizen's, and
// those the accueil or a service added) to the service holding its link,
// as a download or, with ?apercu=1, shown in the browser. It only needs the
// link to open: a service may still read a demand it no longer holds.
func (s *Server) serviceFileDownload(c *gin.Context) {
	l := s.serviceLink(c)
	if l == nil {
		return
	}
	s.sendAttachment(c, l.commune.ID, l.demand.ID, true)
}
