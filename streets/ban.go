package streets

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode/utf8"

	"guichet/models"
)

// Limits of one commune's file: Paris has some 6,500 street names, and its
// BAN file is under 100 MB.
const (
	MaxFileSize = 200_000_000
	MaxStreets  = 50_000
	maxName     = 200
)

// FormatError is a file that is not a BAN export of one commune, in French,
// with the line at fault when there is one.
type FormatError struct {
	Line int // 0: the file as a whole
	Msg  string
}

func (e *FormatError) Error() string {
	if e.Line == 0 {
		return e.Msg
	}
	return fmt.Sprintf("ligne %d : %s", e.Line, e.Msg)
}

// Read reads a Base Adresse Nationale CSV export of one commune (an
// "adresses-XXXXX.csv" of adresse.data.gouv.fr: semicolon-separated, UTF-8,
// a header naming the columns; gzip-compressed or not) as a stream, and
// returns its street names, one per name (accents and case aside), with
// their postcodes, in the file's order. A row's street is its nom_voie, or
// its nom_ld (a lieu-dit) when nom_voie is empty. progress, if set, is
// called every 10,000 lines with the count read.
func Read(r io.Reader, progress func(lines int)) ([]models.Street, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	if magic, _ := br.Peek(2); bytes.Equal(magic, []byte{0x1f, 0x8b}) {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, &FormatError{Msg: "le fichier compressé (gzip) est illisible."}
		}
		defer zr.Close()
		br = bufio.NewReaderSize(zr, 64<<10)
	}
	if bom, _ := br.Peek(3); bytes.Equal(bom, []byte("\xef\xbb\xbf")) {
		br.Discard(3)
	}
	cr := csv.NewReader(br)
	cr.Comma = ';'
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err == io.EOF {
		return nil, &FormatError{Msg: "le fichier est vide."}
	}
	if err != nil {
		return nil, readError(err)
	}
	col := map[string]int{}
	for i, h := range header {
		col[strings.TrimSpace(h)] = i
	}
	for _, need := range []string{"nom_voie", "code_postal", "code_insee"} {
		if _, ok := col[need]; !ok {
			return nil, &FormatError{Line: 1, Msg: fmt.Sprintf("l'en-tête n'a pas de colonne « %s » : le fichier doit être l'export CSV d'une commune de la Base Adresse Nationale (adresses-XXXXX.csv, colonnes séparées par des points-virgules).", need)}
		}
	}
	ld, hasLD := col["nom_ld"]
	var out []models.Street
	index := map[string]int{} // folded name → its place in out
	insee := ""
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		line, _ := cr.FieldPos(0)
		if err != nil {
			return nil, readError(err)
		}
		if progress != nil && line%10_000 == 0 {
			progress(line)
		}
		for _, f := range rec {
			if !utf8.ValidString(f) || strings.ContainsRune(f, 0) {
				return nil, &FormatError{Line: line, Msg: "le texte n'est pas en UTF-8 (le fichier a-t-il été réenregistré dans un autre codage ?)."}
			}
		}
		name := strings.Join(strings.Fields(rec[col["nom_voie"]]), " ")
		if name == "" && hasLD {
			name = strings.Join(strings.Fields(rec[ld]), " ")
		}
		code, postcode := strings.TrimSpace(rec[col["code_insee"]]), strings.TrimSpace(rec[col["code_postal"]])
		switch {
		case insee == "":
			insee = code
		case code != insee:
			return nil, &FormatError{Line: line, Msg: fmt.Sprintf("le fichier contient plusieurs communes (codes INSEE %s et %s) : importez le fichier d'une seule commune (adresses-%s.csv).", insee, code, insee)}
		}
		if postcode != "" && !isPostcode(postcode) {
			return nil, &FormatError{Line: line, Msg: fmt.Sprintf("le code postal « %s » n'est pas un code à 5 chiffres.", postcode)}
		}
		if name == "" {
			continue // an address without a street or lieu-dit name suggests nothing
		}
		if utf8.RuneCountInString(name) > maxName {
			return nil, &FormatError{Line: line, Msg: fmt.Sprintf("le nom de voie dépasse %d caractères.", maxName)}
		}
		folded := Fold(name)
		if folded == "" {
			continue
		}
		i, seen := index[folded]
		if !seen {
			if len(out) == MaxStreets {
				return nil, &FormatError{Line: line, Msg: fmt.Sprintf("plus de %d voies : est-ce bien le fichier d'une seule commune ?", MaxStreets)}
			}
			i = len(out)
			index[folded] = i
			out = append(out, models.Street{Name: name, Folded: folded, Postcodes: []string{}})
		}
		if postcode != "" && !slices.Contains(out[i].Postcodes, postcode) {
			out[i].Postcodes = append(out[i].Postcodes, postcode)
			slices.Sort(out[i].Postcodes)
		}
	}
	if len(out) == 0 {
		return nil, &FormatError{Msg: "le fichier ne contient aucun nom de voie."}
	}
	return out, nil
}

func isPostcode(s string) bool {
	if len(s) != 5 {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// readError words what encoding/csv refused.
func readError(err error) error {
	var pe *csv.ParseError
	if !errors.As(err, &pe) {
		return err // the request cut short, the file unreadable: the caller's to word
	}
	msg := "la ligne est mal formée."
	switch {
	case errors.Is(pe.Err, csv.ErrFieldCount):
		msg = "la ligne n'a pas autant de colonnes que l'en-tête (les colonnes sont séparées par des points-virgules)."
	case errors.Is(pe.Err, csv.ErrQuote), errors.Is(pe.Err, csv.ErrBareQuote):
		msg = "un guillemet est mal placé."
	}
	return &FormatError{Line: pe.Line, Msg: msg}
}
