package inbound

import (
	"bufio"
	"bytes"
	"fmt"
	"html"
	"io"
	"mime"
	"regexp"
	"strings"

	_ "github.com/emersion/go-message/charset" // ISO-8859-1, Windows-1252… read right
	gomail "github.com/emersion/go-message/mail"
	"github.com/emersion/go-message/textproto"
	"github.com/microcosm-cc/bluemonday"
)

// parsed is what the threading needs of a mail.
type parsed struct {
	From       string // the sender's address, lower case
	FromName   string
	Subject    string
	MessageID  string
	References []string // In-Reply-To then References, without angle brackets
	Text       string   // the readable text: text/plain, else the HTML's text
	AutoReply  bool
	Report     bool     // a delivery status report (DSN)
	Bounced    []string // Message-IDs a report names, of the mails it answers
	Diagnostic string   // what the report says went wrong
	Files      []part   // attachments and inline images
}

type part struct {
	Name, Type string
	Body       io.Reader // read during the walk only
}

// headerMessageID reads a raw mail's Message-ID, cheaply, before anything else.
func headerMessageID(raw []byte) string {
	h, err := textproto.ReadHeader(bufio.NewReader(bytes.NewReader(raw)))
	if err != nil {
		return ""
	}
	return firstID(h.Get("Message-Id"))
}

var idRe = regexp.MustCompile(`<([^<>\s]+)>`)

func ids(s string) []string {
	var out []string
	for _, m := range idRe.FindAllStringSubmatch(s, -1) {
		out = append(out, m[1])
	}
	return out
}

func firstID(s string) string {
	if l := ids(s); len(l) > 0 {
		return l[0]
	}
	return strings.Trim(strings.TrimSpace(s), "<>")
}

// maxText bounds the text read of a mail's body (and of a report): what
// is past it stays in the raw message, kept whole.
const maxText = 1 << 20

// parse reads a mail as it streams, calling file for each attachment while
// its body can be read: only the text is held in memory (maxText at most).
func parse(raw io.Reader, file func(part) error) (*parsed, error) {
	mr, err := gomail.CreateReader(raw)
	if err != nil && mr == nil {
		return nil, fmt.Errorf("inbound: reading the mail: %w", err)
	}
	defer mr.Close()
	h := mr.Header
	p := &parsed{MessageID: firstID(h.Get("Message-Id"))}
	if from, err := h.AddressList("From"); err == nil && len(from) > 0 {
		p.From, p.FromName = strings.ToLower(from[0].Address), from[0].Name
	}
	if p.Subject, err = h.Subject(); err != nil {
		p.Subject = h.Get("Subject")
	}
	p.References = append(ids(h.Get("In-Reply-To")), ids(h.Get("References"))...)
	p.AutoReply = autoReply(h.Header.Header, p.Subject)
	if t, params, _ := h.ContentType(); t == "multipart/report" && strings.EqualFold(params["report-type"], "delivery-status") {
		p.Report = true
	}
	var plain, htm string
	for {
		pt, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			if plain != "" || htm != "" {
				break // what was read is kept; the raw mail is kept whole anyway
			}
			return nil, fmt.Errorf("inbound: reading a part: %w", err)
		}
		var ph textproto.Header
		switch x := pt.Header.(type) {
		case *gomail.InlineHeader:
			ph = x.Header.Header
		case *gomail.AttachmentHeader:
			ph = x.Header.Header
		}
		t, params, _ := mime.ParseMediaType(ph.Get("Content-Type"))
		if t == "" {
			t = "text/plain"
		}
		disp, dparams, _ := mime.ParseMediaType(ph.Get("Content-Disposition"))
		name := dparams["filename"]
		if name == "" {
			name = params["name"]
		}
		if dec, err := new(mime.WordDecoder).DecodeHeader(name); err == nil {
			name = dec
		}
		switch {
		case t == "message/delivery-status":
			b, _ := io.ReadAll(io.LimitReader(pt.Body, maxText))
			p.Diagnostic = diagnostic(string(b))
		case t == "message/rfc822" || t == "text/rfc822-headers":
			b, _ := io.ReadAll(io.LimitReader(pt.Body, 1<<16))
			if p.Report {
				if hh, err := textproto.ReadHeader(bufio.NewReader(bytes.NewReader(b))); err == nil {
					if id := firstID(hh.Get("Message-Id")); id != "" {
						p.Bounced = append(p.Bounced, id)
					}
				}
			} else if file != nil {
				if err := file(part{Name: nameOr(name, "message.eml"), Type: t, Body: bytes.NewReader(b)}); err != nil {
					return nil, err
				}
			}
		case disp != "attachment" && name == "" && t == "text/plain" && plain == "":
			b, _ := io.ReadAll(io.LimitReader(pt.Body, maxText))
			plain = string(b)
		case disp != "attachment" && name == "" && t == "text/html" && htm == "":
			b, _ := io.ReadAll(io.LimitReader(pt.Body, maxText))
			htm = string(b)
		case file != nil && (name != "" || !strings.HasPrefix(t, "text/")):
			if err := file(part{Name: nameOr(name, "piece-jointe"), Type: t, Body: pt.Body}); err != nil {
				return nil, err
			}
		}
	}
	if len(p.Bounced) == 0 { // a bounce without a report names what it answers in its references
		p.Bounced = p.References
	}
	p.Text = plain
	if strings.TrimSpace(plain) == "" {
		p.Text = htmlText(htm)
	}
	p.Text = strings.ReplaceAll(strings.ReplaceAll(p.Text, "\r\n", "\n"), "\u00a0", " ")
	return p, nil
}

