package files

import (
	"path/filepath"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxName bounds a file's name, in characters.
const maxName = 150

// Name makes the name a person's computer sent for a file safe to show and
// to send in a header: no folder, no control or invisible formatting
// character (with a right-to-left override U+202E, "facture<U+202E>fdp.exe"
// reads "factureexe.pdf"), no quote, no leading dot, at most maxName
// characters. A file of kind k gets one of k's extensions: a PDF sent as
// "facture.html" is "facture.pdf". The zero Kind keeps the extension given:
// it names a file refused, as the person sent it.
func Name(name string, k Kind) string {
	name = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || unicode.In(r, unicode.Cf, unicode.Zl, unicode.Zp) || r == '"' {
			return -1
		}
		return r
	}, name[strings.LastIndexAny(name, `/\`)+1:]) // Windows browsers may send the path
	// Trimmed, the name starts with the stem: cutting it never leaves an
	// extension alone.
	name = strings.Trim(name, ". ")
	stem, ext := name, filepath.Ext(name)
	if isExt(ext) {
		stem = strings.TrimSuffix(name, ext)
	} else {
		ext = ""
	}
	if len(k.Exts) > 0 && !slices.ContainsFunc(k.Exts, func(e string) bool { return strings.EqualFold(e, ext) }) {
		ext = k.Exts[0]
	}
	if r, n := []rune(stem), maxName-utf8.RuneCountInString(ext); len(r) > n {
		stem = strings.TrimRight(string(r[:n]), ". ")
	}
	if stem == "" {
		stem = "document"
	}
	return stem + ext
}

// isExt tells whether what follows a name's last dot is an extension
// (".pdf", ".7z") rather than part of the name ("relevé 12.05").
func isExt(ext string) bool {
	letter := false
	for _, r := range strings.TrimPrefix(ext, ".") {
		switch {
		case r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z':
			letter = true
		case r < '0' || r > '9':
			return false
		}
	}
	return letter && len(ext) <= 11
}
