-- The history's chains relinked in a new format (migration 20261201004001):
-- per commune, the head as it was in the old format and as it is in the
-- new, once the old chain verified, and how many signed digests were signed
-- again (in the new format, so that audit verify holds the chain to them).
CREATE TABLE chain_relinks (
    commune_id   bigint NOT NULL REFERENCES communes (id),
    from_version text NOT NULL,
    to_version   text NOT NULL,
    relinked_at  timestamptz NOT NULL DEFAULT now(),
    seq          bigint NOT NULL,
    old_hash     bytea NOT NULL,
    new_hash     bytea NOT NULL,
    seals        integer NOT NULL,
    PRIMARY KEY (commune_id, to_version)
);
