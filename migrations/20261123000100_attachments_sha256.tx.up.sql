-- Uploads are stored once per content: removing a draft's file deletes the
-- content only when no attachment refers to its hash any more.
CREATE INDEX attachments_sha256_idx ON attachments (sha256);
