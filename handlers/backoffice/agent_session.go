package backoffice

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/gin-gonic/gin"

	"guichet/auth"
	"guichet/handlers/web"
	"guichet/models"
	"guichet/perm"
	"guichet/views"
)

const sessionCookie = "guichet_session"

func (s *Handlers) setSessionCookie(c *gin.Context, token string) {
	http.SetCookie(c.Writer, s.Cookie(sessionCookie, token, int(auth.SessionLifetime.Seconds())))
}

func (s *Handlers) clearSessionCookie(c *gin.Context) {
	http.SetCookie(c.Writer, s.Cookie(sessionCookie, "", -1))
}

// currentAgent is the signed-in agent (set by requireAgent).
func currentAgent(c *gin.Context) *models.Agent {
	if v, ok := c.Get(web.KeyAgent); ok {
		return v.(*models.Agent)
	}
	return nil
}

// require lets through a signed-in agent whose profile grants one of ps;
// any other gets a French refusal (403) naming them.
func (s *Handlers) require(ps ...perm.Permission) gin.HandlerFunc { return s.requireAgent(ps...) }

// signedIn lets through any signed-in agent (the pages that adapt to the
// agent's permissions themselves).
func (s *Handlers) signedIn() gin.HandlerFunc { return s.requireAgent() }

// requireAgent lets through a signed-in agent whose profile grants one of
// need (any agent when need is empty), and sets the agent and its commune for
// the handlers: every query of theirs is scoped by that commune. Without a
// session, a page asks to sign in first; a form sent meanwhile is kept and
// offered again after sign-in.
func (s *Handlers) requireAgent(need ...perm.Permission) gin.HandlerFunc {
	return func(c *gin.Context) {
		ctx := c.Request.Context()
		token, _ := c.Cookie(sessionCookie)
		_, a, err := auth.CurrentSession(ctx, s.DB, token, s.Clock.Now())
		if errors.Is(err, models.ErrNotFound) {
			s.signInFirst(c, token != "")
			return
		}
		if err != nil {
			s.Fail(c, err)
			return
		}
		com, err := models.CommuneByID(ctx, s.DB, a.CommuneID)
		if err == nil && !com.Active {
			// Closing a commune ends its sessions; this is in case one was
			// opened at that very moment.
			if err := auth.EndSession(ctx, s.DB, token); err != nil {
				s.Fail(c, err)
				return
			}
			s.signInFirst(c, true)
			return
		}
		if err != nil {
			s.Fail(c, err)
			return
		}
		c.Set(web.KeyAgent, a)
		c.Set(web.KeyCommune, com)
		if len(need) > 0 && !slices.ContainsFunc(need, a.Has) {
			s.forbidden(c, need...)
			return
		}
		c.Next()
	}
}

// forbidden refuses a page or action the agent's profile does not allow.
func (s *Handlers) forbidden(c *gin.Context, need ...perm.Permission) {
	labels := make([]string, len(need))
	for i, p := range need {
		labels[i] = "« " + perm.Label(p) + " »"
	}
	s.RenderError(c, http.StatusForbidden, "Accès refusé", "Cette page demande la permission "+strings.Join(labels, " ou ")+
		", que votre profil (« "+currentAgent(c).Profile.Name+" ») n'accorde pas. Si vous en avez besoin, demandez-la à un administrateur de la commune.")
}

// signInFirst answers a request without a live session: a page redirects to
// the sign-in page and back; a form gets the sign-in page with what was sent.
func (s *Handlers) signInFirst(c *gin.Context, expired bool) {
	if expired {
		s.clearSessionCookie(c)
	}
	if c.Request.Method == http.MethodGet || c.Request.Method == http.MethodHead {
		if expired {
			s.SetFlash(c, views.FlashInfo, "Votre session a expiré : reconnectez-vous pour continuer.")
		}
		web.Redirect(c, "/gestion/connexion?suite="+url.QueryEscape(c.Request.URL.RequestURI()))
		return
	}
	var r resume
	if err := c.Request.ParseForm(); err == nil {
		r = resume{Action: c.Request.URL.Path, Values: c.Request.PostForm}
	}
	p := s.Page(c, "Connexion")
	p.Data = loginData{Resume: r.encode(), Message: "Votre session a expiré avant l'envoi de ce formulaire. Reconnectez-vous : ce que vous avez saisi est conservé et vous sera présenté à nouveau."}
	s.Render(c, http.StatusUnauthorized, "agent/login", p)
}

// resume is a form sent without a live session, kept through sign-in.
type resume struct {
	Action string     `json:"a"`
	Values url.Values `json:"v"`
}

func (r resume) encode() string {
	if r.Action == "" {
		return ""
	}
	b, _ := json.Marshal(r)
	return string(b)
}

// decodeResume reads a kept form; only a back-office form may be resumed.
func decodeResume(s string) (resume, bool) {
	var r resume
	if s == "" || json.Unmarshal([]byte(s), &r) != nil || !localPath(r.Action) {
		return resume{}, false
	}
	return r, true
}

// localPath tells whether p is a path of the back office on this site, safe
// to send a person to after sign-in (no other site, no scheme).
func localPath(p string) bool {
	return strings.HasPrefix(p, "/gestion/") && !strings.HasPrefix(p, "//") && !strings.Contains(p, "\\")
}
