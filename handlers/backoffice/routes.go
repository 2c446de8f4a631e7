package backoffice

import "github.com/gin-gonic/gin"

// Routes: the back office of accueil agents, supervisors and admins.
// Every page but sign-in and password reset requires a session and a role.
func (s *Handlers) Routes(r *gin.Engine) {
	if s.Config.Dev() {
		r.GET("/dev/mail", s.devMailIndex)
		r.GET("/dev/mail/:id", s.devMailShow)
	}
	g := r.Group("/gestion")
	g.GET("/connexion", s.loginShow)
	g.POST("/connexion", s.loginCreate)
	g.POST("/deconnexion", s.logoutCreate)
	g.GET("/mot-de-passe-oublie", s.resetRequestShow)
	g.POST("/mot-de-passe-oublie", s.resetRequestCreate)
	g.GET("/reinitialisation/:token", s.resetShow)
	g.POST("/reinitialisation/:token", s.resetUpdate)

	g.GET("/", s.requireAgent(allRoles), s.dashboardShow)

	desk := g.Group("/demandes/:id", s.requireAgent(deskRoles))
	desk.GET("", s.demandShow)
	desk.GET("/impression", s.demandPrint)
	desk.GET("/pieces/:fid", s.agentFileDownload)
	desk.POST("/pieces", s.agentFileUpload)
	desk.POST("/actions/:action", s.demandAct)
	desk.POST("/notes", s.noteCreate)
	desk.POST("/etiquettes", s.demandTag(false))
	desk.POST("/etiquettes/retirer", s.demandTag(true))

	// Conversations: the desk's inbox; a supervisor sees every team's.
	msg := g.Group("/messages", s.requireAgent(deskRoles))
	msg.GET("", s.inboxShow)
	msg.POST("", s.conversationCreate)
	msg.GET("/nouvelle", s.conversationNew)
	msg.GET("/reponses", s.savedRepliesShow)
	msg.POST("/reponses", s.savedReplyCreate)
	msg.GET("/:id", s.conversationShow)
	msg.POST("/:id/messages", s.conversationMessagePost)
	msg.GET("/:id/pieces/:fid", s.conversationFileDownload)
	msg.POST("/:id/statut", s.conversationStatusUpdate)
	msg.POST("/:id/attribution", s.conversationAssign)
	msg.POST("/:id/equipe", s.conversationTeamUpdate)
	msg.POST("/:id/etiquettes", s.conversationTag(false))
	msg.POST("/:id/etiquettes/retirer", s.conversationTag(true))
	msg.POST("/:id/fusion", s.conversationMerge)
	msg.POST("/:id/transfert", s.conversationForward)

	sup := g.Group("/supervision", s.requireAgent(supervisorRoles))
	sup.GET("", s.supervisionShow)
	sup.GET("/indicateurs", s.indicatorsShow)
	sup.GET("/export.csv", s.exportCSV)
	sup.GET("/export.xlsx", s.exportXLSX)

	adm := g.Group("/admin", s.requireAgent(adminRoles))
	adm.GET("/agents", s.adminAgentsShow)
	adm.POST("/agents", s.adminAgentCreate)
	adm.POST("/agents/:aid/desactiver", s.adminAgentActivate(false))
	adm.POST("/agents/:aid/reactiver", s.adminAgentActivate(true))
	adm.POST("/agents/:aid/invitation", s.adminAgentInvite)
	adm.GET("/etiquettes", s.adminTagsShow)
	adm.POST("/etiquettes/:tid/renommer", s.adminTagRename)
	adm.POST("/etiquettes/:tid/fusionner", s.adminTagMerge)
	adm.GET("/services", s.adminServicesShow)
	adm.POST("/services", s.adminServiceCreate)
	adm.POST("/services/:sid/desactiver", s.adminServiceActivate(false))
	adm.POST("/services/:sid/reactiver", s.adminServiceActivate(true))
	adm.POST("/services/:sid/"+slugBoardLink, s.adminServiceBoardLinkSend)
	adm.POST("/services/:sid/"+slugRevokeLinks, s.adminServiceLinksRevoke)
}
