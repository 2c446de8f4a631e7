package service

import (
	"errors"
	"net/http"
	"net/url"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/uptrace/bun"

	"guichet/handlers/web"
	"guichet/links"
	"guichet/models"
	"guichet/notify"
	"guichet/servicelink"
	"guichet/views"
	"guichet/workflow"
)

// serviceBoardShow is a service's board: the demands it holds, to handle
// and waiting for the citizen's correction, each list the longest waiting
// first and paged on its own, each demand with a fresh link to its page.
// The board link lives longer than a demand link; the admin revokes it by
// bumping the service's link epoch.
func (s *Handlers) serviceBoardShow(c *gin.Context) {
	l, err := s.checkLink(c, links.Board)
	switch err {
	case nil:
	case servicelink.ErrNoCommune:
		s.linkNotFound(c)
		return
	case servicelink.ErrCommuneClosed:
		s.CommuneClosed(c, l.Commune)
		return
	case servicelink.ErrInvalid:
		s.RenderError(c, http.StatusForbidden, "Lien invalide",
			"Ce lien de tableau de bord n'est pas valide : il est incomplet, a été modifié, ou n'est plus reconnu. Demandez un nouveau lien à la mairie.")
		return
	case servicelink.ErrExpired:
		s.RenderError(c, http.StatusGone, "Lien expiré",
			"Ce lien de tableau de bord a expiré le "+formatParis(l.Claims.ExpiresAt())+". Demandez-en un nouveau à la mairie : il sera envoyé à l'adresse de votre service.")
		return
	case servicelink.ErrDeactivated:
		s.RenderError(c, http.StatusGone, "Service désactivé",
			"Le service "+l.Service.Name+" a été désactivé par la mairie : son tableau de bord ne s'ouvre plus. Pour toute question, contactez la mairie.")
		return
	case servicelink.ErrRevoked:
		s.RenderError(c, http.StatusGone, "Lien révoqué",
			"La mairie a révoqué ce lien de tableau de bord : il ne fonctionne plus. Demandez-en un nouveau à la mairie : il sera envoyé à l'adresse de votre service.")
		return
	default:
		s.Fail(c, err)
		return
	}
	cm, svc, cl := l.Commune, l.Service, l.Claims
	data := views.ServiceBoardData{ServiceName: svc.Name, Expires: cl.ExpiresAt(), PageSize: web.PageSize}
	// The lists read from the replica, as the back office's do, unless the
	// service has just acted from this browser (web.ReadDB); the link was
	// checked on the primary, so that a revocation closes it at once.
	rdb := s.ReadDB(c)
	for _, sec := range boardSections {
		bs, err := s.boardSection(c, rdb, cm, svc, sec)
		var bad *web.BadCursorError
		if errors.As(err, &bad) {
			s.BadCursor(c, bad.First)
			return
		}
		if err != nil {
			s.Fail(c, err)
			return
		}
		data.Sections = append(data.Sections, bs)
		data.Total.N += bs.Count.N
		data.Total.More = data.Total.More || bs.Count.More
	}
	s.Log.Info("service board opened", "commune", cm.ID, "service", svc.ID)
	p := s.Page(c, "Tableau de bord du service "+svc.Name)
	p.Data = data
	s.Render(c, http.StatusOK, "service/board", p)
}

// boardSectionDef is one list of the board: the demands the service holds
// in one state, and the query parameters of its page position (paging one
// list keeps the other where it was).
type boardSectionDef struct {
	state, id, title, caption, empty string
	keys                             web.Keyset
}

// boardSections: a demand with a service_id is in the service's hands while
// transferred, or correction_requested (only the service asks a correction
// then: a return to the accueil clears service_id).
var boardSections = []boardSectionDef{
	{workflow.Transferred, "a-traiter", "À traiter", "Demandes à traiter par votre service",
		"Aucune demande n'attend votre service.", web.Keyset{After: "apres", Before: "avant"}},
	{workflow.CorrectionRequested, "en-attente", "En attente de correction par l'usager", "Demandes renvoyées à l'usager pour correction",
		"Aucune demande n'attend de correction.", web.Keyset{After: "attente_apres", Before: "attente_avant"}},
}

// boardSection reads one page of a list of the board, in the order the
// demands came into the service's hands (updated_at: a held demand changes
// only by a transition), with its count, capped as the back office's are.
func (s *Handlers) boardSection(c *gin.Context, rdb bun.IDB, cm *models.Commune, svc *models.Service, def boardSectionDef) (views.BoardSection, error) {
	ctx := c.Request.Context()
	sec := views.BoardSection{ID: def.id, Title: def.title, Caption: def.caption, Empty: def.empty}
	f := models.DemandFilter{ServiceID: svc.ID, Visible: []string{def.state}}
	counted, err := models.CountByState(ctx, rdb, cm.ID, f)
	if err != nil {
		return sec, err
	}
	sec.Count = views.Count{N: counted.ByState[def.state], More: counted.Capped}
	if counted.Capped {
		sec.Count.N = models.CountCap
	}
	// The paging links keep the board's token (in the path) and the other
	// lists' positions (in the query string).
	link := func(edit func(url.Values)) string {
		v := url.Values{}
		for _, o := range boardSections {
			for _, k := range []string{o.keys.After, o.keys.Before} {
				if o.id != def.id && c.Query(k) != "" {
					v.Set(k, c.Query(k))
				}
			}
		}
		if edit != nil {
			edit(v)
		}
		u := c.Request.URL.EscapedPath()
		if len(v) > 0 {
			u += "?" + v.Encode()
		}
		return u + "#" + def.id
	}
	cur, ok := def.keys.Cursor(c)
	if !ok {
		return sec, &web.BadCursorError{First: link(nil)}
	}
	rows, more, err := models.ListDemands(ctx, rdb, cm.ID, f, models.Order{Column: models.SortUpdated}, cur, web.PageSize)
	if errors.Is(err, models.ErrBadCursor) {
		return sec, &web.BadCursorError{First: link(nil)}
	}
	if err != nil {
		return sec, err
	}
	for _, h := range rows {
		tok, _, err := s.Notifier.ServiceToken(cm, svc, &models.Assignment{ID: *h.AssignmentID, DemandID: h.ID, ServiceID: svc.ID})
		if err != nil {
			return sec, err
		}
		citizen := h.CitizenName
		if citizen == "" {
			citizen = h.CitizenEmail
		}
		sec.Rows = append(sec.Rows, views.BoardRow{Href: notify.ServicePath(cm, tok), Reference: h.Reference, ProcedureTitle: h.ProcedureTitle,
			Citizen: citizen, Since: h.UpdatedAt, WaitingDays: int(s.Clock.Now().Sub(h.UpdatedAt) / (24 * time.Hour))})
	}
	sec.Pages = def.keys.Links(rows, cur, more, link)
	return sec, nil
}
