package views

import (
	"fmt"
	"regexp"
	"strconv"
	"time"

	"guichet/forms"
)

// field is what the "field" partial renders, built by newField from its dict.
type field struct {
	Type         string
	ID           string
	Name         string
	Label        string
	Hint         string
	Error        string
	Autocomplete string
	Suggest      string // a text input: the address of its suggestions (streets.js)
	Required     bool
	ToCorrect    bool // named by a pending correction request
	Rows         int
	Options      []Option
	Value        string          // every type but checkboxes and period
	Checked      map[string]bool // checkboxes
	Start, End   string          // period
}

var fieldTypes = map[string]bool{
	"text": true, "email": true, "tel": true, "url": true, "date": true, "time": true, "number": true,
	"password": true, "file": true, "textarea": true, "select": true,
	"checkboxes": true, "radio": true, "checkbox": true, "period": true,
}

// newField reads the "field" partial's dict. Unknown keys and wrongly typed
// values are errors, so that a typo fails the page's test instead of silently
// dropping, say, the required marker.
func newField(d map[string]any) (field, error) {
	f := field{Type: "text", Rows: 5}
	var page *Page
	hasValue, hasError := false, false
	var value any
	for k, v := range d {
		var err error
		switch k {
		case "type":
			err = setString(&f.Type, v)
		case "name":
			err = setString(&f.Name, v)
		case "id":
			err = setString(&f.ID, v)
		case "label":
			err = setString(&f.Label, v)
		case "hint":
			err = setString(&f.Hint, v)
		case "autocomplete":
			err = setString(&f.Autocomplete, v)
		case "suggest":
			err = setString(&f.Suggest, v)
		case "error":
			hasError = true
			err = setString(&f.Error, v)
		case "value":
			hasValue, value = true, v
		case "required":
			b, ok := v.(bool)
			if !ok {
				err = fmt.Errorf("want a bool, got %T", v)
			}
			f.Required = b
		case "toCorrect":
			b, ok := v.(bool)
			if !ok {
				err = fmt.Errorf("want a bool, got %T", v)
			}
			f.ToCorrect = b
		case "rows":
			n, ok := v.(int)
			if !ok {
				err = fmt.Errorf("want an int, got %T", v)
			}
			f.Rows = n
		case "options":
			f.Options, err = toOptions(v)
		case "page":
			switch p := v.(type) {
			case Page:
				page = &p
			case *Page:
				page = p
			default:
				err = fmt.Errorf("want a views.Page, got %T", v)
			}
		default:
			err = fmt.Errorf("unknown key")
		}
		if err != nil {
			return f, fmt.Errorf("field %q: %q: %w", d["name"], k, err)
		}
	}
	if f.Name == "" || f.Label == "" {
		return f, fmt.Errorf("field %q: name and label are required", f.Name)
	}
	if !fieldTypes[f.Type] {
		return f, fmt.Errorf("field %q: unknown type %q", f.Name, f.Type)
	}
	if f.ID == "" {
		f.ID = f.Name
	}
	if page != nil {
		if !hasValue {
			value = page.Form[f.Name]
		}
		if !hasError {
			f.Error = page.Errors[f.ID]
		}
	}
	switch f.Type {
	case "password", "file":
		// Never sent back: a password must not travel again, a file cannot.
	case "checkboxes":
		f.Checked = map[string]bool{}
		for _, s := range toStrings(value) {
			f.Checked[s] = true
		}
	case "period":
		if m, ok := value.(map[string]any); ok {
			f.Start, f.End = toString(m["debut"]), toString(m["fin"])
		}
	default:
		f.Value = toString(value)
		if !holds(f.Type, f.Value) {
			// What was typed in error ("3 août" for a date) is shown as
			// typed, which only a text input may hold.
			f.Type = "text"
		}
	}
	return f, nil
}

// ListID is the id of the datalist of a text input's suggestions.
func (f field) ListID() string { return f.ID + "-suggestions" }

var htmlNumber = regexp.MustCompile(`^-?(\d+(\.\d+)?|\.\d+)([eE][-+]?\d+)?$`)

// holds reports whether an input of the type may carry the value, as HTML
// defines its values: a date 2006-01-02, a time 15:04, a number.
func holds(typ, v string) bool {
	if v == "" {
		return true
	}
	var err error
	switch typ {
	case "date":
		_, err = time.Parse(time.DateOnly, v)
	case "time":
		_, err = time.Parse("15:04", v)
	case "number":
		return htmlNumber.MatchString(v)
	}
	return err == nil
}

// HintID is the id of the hint paragraph, empty without a hint.
func (f field) HintID() string {
	if f.Hint == "" {
		return ""
	}
	return f.ID + "-aide"
}

// ErrorID is the id of the error message, empty without an error.
func (f field) ErrorID() string {
	if f.Error == "" {
		return ""
	}
	return f.ID + "-erreur"
}

// DescribedBy is the aria-describedby value: the hint, then the error.
func (f field) DescribedBy() string {
	switch {
	case f.Hint != "" && f.Error != "":
		return f.HintID() + " " + f.ErrorID()
	case f.Hint != "":
		return f.HintID()
	default:
		return f.ErrorID()
	}
}

// OptionID gives the i-th choice of a radio or checkboxes group its id; the
// first one gets the field's id, so the error summary's link lands on it.
func (f field) OptionID(i int) string {
	if i == 0 {
		return f.ID
	}
	return f.ID + "-" + strconv.Itoa(i+1)
}

// StartName and EndName name a period's two date inputs; EndID is the end's id
// (the start takes the field's, for the error summary's link).
func (f field) StartName() string { return forms.PeriodStart(f.Name) }
func (f field) EndName() string   { return forms.PeriodEnd(f.Name) }
func (f field) EndID() string     { return f.ID + "-fin" }

// CheckedValue is the value a single checkbox sends.
func (f field) CheckedValue() string { return forms.Checked }

// Selected reports whether the choice v is the current value.
func (f field) Selected(v string) bool {
	if f.Checked != nil {
		return f.Checked[v]
	}
	return f.Value == v
}

func setString(dst *string, v any) error {
	s, ok := v.(string)
	if !ok {
		return fmt.Errorf("want a string, got %T", v)
	}
	*dst = s
	return nil
}

func toOptions(v any) ([]Option, error) {
	switch v := v.(type) {
	case []Option:
		return v, nil
	case []string:
		opts := make([]Option, len(v))
		for i, s := range v {
			opts[i] = Option{Value: s, Label: s}
		}
		return opts, nil
	}
	return nil, fmt.Errorf("want []views.Option or []string, got %T", v)
}

// toString renders a submitted or stored value as an input's value.
func toString(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		return v
	case []string:
		if len(v) > 0 {
			return v[0]
		}
		return ""
	case time.Time:
		if v.IsZero() {
			return ""
		}
		return v.In(paris).Format(time.DateOnly) // what <input type=date> expects
	case fmt.Stringer:
		return v.String()
	}
	return fmt.Sprint(v)
}

func toStrings(v any) []string {
	switch v := v.(type) {
	case nil:
		return nil
	case []string:
		return v
	case []any:
		s := make([]string, len(v))
		for i, x := range v {
			s[i] = toString(x)
		}
		return s
	}
	return []string{toString(v)}
}
