package validate_test

import (
	"strings"
	"testing"

	"guichet/validate"
)

type input struct {
	Email string `form:"email" label:"l'adresse e-mail du service" example:"voirie@mairie.fr" validate:"required,address"`
	Name  string `form:"nom" label:"vos nom et prénom" hint:"la mairie vous appellera ainsi" validate:"required,max=5"`
	Role  string `form:"role" label:"le rôle de l'agent" validate:"oneof=accueil admin"`
	Code  string `form:"code" label:"le code" validate:"omitempty,len=3"`
	Day   string `form:"jour" label:"le jour" example:"2026-08-03" validate:"omitempty,datetime=2006-01-02"`
}

func TestStructMessages(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   input
		want map[string]string
	}{
		{"valid", input{Email: "a@b.fr", Name: "Ab", Role: "admin"}, nil},
		{"missing", input{Role: "x"}, map[string]string{
			"email": "Indiquez l'adresse e-mail du service, par exemple voirie@mairie.fr.",
			"nom":   "Indiquez vos nom et prénom : la mairie vous appellera ainsi.",
			"role":  "Choisissez le rôle de l'agent.",
		}},
		{"wrong", input{Email: "a@b", Name: "Éloïse", Role: "admin", Code: "ab", Day: "3 août"}, map[string]string{
			"email": "Saisissez une adresse e-mail valide, par exemple voirie@mairie.fr.",
			"nom":   "Raccourcissez vos nom et prénom : 5 caractères au plus (vous en avez saisi 6).",
			"code":  "Le code doit faire une taille de 3 caractères.",
			"jour":  "Indiquez le jour dans le format attendu, par exemple 2026-08-03.",
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := validate.Struct(&tc.in)
			if len(got) != len(tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
			for k, w := range tc.want {
				if got[k] != w {
					t.Errorf("%s: got %q, want %q", k, got[k], w)
				}
			}
		})
	}
}

func TestIsAddress(t *testing.T) {
	for _, s := range []string{"nom@exemple.fr", "prenom.nom+guichet@mairie-plassans.fr"} {
		if !validate.IsAddress(s) {
			t.Errorf("%q refused", s)
		}
	}
	for _, s := range []string{"", "nom", "nom@exemple", "Nom <nom@exemple.fr>", " nom@exemple.fr", "nom@exemple.fr (moi)", "a@b@c.fr", strings.Repeat("a", 10) + "@"} {
		if validate.IsAddress(s) {
			t.Errorf("%q accepted", s)
		}
	}
}

// Value words one value's refusal as Struct words a field's.
func TestValueMessages(t *testing.T) {
	if got := validate.Value("daily", "oneof=daily never", "le « rythme »"); got != "" {
		t.Errorf("a valid value refused: %q", got)
	}
	if got := validate.Value("souvent", "oneof=daily never", "le « rythme »"); got != "Choisissez le « rythme »." {
		t.Errorf("got %q", got)
	}
}
