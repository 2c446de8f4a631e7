package citizen

import (
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"

	"github.com/gin-gonic/gin"

	"guichet/files"
	"guichet/handlers/web"
	"guichet/models"
	"guichet/workflow"
)

// demandPost is a post of the demand's form, read as a stream.
type demandPost struct {
	values   url.Values
	hasForm  bool              // the whole form was posted (not just one file input)
	fileErrs map[string]string // refused files, by field name
	added    map[string]string // what was attached, by field name
}

// maxTextPart bounds one text value of the form (the longest field is 10,000
// characters).
const maxTextPart = 64 << 10

// readDemandPost reads the form of a demand as a stream: text values are
// collected, each file is stored as it arrives (never held in memory), checked
// on its own, and attached to the demand. A refused file gets a French reason
// and takes nothing else down with it.
func (s *Handlers) readDemandPost(c *gin.Context, d *models.Demand, p *models.Procedure) (*demandPost, error) {
	post := &demandPost{values: url.Values{}, fileErrs: map[string]string{}, added: map[string]string{}}
	// The whole request may carry files up to the demand's limit, plus one
	// file over it that is read to the end so as to answer cleanly.
	c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, s.Config.MaxDemandSize+s.Config.MaxFileSize+1<<20)
	if !strings.HasPrefix(c.ContentType(), "multipart/") {
		if err := c.Request.ParseForm(); err != nil {
			return nil, err
		}
		post.values = c.Request.PostForm
		post.hasForm = post.values.Has("_formulaire")
		return post, nil
	}
	mr, err := c.Request.MultipartReader()
	if err != nil {
		return nil, err
	}
	for n, sent := 0, 0; ; n++ {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			return post, s.unreadable(err, post, p, c.Query("champ"))
		}
		name := part.FormName()
		field, isFile := strings.CutPrefix(name, "fichier:")
		if isFile {
			sent++
		}
		// No demand holds more files than that: stop before storing any more.
		if n > web.MaxParts || sent > s.Config.MaxFilesPerDemand {
			interrupt(post, p, c.Query("champ"), fmt.Sprintf("L'envoi comptait trop d'éléments et a été interrompu : une demande compte %s au plus, chaque question %s.", web.FileCount(s.Config.MaxFilesPerDemand), web.FileCount(s.Config.MaxFilesPerField)))
			return post, nil
		}
		if isFile {
			if err := s.attachPart(c, d, p, field, part, post); err != nil {
				return post, s.unreadable(err, post, p, field)
			}
			continue
		}
		b, err := io.ReadAll(io.LimitReader(part, maxTextPart+1))
		if err != nil {
			return post, s.unreadable(err, post, p, c.Query("champ"))
		}
		if len(b) > maxTextPart {
			b = b[:maxTextPart] // longer than any field allows: the field's own check says so
		}
		post.values.Add(name, string(b))
	}
	// Only a form read to its end counts as the whole form: saving one cut
	// short would erase the answers that came after the cut.
	post.hasForm = post.values.Has("_formulaire")
	return post, nil
}

// unreadable turns the request's size limit, or a part that cannot be read,
// into a French reason on the file being read; any other error is returned.
func (s *Handlers) unreadable(err error, post *demandPost, p *models.Procedure, field string) error {
	var mbe *http.MaxBytesError
	reason := web.BadPartRefusal
	switch {
	case errors.As(err, &mbe):
		reason = fmt.Sprintf("L'envoi était trop volumineux et a été interrompu. Joignez les fichiers un par un, de %s au plus chacun.", web.LimitSize(s.Config.MaxFileSize))
	case !web.BadPart(err):
		return err
	}
	interrupt(post, p, field, reason)
	return nil
}

// interrupt gives the reason a request was read only in part next to the
// file input of field, or the form's first.
func interrupt(post *demandPost, p *models.Procedure, field, reason string) {
	for _, f := range p.Form {
		if field == "" && f.Type == "file" {
			field = f.Name // the reason must sit next to a file input
		}
	}
	post.fileErrs[field] = reason
}

// attachPart stores one uploaded file and attaches it to the demand.
func (s *Handlers) attachPart(c *gin.Context, d *models.Demand, p *models.Procedure, field string, part *multipart.Part, post *demandPost) error {
	ctx := c.Request.Context()
	defer io.Copy(io.Discard, part) // read a refused file to its end, to answer cleanly
	if part.FileName() == "" {
		return nil // an input left empty
	}
	f, ok := web.ProcedureField(p, field)
	if !ok || f.Type != "file" {
		return nil
	}
	up, name, refusal, err := s.ReceiveFile(c, d.CommuneID, d.ID, field, part)
	if err != nil {
		return err
	}
	if refusal != "" {
		post.fileErrs[field] = refusal
		return nil
	}
	a := &models.Attachment{CommuneID: d.CommuneID, DemandID: d.ID, Field: field, Filename: name,
		ContentType: up.ContentType, Size: up.Size, SHA256: up.SHA256, UploadedBy: workflow.KindCitizen}
	err = s.KeepUpload(c, up, func(keep files.KeepFunc) error {
		return models.AddAttachment(ctx, s.DB, a, workflow.CitizenEditable, s.FileLimits(), keep)
	})
	if refusal, err = s.LimitReached(c, d.CommuneID, d.ID, field, name, err); refusal != "" {
		post.fileErrs[field] = refusal
		return nil
	}
	switch {
	case errors.Is(err, models.ErrNotEditable):
		post.fileErrs[field] = fmt.Sprintf("« %s » n'a pas été joint : la demande a été déposée entre-temps et ne peut plus être modifiée.", name)
	case err != nil:
		return err
	default:
		if prev := post.added[field]; prev != "" {
			post.added[field] = prev + ", « " + name + " »"
		} else {
			post.added[field] = "« " + name + " »"
		}
	}
	return nil
}
