package handlers

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"guichet/files"
	"guichet/forms"
	"guichet/links"
	"guichet/models"
	"guichet/views"
	"guichet/workflow"
)

// What the citizen's middlewares put in the context.
const (
	keyDemand    = "demand"
	keyProcedure = "procedure"
	keyBase      = "demand_base"
)

// loadCommune finds the commune of the /c/:commune/ prefix.
func (s *Server) loadCommune(c *gin.Context) {
	cm, err := models.CommuneBySlug(c, s.DB, c.Param("commune"))
	if errors.Is(err, models.ErrNotFound) {
		s.renderError(c, http.StatusNotFound, "Commune introuvable", "Aucune commune n'est servie à cette adresse. Vérifiez l'adresse, ou revenez à l'accueil.")
		return
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	c.Set(keyCommune, cm)
}

// loadFollow checks the follow link of /suivi/:token and loads its demand.
// A link of another commune is as invalid as a forged one: it shows nothing.
func (s *Server) loadFollow(c *gin.Context) {
	cm := commune(c)
	cl, err := s.Links.Verify(links.Follow, c.Param("token"))
	if err == nil && cl.CommuneID != cm.ID {
		err = links.ErrInvalid
	}
	if err != nil {
		s.linkProblem(c, err)
		return
	}
	d, err := models.DemandByID(c, s.DB, cm.ID, cl.DemandID)
	if errors.Is(err, models.ErrNotFound) {
		s.linkProblem(c, links.ErrInvalid)
		return
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	p, err := models.ProcedureByID(c, s.DB, cm.ID, d.ProcedureID)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.Set(keyDemand, d)
	c.Set(keyProcedure, p)
	c.Set(keyBase, followPath(cm, c.Param("token")))
}

func followPath(cm *models.Commune, token string) string {
	return "/c/" + cm.Slug + "/suivi/" + token
}

// followed is what loadFollow found: the demand, its procedure and the
// path of its page (the base of every action URL).
func followed(c *gin.Context) (*models.Demand, *models.Procedure, string) {
	return c.MustGet(keyDemand).(*models.Demand), c.MustGet(keyProcedure).(*models.Procedure), c.GetString(keyBase)
}

// linkProblem shows the page of an expired link (offering a fresh one) or of
// an invalid one (offering to send one from the tracking code).
func (s *Server) linkProblem(c *gin.Context, err error) {
	p := s.page(c, "Lien non valable")
	data := views.LinkProblem{Expired: errors.Is(err, links.ErrExpired)}
	status := http.StatusForbidden
	if data.Expired {
		p.Title = "Lien expiré"
		data.RenewURL = followPath(commune(c), c.Param("token")) + "/nouveau-lien"
		status = http.StatusGone
	}
	p.Data = data
	s.render(c, status, "citizen/link", p)
}

// editable are the states in which the citizen may change the demand.
var editable = []string{workflow.Draft, workflow.CorrectionRequested}

func isEditable(d *models.Demand) bool { return slices.Contains(editable, d.State) }

// fieldID is the id of a procedure field's control. The prefix keeps a
// field named, say, "contenu" from taking the id of the page's main.
func fieldID(name string) string { return "champ-" + name }

// byID turns errors by field name into errors by control id.
func byID(errs map[string]string) views.FormErrors {
	out := views.FormErrors{}
	for name, msg := range errs {
		out[fieldID(name)] = msg
	}
	return out
}

func procedureField(p *models.Procedure, name string) (models.Field, bool) {
	for _, f := range p.Form {
		if f.Name == name {
			return f, true
		}
	}
	return models.Field{}, false
}

// inputTypes maps a procedure field's type to the field partial's.
var inputTypes = map[string]string{
	"text": "text", "textarea": "textarea", "email": "email", "phone": "tel", "date": "date",
	"number": "number", "choice": "select", "checkboxes": "checkboxes", "address": "textarea", "file": "file",
}

var autocompletes = map[string]string{"email": "email", "phone": "tel", "address": "street-address"}

// formState is what a demand's page shows instead of the stored data after a
// post: what was typed, the errors, and the outcome of file actions.
type formState struct {
	values     map[string]any    // nil: the stored data
	errs       map[string]string // by field name
	fileStatus map[string]string // by field name
}

// formField builds one question of the demand's form.
func (s *Server) formField(base string, d *models.Demand, f models.Field, atts []models.Attachment, st formState) views.FormField {
	values := st.values
	if values == nil {
		values = d.Data
	}
	ff := views.FormField{
		Name: f.Name, ID: fieldID(f.Name), Label: f.Label, Type: inputTypes[f.Type], Help: f.Help,
		Required: f.Required || (f.Type == "checkboxes" && f.Min != nil && *f.Min > 0),
		Options:  f.Options, Autocomplete: autocompletes[f.Type], Rows: 5,
		Value: forms.InputValue(values[f.Name]), Error: st.errs[f.Name],
		ToCorrect: d.State == workflow.CorrectionRequested && slices.Contains(d.CorrectionFields, f.Name),
	}
	if f.Type == "address" {
		ff.Rows = 3
	}
	if f.Type == "file" {
		ff.Value = nil
		ff.Files = fileItems(base, atts, f.Name, isEditable(d))
		ff.Status = st.fileStatus[f.Name]
		ff.MaxSize = s.Config.MaxFileSize
		ff.MaxSizeText = limitSize(s.Config.MaxFileSize)
		ff.MaxFiles = fileCount(s.Config.MaxFilesPerField)
		ff.Accepted = files.AcceptedLabels()
		ff.Extensions = files.Extensions
		if isEditable(d) {
			ff.UploadURL = base + "/pieces"
		}
	}
	return ff
}

// demandForm builds the form of a draft or of a correction.
func (s *Server) demandForm(base string, d *models.Demand, p *models.Procedure, atts []models.Attachment, st formState) *views.DemandForm {
	form := &views.DemandForm{Action: base, Version: d.Version, Correction: d.State == workflow.CorrectionRequested}
	for _, f := range p.Form {
		form.Fields = append(form.Fields, s.formField(base, d, f, atts, st))
	}
	return form
}

func fileItems(base string, atts []models.Attachment, field string, removable bool) []views.FileItem {
	var out []views.FileItem
	for _, a := range atts {
		if a.Field != field {
			continue
		}
		k, _ := files.KindOf(a.ContentType)
		it := views.FileItem{ID: a.ID, Name: a.Filename, Size: a.Size, Type: k.Label, URL: fmt.Sprintf("%s/pieces/%d", base, a.ID)}
		if k.Inline {
			it.Preview = it.URL + "?apercu=1"
		}
		if removable {
			it.RemoveURL = it.URL + "/supprimer"
		}
		out = append(out, it)
	}
	return out
}

// demandPost is a post of the demand's form, read as a stream.
type demandPost struct {
	values   url.Values
	hasForm  bool              // the whole form was posted (not just one file input)
	fileErrs map[string]string // refused files, by field name
	added    map[string]string // what was attached, by field name
}

// maxTextPart bounds one text value of the form (the longest field is 10,000
// characters); maxParts bounds the number of values.
const (
	maxTextPart = 64 << 10
	maxParts    = 1000
)

// tooManyParts refuses a form of more than maxParts values: no form of ours has so many.
const tooManyParts = "L'envoi comptait trop d'éléments et a été interrompu : rien n'a été joint."

// readDemandPost reads the form of a demand as a stream: text values are
// collected, each file is stored as it arrives (never held in memory), checked
// on its own, and attached to the demand. A refused file gets a French reason
// and takes nothing else down with it.
func (s *Server) readDemandPost(c *gin.Context, d *models.Demand, p *models.Procedure) (*demandPost, error) {
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
		if n > maxParts || sent > s.Config.MaxFilesPerDemand {
			interrupt(post, p, c.Query("champ"), fmt.Sprintf("L'envoi comptait trop d'éléments et a été interrompu : une demande compte %s au plus, chaque question %s.", fileCount(s.Config.MaxFilesPerDemand), fileCount(s.Config.MaxFilesPerField)))
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
func (s *Server) unreadable(err error, post *demandPost, p *models.Procedure, field string) error {
	var mbe *http.MaxBytesError
	reason := badPartRefusal
	switch {
	case errors.As(err, &mbe):
		reason = fmt.Sprintf("L'envoi était trop volumineux et a été interrompu. Joignez les fichiers un par un, de %s au plus chacun.", limitSize(s.Config.MaxFileSize))
	case !badPart(err):
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

// badPart tells whether a multipart form was cut short by a part header Go
// refuses: a file name holding a NUL byte or a line break.
func badPart(err error) bool {
	var pe textproto.ProtocolError
	return errors.As(err, &pe)
}

const badPartRefusal = "L'envoi a été interrompu : le nom d'un fichier contient un caractère non autorisé. Renommez le fichier, puis joignez-le à nouveau."

// attachPart stores one uploaded file and attaches it to the demand.
func (s *Server) attachPart(c *gin.Context, d *models.Demand, p *models.Procedure, field string, part *multipart.Part, post *demandPost) error {
	defer io.Copy(io.Discard, part) // read a refused file to its end, to answer cleanly
	if part.FileName() == "" {
		return nil // an input left empty
	}
	f, ok := procedureField(p, field)
	if !ok || f.Type != "file" {
		return nil
	}
	up, name, refusal, err := s.receiveFile(c, d.CommuneID, d.ID, field, part)
	if err != nil {
		return err
	}
	if refusal != "" {
		post.fileErrs[field] = refusal
		return nil
	}
	a := &models.Attachment{CommuneID: d.CommuneID, DemandID: d.ID, Field: field, Filename: name,
		ContentType: up.ContentType, Size: up.Size, SHA256: up.SHA256, UploadedBy: workflow.KindCitizen}
	err = s.keepUpload(c, up, func(keep func() error) error {
		return models.AddAttachment(c, s.DB, a, editable, s.fileLimits(), keep)
	})
	if refusal, err = s.limitReached(c, d.CommuneID, d.ID, field, name, err); refusal != "" {
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

// fileLimits are the configured limits on a demand's files.
func (s *Server) fileLimits() models.FileLimits {
	return models.FileLimits{Size: s.Config.MaxDemandSize, Files: s.Config.MaxFilesPerDemand, FilesPerField: s.Config.MaxFilesPerField}
}

// receiveFile receives the file of part for field of a demand ("" for the
// accueil's and services' own files); keepUpload records it. A file refused
// (one file too many, too large for a file or for the room left, of a type
// not accepted) comes back with the French reason, and nothing of it is
// kept: past a count limit, it is not even received. An accepted file comes
// with the name to keep it under, which has its type's extension.
func (s *Server) receiveFile(c *gin.Context, communeID, demandID int64, field string, part *multipart.Part) (up *files.Upload, name, refusal string, err error) {
	name = files.Name(part.FileName(), files.Kind{}) // as sent, for a refusal
	usage, err := models.AttachedUsage(c, s.DB, communeID, demandID, field)
	if err != nil {
		return nil, name, "", err
	}
	if err := s.fileLimits().Admit(usage, field, 0); err != nil {
		return nil, name, s.limitRefusal(name, err, usage), nil
	}
	limit := min(s.Config.MaxFileSize, s.Config.MaxDemandSize-usage.Size)
	up, err = s.Files.Receive(part, limit)
	var refused *files.RefusedError
	switch {
	case errors.Is(err, files.ErrTooLarge) && limit < s.Config.MaxFileSize:
		return nil, name, demandFull(name, s.Config.MaxDemandSize, usage.Size), nil
	case errors.Is(err, files.ErrTooLarge):
		return nil, name, fmt.Sprintf("« %s » est trop volumineux : %s au plus par fichier. Réduisez-le (photo moins grande, PDF compressé) ou découpez-le.", name, limitSize(s.Config.MaxFileSize)), nil
	case errors.As(err, &refused):
		return nil, name, fmt.Sprintf("« %s » n'a pas été joint. %s", name, refused.Reason()), nil
	case err != nil:
		return up, name, "", err
	}
	kind, _ := files.KindOf(up.ContentType)
	return up, files.Name(part.FileName(), kind), "", nil
}

// limitReached words a limit that recording a file met (another upload
// took the room meanwhile); any other error is returned as it is.
func (s *Server) limitReached(c *gin.Context, communeID, demandID int64, field, name string, err error) (string, error) {
	if !models.IsLimit(err) {
		return "", err
	}
	usage, err2 := models.AttachedUsage(c, s.DB, communeID, demandID, field)
	if err2 != nil {
		return "", err2
	}
	return s.limitRefusal(name, err, usage), nil
}

// limitRefusal explains, in French, which of the demand's limits refused name.
func (s *Server) limitRefusal(name string, err error, usage models.FileUsage) string {
	switch {
	case errors.Is(err, models.ErrTooManyFiles):
		return fmt.Sprintf("« %s » n'a pas été joint : une demande compte %s au plus. Regroupez plusieurs pages dans un même PDF.", name, fileCount(s.Config.MaxFilesPerDemand))
	case errors.Is(err, models.ErrFieldFull):
		return fmt.Sprintf("« %s » n'a pas été joint : %s au plus pour cette question. Regroupez plusieurs pages dans un même PDF, ou retirez un fichier.", name, fileCount(s.Config.MaxFilesPerField))
	}
	return demandFull(name, s.Config.MaxDemandSize, usage.Size)
}

// fileCount writes a number of files: "1 fichier", "10 fichiers".
func fileCount(n int) string {
	if n < 2 {
		return fmt.Sprintf("%d fichier", n)
	}
	return fmt.Sprintf("%d fichiers", n)
}

// keepUpload records an upload with record, which calls keep in its
// transaction once the row is written (models.InsertAttachment). The file
// reaches the store only with a row that refers to it: whatever refuses it
// (the demand's size limit, its state, a failed transaction), no file is
// left that no row refers to.
func (s *Server) keepUpload(c *gin.Context, up *files.Upload, record func(keep func() error) error) error {
	defer up.Discard()
	kept := false
	err := record(func() error {
		kept = true
		return up.Keep()
	})
	if err != nil && kept {
		// Kept, then rolled back: the row is gone, the file may not be.
		s.removeUnusedFile(c, up.SHA256)
	}
	return err
}

// removeUnusedFile deletes a stored content unless a row refers to it.
func (s *Server) removeUnusedFile(c *gin.Context, sha string) {
	ctx := context.WithoutCancel(c.Request.Context()) // even if the person left
	err := models.RemoveUnusedFile(ctx, s.DB, sha, func() error { return s.Files.Remove(sha) })
	if err != nil {
		s.Log.Error("remove unused upload", "err", err)
	}
}

func demandFull(name string, max, used int64) string {
	return fmt.Sprintf("« %s » n'a pas été joint : les fichiers d'une demande ne peuvent dépasser %s au total, et il reste %s. Retirez un fichier ou réduisez celui-ci.", name, limitSize(max), limitSize(max-used))
}

// limitSize writes a configured limit as it was set, in decimal units:
// 20000000 is "20 Mo", as the setting's documentation says.
func limitSize(n int64) string {
	unit, div := "o", 1.0
	switch {
	case n >= 1_000_000:
		unit, div = "Mo", 1e6
	case n >= 1_000:
		unit, div = "Ko", 1e3
	}
	return strings.Replace(strconv.FormatFloat(float64(n)/div, 'f', -1, 64), ".", ",", 1) + "\u00a0" + unit
}

// attachedCounts counts the files of each field.
func attachedCounts(atts []models.Attachment) map[string]int {
	n := map[string]int{}
	for _, a := range atts {
		n[a.Field]++
	}
	return n
}

// withFiles completes a demand's data with the names of its files, so that
// the data says what was submitted, and a resubmission's history shows files
// added or removed like any other change.
func withFiles(p *models.Procedure, data map[string]any, atts []models.Attachment) map[string]any {
	for _, f := range p.Form {
		if f.Type != "file" {
			continue
		}
		var names []any
		for _, a := range atts {
			if a.Field == f.Name {
				names = append(names, a.Filename)
			}
		}
		if names != nil {
			data[f.Name] = names
		}
	}
	return data
}
