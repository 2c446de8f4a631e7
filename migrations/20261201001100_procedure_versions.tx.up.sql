-- A procedure's content is versioned: the procedure keeps its identity
-- (commune, slug, published or not), each version its text and form. A
-- demand records the version it was filled in with and always shows it; the
-- portal shows a published procedure's latest version. Existing procedures
-- and demands become version 1.
CREATE TABLE procedure_versions (
    id              bigserial PRIMARY KEY,
    commune_id      bigint NOT NULL REFERENCES communes(id),
    procedure_id    bigint NOT NULL,
    number          integer NOT NULL CHECK (number > 0),
    title           text NOT NULL,
    description     text NOT NULL DEFAULT '',
    documents       jsonb NOT NULL DEFAULT '[]',
    motif           text NOT NULL DEFAULT '',
    form            jsonb NOT NULL DEFAULT '[]',
    variant         text NOT NULL DEFAULT 'standard',
    created_at      timestamptz NOT NULL DEFAULT now(),
    created_by      bigint REFERENCES agents(id),
    created_by_name text NOT NULL DEFAULT '',
    FOREIGN KEY (commune_id, procedure_id) REFERENCES procedures (commune_id, id),
    UNIQUE (procedure_id, number)
);

DO $do$
BEGIN
IF EXISTS (SELECT 1 FROM pg_collation WHERE collname = 'fr-x-icu') THEN
    ALTER TABLE procedure_versions ALTER COLUMN title TYPE text COLLATE "fr-x-icu";
END IF;
END
$do$;

INSERT INTO procedure_versions (commune_id, procedure_id, number, title, description, documents, form, variant, created_at, created_by_name)
SELECT commune_id, id, 1, title, description, documents, form, variant, created_at, 'version d''origine'
FROM procedures;

-- latest: the version the portal shows; revision: bumped by every change,
-- so that an editor working on an older state is told (not overwritten).
ALTER TABLE procedures
    ADD COLUMN latest integer NOT NULL DEFAULT 1,
    ADD COLUMN revision integer NOT NULL DEFAULT 1,
    DROP COLUMN title, DROP COLUMN description, DROP COLUMN documents,
    DROP COLUMN form, DROP COLUMN variant;
ALTER TABLE procedures ALTER COLUMN latest DROP DEFAULT;
-- Deferred: a procedure and its first version are inserted in one transaction.
ALTER TABLE procedures ADD FOREIGN KEY (id, latest) REFERENCES procedure_versions (procedure_id, number)
    DEFERRABLE INITIALLY DEFERRED;

ALTER TABLE demands ADD COLUMN procedure_version integer NOT NULL DEFAULT 1;
ALTER TABLE demands ALTER COLUMN procedure_version DROP DEFAULT;
ALTER TABLE demands ADD FOREIGN KEY (procedure_id, procedure_version) REFERENCES procedure_versions (procedure_id, number);
