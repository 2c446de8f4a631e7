-- Published duties (issue 17, item 6): the accessibility statement (RGAA
-- 4.1), the legal notices and the personal data page of each commune's
-- portal. An empty text means "generated from the commune's identity"
-- (commune.Published). duties_version guards two admins saving at once,
-- apart from the identity's version: the two forms do not stale each other.
ALTER TABLE communes
    ADD COLUMN a11y_level       text NOT NULL DEFAULT 'non' CHECK (a11y_level IN ('non', 'partiel', 'total')),
    ADD COLUMN a11y_audit_on    date,
    ADD COLUMN a11y_scope       text NOT NULL DEFAULT '',
    ADD COLUMN a11y_failures    text NOT NULL DEFAULT '',
    ADD COLUMN a11y_contact     text NOT NULL DEFAULT '',
    ADD COLUMN legal_publisher  text NOT NULL DEFAULT '',
    ADD COLUMN legal_director   text NOT NULL DEFAULT '',
    ADD COLUMN legal_host       text NOT NULL DEFAULT '',
    ADD COLUMN data_contact     text NOT NULL DEFAULT '',
    ADD COLUMN duties_version   integer NOT NULL DEFAULT 1,
    ADD COLUMN duties_updated_at timestamptz;
