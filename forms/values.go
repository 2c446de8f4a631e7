package forms

import (
	"fmt"
	"math"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"guichet/models"
	"guichet/validate"
)

// Read turns a form post into a demand's data, field by field: the value
// normalized when it is valid, as typed when it is not (so that nothing the
// person typed is lost), and a French message for each invalid field, keyed
// by field name. Empty fields are left out, and so are the fields a
// condition hides (their value is dropped, their errors too). Required fields
// are not checked here (a draft may be incomplete): see Missing. File fields
// are not read.
func Read(fields []models.Field, form url.Values) (map[string]any, map[string]string) {
	data, errs := map[string]any{}, map[string]string{}
	for _, f := range fields {
		var v any
		var msg string
		switch f.Type {
		case "heading", "file":
			continue
		case "checkboxes":
			v, msg = readBoxes(f, form[f.Name])
		case "checkbox":
			if form.Get(f.Name) == Checked {
				v = Checked
			}
		case "period":
			v, msg = readPeriod(form.Get(PeriodStart(f.Name)), form.Get(PeriodEnd(f.Name)))
		default:
			if raw := trim(form.Get(f.Name)); raw != "" {
				v, msg = Normalize(f, raw)
			}
		}
		if v != nil {
			data[f.Name] = v
		}
		if msg != "" {
			errs[f.Name] = msg
		}
	}
	for i, shown := range Shown(fields, data) {
		if !shown {
			delete(data, fields[i].Name)
			delete(errs, fields[i].Name)
		}
	}
	return data, errs
}

func trim(s string) string { return strings.TrimSpace(strings.ReplaceAll(s, "\r\n", "\n")) }

func readBoxes(f models.Field, ticked []string) (any, string) {
	var picked []any
	for _, v := range ticked {
		if slices.Contains(f.Options, v) && !slices.Contains(picked, any(v)) {
			picked = append(picked, v)
		}
	}
	if len(picked) == 0 {
		return nil, ""
	}
	if f.Max != nil && float64(len(picked)) > *f.Max {
		return picked, fmt.Sprintf("Cochez au plus %s.", boxes(*f.Max))
	}
	return picked, ""
}

// PeriodStart and PeriodEnd name the two inputs of a period field; ":" is
// in no field's name, so they cannot take another field's.
func PeriodStart(name string) string { return name + ":debut" }
func PeriodEnd(name string) string   { return name + ":fin" }

// readPeriod reads a period: its start and end, each a date, the end not
// before the start. It is stored as {"debut": …, "fin": …}, each part as
// typed when invalid.
func readPeriod(start, end string) (any, string) {
	p := map[string]any{}
	var msgs []string
	for _, part := range []struct{ key, raw, what string }{{"debut", start, "de début"}, {"fin", end, "de fin"}} {
		raw := trim(part.raw)
		if raw == "" {
			continue
		}
		v, msg := Normalize(models.Field{Type: "date"}, raw)
		p[part.key] = v
		if msg != "" {
			msgs = append(msgs, strings.Replace(msg, "une date valide", "une date "+part.what+" valide", 1))
		}
	}
	if len(p) == 0 {
		return nil, ""
	}
	if len(msgs) == 0 {
		s, ok1 := p["debut"].(string)
		e, ok2 := p["fin"].(string)
		if ok1 && ok2 && e < s { // both YYYY-MM-DD
			msgs = append(msgs, "La date de fin doit être postérieure ou égale à la date de début.")
		}
	}
	return p, strings.Join(msgs, " ")
}

