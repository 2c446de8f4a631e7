package perm_test

import (
	"slices"
	"strings"
	"testing"

	"guichet/perm"
)

// The default profiles hold what the three roles allowed: the accueil sees,
// decides and transfers; the supervisor also supervises and exports; the
// admin administers and handles no demand.
func TestDefaultsAreTheRoles(t *testing.T) {
	want := map[string]perm.Set{
		perm.AccueilProfile:    {perm.See, perm.Decide, perm.Transfer, perm.Reply},
		perm.SupervisorProfile: {perm.See, perm.Decide, perm.Transfer, perm.Reply, perm.Validate, perm.Supervise, perm.Export},
		perm.AdminProfile:      {perm.Administer},
	}
	for _, d := range perm.Defaults {
		if !slices.Equal(d.Permissions, want[d.Name]) {
			t.Errorf("%s: %v, want %v", d.Name, d.Permissions, want[d.Name])
		}
		if err := perm.Check(d.Permissions); err != nil {
			t.Errorf("%s: %v", d.Name, err)
		}
	}
}

func TestParseAndCheck(t *testing.T) {
	s, err := perm.Parse([]string{"exporter", "voir", "voir"})
	if err != nil || !slices.Equal(s, perm.Set{perm.See, perm.Export}) {
		t.Fatalf("Parse: %v %v", s, err)
	}
	if _, err := perm.Parse([]string{"voir", "tout"}); err == nil {
		t.Fatal("an unknown permission is accepted")
	}
	if err := perm.Check(perm.Set{perm.Export}); err == nil || !strings.Contains(err.Error(), "« Exporter » suppose « Voir les demandes »") {
		t.Fatalf("Check: %v", err)
	}
	if err := perm.Check(perm.Set{perm.Administer}); err != nil {
		t.Fatalf("Check: %v", err)
	}
	for _, d := range perm.All {
		if d.Label == "" || d.Description == "" {
			t.Errorf("%s lacks its French wording", d.Permission)
		}
	}
}

// Replying directly wins over replying through validation; validating
// supposes replying one way or the other.
func TestReplyingThroughValidation(t *testing.T) {
	for _, c := range []struct {
		set             perm.Set
		converses, held bool
	}{
		{perm.Set{perm.See}, false, false},
		{perm.Set{perm.See, perm.Reply}, true, false},
		{perm.Set{perm.See, perm.ReplyValidated}, true, true},
		{perm.Set{perm.See, perm.Reply, perm.ReplyValidated}, true, false},
	} {
		if c.set.Converses() != c.converses || c.set.RepliesHeld() != c.held {
			t.Errorf("%v: converses %v, held %v", c.set, c.set.Converses(), c.set.RepliesHeld())
		}
	}
	if err := perm.Check(perm.Set{perm.See, perm.Validate}); err == nil || !strings.Contains(err.Error(), "« Valider les réponses » suppose") {
		t.Fatalf("Check: %v", err)
	}
	if err := perm.Check(perm.Set{perm.See, perm.ReplyValidated, perm.Validate}); err != nil {
		t.Fatalf("Check: %v", err)
	}
}
