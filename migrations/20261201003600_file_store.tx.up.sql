-- Uploaded files kept in PostgreSQL (FILE_STORE=postgres, issue 19): every
-- application server reads what any of them kept, and the database's dump
-- holds the files. A content is stored once, under its SHA-256, whichever
-- communes' rows refer to it (attachments, conversation_files): a global
-- table, like the files on disk.
CREATE TABLE file_contents (
    sha256     text PRIMARY KEY CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    size       bigint NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
-- Its bytes, in chunks of 1 MiB (files.ChunkSize): a download reads one at a
-- time. Uploads are mostly compressed already (PDF, JPEG, PNG): EXTERNAL
-- keeps them out of line without trying to compress them again.
CREATE TABLE file_chunks (
    sha256 text NOT NULL REFERENCES file_contents ON DELETE CASCADE,
    n      integer NOT NULL CHECK (n >= 0),
    data   bytea NOT NULL,
    PRIMARY KEY (sha256, n)
);
ALTER TABLE file_chunks ALTER COLUMN data SET STORAGE EXTERNAL;
