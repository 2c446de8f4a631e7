// Package apperr is the error type every layer returns to a person: a code the
// handlers map to an HTTP status, and a French message safe to show.
package apperr

import (
	"errors"
	"fmt"
)

// Code classifies an error.
type Code string

const (
	Invalid   Code = "invalid"
	Conflict  Code = "conflict"
	Forbidden Code = "forbidden"
	NotFound  Code = "not_found"
	TooMany   Code = "too_many" // a limit on how often something may be done
	Internal  Code = "internal"
)

// Error is an error with a code and a French message for the person acting.
// Fields names the form fields at fault, with a message for each.
type Error struct {
	Code    Code
	Message string
	Fields  map[string]string
	Err     error // the cause, logged, never shown
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %s: %v", e.Code, e.Message, e.Err)
	}
	return fmt.Sprintf("%s: %s", e.Code, e.Message)
}

func (e *Error) Unwrap() error { return e.Err }

// New makes an error with a code and a French message.
func New(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Field makes an invalid-input error on one form field.
func Field(field, message string) *Error {
	return &Error{Code: Invalid, Message: message, Fields: map[string]string{field: message}}
}

// Fields makes an invalid-input error on several form fields, as
// validate.Struct reports them.
func Fields(fields map[string]string) *Error {
	return &Error{Code: Invalid, Message: "Certains champs sont à corriger : voyez le message à côté de chacun.", Fields: fields}
}

// Wrap makes an internal error around a cause; the person sees a generic message.
func Wrap(err error) *Error {
	return &Error{Code: Internal, Message: "Une erreur technique est survenue. Veuillez réessayer dans un instant.", Err: err}
}

// CodeOf returns the code of err, Internal for an error of another type, "" for nil.
func CodeOf(err error) Code {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return Internal
}

// As returns err as an *Error, wrapping any other error as internal.
func As(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return Wrap(err)
}

// StaleMessage is what a person sees when the demand changed after they
// opened it: by someone else, or by themselves in another tab.
const StaleMessage = "Ce dossier a été modifié entre-temps (peut-être dans un autre onglet ou par une autre personne). Voici sa version actuelle : vérifiez-la avant d'agir à nouveau."
