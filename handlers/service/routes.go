package service

import "github.com/gin-gonic/gin"

// Routes: what services do through their signed links. GET only
// shows (mail scanners follow links); every action is a POST.
func (s *Handlers) Routes(r *gin.Engine) {
	r.GET("/c/:commune/service/tableau/:token", s.serviceBoardShow)
	// An experience routed to the service: answer it, then attach an improvement.
	r.GET("/c/:commune/service/avis/:token", s.serviceExperienceShow)
	r.POST("/c/:commune/service/avis/:token/reponse", s.serviceExperienceAnswer)
	r.POST("/c/:commune/service/avis/:token/amelioration", s.serviceExperienceImprove)
	link := "/c/:commune/service/:token"
	r.GET(link, s.serviceShow)
	r.GET(link+"/impression", s.servicePrint)
	r.GET(link+"/pieces/:id", s.serviceFileDownload)
	for _, act := range serviceActions {
		r.POST(link+"/"+act.slug, s.serviceActionTake(act))
	}
	r.POST(link+"/"+noteAction.slug, s.serviceActionTake(noteAction))
	r.POST(link+"/"+fileSlug, s.serviceFileUpload)
	r.POST(link+"/"+messageSlug, s.serviceMessageSend)
	r.POST(link+"/nouveau-lien", s.serviceLinkResend)
	// Level 2 of an escalation (conversation.Escalate), through its own link.
	r.GET("/c/:commune/niveau2/:token", s.escalationShow)
	r.POST("/c/:commune/niveau2/:token/:op", s.escalationAct)
}
