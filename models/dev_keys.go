package models

import (
	"context"

	"github.com/uptrace/bun"
)

// DevKeys keeps a development instance's generated keys in the database
// (config.Config.DevKeys): the first server to need one stores it, every
// other reads that one.
type DevKeys struct{ DB *bun.DB }

// Keep returns the key named name, storing initial if there is none yet.
func (k DevKeys) Keep(name, initial string) (string, error) {
	var value string
	err := k.DB.NewRaw(`INSERT INTO dev_keys (name, value) VALUES (?, ?)
		ON CONFLICT (name) DO UPDATE SET name = EXCLUDED.name RETURNING value`, name, initial).Scan(context.Background(), &value)
	return value, err
}
