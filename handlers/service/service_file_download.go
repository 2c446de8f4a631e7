package service

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"guichet/handlers/web"
)

// serviceFileDownload sends one of the demand's files (the citizen's, and
// those the accueil or a service added) to the service holding its link,
// as a download or, with ?apercu=1, shown in the browser. A service that
// only may not act (it asked a correction, it was deactivated) still reads
// them; once its assignment ended, the demand is no longer its business,
// nor are files added since: the link only says where the demand stands.
func (s *Handlers) serviceFileDownload(c *gin.Context) {
	l := s.serviceLink(c)
	if l == nil {
		return
	}
	if l.Ended() {
		s.renderServiceStatus(c, l, http.StatusForbidden, "Ce lien ne donne plus accès aux fichiers de la demande : elle n'est plus entre les mains de votre service.", nil)
		return
	}
	s.SendAttachment(c, l.Commune.ID, l.Demand.ID, web.IDParam(c, "id"), true)
}
