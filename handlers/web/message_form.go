package web

import (
	"mime/multipart"

	"github.com/gin-gonic/gin"

	"guichet/conversation"
	"guichet/files"
	"guichet/forms"
	"guichet/models"
	"guichet/views"
)

// MessageForm is a conversation's message form as read: its text fields,
// and at most one file, received as it arrived (one upload per file).
type MessageForm struct {
	Text    map[string]string
	File    *models.ConversationFile // nil: none sent, or refused
	Refusal string                   // why the file was refused, in French
	upload  *files.Upload
}

// Typed is what the person typed, as a page's Form shows it back.
func (f *MessageForm) Typed() map[string]any {
	typed := make(map[string]any, len(f.Text))
	for k, v := range f.Text {
		typed[k] = v
	}
	return typed
}

// ReadMessageForm reads a message form for a conversation (0: one being
// opened): fields, up to four times a message's length each, then the file
// "fichier", received only when ready says the text will be accepted (nil:
// always), so that no file is kept for a form sent back.
func (b *Base) ReadMessageForm(c *gin.Context, communeID, conversationID int64, fields []string, ready func(map[string]string) bool) (*MessageForm, error) {
	// Text PostgreSQL cannot keep (a NUL byte, invalid UTF-8) comes back
	// cleaned, with a refusal, and no file is received with it.
	storable := func(t map[string]string) bool {
		for _, v := range t {
			if !forms.Storable(v) {
				return false
			}
		}
		return true
	}
	checked := func(t map[string]string) bool { return storable(t) && (ready == nil || ready(t)) }
	text, att, up, refusal, err := b.ReadOneFile(c, communeID, 0, OneFileForm{File: "fichier", Text: fields, TextMax: 4 * conversation.MaxBody, Ready: checked,
		Receive: func(part *multipart.Part) (*files.Upload, string, string, error) {
			return b.ReceiveConversationFile(c, communeID, conversationID, part)
		}})
	if !storable(text) {
		for k, v := range text {
			text[k] = forms.Clean(v)
		}
		refusal = "Le texte envoyé contenait un caractère non autorisé (caractère nul ou codage invalide) : il a été retiré. Relisez le message, puis envoyez-le de nouveau."
	}
	mf := &MessageForm{Text: text, Refusal: refusal, upload: up}
	if att != nil {
		mf.File = &models.ConversationFile{Filename: att.Filename, ContentType: att.ContentType, Size: att.Size, SHA256: att.SHA256}
	}
	if err != nil {
		mf.Discard()
	}
	return mf, err
}

// Discard drops the received file unless kept.
func (mf *MessageForm) Discard() {
	if mf.upload != nil {
		mf.upload.Discard()
	}
}

// Keep runs do with the form's file (none if it has none), which reaches
// the store only with the row that do's transaction records.
func (b *Base) Keep(c *gin.Context, mf *MessageForm, do func([]conversation.Upload) error) error {
	if mf.File == nil {
		mf.Discard()
		return do(nil)
	}
	return b.KeepUpload(c, mf.upload, func(keep files.KeepFunc) error {
		return do([]conversation.Upload{{File: *mf.File, Keep: keep}})
	})
}

// SendConversationFile sends a message's file with the type sniffed at upload.
func (s *Base) SendConversationFile(c *gin.Context, f *models.ConversationFile) {
	h, err := s.Files.Open(c.Request.Context(), f.SHA256)
	if err != nil {
		s.Fail(c, err)
		return
	}
	defer h.Close()
	serveFile(c, &models.Attachment{Filename: f.Filename, ContentType: f.ContentType, CreatedAt: f.CreatedAt}, h)
}

// MessageErrors places a refusal's messages (by input name) on the form's
// controls (ids by name), and tells that a file sent with a refused
// message was not kept.
func MessageErrors(fields map[string]string, ids map[string]string, fileID string, mf *MessageForm) views.FormErrors {
	out := views.FormErrors{}
	for name, msg := range fields {
		if id, ok := ids[name]; ok {
			out[id] = msg
		} else {
			out[name] = msg
		}
	}
	if mf.File != nil {
		out[fileID] = "« " + mf.File.Filename + " » n'a pas été gardé, le message n'étant pas envoyé : joignez-le de nouveau."
	}
	return out
}
