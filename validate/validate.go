// Package validate checks input structs, the one way every form (and,
// later, the API) is checked: go-playground/validator rules in a
// `validate` tag, French messages next to the field named by the `form`
// tag. A field's `label` names it inside a sentence ("l'adresse e-mail du
// service"), `example` gives an example value, `hint` says why it is asked.
package validate

import (
	"net/mail"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/go-playground/locales/fr"
	ut "github.com/go-playground/universal-translator"
	"github.com/go-playground/validator/v10"
	frtrans "github.com/go-playground/validator/v10/translations/fr"
)

var (
	v     = validator.New(validator.WithRequiredStructEnabled())
	trans ut.Translator
)

func init() {
	loc := fr.New()
	trans, _ = ut.New(loc, loc).GetTranslator("fr")
	// The label names the field in validator's own French messages, the
	// fallback for rules Guichet words no better.
	v.RegisterTagNameFunc(func(f reflect.StructField) string { return f.Tag.Get("label") })
	if err := frtrans.RegisterDefaultTranslations(v, trans); err != nil {
		panic(err)
	}
	if err := v.RegisterValidation("address", func(fl validator.FieldLevel) bool { return IsAddress(fl.Field().String()) }); err != nil {
		panic(err)
	}
	if err := v.RegisterValidation("slug", func(fl validator.FieldLevel) bool { return IsSlug(fl.Field().String()) }); err != nil {
		panic(err)
	}
}

// Struct checks v (a struct or a pointer to one) against its `validate`
// tags: nil when it is valid, else a French message per field at fault,
// keyed by its `form` tag.
func Struct(in any) map[string]string {
	err := v.Struct(in)
	if err == nil {
		return nil
	}
	verrs, ok := err.(validator.ValidationErrors)
	if !ok {
		panic(err) // not a struct: a programming error
	}
	t := reflect.Indirect(reflect.ValueOf(in)).Type()
	errs := map[string]string{}
	for _, fe := range verrs {
		f, _ := t.FieldByName(fe.StructField())
		key := f.Tag.Get("form")
		if key == "" {
			key = fe.StructField()
		}
		if _, seen := errs[key]; !seen {
			errs[key] = message(f, fe)
		}
	}
	return errs
}

// Value checks one value against rules (a `validate` tag), for a form whose
// fields are not known until it runs (one per registered kind, say): ""
// when it passes, else the French message Struct would give a field named
// label.
func Value(value any, rules, label string) string {
	err := v.Var(value, rules)
	if err == nil {
		return ""
	}
	verrs, ok := err.(validator.ValidationErrors)
	if !ok {
		panic(err) // bad rules: a programming error
	}
	return message(reflect.StructField{Tag: reflect.StructTag("label:" + strconv.Quote(label))}, verrs[0])
}

// message words a failed rule as Guichet's forms do; other rules get
// validator's French translation.
func message(f reflect.StructField, fe validator.FieldError) string {
	label, example, hint := f.Tag.Get("label"), f.Tag.Get("example"), f.Tag.Get("hint")
	switch fe.Tag() {
	case "required":
		msg := "Indiquez " + label
		if example != "" {
			msg += ", par exemple " + example
		}
		if hint != "" {
			msg += " : " + hint
		}
		return msg + "."
	case "oneof":
		return "Choisissez " + label + "."
	case "max":
		if s, ok := fe.Value().(string); ok {
			return "Raccourcissez " + label + " : " + fe.Param() + " caractères au plus (vous en avez saisi " + strconv.Itoa(utf8.RuneCountInString(s)) + ")."
		}
	case "address":
		return AddressMessage(example)
	case "slug":
		return "Écrivez " + label + " en minuscules sans accents, chiffres et tirets, par exemple " + example + "."
	case "datetime":
		return "Indiquez " + label + " dans le format attendu, par exemple " + example + "."
	}
	msg := []rune(fe.Translate(trans))
	return string(unicode.ToUpper(msg[0])) + string(msg[1:]) + "."
}

var slugRe = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// IsSlug tells whether s may name a commune or a procedure in an address:
// lower-case letters without accents, digits, and single dashes between them.
func IsSlug(s string) bool { return slugRe.MatchString(s) }

// IsAddress tells whether s is an e-mail address Guichet writes to: a bare
// address (no display name, no comment, nothing around it) whose domain has
// a dot, since a mail to a local name never reaches a citizen or a mairie.
func IsAddress(s string) bool {
	a, err := mail.ParseAddress(s)
	return err == nil && a.Address == s && strings.Contains(s[strings.LastIndex(s, "@")+1:], ".")
}

// AddressMessage is the refusal of an address that is not one, with an
// example (nom@exemple.fr when none is given).
func AddressMessage(example string) string {
	if example == "" {
		example = "nom@exemple.fr"
	}
	return "Saisissez une adresse e-mail valide, par exemple " + example + "."
}