func nameOr(s, or string) string {
	if s != "" {
		return s
	}
	return or
}

// autoReply tells a mail no person wrote (RFC 3834 and the usual others).
func autoReply(h textproto.Header, subject string) bool {
	if as := strings.ToLower(strings.TrimSpace(h.Get("Auto-Submitted"))); as != "" && as != "no" {
		return true
	}
	if h.Get("X-Autoreply") != "" || h.Get("X-Autorespond") != "" {
		return true
	}
	switch strings.ToLower(strings.TrimSpace(h.Get("Precedence"))) {
	case "bulk", "auto_reply", "list", "junk":
		return true
	}
	// Subjects auto-responders start with ("Absent :", not a person's
	// "Absence de ramassage").
	return autoSubjectRe.MatchString(strings.TrimSpace(subject))
}

// diagnostic is what a delivery status report says of the failure.
func diagnostic(s string) string {
	for _, l := range strings.Split(s, "\n") {
		if k, v, ok := strings.Cut(l, ":"); ok && strings.EqualFold(strings.TrimSpace(k), "Diagnostic-Code") {
			return strings.TrimSpace(v)
		}
	}
	for _, l := range strings.Split(s, "\n") {
		if k, v, ok := strings.Cut(l, ":"); ok && strings.EqualFold(strings.TrimSpace(k), "Status") {
			return "statut " + strings.TrimSpace(v)
		}
	}
	return ""
}

var autoSubjectRe = regexp.MustCompile(`(?i)^((re|tr|fwd?)\s?:\s*)?(réponse automatique|reponse automatique|out of office|automatic reply|auto-?reply|absente?\s*(:|du bureau|jusqu)|auto\s*:)`)

var (
	blockRe = regexp.MustCompile(`(?i)<\s*(br|/p|/div|/li|/tr|/h[1-6]|/blockquote|blockquote)[^>]*>`)
	quoteRe = regexp.MustCompile(`(?is)<blockquote[^>]*>(.*?)</blockquote>`)
	spaceRe = regexp.MustCompile(`[ \t]+`)
	blankRe = regexp.MustCompile(`\n{3,}`)
	// strict keeps no markup at all: no script, no style, no remote image.
	strict = bluemonday.StrictPolicy()
)

// htmlText is an HTML body's text: sanitised (bluemonday, nothing of the
// markup kept, so no remote image is ever loaded), lines kept, quoted
// blocks marked "> " so that they fold like a plain text's.
func htmlText(h string) string {
	if h == "" {
		return ""
	}
	h = regexp.MustCompile(`(?is)<(style|script|head)[^>]*>.*?</(style|script|head)>`).ReplaceAllString(h, "")
	h = quoteRe.ReplaceAllStringFunc(h, func(q string) string {
		inner := quoteRe.FindStringSubmatch(q)[1]
		t := htmlText(inner)
		var b strings.Builder
		for _, l := range strings.Split(strings.TrimSpace(t), "\n") {
			b.WriteString("&gt; " + html.EscapeString(l) + "<br>")
		}
		return "<br>" + b.String()
	})
	h = blockRe.ReplaceAllString(h, "\n$0")
	t := html.UnescapeString(strict.Sanitize(h))
	var lines []string
	for _, l := range strings.Split(t, "\n") {
		lines = append(lines, strings.TrimSpace(spaceRe.ReplaceAllString(l, " ")))
	}
	return strings.TrimSpace(blankRe.ReplaceAllString(strings.Join(lines, "\n"), "\n\n"))
}
