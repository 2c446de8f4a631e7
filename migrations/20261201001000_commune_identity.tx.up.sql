-- A commune runs itself: the operator deactivates and reactivates it
-- (nothing is deleted), its admin edits its identity. version guards two
-- admins saving at once: the second one is told.
ALTER TABLE communes
    ADD COLUMN active            boolean NOT NULL DEFAULT true,
    ADD COLUMN version           integer NOT NULL DEFAULT 1,
    ADD COLUMN website           text NOT NULL DEFAULT '',
    ADD COLUMN mail_from_name    text NOT NULL DEFAULT '',
    ADD COLUMN mail_from_address text NOT NULL DEFAULT '',
    ADD COLUMN logo_sha256       text NOT NULL DEFAULT '';

-- Opening hours become data a calendar computes with (hours.Week: per
-- weekday, ranges of minutes); the free text they were is kept, shown as a
-- note beside them, so that nothing written there is lost.
ALTER TABLE communes RENAME COLUMN opening_hours TO hours_note;
ALTER TABLE communes ADD COLUMN opening_hours jsonb NOT NULL DEFAULT '{}';

-- A logo is an image the admin uploads, decoded and re-encoded as PNG by
-- Guichet (commune_logos); an address of an image elsewhere is no longer
-- shown.
ALTER TABLE communes DROP COLUMN logo_url;
CREATE TABLE commune_logos (
    commune_id bigint PRIMARY KEY REFERENCES communes(id),
    png        bytea NOT NULL,
    sha256     text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    updated_at timestamptz NOT NULL DEFAULT now()
);

-- The From of a mail, the commune's own when it has one ('' is the
-- instance's MAIL_FROM).
ALTER TABLE outbox_mails ADD COLUMN sender text NOT NULL DEFAULT '';
