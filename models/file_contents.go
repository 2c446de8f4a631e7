package models

import (
	"context"
	"database/sql"

	"github.com/uptrace/bun"
)

// fileLockSpace keeps the contents' locks apart from other advisory locks.
const fileLockSpace = 727_274_803

// lockFile takes, until the transaction ends, the lock on one stored
// content (by its SHA-256), across processes: a row that refers to the
// content is recorded, or the content deleted for want of one, never both
// at once.
func lockFile(ctx context.Context, tx bun.IDB, sha string) error {
	_, err := tx.NewRaw("SELECT pg_advisory_xact_lock(?, hashtext(?))", fileLockSpace, sha).Exec(ctx)
	return err
}

// RemoveUnusedFile deletes a stored content, with remove, unless an
// attachment or a message's file, of any commune, refers to its hash: the store keeps identical
// files once. It runs under the content's lock, so that no attachment of
// the same content is recorded between the check and the deletion.
func RemoveUnusedFile(ctx context.Context, db *bun.DB, sha string, remove func() error) error {
	return db.RunInTx(ctx, &sql.TxOptions{}, func(ctx context.Context, tx bun.Tx) error {
		if err := lockFile(ctx, tx, sha); err != nil {
			return err
		}
		used, err := tx.NewSelect().Model((*Attachment)(nil)).Where("sha256 = ?", sha).Exists(ctx)
		if err != nil || used {
			return err
		}
		used, err = tx.NewSelect().Model((*ConversationFile)(nil)).Where("sha256 = ?", sha).Exists(ctx)
		if err != nil || used {
			return err
		}
		return remove()
	})
}
