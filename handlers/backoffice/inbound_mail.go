package backoffice

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"guichet/apperr"
	"guichet/handlers/web"
	"guichet/inbound"
	"guichet/models"
	"guichet/perm"
	"guichet/views"
	"guichet/workflow"
)

const inboundPath = "/gestion/supervision/courriels"

var inboundLabels = map[string]string{
	models.InboundHeld:    "En attente : l'expéditeur n'est pas l'usager de la conversation",
	models.InboundRefused: "Refusé",
	models.InboundStored:  "Reçu, non lu (erreur de lecture)",
	// The others, as the retention forecast names them.
	models.InboundBounce:    "Retour d'erreur",
	models.InboundAutoReply: "Réponse automatique",
	models.InboundDuplicate: "Doublon",
}

// inboundShow lists the commune's mails received that wait for a
// supervisor: held (a sender the conversation does not know), refused, or
// left unread by an error.
func (s *Handlers) inboundShow(c *gin.Context) {
	ms, err := models.InboundWithStatus(c.Request.Context(), s.DB, web.Commune(c).ID, models.InboundHeld, models.InboundRefused, models.InboundStored)
	if err != nil {
		s.Fail(c, err)
		return
	}
	mayReply := workflow.AgentActor(currentAgent(c)).Perms.Has(perm.Reply)
	rows := make([]views.InboundRow, 0, len(ms))
	for _, m := range ms {
		r := views.InboundRow{ID: m.ID, At: m.ReceivedAt, Sender: m.Sender, Subject: m.Subject, Status: inboundLabels[m.Status], Reason: m.Error,
			Acceptable: m.Status == models.InboundHeld, Replayable: m.Status != models.InboundHeld}
		if r.Sender == "" {
			r.Sender = m.EnvelopeFrom
		}
		if m.ConversationID != nil && mayReply {
			r.ConversationURL = fmt.Sprintf("%s/%d", inboxPath, *m.ConversationID)
		}
		rows = append(rows, r)
	}
	pg := s.Page(c, "Courriels reçus à traiter")
	pg.Data = rows
	s.Render(c, http.StatusOK, "agent/inbound", pg)
}

// inboundMessage is the commune's mail received the path names.
func (s *Handlers) inboundMessage(c *gin.Context) (*models.InboundMessage, bool) {
	id, err := strconv.ParseInt(c.Param("mid"), 10, 64)
	if err == nil {
		var m *models.InboundMessage
		if m, err = models.InboundByID(c.Request.Context(), s.DB, web.Commune(c).ID, id); err == nil {
			return m, true
		}
	}
	s.Fail(c, apperr.New(apperr.NotFound, "Ce courriel n'existe pas."))
	return nil, false
}

// inboundSource shows a mail received as it came, as plain text.
func (s *Handlers) inboundSource(c *gin.Context) {
	if m, ok := s.inboundMessage(c); ok {
		s.sendSource(c, m)
	}
}

// sendSource sends a mail received as it came, as plain text.
func (s *Handlers) sendSource(c *gin.Context, m *models.InboundMessage) {
	raw, err := inbound.OpenRaw(c.Request.Context(), s.DB, m)
	if err != nil {
		s.Fail(c, err)
		return
	}
	defer raw.Close()
	c.DataFromReader(http.StatusOK, m.Size, "text/plain; charset=utf-8", raw,
		map[string]string{"Content-Disposition": "inline", "X-Content-Type-Options": "nosniff"})
}

// inboundAccept threads a held mail as its conversation citizen's.
func (s *Handlers) inboundAccept(c *gin.Context) {
	m, ok := s.inboundMessage(c)
	if !ok {
		return
	}
	s.inboundDone(c, func() (*models.InboundMessage, error) {
		return s.Inbound.Accept(c.Request.Context(), m.CommuneID, m.ID)
	})
}

// inboundReplay reads a stored or refused mail again.
func (s *Handlers) inboundReplay(c *gin.Context) {
	m, ok := s.inboundMessage(c)
	if !ok {
		return
	}
	s.inboundDone(c, func() (*models.InboundMessage, error) {
		return s.Inbound.Replay(c.Request.Context(), m.CommuneID, m.ID)
	})
}

func (s *Handlers) inboundDone(c *gin.Context, do func() (*models.InboundMessage, error)) {
	m, err := do()
	switch {
	case err != nil && m == nil:
		s.Fail(c, err)
		return
	case err != nil || m.Status != models.InboundThreaded:
		why := m.Error
		if err != nil && why == "" {
			why = "Ce message a déjà été traité."
		}
		s.SetFlash(c, views.FlashError, "Le message n'a pas rejoint de conversation. "+why)
	default:
		s.SetFlash(c, views.FlashSuccess, "Le message a rejoint sa conversation.")
	}
	web.Redirect(c, inboundPath)
}
