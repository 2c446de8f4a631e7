package files_test

import (
	"bytes"
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"guichet/files"
)

func kind(t testing.TB, label string) files.Kind {
	t.Helper()
	for _, k := range files.Accepted {
		if k.Label == label {
			return k
		}
	}
	t.Fatalf("no kind %s", label)
	return files.Kind{}
}

func TestName(t *testing.T) {
	pdfKind, jpeg := kind(t, "PDF"), kind(t, "JPEG")
	long := strings.Repeat("é", 200)
	cases := []struct {
		name string
		kind files.Kind
		want string
	}{
		{"facture.pdf", pdfKind, "facture.pdf"},
		{"Facture.PDF", pdfKind, "Facture.PDF"},
		{"facture.html", pdfKind, "facture.pdf"},
		{"setup.exe", pdfKind, "setup.pdf"},
		{"facture", pdfKind, "facture.pdf"},
		{"relevé 12.05", pdfKind, "relevé 12.05.pdf"},
		{"photo.jpeg", jpeg, "photo.jpeg"},
		{"photo.png", jpeg, "photo.jpg"},
		// The override would show "factureexe.pdf".
		{"facture\u202efdp.exe", pdfKind, "facturefdp.pdf"},
		{"a\u2066b\u200fc\u00ad\ufeff.pdf", pdfKind, "abc.pdf"},
		{"ligne\r\nsuivante\x00\t\u2028.pdf", pdfKind, "lignesuivante.pdf"},
		{`C:\Users\claude\Documents\plan "v2".pdf`, pdfKind, "plan v2.pdf"},
		{"../../etc/passwd", pdfKind, "passwd.pdf"},
		{".htaccess", pdfKind, "htaccess.pdf"},
		{" . ", pdfKind, "document.pdf"},
		{"", pdfKind, "document.pdf"},
		{long + ".html", pdfKind, long[:2*146] + ".pdf"},
		// Without a kind, a refused file keeps the extension it was sent with.
		{"facture\u202efdp.exe", files.Kind{}, "facturefdp.exe"},
		{long + ".exe", files.Kind{}, long[:2*146] + ".exe"},
		{"...", files.Kind{}, "document"},
	}
	for _, tc := range cases {
		if got := files.Name(tc.name, tc.kind); got != tc.want {
			t.Errorf("Name(%q, %s) = %q, want %q", tc.name, tc.kind.Label, got, tc.want)
		}
	}
}

// FuzzName: whatever name a browser sends, the name kept is displayable,
// short, has an extension of the file's kind, and is kept as is when
// cleaned again.
func FuzzName(f *testing.F) {
	for _, s := range []string{"facture.pdf", "facture.html", "facture\u202efdp.exe", "a\u2066b.pdf", "x\x00y\r\n.png",
		`C:\tmp\a.pdf`, "../..", ".", "..pdf", ".b" + strings.Repeat(" ", 200) + "z", strings.Repeat("é.", 100) + "docx",
		"relevé 12.05", "\xff\xfe.pdf", "\"quoted\".jpeg", "photo.JPG", "a.tar.gz"} {
		for i := range len(files.Accepted) + 1 {
			f.Add(s, uint8(i))
		}
	}
	f.Fuzz(func(t *testing.T, name string, which uint8) {
		k := files.Kind{} // a refused file
		if i := int(which) % (len(files.Accepted) + 1); i < len(files.Accepted) {
			k = files.Accepted[i]
		}
		got := files.Name(name, k)
		if !utf8.ValidString(got) || got == "" || utf8.RuneCountInString(got) > 150 || strings.ContainsAny(got[:1], ". ") {
			t.Fatalf("Name(%q) = %q", name, got)
		}
		for _, r := range got {
			if unicode.IsControl(r) || unicode.In(r, unicode.Cf, unicode.Zl, unicode.Zp) || strings.ContainsRune(`"/\`, r) {
				t.Fatalf("Name(%q) = %q holds %U", name, got, r)
			}
		}
		if len(k.Exts) > 0 && !slices.ContainsFunc(k.Exts, func(e string) bool { return strings.EqualFold(e, filepath.Ext(got)) }) {
			t.Fatalf("Name(%q, %s) = %q", name, k.Label, got)
		}
		if again := files.Name(got, k); again != got {
			t.Fatalf("Name(%q) = %q, then %q", name, got, again)
		}
	})
}

// signedAt tells whether head holds a kind's signature where its format
// puts it, independently of the sniffer.
var signedAt = map[string]func(head []byte) bool{
	"PDF":  func(h []byte) bool { return bytes.HasPrefix(h, []byte("%PDF-")) },
	"JPEG": func(h []byte) bool { return bytes.HasPrefix(h, []byte("\xff\xd8\xff")) },
	"PNG":  func(h []byte) bool { return bytes.HasPrefix(h, []byte("\x89PNG\r\n\x1a\n")) },
	"WebP": func(h []byte) bool {
		return bytes.HasPrefix(h, []byte("RIFF")) && len(h) >= 12 && string(h[8:12]) == "WEBP"
	},
	"HEIC": func(h []byte) bool { return len(h) >= 12 && string(h[4:8]) == "ftyp" },
	"HEIF": func(h []byte) bool { return len(h) >= 12 && string(h[4:8]) == "ftyp" },
	"ODT":  func(h []byte) bool { return bytes.HasPrefix(h, []byte("PK\x03\x04")) },
	"ODS":  func(h []byte) bool { return bytes.HasPrefix(h, []byte("PK\x03\x04")) },
	"DOCX": func(h []byte) bool { return bytes.HasPrefix(h, []byte("PK\x03\x04")) },
	"XLSX": func(h []byte) bool { return bytes.HasPrefix(h, []byte("PK\x03\x04")) },
}

// FuzzSniff: a content is accepted only as an accepted kind whose signature
// is where its format puts it; anything else is refused with a reason.
func FuzzSniff(f *testing.F) {
	for _, s := range [][]byte{pdf, png, exe, []byte("\xff\xd8\xff\xe0\x00\x10JFIF\x00"), []byte("RIFF\x00\x00\x00\x00WEBPVP8 "),
		[]byte("\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic"), []byte("PK\x03\x04\x14\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x08\x00\x00\x00mimetypeapplication/vnd.oasis.opendocument.text"),
		[]byte("<html><!-- %PDF-1.7 --></html>"), []byte("\n%PDF-1.4"), []byte("%PDF"), nil} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, head []byte) {
		k, err := files.Sniff(head)
		var refused *files.RefusedError
		switch {
		case err != nil && (!errors.As(err, &refused) || !strings.Contains(refused.Reason(), "Formats acceptés")):
			t.Fatalf("Sniff(%q): %v", head, err)
		case err == nil && !signedAt[k.Label](head):
			t.Fatalf("Sniff(%q) = %s without its signature in place", head, k.Label)
		}
	})
}
