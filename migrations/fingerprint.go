package migrations

import (
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
)

// Fingerprint identifies the schema the embedded migrations build, so that a
// database built from an older schema (a test template) is not reused.
func Fingerprint() string {
	h := sha256.New()
	err := fs.WalkDir(sqlFiles, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(sqlFiles, path)
		if err != nil {
			return err
		}
		// The name counts too: it orders the migrations.
		h.Write([]byte(path + "\x00"))
		h.Write(b)
		h.Write([]byte{0})
		return nil
	})
	for _, m := range goMigrations.Sorted() {
		h.Write([]byte(m.String() + "\x00"))
	}
	if err != nil {
		panic(err) // the files are embedded: reading them cannot fail
	}
	return hex.EncodeToString(h.Sum(nil))[:12]
}
