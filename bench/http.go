package bench

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"mime/multipart"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// server is `guichet serve` run as a process of its own, on the bench
// database, so that the load generator (this process) does not share its
// memory or its garbage collector.
type server struct {
	url string
	cmd *exec.Cmd
	dir string
}

// startServer starts `guichet serve` on a port of its own, with env added
// to its environment, and waits until it answers.
func startServer(ctx context.Context, guichet, dsn, memLimit string, env ...string) (*server, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "guichet-bench-serve-")
	if err != nil {
		return nil, err
	}
	logf, err := os.Create(filepath.Join(dir, "serve.log"))
	if err != nil {
		return nil, err
	}
	defer logf.Close()
	s := &server{url: fmt.Sprintf("http://127.0.0.1:%d", port), dir: dir}
	s.cmd = exec.Command(guichet, "serve")
	// Development mode: mail stays in the database (no SMTP server needed)
	// and cookies work over plain HTTP on loopback. The bench is a trusted
	// proxy, so that each citizen's journey comes from an address of its own
	// (X-Forwarded-For) and the limit on drafts per client address holds
	// for each.
	s.cmd.Env = append(os.Environ(), "DATABASE_URL="+dsn, "GUICHET_ENV=development", "HOST=127.0.0.1",
		"PORT="+strconv.Itoa(port), "DATA_DIR="+dir, "BASE_URL="+s.url, "TRUSTED_PROXIES=127.0.0.1")
	if memLimit != "" {
		s.cmd.Env = append(s.cmd.Env, "GOMEMLIMIT="+memLimit)
	}
	s.cmd.Env = append(s.cmd.Env, env...)
	s.cmd.Stdout, s.cmd.Stderr = logf, logf
	if err := s.cmd.Start(); err != nil {
		return nil, err
	}
	deadline := time.Now().Add(60 * time.Second)
	for {
		resp, err := http.Get(s.url + "/")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return s, nil
			}
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			s.stop()
			log, _ := os.ReadFile(filepath.Join(dir, "serve.log"))
			return nil, fmt.Errorf("the server did not answer on %s: %v\n%s", s.url, err, log)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// memory is the server's current and peak resident memory (VmRSS, VmHWM).
func (s *server) memory() (rss, peak string) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", s.cmd.Process.Pid))
	if err != nil {
		return "?", "?"
	}
	mb := func(key string) string {
		for _, l := range strings.Split(string(b), "\n") {
			if v, ok := strings.CutPrefix(l, key); ok {
				var kb int
				fmt.Sscanf(strings.TrimSpace(v), "%d", &kb)
				return fmt.Sprintf("%.0f MB", float64(kb)/1024)
			}
		}
		return "?"
	}
	return mb("VmRSS:"), mb("VmHWM:")
}

// resetPeak starts the peak memory anew from the current resident memory
// (Linux: 5 in clear_refs), so that each scenario's peak is its own.
func (s *server) resetPeak() {
	os.WriteFile(fmt.Sprintf("/proc/%d/clear_refs", s.cmd.Process.Pid), []byte("5"), 0)
}

func (s *server) stop() {
	s.cmd.Process.Signal(os.Interrupt)
	done := make(chan struct{})
	go func() { s.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(15 * time.Second):
		s.cmd.Process.Kill()
		<-done
	}
	os.RemoveAll(s.dir)
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// client is one simulated person: their own cookies, no redirect following
// (a POST's 303 is the answer measured).
func newClient() *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, Timeout: 30 * time.Second,
		Transport:     &http.Transport{MaxIdleConnsPerHost: 4},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// get fetches url and fails unless the status is want.
func get(ctx context.Context, c *http.Client, url string, want int) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	return do(c, req, want)
}

func do(c *http.Client, req *http.Request, want int) error {
	resp, err := c.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != want {
		return fmt.Errorf("%s %s: status %d, want %d: %.300s", req.Method, req.URL.Path, resp.StatusCode, want, body)
	}
	return nil
}

// httpClients is the number of concurrent clients of the load tests.
const httpClients = 16

// httpLoad measures the server under load: each scenario's clients
// repeat their request for the measure's duration.
func (b *bed) httpLoad(ctx context.Context) error {
	scenarios := b.httpScenarios()
	wanted := false
	for _, sc := range scenarios {
		wanted = wanted || b.want(sc.name)
	}
	if !wanted {
		return nil
	}
	// Mails the Apply measures left pending are bench artefacts: the
	// server's worker would spend the load test on them.
	if _, err := b.db.ExecContext(ctx, "UPDATE outbox_mails SET status = 'captured' WHERE status = 'pending'"); err != nil {
		return err
	}
	srv, err := startServer(ctx, b.o.Guichet, b.o.DSN, b.o.ServerMemLimit)
	if err != nil {
		return err
	}
	defer srv.stop()
	for _, sc := range scenarios {
		if !b.want(sc.name) {
			continue
		}
		clients := make([]*http.Client, httpClients)
		for i := range clients {
			clients[i] = newClient()
			if sc.prepare != nil {
				if err := sc.prepare(ctx, srv.url, clients[i]); err != nil {
					return fmt.Errorf("%s: %w", sc.name, err)
				}
			}
		}
		before, _ := srv.memory()
		srv.resetPeak()
		r, err := concurrently(ctx, sc.name, b.o.Duration, httpClients, func(ctx context.Context, w int) (time.Duration, bool, error) {
			timed, err := sc.request(ctx, srv.url, clients[w])
			return timed, true, err
		})
		if err != nil {
			return err
		}
		_, peak := srv.memory()
		r.Note = strings.TrimSpace(fmt.Sprintf("%s server memory %s before, peak %s", sc.note, before, peak))
		b.add(r)
	}
	return nil
}

