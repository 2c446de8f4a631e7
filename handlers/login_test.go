package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"guichet/fixture"
)

func TestSignInThenOut(t *testing.T) {
	a := newApp(t)
	c := a.client()

	r := c.get("/gestion/")
	mustStatus(t, r, http.StatusSeeOther)
	if loc := r.Header.Get("Location"); loc != "/gestion/connexion?suite=%2Fgestion%2F" {
		t.Fatalf("without a session, / redirects to %q", loc)
	}
	login := c.follow(r)
	mustStatus(t, login, http.StatusOK)
	assertAccessible(t, login.Doc)
	if login.Doc.Find(`input[name="suite"][value="/gestion/"]`).Length() != 1 {
		t.Fatal("the sign-in form forgets where to go next")
	}

	r = c.post("/gestion/connexion", url.Values{"email": {strings.ToUpper(a.Accueil.Email)}, "password": {fixture.Password}, "suite": {"/gestion/"}})
	mustStatus(t, r, http.StatusSeeOther)
	var cookie *http.Cookie
	for _, ck := range r.Cookies() {
		if ck.Name == "guichet_session" {
			cookie = ck
		}
	}
	if cookie == nil || !cookie.HttpOnly || cookie.SameSite != http.SameSiteLaxMode || cookie.Secure {
		t.Fatalf("session cookie %+v: want HttpOnly, SameSite=Lax, not Secure in development", cookie)
	}
	home := c.follow(r)
	mustStatus(t, home, http.StatusOK)
	if got := home.Doc.Find(".nav-user span").Text(); got != a.Accueil.Name {
		t.Fatalf("signed in as %q", got)
	}
	if action, _ := home.Doc.Find(".nav-user form").Attr("action"); action != "/gestion/deconnexion" {
		t.Fatalf("sign-out form posts to %q", action)
	}

	out := c.post("/gestion/deconnexion", nil)
	mustStatus(t, out, http.StatusSeeOther)
	mustContain(t, c.follow(out), "Vous êtes déconnecté")
	mustStatus(t, c.get("/gestion/"), http.StatusSeeOther)

	// The old token is dead on the server, not only forgotten by the browser.
	thief := a.client()
	req, _ := http.NewRequest(http.MethodGet, a.URL+"/gestion/", nil)
	req.AddCookie(&http.Cookie{Name: "guichet_session", Value: cookie.Value})
	mustStatus(t, thief.do(req), http.StatusSeeOther)
	var revoked int
	fixture.Must(t, a.DB.QueryRow("SELECT count(*) FROM agent_sessions WHERE agent_id = ? AND revoked_at IS NOT NULL", a.Accueil.ID).Scan(&revoked))
	if revoked != 1 {
		t.Fatalf("%d revoked sessions, want 1", revoked)
	}
}

func TestSignOutEverywhere(t *testing.T) {
	a := newApp(t)
	desk, phone := a.signIn(a.Supervisor), a.signIn(a.Supervisor)
	mustStatus(t, desk.post("/gestion/deconnexion", url.Values{"partout": {"1"}}), http.StatusSeeOther)
	mustStatus(t, phone.get("/gestion/"), http.StatusSeeOther)
}

func TestSessionCookieIsSecureOutsideDevelopment(t *testing.T) {
	a := newApp(t)
	a.Config.Env = "production"
	r := a.client().post("/gestion/connexion", url.Values{"email": {a.Accueil.Email}, "password": {fixture.Password}})
	mustStatus(t, r, http.StatusSeeOther)
	if sc := r.Header.Get("Set-Cookie"); !strings.Contains(sc, "Secure") || !strings.Contains(sc, "HttpOnly") || !strings.Contains(sc, "SameSite=Lax") {
		t.Fatalf("Set-Cookie: %s", sc)
	}
}

func TestSignInGoesBackOnlyToTheBackOffice(t *testing.T) {
	a := newApp(t)
	for next, want := range map[string]string{
		"/gestion/supervision?etat=draft": "/gestion/supervision?etat=draft",
		"//ailleurs.example/gestion/":     "/gestion/",
		"https://ailleurs.example/":       "/gestion/",
		"/c/autre/":                       "/gestion/",
	} {
		r := a.client().post("/gestion/connexion", url.Values{"email": {a.Supervisor.Email}, "password": {fixture.Password}, "suite": {next}})
		if loc := r.Header.Get("Location"); loc != want {
			t.Errorf("suite=%s: redirected to %q, want %q", next, loc, want)
		}
	}
}

// travel moves the application's clock forward by d.
func (a *app) travel(d time.Duration) { a.Clock.Advance(d) }