// Missing lists the required fields that are empty, with a French message
// each; files counts the attachments of each file field. A field a
// condition hides is never required.
func Missing(fields []models.Field, data map[string]any, files map[string]int) map[string]string {
	errs := map[string]string{}
	shown := Shown(fields, data)
	for i, f := range fields {
		if !shown[i] {
			continue
		}
		switch {
		case f.Type == "file":
			if f.Required && files[f.Name] == 0 {
				errs[f.Name] = fmt.Sprintf("Joignez un fichier pour « %s ».", f.Label)
			}
		case f.Type == "checkboxes":
			n := 0
			if l, ok := data[f.Name].([]any); ok {
				n = len(l)
			}
			least := 0.0
			if f.Required {
				least = 1
			}
			if f.Min != nil {
				least = max(least, *f.Min)
			}
			switch {
			case float64(n) >= least:
			case int(least) >= len(f.Options):
				errs[f.Name] = fmt.Sprintf("Cochez toutes les cases de « %s ».", f.Label)
			default:
				errs[f.Name] = fmt.Sprintf("Cochez au moins %s pour « %s ».", boxes(least), f.Label)
			}
		case !f.Required:
		case f.Type == "period":
			if p, _ := data[f.Name].(map[string]any); p["debut"] == nil || p["fin"] == nil {
				errs[f.Name] = fmt.Sprintf("Renseignez la date de début et la date de fin de « %s ».", f.Label)
			}
		case data[f.Name] == nil:
			verb := "Renseignez"
			switch f.Type {
			case "choice":
				verb = "Choisissez une réponse pour"
			case "checkbox":
				verb = "Cochez la case"
			}
			errs[f.Name] = fmt.Sprintf("%s « %s ».", verb, f.Label)
		}
	}
	return errs
}

func boxes(n float64) string {
	if n <= 1 {
		return "une case"
	}
	return fmt.Sprintf("%d cases", int(n))
}

var phoneSep = strings.NewReplacer(" ", "", ".", "", "-", "", "\u00a0", "", "(0)", "")

// French overseas country codes (DROM-COM), dialled like +33.
var overseasCodes = []string{"262", "269", "508", "590", "594", "596", "681", "687", "689"}

var digitsRe = regexp.MustCompile(`^[0-9]+$`)

// Normalize checks one non-empty value against its field's type and rules.
// It returns the value to store (normalized, or as typed when invalid) and a
// French message when it is invalid.
func Normalize(f models.Field, raw string) (any, string) {
	if !Storable(raw) {
		v, msg := Normalize(f, Clean(raw))
		if msg == "" {
			msg = Unstorable
		}
		return v, msg
	}
	maxLen := f.MaxLen
	if maxLen == 0 {
		maxLen = Types[f.Type].MaxLen
	}
	if maxLen > 0 && utf8.RuneCountInString(raw) > maxLen {
		return raw, fmt.Sprintf("« %s » est trop long : %d caractères au plus (vous en avez saisi %d).", f.Label, maxLen, utf8.RuneCountInString(raw))
	}
	switch f.Type {
	case "email":
		if !validate.IsAddress(raw) {
			return raw, validate.AddressMessage("")
		}
		return raw, ""
	case "phone":
		if p, ok := NormalizePhone(raw); ok {
			return p, ""
		}
		return raw, "Saisissez un numéro de téléphone valide, par exemple 06 12 34 56 78 ou +33 6 12 34 56 78."
	case "date":
		for _, layout := range []string{time.DateOnly, "02/01/2006", "2/1/2006"} {
			if t, err := time.Parse(layout, raw); err == nil && t.Year() >= 1900 && t.Year() <= 2200 {
				return t.Format(time.DateOnly), ""
			}
		}
		return raw, "Saisissez une date valide, par exemple 23/11/2026."
	case "number":
		n, err := strconv.ParseFloat(strings.ReplaceAll(strings.ReplaceAll(raw, " ", ""), ",", "."), 64)
		if err != nil || math.IsNaN(n) || math.IsInf(n, 0) { // ParseFloat reads "NaN" and "Inf"
			return raw, fmt.Sprintf("Saisissez un nombre pour « %s », par exemple 12 ou 12,5.", f.Label)
		}
		switch {
		case f.Min != nil && f.Max != nil && (n < *f.Min || n > *f.Max):
			return n, fmt.Sprintf("Saisissez un nombre entre %s et %s.", FormatNumber(*f.Min), FormatNumber(*f.Max))
		case f.Min != nil && n < *f.Min:
			return n, fmt.Sprintf("Saisissez un nombre supérieur ou égal à %s.", FormatNumber(*f.Min))
		case f.Max != nil && n > *f.Max:
			return n, fmt.Sprintf("Saisissez un nombre inférieur ou égal à %s.", FormatNumber(*f.Max))
		}
		return n, ""
	case "choice":
		if !slices.Contains(f.Options, raw) {
			return nil, "Choisissez une des réponses proposées."
		}
	}
	return raw, ""
}

