package auth_test

import (
	"context"
	"strings"
	"testing"

	"guichet/auth"
)

func TestPassword(t *testing.T) {
	ctx := context.Background()
	h, err := auth.HashPassword(ctx, "correct horse battery", auth.FastParams)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$") || strings.Contains(h, "correct") {
		t.Fatalf("hash %q", h)
	}
	h2, _ := auth.HashPassword(ctx, "correct horse battery", auth.FastParams)
	if h == h2 {
		t.Fatal("two hashes of one password are equal: no salt")
	}
	for pw, want := range map[string]bool{"correct horse battery": true, "correct horse batterY": false, "": false} {
		if ok, err := auth.CheckPassword(ctx, h, pw); ok != want || err != nil {
			t.Errorf("check %q = %v, %v; want %v", pw, ok, err, want)
		}
	}
	if _, err := auth.CheckPassword(ctx, "$2a$10$bcrypt", "x"); err == nil {
		t.Error("a malformed hash must be an error")
	}
}
