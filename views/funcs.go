package views

import (
	"errors"
	"fmt"
	"guichet/forms"
	"guichet/routing"
	"guichet/wcag"
	"guichet/workflow"
	"html/template"
	"math"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // Europe/Paris must load even without system zoneinfo
)

var paris = mustLoadLocation("Europe/Paris")

func mustLoadLocation(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err) // cannot happen: tzdata is embedded
	}
	return loc
}

func funcs() template.FuncMap {
	return template.FuncMap{
		"add":        func(a, b int) int { return a + b },
		"asset":      assetURL,
		"accent":     accentStyle,
		"bytes":      humanSize,
		"demandName": forms.DemandName,
		"dict":       dict,
		"field":      newField,
		"formatDate": timeFormatter("02/01/2006 à 15:04"),
		"formatDay":  timeFormatter("02/01/2006"),
		// formatStamp: a date and time in a list's narrow column.
		"formatStamp": timeFormatter("02/01/2006 15:04"),
		"options":     pairOptions,
		"pager":       newPager,
		"priority":    routing.PriorityLabel,
		"stateLabel":  StateLabel,
		"tel":         telNumber,
	}
}

// StateLabel returns the French label of a demand state: the workflow's own
// labels, so that pages and e-mails say the same thing.
func StateLabel(state string) string { return workflow.StateLabel(state) }

// dict builds a map from key/value pairs, to pass several values to a partial.
func dict(pairs ...any) (map[string]any, error) {
	if len(pairs)%2 != 0 {
		return nil, errors.New("dict: odd number of arguments")
	}
	m := make(map[string]any, len(pairs)/2)
	for i := 0; i < len(pairs); i += 2 {
		k, ok := pairs[i].(string)
		if !ok {
			return nil, fmt.Errorf("dict: key %v is not a string", pairs[i])
		}
		m[k] = pairs[i+1]
	}
	return m, nil
}

// timeFormatter formats a time.Time or *time.Time in Europe/Paris; a zero or
// nil time gives "".
func timeFormatter(layout string) func(any) (string, error) {
	return func(v any) (string, error) {
		var t time.Time
		switch v := v.(type) {
		case time.Time:
			t = v
		case *time.Time:
			if v != nil {
				t = *v
			}
		default:
			return "", fmt.Errorf("cannot format %T as a date", v)
		}
		if t.IsZero() {
			return "", nil
		}
		return t.In(paris).Format(layout), nil
	}
}

// humanSize formats a size in bytes the French way: "1,2 Mo", with a
// non-breaking space so the unit never wraps away from its number.
func humanSize(v any) (string, error) {
	var n float64
	switch v := v.(type) {
	case int:
		n = float64(v)
	case int64:
		n = float64(v)
	default:
		return "", fmt.Errorf("cannot format %T as a size", v)
	}
	if math.Abs(n) < 1024 {
		return fmt.Sprintf("%d\u00a0o", int64(n)), nil
	}
	units := []string{"Ko", "Mo", "Go", "To"}
	i := 0
	for n /= 1024; math.Abs(n) >= 1024 && i < len(units)-1; i++ {
		n /= 1024
	}
	s := strings.TrimSuffix(strconv.FormatFloat(n, 'f', 1, 64), ".0")
	return strings.Replace(s, ".", ",", 1) + "\u00a0" + units[i], nil
}

// telNumber keeps the characters a tel: URL needs ("01 23 45 67 89" -> "0123456789").
func telNumber(phone string) string {
	return strings.Map(func(r rune) rune {
		if r == '+' || (r >= '0' && r <= '9') {
			return r
		}
		return -1
	}, phone)
}

// accentStyle turns a commune's accent colour into CSS custom properties:
// --accent, and --on-accent (black or white, whichever reads better on it).
// Anything but #rrggbb gives nothing, so the stylesheet's default applies.
func accentStyle(color string) template.CSS {
	c, ok := wcag.ParseHex(color)
	if !ok {
		return ""
	}
	on := "#ffffff"
	if wcag.Contrast(c, wcag.Black) > wcag.Contrast(c, wcag.White) {
		on = "#000000"
	}
	return template.CSS("--accent: " + strings.ToLower(color) + "; --on-accent: " + on)
}

// pairOptions makes options of value, label pairs, for a template's fixed choices.
func pairOptions(pairs ...string) ([]Option, error) {
	if len(pairs)%2 != 0 {
		return nil, fmt.Errorf("options: odd number of arguments")
	}
	out := make([]Option, 0, len(pairs)/2)
	for i := 0; i < len(pairs); i += 2 {
		out = append(out, Option{Value: pairs[i], Label: pairs[i+1]})
	}
	return out, nil
}
