-- Routing rules (routing/): per commune, ordered sets of rules, each
-- conditions → actions, run when a demand is submitted (the trigger
-- "submission"; a conversation's opening will be another trigger).
CREATE TABLE rule_sets (
    id         bigserial PRIMARY KEY,
    commune_id bigint NOT NULL REFERENCES communes(id),
    trigger    text NOT NULL CHECK (trigger IN ('submission')),
    -- first: the first rule that matches acts alone; all: every matching rule acts, in order.
    mode       text NOT NULL DEFAULT 'first' CHECK (mode IN ('first', 'all')),
    UNIQUE (commune_id, trigger),
    UNIQUE (commune_id, id)
);

CREATE TABLE routing_rules (
    id         bigserial PRIMARY KEY,
    commune_id bigint NOT NULL REFERENCES communes(id),
    set_id     bigint NOT NULL,
    position   integer NOT NULL,
    name       text NOT NULL CHECK (btrim(name) <> '' AND length(name) <= 100),
    enabled    boolean NOT NULL DEFAULT true,
    -- routing.Conditions and []routing.Action, as JSON: their ids are
    -- checked against the commune when saved and again when run.
    conditions jsonb NOT NULL DEFAULT '{}',
    actions    jsonb NOT NULL DEFAULT '[]',
    -- Bumped by every change: two admins editing at once do not overwrite each other.
    version    integer NOT NULL DEFAULT 1,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (commune_id, set_id) REFERENCES rule_sets (commune_id, id),
    UNIQUE (set_id, position) DEFERRABLE INITIALLY DEFERRED
);
CREATE INDEX routing_rules_set_idx ON routing_rules (commune_id, set_id, position);

-- "Transfert automatique autorisé": a rule may make a transfer itself only
-- for a procedure that allows it; elsewhere it proposes it.
ALTER TABLE procedures ADD COLUMN auto_transfer boolean NOT NULL DEFAULT false;

-- What routing sets on a demand. Priority: 1 basse, 2 normale, 3 haute, 4 urgente. The team is the accueil (NULL) or a
-- service; the assignee an agent; both of the demand's commune, as the
-- proposed transfer's service.
ALTER TABLE demands
    ADD COLUMN priority smallint NOT NULL DEFAULT 2 CHECK (priority BETWEEN 1 AND 4),
    ADD COLUMN team_service_id bigint,
    ADD COLUMN assignee_id bigint,
    ADD COLUMN labels text[] NOT NULL DEFAULT '{}',
    ADD COLUMN deadline_policy text NOT NULL DEFAULT '' CHECK (length(deadline_policy) <= 100),
    ADD COLUMN proposed_service_id bigint,
    ADD COLUMN proposed_by text NOT NULL DEFAULT '',
    ADD FOREIGN KEY (commune_id, team_service_id) REFERENCES services (commune_id, id),
    ADD FOREIGN KEY (commune_id, assignee_id) REFERENCES agents (commune_id, id),
    ADD FOREIGN KEY (commune_id, proposed_service_id) REFERENCES services (commune_id, id);
-- The lists sort by priority (models.SortPriority).
CREATE INDEX demands_priority_idx ON demands (commune_id, priority, id);
