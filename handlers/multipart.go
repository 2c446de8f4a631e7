package handlers

import (
	"errors"
	"net/textproto"
)

// maxParts bounds the number of values of a form.
const maxParts = 1000

// tooManyParts refuses a form of more than maxParts values: no form of ours has so many.
const tooManyParts = "L'envoi comptait trop d'éléments et a été interrompu : rien n'a été joint."

// badPart tells whether a multipart form was cut short by a part header Go
// refuses: a file name holding a NUL byte or a line break.
func badPart(err error) bool {
	var pe textproto.ProtocolError
	return errors.As(err, &pe)
}

const badPartRefusal = "L'envoi a été interrompu : le nom d'un fichier contient un caractère non autorisé. Renommez le fichier, puis joignez-le à nouveau."
