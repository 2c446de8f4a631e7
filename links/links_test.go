package links_test

import (
	"errors"
	"testing"
	"time"

	"guichet/links"
)

var (
	oldKey = []byte("old-old-old-old-old-old-old-old-")
	newKey = []byte("new-new-new-new-new-new-new-new-")
)

func TestVerify(t *testing.T) {
	now := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	at := func(s *links.Signer, t time.Time) *links.Signer { s.Clock = func() time.Time { return t }; return s }
	claims := links.Claims{CommuneID: 1, DemandID: 2, ServiceID: 3, AssignmentID: 4, Epoch: 5}
	tok, err := at(links.New(oldKey, nil), now).Sign(links.Service, claims, 30*24*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	rotated := func(notAfter time.Time) *links.Signer {
		return links.NewRotating(links.Key{Secret: newKey}, links.Key{Secret: oldKey, NotAfter: notAfter})
	}
	tests := []struct {
		name    string
		signer  *links.Signer
		purpose string
		token   string
		want    error
	}{
		{"genuine", at(links.New(oldKey, nil), now.Add(time.Hour)), links.Service, tok, nil},
		{"retired key within its rotation period", at(rotated(now.Add(48*time.Hour)), now.Add(24*time.Hour)), links.Service, tok, nil},
		{"retired key after its rotation period", at(rotated(now.Add(48*time.Hour)), now.Add(49*time.Hour)), links.Service, tok, links.ErrInvalid},
		{"unknown key", at(links.New(newKey, nil), now), links.Service, tok, links.ErrInvalid},
		{"other purpose", at(links.New(oldKey, nil), now), links.Board, tok, links.ErrInvalid},
		{"tampered", at(links.New(oldKey, nil), now), links.Service, tok[:len(tok)-2] + "AA", links.ErrInvalid},
		{"empty", at(links.New(oldKey, nil), now), links.Service, "", links.ErrInvalid},
		{"expired", at(links.New(oldKey, nil), now.Add(31*24*time.Hour)), links.Service, tok, links.ErrExpired},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.signer.Verify(tt.purpose, tt.token)
			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
			if err != links.ErrInvalid && (got.DemandID != 2 || got.AssignmentID != 4 || got.Epoch != 5) {
				t.Fatalf("claims = %+v", got)
			}
		})
	}
}

func TestRotatedSignerSignsWithTheFirstKey(t *testing.T) {
	s := links.NewRotating(links.Key{Secret: newKey}, links.Key{Secret: oldKey, NotAfter: time.Now().Add(time.Hour)})
	tok, err := s.Sign(links.Board, links.Claims{CommuneID: 1}, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := links.New(newKey, nil).Verify(links.Board, tok); err != nil {
		t.Fatalf("new key does not verify: %v", err)
	}
	if _, err := links.New(oldKey, nil).Verify(links.Board, tok); err != links.ErrInvalid {
		t.Fatalf("retired key signed: %v", err)
	}
}