type scenario struct {
	name    string
	note    string
	prepare func(ctx context.Context, base string, c *http.Client) error
	// request does one operation; it may time the part measured (0: all).
	request func(ctx context.Context, base string, c *http.Client) (time.Duration, error)
}

func (b *bed) httpScenarios() []scenario {
	name := func(what string) string { return fmt.Sprintf("HTTP %s, %d clients", what, httpClients) }
	submit := func(photo []byte) func(ctx context.Context, base string, c *http.Client) (time.Duration, error) {
		return func(ctx context.Context, base string, c *http.Client) (time.Duration, error) {
			return b.submission(ctx, base, c, photo)
		}
	}
	return []scenario{
		{name: name("home page"), request: func(ctx context.Context, base string, c *http.Client) (time.Duration, error) {
			return 0, get(ctx, c, base+"/", http.StatusOK)
		}},
		{name: name("dashboard first page"), prepare: b.httpSignIn, request: func(ctx context.Context, base string, c *http.Client) (time.Duration, error) {
			return 0, get(ctx, c, base+"/gestion/", http.StatusOK)
		}},
		{name: name("submission POST"), note: journeys, request: submit(nil)},
		{name: name("submission POST with a 1 MB photo"), note: journeys, request: submit(jpeg(1 << 20))},
		{name: name("submission POST with a 15 MB photo"), note: journeys, request: submit(jpeg(15 << 20))},
		// Every client signs in again and again: as many password hashes
		// asked for at once as there are clients.
		{name: name("sign-in storm"), note: "per second: sign-ins;", request: func(ctx context.Context, base string, c *http.Client) (time.Duration, error) {
			return 0, b.httpSignIn(ctx, base, c)
		}},
	}
}

const journeys = "per second: whole journeys (start, open, submit);"

// httpSignIn signs a client in as an accueil agent of the measured commune.
func (b *bed) httpSignIn(ctx context.Context, base string, c *http.Client) error {
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, base+"/gestion/connexion",
		strings.NewReader(url.Values{"email": {b.accueil.Email}, "password": {cmp.Or(b.password, Password)}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return do(c, req, http.StatusSeeOther)
}

// jpeg is a file the upload store takes for a JPEG photo. Every upload of
// a size is the same file, stored once (files are stored by hash).
func jpeg(size int) []byte {
	b := make([]byte, size)
	copy(b, []byte{0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 'J', 'F', 'I', 'F', 0x00})
	return b
}

var versionRe = regexp.MustCompile(`name="_version" value="(\d+)"`)

// submission is a citizen's whole journey: start a draft with an e-mail
// address, open it from the link, fill the report form and submit it. The
// time measured is the submission's POST (form, photo, checks, Apply).
func (b *bed) submission(ctx context.Context, base string, c *http.Client, photo []byte) (time.Duration, error) {
	// A citizen of their own (address and e-mail), so that the limits on
	// drafts per address and per e-mail (a few an hour) count each journey
	// apart, whatever the runs before.
	who := rand.Uint64()
	return b.submitAs(ctx, base, c, fmt.Sprintf("usager.banc.%x@exemple.fr", who), who, photo)
}

// submitAs is submission's journey by the citizen of e-mail address email,
// writing from an address made of who.
func (b *bed) submitAs(ctx context.Context, base string, c *http.Client, email string, who uint64, photo []byte) (time.Duration, error) {
	start := base + "/c/" + b.portal.Slug + "/demarches/" + b.report.Slug
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, start, strings.NewReader(url.Values{
		"email": {email}, "nom": {"Camille Banc"}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Forwarded-For", fmt.Sprintf("10.%d.%d.%d", byte(who>>16), byte(who>>8), byte(who)))
	resp, err := c.Do(req)
	if err != nil {
		return 0, err
	}
	resp.Body.Close()
	follow := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusSeeOther || follow == "" {
		return 0, fmt.Errorf("POST %s: status %d, want 303 to the draft", start, resp.StatusCode)
	}
	req, _ = http.NewRequestWithContext(ctx, http.MethodGet, base+follow, nil)
	resp, err = c.Do(req)
	if err != nil {
		return 0, err
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	m := versionRe.FindSubmatch(page)
	if resp.StatusCode != http.StatusOK || m == nil {
		return 0, fmt.Errorf("GET %s: status %d, no form version: %.300s", follow, resp.StatusCode, page)
	}
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, v := range map[string]string{"_formulaire": "1", "_version": string(m[1]), "nom": "Camille Banc",
		"telephone": "06 12 34 56 78", "categorie": "Éclairage public", "adresse": "12 rue Victor Hugo",
		"description": "Le lampadaire devant le numéro 12 est éteint depuis trois jours."} {
		mw.WriteField(k, v)
	}
	if photo != nil {
		w, _ := mw.CreateFormFile("fichier:photo", "photo.jpg")
		w.Write(photo)
	}
	mw.Close()
	req, _ = http.NewRequestWithContext(ctx, http.MethodPost, base+follow+"/deposer", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	t := time.Now()
	resp, err = c.Do(req)
	if err != nil {
		return 0, err
	}
	page, _ = io.ReadAll(resp.Body)
	took := time.Since(t)
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || !strings.HasSuffix(resp.Header.Get("Location"), "/confirmation") {
		return 0, fmt.Errorf("POST %s/deposer: status %d, want 303 to the confirmation: %.300s", follow, resp.StatusCode, page)
	}
	return took, nil
}
