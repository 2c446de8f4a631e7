package web

import (
	"context"
	"errors"
	"fmt"
	"mime/multipart"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/uptrace/bun"

	"guichet/files"
	"guichet/models"
)

// FileLimits are the configured limits on a demand's files.
func (s *Base) FileLimits() models.FileLimits {
	return models.FileLimits{Size: s.Config.MaxDemandSize, Files: s.Config.MaxFilesPerDemand, FilesPerField: s.Config.MaxFilesPerField}
}

// ReceiveFile receives the file of part for field of a demand ("" for the
// accueil's and services' own files); KeepUpload records it. A file refused
// (one file too many, too large for a file or for the room left, of a type
// not accepted) comes back with the French reason, and nothing of it is
// kept: past a count limit, it is not even received. An accepted file comes
// with the name to keep it under, which has its type's extension.
func (s *Base) ReceiveFile(c *gin.Context, communeID, demandID int64, field string, part *multipart.Part) (up *files.Upload, name, refusal string, err error) {
	ctx := c.Request.Context()
	name = files.Name(part.FileName(), files.Kind{}) // as sent, for a refusal
	usage, err := models.AttachedUsage(ctx, s.DB, communeID, demandID, field)
	if err != nil {
		return nil, name, "", err
	}
	return s.receive(part, name, usage, field)
}

// ReceiveConversationFile receives the file of part for a message of a
// conversation (0: one being opened), within the limits of a demand's files
// counted over the conversation's; as ReceiveFile, a refusal comes back in
// French and nothing of the file is kept.
func (s *Base) ReceiveConversationFile(c *gin.Context, communeID, conversationID int64, part *multipart.Part) (up *files.Upload, name, refusal string, err error) {
	name = files.Name(part.FileName(), files.Kind{})
	var usage models.FileUsage
	if conversationID != 0 {
		if usage, err = models.ConversationUsage(c.Request.Context(), s.DB, communeID, conversationID); err != nil {
			return nil, name, "", err
		}
	}
	return s.receive(part, name, usage, "")
}

// receive checks the room usage leaves, then streams the file in, sniffing
// its type and bounding its size.
func (s *Base) receive(part *multipart.Part, name string, usage models.FileUsage, field string) (up *files.Upload, _, refusal string, err error) {
	if err := s.FileLimits().Admit(usage, field, 0); err != nil {
		return nil, name, s.limitRefusal(name, err, usage), nil
	}
	limit := min(s.Config.MaxFileSize, s.Config.MaxDemandSize-usage.Size)
	up, err = s.Files.Receive(part, limit)
	var refused *files.RefusedError
	switch {
	case errors.Is(err, files.ErrTooLarge) && limit < s.Config.MaxFileSize:
		return nil, name, demandFull(name, s.Config.MaxDemandSize, usage.Size), nil
	case errors.Is(err, files.ErrTooLarge):
		return nil, name, fmt.Sprintf("« %s » est trop volumineux : %s au plus par fichier. Réduisez-le (photo moins grande, PDF compressé) ou découpez-le.", name, LimitSize(s.Config.MaxFileSize)), nil
	case errors.As(err, &refused):
		return nil, name, fmt.Sprintf("« %s » n'a pas été joint. %s", name, refused.Reason()), nil
	case err != nil:
		return up, name, "", err
	}
	kind, _ := files.KindOf(up.ContentType)
	return up, files.Name(part.FileName(), kind), "", nil
}

// LimitReached words a limit that recording a file met (another upload
// took the room meanwhile); any other error is returned as it is.
func (s *Base) LimitReached(c *gin.Context, communeID, demandID int64, field, name string, err error) (string, error) {
	ctx := c.Request.Context()
	if !models.IsLimit(err) {
		return "", err
	}
	usage, err2 := models.AttachedUsage(ctx, s.DB, communeID, demandID, field)
	if err2 != nil {
		return "", err2
	}
	return s.limitRefusal(name, err, usage), nil
}

// limitRefusal explains, in French, which of the demand's limits refused name.
func (s *Base) limitRefusal(name string, err error, usage models.FileUsage) string {
	switch {
	case errors.Is(err, models.ErrTooManyFiles):
		return fmt.Sprintf("« %s » n'a pas été joint : une demande compte %s au plus. Regroupez plusieurs pages dans un même PDF.", name, FileCount(s.Config.MaxFilesPerDemand))
	case errors.Is(err, models.ErrFieldFull):
		return fmt.Sprintf("« %s » n'a pas été joint : %s au plus pour cette question. Regroupez plusieurs pages dans un même PDF, ou retirez un fichier.", name, FileCount(s.Config.MaxFilesPerField))
	}
	return demandFull(name, s.Config.MaxDemandSize, usage.Size)
}

// FileCount writes a number of files: "1 fichier", "10 fichiers".
func FileCount(n int) string {
	if n < 2 {
		return fmt.Sprintf("%d fichier", n)
	}
	return fmt.Sprintf("%d fichiers", n)
}

// KeepUpload records an upload with record, which calls keep in its
// transaction once the row is written (models.InsertAttachment). The file
// reaches the store only with a row that refers to it: whatever refuses it
// (the demand's size limit, its state, a failed transaction), no file is
// left that no row refers to.
func (s *Base) KeepUpload(c *gin.Context, up *files.Upload, record func(keep files.KeepFunc) error) error {
	defer up.Discard()
	kept := false
	err := record(func(ctx context.Context, tx bun.IDB) error {
		kept = true
		return up.Keep(ctx, tx)
	})
	if err != nil && kept {
		// Kept, then rolled back: the row is gone, the file may not be.
		s.RemoveUnusedFile(c, up.SHA256)
	}
	return err
}

// RemoveUnusedFile deletes a stored content unless a row refers to it.
func (s *Base) RemoveUnusedFile(c *gin.Context, sha string) {
	ctx := context.WithoutCancel(c.Request.Context()) // even if the person left
	err := models.RemoveUnusedFile(ctx, s.DB, sha, func(ctx context.Context, tx bun.IDB) error { return s.Files.Remove(ctx, tx, sha) })
	if err != nil {
		s.Log.Error("remove unused upload", "err", err)
	}
}

func demandFull(name string, max, used int64) string {
	return fmt.Sprintf("« %s » n'a pas été joint : les fichiers d'une demande ne peuvent dépasser %s au total, et il reste %s. Retirez un fichier ou réduisez celui-ci.", name, LimitSize(max), LimitSize(max-used))
}

// LimitSize writes a configured limit as it was set, in decimal units:
// 20000000 is "20 Mo", as the setting's documentation says.
func LimitSize(n int64) string {
	unit, div := "o", 1.0
	switch {
	case n >= 1_000_000:
		unit, div = "Mo", 1e6
	case n >= 1_000:
		unit, div = "Ko", 1e3
	}
	return strings.Replace(strconv.FormatFloat(float64(n)/div, 'f', -1, 64), ".", ",", 1) + "\u00a0" + unit
}
