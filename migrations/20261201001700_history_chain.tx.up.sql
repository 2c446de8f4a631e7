-- The history is a hash chain per commune (models/chain.go): each entry has
-- its place in its commune's chain (seq, gap-free from 1), the hash of the
-- entry before it (prev_hash; 32 zero bytes for the first), and its own,
-- hash = SHA-256(prev_hash || SHA-256(what stays of the entry, content_hash)).
-- content_hash is the SHA-256 of its free text (a citizen's name, the
-- message, typed values): erasing the text keeps it, so the chain still
-- verifies; text_erased says the text was erased on purpose.
ALTER TABLE demand_events
    ADD COLUMN seq          bigint,
    ADD COLUMN prev_hash    bytea,
    ADD COLUMN hash         bytea,
    ADD COLUMN content_hash bytea,
    ADD COLUMN text_erased  boolean NOT NULL DEFAULT false;

-- The head of each commune's chain: its last entry's place and hash. Every
-- append updates it in the entry's transaction, which serialises the appends
-- of one commune and gives each its place.
CREATE TABLE chain_heads (
    commune_id bigint PRIMARY KEY REFERENCES communes (id),
    seq        bigint NOT NULL CHECK (seq > 0),
    prev_hash  bytea NOT NULL,
    hash       bytea NOT NULL
);

-- A day's signed digest of a commune's chain head (audit.Sealer): the head
-- as it was, signed with Ed25519, and whether the whole chain verified then.
CREATE TABLE history_seals (
    commune_id bigint NOT NULL REFERENCES communes (id),
    day        date NOT NULL,
    seq        bigint NOT NULL,
    hash       bytea NOT NULL,
    signed_at  timestamptz NOT NULL,
    public_key bytea NOT NULL,
    signature  bytea NOT NULL,
    verified   boolean NOT NULL,
    problem    text NOT NULL DEFAULT '',
    PRIMARY KEY (commune_id, day)
);
