// Package receipttest reads back the text of a PDF the receipt package
// draws, so that tests check what a citizen reads in it.
package receipttest

import (
	"bytes"
	"compress/zlib"
	"encoding/hex"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
)

var (
	streamRe     = regexp.MustCompile(`(?s)<<(.*?)>>\s*stream\r?\n`)
	lengthRe     = regexp.MustCompile(`/Length\s+(\d+)`)
	bfrangeRe    = regexp.MustCompile(`<([0-9A-Fa-f]{4})><([0-9A-Fa-f]{4})><([0-9A-Fa-f]{4,8})>`)
	bfcharRe     = regexp.MustCompile(`<([0-9A-Fa-f]{4})>\s*<([0-9A-Fa-f]{4,8})>`)
	bfrangeSecRe = regexp.MustCompile(`(?s)beginbfrange(.*?)endbfrange`)
	bfcharSecRe  = regexp.MustCompile(`(?s)beginbfchar(.*?)endbfchar`)
	textRe       = regexp.MustCompile(`(?s)\[(.*?)\]\s*TJ|<([0-9A-Fa-f]*)>\s*Tj`)
	hexRe        = regexp.MustCompile(`<([0-9A-Fa-f]*)>`)
)

// Text is the text of a PDF drawn with gopdf's embedded TrueType fonts: its
// glyph codes mapped back to characters through the fonts' ToUnicode maps,
// each drawn line followed by a space. The Go fonts' regular and bold faces
// number their glyphs alike; a code the maps disagree on is an error.
func Text(pdf []byte) (string, error) {
	glyphs := map[string]rune{}
	var contents [][]byte
	all, err := streams(pdf)
	if err != nil {
		return "", err
	}
	for _, s := range all {
		dict, data := s[0], s[1]
		if bytes.Contains(dict, []byte("FlateDecode")) {
			r, err := zlib.NewReader(bytes.NewReader(data))
			if err != nil {
				return "", fmt.Errorf("receipttest: %w", err)
			}
			if data, err = io.ReadAll(r); err != nil {
				return "", fmt.Errorf("receipttest: %w", err)
			}
		}
		switch {
		case bytes.Contains(data, []byte("begincmap")):
			if err := readCMap(data, glyphs); err != nil {
				return "", err
			}
		case bytes.Contains(data, []byte("BT")):
			contents = append(contents, data)
		}
	}
	var b strings.Builder
	for _, c := range contents {
		for _, m := range textRe.FindAllSubmatch(c, -1) {
			var codes []string
			if m[1] != nil {
				for _, h := range hexRe.FindAllSubmatch(m[1], -1) {
					codes = append(codes, string(h[1]))
				}
			} else {
				codes = append(codes, string(m[2]))
			}
			for _, h := range codes {
				for i := 0; i+4 <= len(h); i += 4 {
					r, ok := glyphs[strings.ToUpper(h[i:i+4])]
					if !ok {
						return "", fmt.Errorf("receipttest: glyph %s has no character", h[i:i+4])
					}
					b.WriteRune(r)
				}
			}
			b.WriteByte(' ')
		}
	}
	return b.String(), nil
}

// streams are the PDF's streams, each as its dictionary and its data. The
// data is cut at the dictionary's /Length: compressed bytes may end in
// anything, a carriage return before "endstream" included.
func streams(pdf []byte) ([][2][]byte, error) {
	var out [][2][]byte
	for rest := pdf; ; {
		m := streamRe.FindSubmatchIndex(rest)
		if m == nil {
			return out, nil
		}
		dict, body := rest[m[2]:m[3]], rest[m[1]:]
		l := lengthRe.FindSubmatch(dict)
		if l == nil {
			return nil, fmt.Errorf("receipttest: a stream without a direct /Length: %q", dict)
		}
		n, err := strconv.Atoi(string(l[1]))
		if err != nil || n > len(body) {
			return nil, fmt.Errorf("receipttest: a stream's /Length %s passes the end", l[1])
		}
		out = append(out, [2][]byte{dict, body[:n]})
		rest = body[n:]
	}
}

// readCMap adds a ToUnicode map's codes to glyphs.
func readCMap(data []byte, glyphs map[string]rune) error {
	add := func(code string, uni string) error {
		u, err := hex.DecodeString(uni)
		if err != nil || len(u) < 2 {
			return fmt.Errorf("receipttest: bad character %s", uni)
		}
		r := rune(u[0])<<8 | rune(u[1]) // the Basic Multilingual Plane is enough for French
		code = strings.ToUpper(code)
		if old, ok := glyphs[code]; ok && old != r {
			return fmt.Errorf("receipttest: glyph %s is both %q and %q", code, old, r)
		}
		glyphs[code] = r
		return nil
	}
	for _, m := range bfrangeRe.FindAllSubmatch(bytes.Join(bfrangeSecRe.FindAll(data, -1), nil), -1) {
		lo, _ := strconv.ParseUint(string(m[1]), 16, 16)
		hi, _ := strconv.ParseUint(string(m[2]), 16, 16)
		start, _ := strconv.ParseUint(string(m[3][:4]), 16, 16)
		for c := lo; c <= hi; c++ {
			if err := add(fmt.Sprintf("%04X", c), fmt.Sprintf("%04X", start+c-lo)); err != nil {
				return err
			}
		}
	}
	for _, sec := range bfcharSecRe.FindAllSubmatch(data, -1) {
		for _, m := range bfcharRe.FindAllSubmatch(sec[1], -1) {
			if err := add(string(m[1]), string(m[2])); err != nil {
				return err
			}
		}
	}
	return nil
}
