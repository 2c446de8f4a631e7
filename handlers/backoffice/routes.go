package backoffice

import (
	"github.com/gin-gonic/gin"

	"guichet/perm"
)

// Routes: the back office of accueil agents, supervisors and admins.
// Every page but sign-in and password reset requires a session and a
// permission (s.require); each group of routes names its own. The
// workflow checks in addition the permission of each demand action.
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

	g.GET("/", s.signedIn(), s.dashboardShow)
	g.GET("/profil", s.signedIn(), s.profileShow)
	g.POST("/profil", s.signedIn(), s.profileUpdate)
	// The citizens' ratings: a supervisor sees every team's, another agent the accueil's.
	g.GET("/satisfaction", s.require(perm.See), s.satisfactionShow)

	desk := g.Group("/demandes/:id", s.require(perm.See))
	desk.GET("", s.demandShow)
	desk.GET("/impression", s.demandPrint)
	desk.GET("/pieces/:fid", s.agentFileDownload)
	desk.POST("/pieces", s.agentFileUpload)
	desk.POST("/actions/:action", s.demandAct)
	desk.POST("/notes", s.noteCreate)
	desk.POST("/etiquettes", s.demandTag(false))
	desk.POST("/etiquettes/retirer", s.demandTag(true))
	desk.POST("/regles", s.demandRulesApply)
	desk.POST("/motif", s.demandMotifUpdate)
	desk.POST("/escalade", s.demandEscalate)
	desk.POST("/escalade/:eid/retirer", s.demandEscalationRevoke)

	// Conversations: the desk's inbox, for who replies, directly or through
	// validation; a supervisor sees every team's.
	msg := g.Group("/messages", s.require(perm.Reply, perm.ReplyValidated))
	msg.GET("", s.inboxShow)
	msg.POST("", s.conversationCreate)
	msg.GET("/nouvelle", s.conversationNew)
	msg.GET("/reponses", s.savedRepliesShow)
	msg.POST("/reponses", s.savedReplyCreate)
	msg.GET("/:id", s.conversationShow)
	msg.POST("/:id/messages", s.conversationMessagePost)
	msg.GET("/:id/pieces/:fid", s.conversationFileDownload)
	msg.GET("/:id/messages/:mid/source", s.conversationMessageSource)
	msg.POST("/:id/statut", s.conversationStatusUpdate)
	msg.POST("/:id/attribution", s.conversationAssign)
	msg.POST("/:id/equipe", s.conversationTeamUpdate)
	msg.POST("/:id/etiquettes", s.conversationTag(false))
	msg.POST("/:id/etiquettes/retirer", s.conversationTag(true))
	msg.POST("/:id/fusion", s.conversationMerge)
	msg.POST("/:id/transfert", s.conversationForward)
	msg.POST("/:id/a-valider/:rid/modifier", s.pendingReplyRevise)
	msg.POST("/:id/a-valider/:rid/envoyer", s.require(perm.Validate), s.pendingReplySend)
	msg.POST("/:id/a-valider/:rid/renvoyer", s.require(perm.Validate), s.pendingReplyReturn)
	msg.POST("/:id/escalade", s.conversationEscalate)
	msg.POST("/:id/escalade/:eid/retirer", s.conversationEscalationRevoke)
	msg.POST("/:id/regles", s.conversationRulesApply)

	// Help articles: read by whoever replies, directly or through
	// validation; written by who replies directly (perm.Reply): a public
	// article reaches citizens unchecked, as a direct reply does, so a
	// profile whose replies wait for validation does not write one.
	art := g.Group("/articles", s.require(perm.Reply, perm.ReplyValidated))
	art.GET("", s.articlesShow)
	art.GET("/nouveau", s.require(perm.Reply), s.articleNew)
	art.POST("/nouveau", s.require(perm.Reply), s.articleSave)
	art.GET("/:aid", s.articleEdit)
	art.POST("/:aid", s.require(perm.Reply), s.articleSave)

	sup := g.Group("/supervision", s.require(perm.Supervise))
	sup.GET("", s.supervisionShow)
	sup.GET("/indicateurs", s.indicatorsShow)
	sup.GET("/courriels", s.inboundShow)
	sup.GET("/courriels/:mid/source", s.inboundSource)
	sup.POST("/courriels/:mid/accepter", s.inboundAccept)
	sup.POST("/courriels/:mid/rejouer", s.inboundReplay)
	// Satisfaction (issue 18): follow-ups of low ratings, moderation of experiences.
	sup.GET("/suivis", s.followUpsShow)
	sup.POST("/suivis/:rid", s.followUpUpdate)
	sup.GET("/avis", s.experiencesModerateShow)
	sup.GET("/avis/:xid", s.experienceModerateShow)
	sup.POST("/avis/:xid/moderation", s.experienceModerate)

	// A service's answer to an experience is published by who validates replies.
	g.POST("/supervision/avis/:xid/validation", s.require(perm.Validate), s.experienceAnswerValidate)

	exp := g.Group("/supervision", s.require(perm.Export))
	exp.GET("/export.csv", s.exportCSV)
	exp.GET("/export.xlsx", s.exportXLSX)

	adm := g.Group("/admin", s.require(perm.Administer))
	adm.GET("/commune", s.adminCommuneShow)
	adm.POST("/commune", s.adminCommuneUpdate)
	adm.POST("/commune/logo", s.adminCommuneLogoUpdate)
	adm.POST("/commune/logo/supprimer", s.adminCommuneLogoRemove)
	adm.GET("/agents", s.adminAgentsShow)
	adm.POST("/agents", s.adminAgentCreate)
	adm.POST("/agents/:aid/desactiver", s.adminAgentActivate(false))
	adm.POST("/agents/:aid/reactiver", s.adminAgentActivate(true))
	adm.POST("/agents/:aid/invitation", s.adminAgentInvite)
	adm.POST("/agents/:aid/profil", s.adminAgentProfileUpdate)
	adm.GET("/profils", s.adminProfilesShow)
	adm.POST("/profils", s.adminProfileCreate)
	adm.GET("/profils/:pid", s.adminProfileShow)
	adm.POST("/profils/:pid", s.adminProfileUpdate)
	adm.POST("/profils/:pid/supprimer", s.adminProfileDelete)
	adm.GET("/etiquettes", s.adminTagsShow)
	adm.POST("/etiquettes/:tid/renommer", s.adminTagRename)
	adm.POST("/etiquettes/:tid/fusionner", s.adminTagMerge)
	adm.GET("/services", s.adminServicesShow)
	adm.POST("/services", s.adminServiceCreate)
	adm.POST("/services/:sid/desactiver", s.adminServiceActivate(false))
	adm.POST("/services/:sid/reactiver", s.adminServiceActivate(true))
	adm.POST("/services/:sid/"+slugBoardLink, s.adminServiceBoardLinkSend)
	adm.POST("/services/:sid/"+slugRevokeLinks, s.adminServiceLinksRevoke)
	adm.GET("/voies", s.adminStreetsShow)
	adm.POST("/voies", s.adminStreetsImport)
	adm.GET("/demarches", s.adminProceduresShow)
	adm.POST("/demarches/import", s.adminProcedureImport)
	adm.GET("/demarches/nouvelle", s.adminProcedureNew)
	adm.POST("/demarches/nouvelle", s.adminProcedureSave)
	adm.GET("/demarches/:pid", s.adminProcedureEdit)
	adm.POST("/demarches/:pid", s.adminProcedureSave)
	adm.GET("/demarches/:pid/apercu", s.adminProcedurePreview)
	adm.POST("/demarches/:pid/apercu/:op", s.adminProcedurePreviewCheck)
	adm.POST("/demarches/:pid/publier", s.adminProcedurePublish(true))
	adm.POST("/demarches/:pid/depublier", s.adminProcedurePublish(false))
	adm.POST("/demarches/:pid/dupliquer", s.adminProcedureDuplicate)
	adm.GET("/demarches/:pid/export.yaml", s.adminProcedureExport)
	adm.GET("/regles", s.adminRulesShow)
	adm.POST("/regles/mode", s.adminRulesMode)
	adm.POST("/regles/transfert-automatique", s.adminRulesAutoTransfer)
	adm.GET("/regles/nouvelle", s.adminRuleNew)
	adm.POST("/regles/nouvelle", s.adminRuleSave)
	adm.GET("/regles/:rid", s.adminRuleEdit)
	adm.POST("/regles/:rid", s.adminRuleSave)
	adm.POST("/regles/:rid/monter", s.adminRuleMove(true))
	adm.POST("/regles/:rid/descendre", s.adminRuleMove(false))
	adm.POST("/regles/:rid/activer", s.adminRuleEnable(true))
	adm.POST("/regles/:rid/desactiver", s.adminRuleEnable(false))
	adm.GET("/motifs", s.adminMotifsShow)
	adm.POST("/motifs", s.adminMotifCreate)
	adm.POST("/motifs/:mid", s.adminMotifUpdate)
	adm.POST("/motifs/:mid/desactiver", s.adminMotifActivate(false))
	adm.POST("/motifs/:mid/reactiver", s.adminMotifActivate(true))
	adm.GET("/calendrier", s.adminCalendarShow)
	adm.GET("/calendrier/essai", s.adminCalendarTry)
	adm.POST("/calendrier/alsace-moselle", s.adminCalendarUpdate)
	adm.POST("/calendrier/fermetures", s.adminClosureCreate)
	adm.POST("/calendrier/fermetures/:fid/supprimer", s.adminClosureDelete)
	adm.GET("/obligations", s.adminDutiesShow)
	adm.POST("/obligations", s.adminDutiesUpdate)

	// Retention and the citizens' rights (issue 17).
	sup.GET("/conservation", s.retentionForecastShow)
	sup.GET("/donnees-personnelles", s.personalDataShow)
	sup.POST("/donnees-personnelles/export", s.personalDataExport)
	sup.POST("/donnees-personnelles/effacer", s.personalDataErase)
	adm.POST("/demarches/conservation", s.adminRetentionUpdate)

	// Deadline policies, and the share of their deadlines met.
	adm.GET("/echeances", s.adminDeadlinesShow)
	adm.POST("/echeances", s.adminDeadlineSave)
	adm.GET("/echeances/:did", s.adminDeadlineEdit)
	adm.POST("/echeances/:did", s.adminDeadlineSave)
	sup.GET("/echeances", s.supervisionDeadlinesShow)
}
