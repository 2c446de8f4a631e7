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

	desk := g.Group("/demandes/:id", s.require(perm.See))
	desk.GET("", s.demandShow)
	desk.GET("/impression", s.demandPrint)
	desk.GET("/pieces/:fid", s.agentFileDownload)
	desk.POST("/pieces", s.agentFileUpload)
	desk.POST("/actions/:action", s.demandAct)
	desk.POST("/notes", s.noteCreate)
	desk.POST("/motif", s.demandMotifUpdate)

	sup := g.Group("/supervision", s.require(perm.Supervise))
	sup.GET("", s.supervisionShow)
	sup.GET("/indicateurs", s.indicatorsShow)

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
}
