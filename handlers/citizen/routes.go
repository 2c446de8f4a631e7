package citizen

import "github.com/gin-gonic/gin"

// Routes: the commune's public portal and the citizen's journey.
//
// Each commune's portal lives under /c/SLUG/. Every route under /c/ must
// name that segment :commune (gin refuses two names for one segment). A
// citizen acts on one demand through its follow link, /c/SLUG/suivi/TOKEN,
// which is also the base of every action on it; GET only shows, POST acts.
func (s *Handlers) Routes(r *gin.Engine) {
	r.GET("/", s.homeShow)
	// Outside loadCommune: a deactivated commune's page still shows its logo.
	r.GET("/c/:commune/logo.png", s.communeLogoShow)
	g := r.Group("/c/:commune", s.loadCommune)
	g.GET("/", s.communeHome)
	g.POST("/suivre", s.trackingLookup)
	g.GET("/voies", s.streetSuggest)
	g.GET("/demarches/:procedure", s.procedureShow)
	g.POST("/demarches/:procedure", s.draftStart)
	g.GET("/contact", s.contactShow)
	g.POST("/contact", s.contactSend)
	m := g.Group("/messages/:token", s.loadConversation)
	m.GET("", s.conversationShow)
	m.POST("", s.conversationReply)
	m.GET("/pieces/:id", s.conversationFileDownload)
	// Outside loadFollow: an expired link must still get a fresh one.
	g.POST("/suivi/:token/nouveau-lien", s.linkRenew)
	// The link of a draft's expiry notice (retention/).
	g.GET("/brouillon/conserver/:token", s.draftKeepShow)
	g.POST("/brouillon/conserver/:token", s.draftKeep)

	// The citizen's word after the answer: a signed single-use rating
	// link, and "Je donne mon avis".
	g.GET("/evaluer/:token", s.ratingShow)
	g.POST("/evaluer/:token", s.ratingCreate)
	g.GET("/avis", s.experiencesShow)
	g.POST("/avis", s.experiencePost)
	// Help articles (issue 18).
	g.GET("/aide", s.helpIndex)
	g.GET("/aide/suggestions", s.articleSuggest)
	g.GET("/aide/motifs/:motif", s.motifArticles)
	g.GET("/aide/:article", s.articleShow)
	g.POST("/aide/:article/utile", s.articleAnswered)
	// Published duties (issue 17, item 6).
	g.GET("/accessibilite", s.dutyPage("Déclaration d'accessibilité", "citizen/accessibility"))
	g.GET("/mentions-legales", s.dutyPage("Mentions légales", "citizen/legal_notices"))
	g.GET("/donnees-personnelles", s.dutyPage("Données personnelles", "citizen/personal_data"))

	t := g.Group("/suivi/:token", s.loadFollow)
	t.GET("", s.demandFollow)
	t.GET("/confirmation", s.submissionConfirm)
	t.GET("/recepisse.pdf", s.receiptDownload)
	t.POST("/enregistrer", s.draftSave)
	t.POST("/deposer", s.draftSubmit)
	t.POST("/renvoyer", s.correctionResubmit)
	t.POST("/pieces", s.attachmentUpload)
	t.GET("/pieces/:id", s.attachmentDownload)
	t.POST("/pieces/:id/supprimer", s.attachmentRemove)
	t.POST("/messages", s.demandMessageSend)
	t.GET("/messages/pieces/:id", s.demandMessageFile)
}
