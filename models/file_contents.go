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
func RemoveUnusedFile(ctx context.Context, db *bun.DB, sha string, remove func(context.Context, bun.IDB) error) error {
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
		return remove(ctx, tx)
	})
}

// StoredFile is a content the attachments refer to.
type StoredFile struct {
	SHA256 string
	Size   int64
}

// HoldStoredFiles lists every content an attachment or a message's file
// refers to (of any commune, removed ones included) and holds each one's
// lock, shared, until tx ends: none of them is deleted (RemoveUnusedFile)
// while a backup copies them.
func HoldStoredFiles(ctx context.Context, tx bun.Tx) ([]StoredFile, error) {
	var out []StoredFile
	err := tx.NewRaw(`SELECT f.sha256, f.size FROM (SELECT sha256, max(size) AS size FROM
			(SELECT sha256, size FROM attachments UNION ALL SELECT sha256, size FROM conversation_files) a GROUP BY sha256) f,
		LATERAL (SELECT pg_advisory_xact_lock_shared(?, hashtext(f.sha256))) l ORDER BY f.sha256`, fileLockSpace).Scan(ctx, &out)
	return out, err
}
