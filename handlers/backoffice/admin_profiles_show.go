package backoffice

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"guichet/handlers/web"
	"guichet/models"
	"guichet/perm"
	"guichet/views"
)

// The admin's profiles: named sets of permissions (perm.All), optionally
// limited to some procedures, that the commune's agents are given.

const profilesPath = "/gestion/admin/profils"

// profileForm is the form of a profile, to create or edit it, as typed.
type profileForm struct {
	Action, Submit string
	Name           string
	Version        int
	Permissions    []choice
	Procedures     []choice
}

// choice is one checkbox of the form.
type choice struct {
	Value, Label, Description string
	Checked                   bool
}

// profileRow is a profile in the list.
type profileRow struct {
	models.Profile
	Permissions []string // labels
	Scope       string   // the procedures, in words
}

// adminProfilesData is the Data of "admin/profiles".
type adminProfilesData struct {
	Profiles []profileRow
	Form     profileForm // to add one
}

// adminProfileData is the Data of "admin/profile".
type adminProfileData struct {
	Profile *models.Profile
	Form    profileForm
}

// newProfileForm fills the form's checkboxes from permissions and scope.
func (s *Handlers) newProfileForm(c *gin.Context, name string, perms perm.Set, scope []int64) (profileForm, error) {
	f := profileForm{Name: name}
	for _, d := range perm.All {
		f.Permissions = append(f.Permissions, choice{Value: string(d.Permission), Label: d.Label, Description: d.Description, Checked: perms.Has(d.Permission)})
	}
	ps, err := models.AllProcedures(c.Request.Context(), s.DB, web.Commune(c).ID)
	for _, p := range ps {
		f.Procedures = append(f.Procedures, choice{Value: strconv.FormatInt(p.ID, 10), Label: p.Title, Checked: slices.Contains(scope, p.ID)})
	}
	return f, err
}

// adminProfilesShow lists the commune's profiles, with the form to add one.
func (s *Handlers) adminProfilesShow(c *gin.Context) {
	f, err := s.newProfileForm(c, "", nil, nil)
	if err != nil {
		s.Fail(c, err)
		return
	}
	s.showAdminProfiles(c, http.StatusOK, f, nil)
}

func (s *Handlers) showAdminProfiles(c *gin.Context, status int, f profileForm, errs views.FormErrors) {
	ctx := c.Request.Context()
	com := web.Commune(c)
	ps, err := models.ListProfiles(ctx, s.DB, com.ID)
	if err != nil {
		s.Fail(c, err)
		return
	}
	titles := map[string]string{}
	for _, p := range f.Procedures {
		titles[p.Value] = p.Label
	}
	data := adminProfilesData{Form: f}
	data.Form.Action, data.Form.Submit = profilesPath, "Ajouter le profil"
	for _, p := range ps {
		row := profileRow{Profile: p, Scope: "Toutes les démarches"}
		for _, x := range p.Permissions {
			row.Permissions = append(row.Permissions, perm.Label(x))
		}
		if len(p.ProcedureIDs) > 0 {
			var names []string
			for _, id := range p.ProcedureIDs {
				names = append(names, titles[strconv.FormatInt(id, 10)])
			}
			row.Scope = strings.Join(names, ", ")
		}
		data.Profiles = append(data.Profiles, row)
	}
	p := s.Page(c, "Profils")
	p.Data, p.Errors = data, errs
	s.Render(c, status, "admin/profiles", p)
}

// adminProfileShow is a profile's page: its form, and its deletion.
func (s *Handlers) adminProfileShow(c *gin.Context) {
	pr, err := models.ProfileByID(c.Request.Context(), s.DB, web.Commune(c).ID, web.IDParam(c, "pid"))
	if err != nil {
		s.Fail(c, err)
		return
	}
	f, err := s.newProfileForm(c, pr.Name, pr.Permissions, pr.ProcedureIDs)
	if err != nil {
		s.Fail(c, err)
		return
	}
	f.Version = pr.Version
	s.showAdminProfile(c, http.StatusOK, pr, f, nil, nil)
}

func (s *Handlers) showAdminProfile(c *gin.Context, status int, pr *models.Profile, f profileForm, errs views.FormErrors, flash *views.Flash) {
	f.Action, f.Submit = profilesPath+"/"+strconv.FormatInt(pr.ID, 10), "Enregistrer le profil"
	p := s.Page(c, "Profil « "+pr.Name+" »")
	p.Data, p.Errors = adminProfileData{Profile: pr, Form: f}, errs
	if flash != nil {
		p.Flash = flash
	}
	s.Render(c, status, "admin/profile", p)
}
