package web

import (
	"errors"
	"net/textproto"
)

// MaxParts bounds the number of values of a form.
const MaxParts = 1000

// TooManyParts refuses a form of more than MaxParts values: no form of ours has so many.
const TooManyParts = "L'envoi comptait trop d'éléments et a été interrompu : rien n'a été joint."

// BadPart tells whether a multipart form was cut short by a part header Go
// refuses: a file name holding a NUL byte or a line break.
func BadPart(err error) bool {
	var pe textproto.ProtocolError
	return errors.As(err, &pe)
}

const BadPartRefusal = "L'envoi a été interrompu : le nom d'un fichier contient un caractère non autorisé. Renommez le fichier, puis joignez-le à nouveau."