// Unstorable is the message on a value that held text Storable refuses.
const Unstorable = "Cette réponse contenait un caractère non autorisé (caractère nul ou codage invalide), qui a été retiré : vérifiez-la."

// Storable tells whether PostgreSQL can keep s as text: valid UTF-8 without
// NUL bytes.
func Storable(s string) bool {
	return utf8.ValidString(s) && !strings.ContainsRune(s, 0)
}

// Clean is s made storable: NUL bytes dropped, invalid UTF-8 replaced by U+FFFD.
func Clean(s string) string {
	return strings.ToValidUTF8(strings.ReplaceAll(s, "\x00", ""), "\ufffd")
}

// NormalizePhone accepts French numbers as people write them (06 12 34 56 78,
// 06.12.34.56.78, +33 6 12 34 56 78, 0033 6…, +33 (0)6…, overseas +262…)
// and writes them the usual way.
func NormalizePhone(raw string) (string, bool) {
	s := phoneSep.Replace(raw)
	if strings.HasPrefix(s, "00") {
		s = "+" + s[2:]
	}
	switch {
	case strings.HasPrefix(s, "+33"):
		n := strings.TrimPrefix(s[3:], "0")
		if len(n) == 9 && digitsRe.MatchString(n) && n[0] != '0' {
			return "+33 " + n[:1] + " " + pairs(n[1:]), true
		}
	case strings.HasPrefix(s, "+"):
		for _, cc := range overseasCodes {
			if n, ok := strings.CutPrefix(s[1:], cc); ok && len(n) >= 6 && len(n) <= 9 && digitsRe.MatchString(n) {
				if len(n) == 9 { // mobile and fixed lines: 692 12 34 56
					return "+" + cc + " " + n[:3] + " " + pairs(n[3:]), true
				}
				return "+" + cc + " " + pairs(n), true
			}
		}
	case len(s) == 10 && s[0] == '0' && s[1] != '0' && digitsRe.MatchString(s):
		return pairs(s), true
	}
	return "", false
}

// pairs groups digits two by two from the end: "612345678" -> "6 12 34 56 78".
func pairs(d string) string {
	var parts []string
	for len(d) > 2 {
		parts = append([]string{d[len(d)-2:]}, parts...)
		d = d[:len(d)-2]
	}
	return strings.Join(append([]string{d}, parts...), " ")
}

// FormatNumber writes a number the French way: 12,5 — 1000.
func FormatNumber(n float64) string {
	return strings.Replace(strconv.FormatFloat(n, 'f', -1, 64), ".", ",", 1)
}

// InputValue is a stored value as a form control shows it: dates as
// YYYY-MM-DD, numbers with a dot, lists as lists.
func InputValue(v any) any {
	switch v := v.(type) {
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	case []any:
		s := make([]string, len(v))
		for i, x := range v {
			s[i] = fmt.Sprint(x)
		}
		return s
	}
	return v
}

// Display is a stored value as a person reads it: dates as 23/11/2026,
// numbers as 12,5, lists one per line.
func Display(f models.Field, v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case float64:
		return FormatNumber(v)
	case []any:
		s := make([]string, len(v))
		for i, x := range v {
			s[i] = fmt.Sprint(x)
		}
		return strings.Join(s, "\n")
	case map[string]any: // a period
		date := func(k string) string { return Display(models.Field{Type: "date"}, v[k]) }
		switch start, end := date("debut"), date("fin"); {
		case start != "" && end != "":
			return "du " + start + " au " + end
		case start != "":
			return "à partir du " + start
		default:
			return "jusqu'au " + end
		}
	case string:
		if f.Type == "checkbox" && v == Checked {
			return "Oui"
		}
		if f.Type == "date" {
			if t, err := time.Parse(time.DateOnly, v); err == nil {
				return t.Format("02/01/2006")
			}
		}
		return v
	}
	return fmt.Sprint(v)
}
