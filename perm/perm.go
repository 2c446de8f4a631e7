// Package perm is the one list of what an agent may be allowed to do: the
// permissions a commune's admin composes into profiles, each with the French
// label and description the admin reads, and the three default profiles
// every commune starts with. Routes, the workflow and the menus all ask a
// permission, never a profile's name.
package perm

import (
	"fmt"
	"slices"
)

// Permission is one right, stored by its code in profiles.permissions.
type Permission string

// The permissions, in the order the admin's page lists them.
const (
	See            Permission = "voir"
	Decide         Permission = "decider"
	Transfer       Permission = "transmettre"
	Reply          Permission = "repondre"
	ReplyValidated Permission = "repondre_sous_validation"
	Validate       Permission = "valider"
	Escalate       Permission = "referent"
	Supervise      Permission = "superviser"
	Export         Permission = "exporter"
	Administer     Permission = "administrer"
)

// Def is a permission as the admin's page presents it.
type Def struct {
	Permission  Permission
	Label       string
	Description string
}

// All lists every permission with its French wording.
var All = []Def{
	{See, "Voir les demandes", "Consulter les demandes envoyées par les usagers (limitées, si le profil le précise, à certaines démarches), y ajouter des notes et des pièces."},
	{Decide, "Décider", "Accepter une demande, la refuser ou demander une correction à l'usager."},
	{Transfer, "Transmettre à un service", "Transmettre une demande au service municipal compétent."},
	{Reply, "Répondre aux usagers", "Écrire à l'usager au sujet de sa demande."},
	{ReplyValidated, "Répondre sous validation", "Rédiger des réponses aux usagers qui ne partent qu'après validation par un agent qui valide les réponses."},
	{Validate, "Valider les réponses", "Relire et valider les réponses rédigées sous validation avant leur envoi."},
	{Escalate, "Référent", "Recevoir les demandes qu'on lui signale comme difficiles et y répondre en dernier recours."},
	{Supervise, "Superviser", "Voir toutes les demandes de la commune, brouillons compris, archiver les demandes décidées et consulter les indicateurs."},
	{Export, "Exporter", "Télécharger la liste des demandes en tableur (CSV, Excel)."},
	{Administer, "Administrer", "Gérer les agents, les services, les profils, les réglages de la commune et les démarches."},
}

// Set is the permissions of a profile, in All's order.
type Set []Permission

// Has tells whether the set holds p.
func (s Set) Has(p Permission) bool { return slices.Contains(s, p) }

// Replying to citizens comes in two degrees: perm.Reply sends, and
// perm.ReplyValidated alone holds each reply until an agent with
// perm.Validate sends it (Reply wins when a profile has both). Either opens
// the conversations; validating is done from them, so perm.Validate
// supposes one of the two (see Check).

// Converses tells whether the set opens the conversations: it replies, directly or through validation.
func (s Set) Converses() bool { return s.Has(Reply) || s.Has(ReplyValidated) }

// RepliesHeld tells whether the set's replies to citizens wait for validation.
func (s Set) RepliesHeld() bool { return !s.Has(Reply) && s.Has(ReplyValidated) }

// Known tells whether p is a permission of All.
func Known(p Permission) bool {
	return slices.ContainsFunc(All, func(d Def) bool { return d.Permission == p })
}

// Parse reads codes as a form or the database gives them: an unknown code
// is refused; duplicates collapse; the set comes in All's order.
func Parse(codes []string) (Set, error) {
	for _, c := range codes {
		if !Known(Permission(c)) {
			return nil, fmt.Errorf("permission inconnue : « %s »", c)
		}
	}
	s := Set{}
	for _, d := range All {
		if slices.Contains(codes, string(d.Permission)) {
			s = append(s, d.Permission)
		}
	}
	return s, nil
}

// Label is a permission's French label.
func Label(p Permission) string {
	for _, d := range All {
		if d.Permission == p {
			return d.Label
		}
	}
	return string(p)
}

// Profile is a default profile: a name and its permissions.
type Profile struct {
	Name        string
	Permissions Set
}

// Names of the default profiles.
const (
	AccueilProfile    = "Agent d'accueil"
	SupervisorProfile = "Superviseur"
	AdminProfile      = "Administrateur"
)

// Defaults are the profiles every commune starts with: what the three roles
// of earlier versions allowed. The accueil sees, decides and transfers the
// demands the citizens have sent; the supervisor also sees drafts, archives,
// reads the indicators and exports; the admin manages the commune and
// handles no demand. Replying (later issues) goes with deciding, validating
// replies with supervising.
var Defaults = []Profile{
	{AccueilProfile, Set{See, Decide, Transfer, Reply}},
	{SupervisorProfile, Set{See, Decide, Transfer, Reply, Validate, Supervise, Export}},
	{AdminProfile, Set{Administer}},
}

// Check refuses, in French, a set that grants a right on demands without
// perm.See: one could not open the demands to use it.
func Check(s Set) error {
	if s.Has(Validate) && !s.Converses() {
		return fmt.Errorf("« %s » suppose « %s » ou « %s » : on valide les réponses depuis les conversations.", Label(Validate), Label(Reply), Label(ReplyValidated))
	}
	if s.Has(See) {
		return nil
	}
	for _, d := range All {
		if d.Permission != See && d.Permission != Administer && s.Has(d.Permission) {
			return fmt.Errorf("« %s » suppose « %s » : cochez-la aussi, ou décochez « %s ».", d.Label, Label(See), d.Label)
		}
	}
	return nil
}
