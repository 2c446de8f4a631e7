-- Routing rules (routing/): per commune, ordered sets of rules, each
-- conditions → actions, run when a demand is submitted (the trigger
-- "submission"; a conversation's opening will be another trigger).
-- A rule set's revision changes with any change to it or its rules (the
-- trigger below): routing.Manager keeps each set compiled in memory while
-- its revision stays. Drawn from a sequence, a revision is never reused,
-- not even one drawn by a transaction rolled back.
CREATE SEQUENCE rule_set_revisions;

CREATE TABLE rule_sets (
    id         bigserial PRIMARY KEY,
    commune_id bigint NOT NULL REFERENCES communes(id),
    trigger    text NOT NULL CHECK (trigger IN ('submission')),
    -- first: the first rule that matches acts alone; all: every matching rule acts, in order.
    mode       text NOT NULL DEFAULT 'first' CHECK (mode IN ('first', 'all')),
    revision   bigint NOT NULL DEFAULT nextval('rule_set_revisions'),
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

CREATE FUNCTION rule_set_revised() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE rule_sets SET revision = nextval('rule_set_revisions')
    WHERE id IN (SELECT set_id FROM changed);
    RETURN NULL;
END
$$;
CREATE TRIGGER routing_rules_inserted AFTER INSERT ON routing_rules
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION rule_set_revised();
CREATE TRIGGER routing_rules_updated AFTER UPDATE ON routing_rules
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION rule_set_revised();
CREATE TRIGGER routing_rules_deleted AFTER DELETE ON routing_rules
    REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION rule_set_revised();

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
    ADD COLUMN deadline_policy text NOT NULL DEFAULT '' CHECK (length(deadline_policy) <= 100),
    ADD COLUMN proposed_service_id bigint,
    ADD COLUMN proposed_by text NOT NULL DEFAULT '',
    ADD FOREIGN KEY (commune_id, team_service_id) REFERENCES services (commune_id, id),
    ADD FOREIGN KEY (commune_id, assignee_id) REFERENCES agents (commune_id, id),
    ADD FOREIGN KEY (commune_id, proposed_service_id) REFERENCES services (commune_id, id);
-- The lists sort by priority (models.SortPriority).
CREATE INDEX demands_priority_idx ON demands (commune_id, priority, id);
