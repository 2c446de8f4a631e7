package satisfaction

import (
	"reflect"
	"testing"
)

func TestPersonalData(t *testing.T) {
	cases := []struct {
		text string
		want []Flag
	}{
		{"Le service de la voirie a été rapide, merci.", nil},
		{"Écrivez-moi à jean.dupont@exemple.fr ou au 06 12 34 56 78.", []Flag{{"Adresse e-mail", "jean.dupont@exemple.fr"}, {"Numéro de téléphone", "06 12 34 56 78"}}},
		{"Appelez le +33 6 12 34 56 78, ou le 01.23.45.67.89.", []Flag{{"Numéro de téléphone", "+33 6 12 34 56 78"}, {"Numéro de téléphone", "01.23.45.67.89"}}},
		{"L'agent, Mme Lantier, m'a mal reçu ; M. Jean Macquart aussi.", []Flag{{"Nom", "Lantier"}, {"Nom", "Jean Macquart"}}},
		{"Bonjour, je m'appelle Sylvère Mouret et j'habite ici.", []Flag{{"Nom", "Sylvère Mouret"}}},
		{"Le dossier 2026-000123 a attendu 12 jours.", nil},
		{"Deux fois mme@exemple.fr et mme@exemple.fr.", []Flag{{"Adresse e-mail", "mme@exemple.fr"}}},
	}
	for _, c := range cases {
		if got := PersonalData(c.text); !reflect.DeepEqual(got, c.want) && !(len(got) == 0 && len(c.want) == 0) {
			t.Errorf("PersonalData(%q) = %v, want %v", c.text, got, c.want)
		}
	}
}
