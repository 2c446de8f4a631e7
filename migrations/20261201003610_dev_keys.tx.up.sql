-- A development instance's generated keys (link signing, audit), kept in
-- the database so that every server on it signs and verifies alike (issue
-- 19); production sets LINK_KEYS and AUDIT_SIGNING_KEY instead.
CREATE TABLE dev_keys (
    name  text PRIMARY KEY,
    value text NOT NULL
);
