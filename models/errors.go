package models

import (
	"database/sql"
	"errors"
)

// ErrNotFound is returned when a row does not exist (or belongs to another commune).
var ErrNotFound = errors.New("not found")

func notFound(err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return ErrNotFound
	}
	return err
}
