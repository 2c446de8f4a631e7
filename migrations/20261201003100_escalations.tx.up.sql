-- Escalations (issue 16, item 3): a referent (perm "referent") hands a
-- conversation or a demand to level 2 with a reformulation of the problem.
-- Level 2 is a service of the commune (service_id, its address and its
-- link epoch) or an outside team reached at email; either acts through a
-- signed link (links.Escalation) that opens only while the escalation is
-- open: answered, sent back or revoked, the link gives nothing any more.
CREATE TABLE escalations (
    id              bigserial,
    commune_id      bigint NOT NULL REFERENCES communes(id),
    conversation_id bigint,
    demand_id       bigint,
    referent_id     bigint NOT NULL,
    referent_name   text NOT NULL,
    service_id      bigint,
    -- level 2's address (the service's, copied when escalated, or the outside team's) and name
    email           text NOT NULL CHECK (email <> ''),
    label           text NOT NULL CHECK (btrim(label) <> ''),
    problem         text NOT NULL CHECK (btrim(problem) <> ''),
    status          text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'answered', 'returned', 'revoked')),
    -- level 2's note when it sends the escalation back
    note            text NOT NULL DEFAULT '',
    created_at      timestamptz NOT NULL,
    ended_at        timestamptz,
    PRIMARY KEY (commune_id, id),
    FOREIGN KEY (commune_id, conversation_id) REFERENCES conversations (commune_id, id),
    FOREIGN KEY (commune_id, demand_id) REFERENCES demands (commune_id, id),
    FOREIGN KEY (commune_id, referent_id) REFERENCES agents (commune_id, id),
    FOREIGN KEY (commune_id, service_id) REFERENCES services (commune_id, id),
    CHECK ((conversation_id IS NULL) <> (demand_id IS NULL)),
    CHECK ((status = 'open') = (ended_at IS NULL))
);
-- One open escalation at a time per conversation and per demand.
CREATE UNIQUE INDEX escalations_open_conversation_key ON escalations (commune_id, conversation_id) WHERE status = 'open' AND conversation_id IS NOT NULL;
CREATE UNIQUE INDEX escalations_open_demand_key ON escalations (commune_id, demand_id) WHERE status = 'open' AND demand_id IS NOT NULL;
CREATE INDEX escalations_conversation_idx ON escalations (commune_id, conversation_id, id) WHERE conversation_id IS NOT NULL;
CREATE INDEX escalations_demand_idx ON escalations (commune_id, demand_id, id) WHERE demand_id IS NOT NULL;
