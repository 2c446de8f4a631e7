package web

import (
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"slices"
	"strings"

	"github.com/gin-gonic/gin"

	"guichet/files"
	"guichet/models"
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

// OneFileForm is a form that adds one file to a demand (an agent's, a
// service's): the file's input, and short text fields sent before it.
type OneFileForm struct {
	File    string
	Text    []string // read up to TextMax bytes each (1 KiB if 0), trimmed
	TextMax int64
	// Ready, when set, tells from the text read before the file whether the
	// file may be received; otherwise it is read and dropped.
	Ready func(text map[string]string) bool
	// Receive, when set, receives the file instead of ReceiveFile (a
	// demand's): a conversation's files (ReceiveConversationFile).
	Receive func(part *multipart.Part) (up *files.Upload, name, refusal string, err error)
}

// ReadOneFile reads such a form as a stream, receiving its file as it
// arrives; a file refused comes back with the French reason. The upload
// received, if any, is returned with every answer: the caller discards it.
func (b *Base) ReadOneFile(c *gin.Context, communeID, demandID int64, f OneFileForm) (text map[string]string, att *models.Attachment, up *files.Upload, refusal string, err error) {
	text = map[string]string{}
	c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, b.Config.MaxFileSize+1<<20)
	mr, err := c.Request.MultipartReader()
	if err != nil {
		return text, nil, nil, "", nil // no file was sent
	}
	// unreadable turns a request cut short into a French reason.
	unreadable := func(err error) (map[string]string, *models.Attachment, *files.Upload, string, error) {
		var mbe *http.MaxBytesError
		switch {
		case errors.As(err, &mbe):
			return text, nil, up, fmt.Sprintf("Le fichier est trop volumineux : %s au plus.", LimitSize(b.Config.MaxFileSize)), nil
		case BadPart(err):
			return text, nil, up, BadPartRefusal, nil
		}
		return text, nil, up, "", err
	}
	for n := 0; ; n++ {
		part, err := mr.NextPart()
		switch {
		case err == io.EOF:
			return text, att, up, refusal, nil
		case err != nil:
			return unreadable(err)
		case n > MaxParts:
			return text, nil, up, TooManyParts, nil
		}
		switch name := part.FormName(); {
		case slices.Contains(f.Text, name):
			max := f.TextMax
			if max == 0 {
				max = 1 << 10
			}
			v, err := io.ReadAll(io.LimitReader(part, max))
			if err != nil {
				return unreadable(err)
			}
			text[name] = strings.TrimSpace(string(v))
		case name == f.File && part.FileName() != "" && att == nil && refusal == "" && (f.Ready == nil || f.Ready(text)):
			var filename string
			if f.Receive != nil {
				up, filename, refusal, err = f.Receive(part)
			} else {
				up, filename, refusal, err = b.ReceiveFile(c, communeID, demandID, "", part)
			}
			if err != nil {
				return unreadable(err)
			}
			if refusal == "" {
				att = &models.Attachment{Filename: filename, ContentType: up.ContentType, Size: up.Size, SHA256: up.SHA256}
			}
		}
		if _, err := io.Copy(io.Discard, part); err != nil {
			return unreadable(err)
		}
	}
}
