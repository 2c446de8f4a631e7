-- Saved replies (issue 14): texts with variables an agent inserts in a
-- reply, for everyone (service_id NULL) or one team's conversations.
CREATE TABLE saved_replies (
    id          bigserial PRIMARY KEY,
    commune_id  bigint NOT NULL REFERENCES communes(id),
    title       text NOT NULL CHECK (title <> ''),
    body        text NOT NULL CHECK (body <> ''),
    -- for everyone: NULL; for one team: the accueil ('accueil') or a service
    team        text NOT NULL DEFAULT '',
    uses        integer NOT NULL DEFAULT 0,
    created_by  bigint,
    created_at  timestamptz NOT NULL,
    FOREIGN KEY (commune_id, created_by) REFERENCES agents (commune_id, id),
    UNIQUE (commune_id, id)
);
CREATE INDEX saved_replies_commune_idx ON saved_replies (commune_id);
