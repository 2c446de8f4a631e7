// Package auth holds what proves who an agent is: password hashes, sessions,
// sign-in throttling and reset links.
package auth

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/crypto/argon2"
)

// Params are argon2id's costs. Tests use a small memory cost to stay fast;
// production keeps the RFC 9106 second recommended setting.
type Params struct {
	Memory  uint32 // KiB
	Time    uint32
	Threads uint8
}

// DefaultParams is for production.
var DefaultParams = Params{Memory: 64 * 1024, Time: 3, Threads: 2}

// FastParams is for tests and the demo data of tests only.
var FastParams = Params{Memory: 1024, Time: 1, Threads: 1}

// HashPassword returns an encoded argon2id hash carrying its own parameters,
// so that changing the cost later still verifies older hashes. It waits for
// its turn among the process's hashes (see hashing), or for ctx to end.
func HashPassword(ctx context.Context, pw string, p Params) (string, error) {
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	var key []byte
	if err := hashing.run(ctx, p, func() { key = argon2.IDKey([]byte(pw), salt, p.Time, p.Memory, p.Threads, 32) }); err != nil {
		return "", err
	}
	enc := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.Memory, p.Time, p.Threads,
		enc.EncodeToString(salt), enc.EncodeToString(key)), nil
}

var errBadHash = errors.New("malformed password hash")

// CheckPassword tells whether pw matches the encoded hash, in constant time.
// It waits for its turn among the process's hashes, or for ctx to end.
func CheckPassword(ctx context.Context, encoded, pw string) (bool, error) {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false, errBadHash
	}
	var p Params
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.Memory, &p.Time, &p.Threads); err != nil {
		return false, errBadHash
	}
	enc := base64.RawStdEncoding
	salt, err1 := enc.DecodeString(parts[4])
	want, err2 := enc.DecodeString(parts[5])
	if err1 != nil || err2 != nil {
		return false, errBadHash
	}
	var got []byte
	if err := hashing.run(ctx, p, func() { got = argon2.IDKey([]byte(pw), salt, p.Time, p.Memory, p.Threads, uint32(len(want))) }); err != nil {
		return false, err
	}
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}