// lockLeft is how long the key stays locked, by the application's clock.
func (a *app) lockLeft(key string) time.Duration {
	a.t.Helper()
	var until *time.Time
	fixture.Must(a.t, a.DB.QueryRow("SELECT locked_until FROM login_throttles WHERE key = ?", key).Scan(&until))
	if until == nil {
		return 0
	}
	return until.Sub(a.Clock.Now())
}

func TestWrongPasswordsAreSlowedThenLimited(t *testing.T) {
	a := newApp(t)
	c := a.client()
	try := func(pw string) *response {
		return c.post("/gestion/connexion", url.Values{"email": {a.Accueil.Email}, "password": {pw}})
	}
	for i := 1; i <= 4; i++ {
		r := try(fmt.Sprintf("mauvais-%d", i))
		mustStatus(t, r, http.StatusUnauthorized)
		assertAccessible(t, r.Doc)
		mustContain(t, r, "Adresse e-mail ou mot de passe incorrect")
		if v, _ := r.Doc.Find("input#email").Attr("value"); v != a.Accueil.Email {
			t.Fatalf("the address typed is lost: %q", v)
		}
	}
	r := try("mauvais-5")
	mustStatus(t, r, http.StatusTooManyRequests)
	mustContain(t, r, "Trop de tentatives")
	if r.Header.Get("Retry-After") == "" {
		t.Fatal("no Retry-After")
	}
	key := "compte:" + a.Accueil.Email
	if left := a.lockLeft(key); left <= 0 || left > time.Minute {
		t.Fatalf("first lock %v, want up to a minute", left)
	}
	// While locked, even the right password is refused: no oracle.
	mustStatus(t, try(fixture.Password), http.StatusTooManyRequests)

	// Each new failure after a lock doubles it, up to the cap.
	want := []time.Duration{2 * time.Minute, 4 * time.Minute, 8 * time.Minute, 15 * time.Minute, 15 * time.Minute}
	for _, w := range want {
		a.travel(16 * time.Minute)
		mustStatus(t, try("encore-faux"), http.StatusTooManyRequests)
		if left := a.lockLeft(key); left <= w-time.Minute || left > w {
			t.Fatalf("lock %v, want about %v", left, w)
		}
	}

	// The lock runs out: the agent is not shut out for good.
	a.travel(16 * time.Minute)
	mustStatus(t, try(fixture.Password), http.StatusSeeOther)
	var n int
	fixture.Must(t, a.DB.QueryRow("SELECT count(*) FROM login_throttles WHERE key = ?", key).Scan(&n))
	if n != 0 {
		t.Fatal("a successful sign-in keeps the failures")
	}

	// An hour without failure forgets them.
	for range 4 {
		try("faux")
	}
	a.travel(2 * time.Hour)
	mustStatus(t, try("faux"), http.StatusUnauthorized)
}

func TestManyAccountsFromOneAddressAreLimited(t *testing.T) {
	a := newApp(t)
	c := a.client()
	for i := range 20 {
		r := c.post("/gestion/connexion", url.Values{"email": {fmt.Sprintf("inconnu%d@exemple.fr", i)}, "password": {"devinette"}})
		if i < 19 {
			mustStatus(t, r, http.StatusUnauthorized)
		}
	}
	r := c.post("/gestion/connexion", url.Values{"email": {a.Supervisor.Email}, "password": {fixture.Password}})
	mustStatus(t, r, http.StatusTooManyRequests)
}

var resetLink = regexp.MustCompile(`http://[^\s]+/gestion/reinitialisation/[^\s]+`)

// requestReset asks for a reset link for addr and returns the link mailed, if any.
func (a *app) requestReset(addr string) string {
	a.t.Helper()
	before := len(a.SMTP.Messages())
	c := a.client()
	r := c.post("/gestion/mot-de-passe-oublie", url.Values{"email": {addr}})
	mustStatus(a.t, r, http.StatusSeeOther)
	mustContain(a.t, c.follow(r), "Si un compte correspond à cette adresse")
	ms := a.sendMail()[before:]
	if len(ms) == 0 {
		return ""
	}
	if len(ms) != 1 || ms[0].To[0] != addr {
		a.t.Fatalf("reset mails: %+v", ms)
	}
	return resetLink.FindString(ms[0].Text)
}

