package links_test

import (
	"errors"
	"testing"
	"time"

	"guichet/links"
)

var (
	keyA = []byte("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")
	keyB = []byte("bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb")
)

func TestSignVerify(t *testing.T) {
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	s := links.New(keyA, nil)
	s.Now = func() time.Time { return now }
	want := links.Claims{CommuneID: 1, DemandID: 2, ServiceID: 3, AssignmentID: 4}
	tok, err := s.Sign(links.Service, want, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.Verify(links.Service, tok)
	if err != nil || got.DemandID != 2 || got.AssignmentID != 4 || got.CommuneID != 1 || got.ServiceID != 3 {
		t.Fatalf("verify: %+v %v", got, err)
	}

	tampered := []byte(tok)
	tampered[len(tampered)/2] ^= 1
	other := links.New(keyB, nil)
	rotated := links.New(keyB, nil, keyA, nil) // B signs now, A still verifies
	rotated.Now = s.Now                        // the test clock, not the wall clock
	cases := []struct {
		name    string
		signer  *links.Signer
		purpose string
		token   string
		err     error
	}{
		{"tampered", s, links.Service, string(tampered), links.ErrInvalid},
		{"another purpose", s, links.Follow, tok, links.ErrInvalid},
		{"another key", other, links.Service, tok, links.ErrInvalid},
		{"empty", s, links.Service, "", links.ErrInvalid},
		{"garbage", s, links.Service, "not-a-token", links.ErrInvalid},
	}
	for _, tc := range cases {
		if _, err := tc.signer.Verify(tc.purpose, tc.token); !errors.Is(err, tc.err) {
			t.Errorf("%s: got %v, want %v", tc.name, err, tc.err)
		}
	}
	if _, err := rotated.Verify(links.Service, tok); err != nil {
		t.Errorf("a token of the previous key must verify during rotation: %v", err)
	}

	now = now.Add(time.Hour)
	c, err := s.Verify(links.Service, tok)
	if !errors.Is(err, links.ErrExpired) || c.DemandID != 2 {
		t.Fatalf("after expiry: %+v %v, want ErrExpired with the claims (to offer a fresh link)", c, err)
	}
}