func TestPasswordResetLinkIsSingleUse(t *testing.T) {
	a := newApp(t)
	before := a.signIn(a.Accueil)

	if link := a.requestReset("personne@exemple.fr"); link != "" {
		t.Fatal("a reset mail went to an unknown address")
	}
	link := a.requestReset(a.Accueil.Email)
	if link == "" {
		t.Fatal("no reset link mailed")
	}
	c := a.client()
	form := c.get(link)
	mustStatus(t, form, http.StatusOK)
	assertAccessible(t, form.Doc)
	mustContain(t, form, a.Accueil.Email)
	// Opening the link (as a mail scanner would) uses nothing up.
	mustStatus(t, c.get(link), http.StatusOK)

	r := c.post(link, url.Values{"password": {"court"}, "confirm": {"court"}})
	mustStatus(t, r, http.StatusUnprocessableEntity)
	assertAccessible(t, r.Doc)
	mustContain(t, r, "au moins 12 caractères")
	r = c.post(link, url.Values{"password": {"une phrase bien longue"}, "confirm": {"une phrase bien longu"}})
	mustStatus(t, r, http.StatusUnprocessableEntity)
	mustContain(t, r, "pas identiques")

	r = c.post(link, url.Values{"password": {"une phrase bien longue"}, "confirm": {"une phrase bien longue"}})
	mustStatus(t, r, http.StatusSeeOther)

	// Used up: neither the page nor the form works again.
	mustContain(t, c.get(link), "déjà servi")
	r = c.post(link, url.Values{"password": {"une autre phrase longue"}, "confirm": {"une autre phrase longue"}})
	mustStatus(t, r, http.StatusForbidden)

	// Sessions opened before are over; the new password works, the old one not.
	mustStatus(t, before.get("/gestion/"), http.StatusSeeOther)
	r = a.client().post("/gestion/connexion", url.Values{"email": {a.Accueil.Email}, "password": {fixture.Password}})
	mustStatus(t, r, http.StatusUnauthorized)
	r = a.client().post("/gestion/connexion", url.Values{"email": {a.Accueil.Email}, "password": {"une phrase bien longue"}})
	mustStatus(t, r, http.StatusSeeOther)
}

func TestPasswordResetLinkExpiresAndCannotBeForged(t *testing.T) {
	a := newApp(t)
	link := a.requestReset(a.Supervisor.Email)
	issued := a.Clock.Now()
	a.Clock.Advance(61 * time.Minute)
	r := a.client().get(link)
	mustStatus(t, r, http.StatusForbidden)
	mustContain(t, r, "a expiré")
	a.Clock.Set(issued)

	r = a.client().get(link[:len(link)-3] + "xyz")
	mustStatus(t, r, http.StatusNotFound)
	mustContain(t, r, "n'est pas valide")
}

// statements records the SQL statements the database runs.
type statements struct {
	mu   sync.Mutex
	runs []string
}

func (s *statements) BeforeQuery(ctx context.Context, _ *bun.QueryEvent) context.Context { return ctx }

func (s *statements) AfterQuery(_ context.Context, e *bun.QueryEvent) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.runs = append(s.runs, e.Query)
}

// during returns the statements run while f ran, with addr in them replaced.
func (s *statements) during(addr string, f func()) []string {
	s.mu.Lock()
	s.runs = nil
	s.mu.Unlock()
	f()
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for _, q := range s.runs {
		out = append(out, strings.ReplaceAll(strings.ReplaceAll(q, addr, "ADDR"), strings.ToLower(addr), "ADDR"))
	}
	return out
}

// TestResetRequestCostsTheSameForAnyAddress: asking a reset link for an
// agent's address runs the very statements an unknown address does, so the
// answer takes no longer for one than the other; the mail still goes.
func TestResetRequestCostsTheSameForAnyAddress(t *testing.T) {
	a := newApp(t)
	rec := &statements{}
	a.DB.AddQueryHook(rec)
	ask := func(addr string) []string {
		return rec.during(addr, func() {
			mustStatus(t, a.client().post("/gestion/mot-de-passe-oublie", url.Values{"email": {addr}}), http.StatusSeeOther)
		})
	}
	unknown, known := ask("Personne@Exemple.fr"), ask(a.Accueil.Email)
	if !slices.Equal(unknown, known) {
		t.Fatalf("an unknown address runs\n%s\nan agent's\n%s", strings.Join(unknown, "\n"), strings.Join(known, "\n"))
	}
	ms := a.sendMail()
	if len(ms) != 1 || ms[0].To[0] != a.Accueil.Email || resetLink.FindString(ms[0].Text) == "" {
		t.Fatalf("reset mails: %+v", ms)
	}
}

func TestResetMailsAreBounded(t *testing.T) {
	a := newApp(t)
	for i := range 5 {
		link := a.requestReset(a.Admin.Email)
		if (link != "") != (i < 3) {
			t.Fatalf("request %d: link %q", i+1, link)
		}
	}
}
