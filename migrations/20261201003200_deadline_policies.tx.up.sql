-- Deadline policies (deadline/): per commune, a first-answer and a
-- resolution target, each so many working hours or working days, counted by
-- the commune's calendar. A policy applies to the demands of a motif (its
-- sub-motifs included) or of a procedure, and to a procedure's
-- conversations; a routing rule may apply one by its id.
CREATE TABLE deadline_policies (
    id                bigserial,
    commune_id        bigint NOT NULL REFERENCES communes (id),
    name              text NOT NULL CHECK (btrim(name) <> '' AND length(name) <= 100),
    motif_id          bigint,
    procedure_id      bigint,
    first_answer      integer CHECK (first_answer BETWEEN 1 AND 999),
    first_answer_unit text NOT NULL DEFAULT 'heures_ouvrees' CHECK (first_answer_unit IN ('heures_ouvrees', 'jours_ouvres')),
    resolution        integer CHECK (resolution BETWEEN 1 AND 999),
    resolution_unit   text NOT NULL DEFAULT 'jours_ouvres' CHECK (resolution_unit IN ('heures_ouvrees', 'jours_ouvres')),
    -- Bumped by every save: two admins saving at once do not overwrite each other.
    version           integer NOT NULL DEFAULT 1,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    CHECK (first_answer IS NOT NULL OR resolution IS NOT NULL),
    CHECK (motif_id IS NULL OR procedure_id IS NULL),
    PRIMARY KEY (commune_id, id),
    FOREIGN KEY (commune_id, motif_id) REFERENCES motifs (commune_id, id),
    FOREIGN KEY (commune_id, procedure_id) REFERENCES procedures (commune_id, id)
);
CREATE UNIQUE INDEX deadline_policies_name_idx ON deadline_policies (commune_id, lower(name));
CREATE UNIQUE INDEX deadline_policies_motif_idx ON deadline_policies (commune_id, motif_id) WHERE motif_id IS NOT NULL;
CREATE UNIQUE INDEX deadline_policies_procedure_idx ON deadline_policies (commune_id, procedure_id) WHERE procedure_id IS NOT NULL;

-- A policy's changes are entries of the commune's history (hash-chained,
-- through history.Record) about neither a demand nor a conversation.
ALTER TABLE demand_events DROP CONSTRAINT demand_events_check;
ALTER TABLE demand_events ADD CHECK (demand_id IS NULL OR conversation_id IS NULL);

-- One clock per target of a demand or a conversation: started at its
-- receipt, paused while it waits for the citizen (pauses: [{"from","to"}],
-- "to" null while it waits), met when the commune answers (first_answer) or
-- settles it (resolution). due_at is NULL while paused; warned_at and
-- lapsed_at say the notices were sent, once (deadline jobs, notify/).
CREATE TABLE deadline_clocks (
    id              bigserial,
    commune_id      bigint NOT NULL REFERENCES communes (id),
    demand_id       bigint,
    conversation_id bigint,
    target          text NOT NULL CHECK (target IN ('first_answer', 'resolution')),
    policy_id       bigint NOT NULL,
    amount          integer NOT NULL CHECK (amount > 0),
    unit            text NOT NULL CHECK (unit IN ('heures_ouvrees', 'jours_ouvres')),
    started_at      timestamptz NOT NULL,
    pauses          jsonb NOT NULL DEFAULT '[]',
    due_at          timestamptz,
    warn_at         timestamptz,
    met_at          timestamptz,
    warned_at       timestamptz,
    lapsed_at       timestamptz,
    CHECK ((demand_id IS NULL) <> (conversation_id IS NULL)),
    PRIMARY KEY (commune_id, id),
    UNIQUE (commune_id, demand_id, target),
    UNIQUE (commune_id, conversation_id, target),
    FOREIGN KEY (commune_id, demand_id) REFERENCES demands (commune_id, id),
    FOREIGN KEY (commune_id, conversation_id) REFERENCES conversations (commune_id, id),
    FOREIGN KEY (commune_id, policy_id) REFERENCES deadline_policies (commune_id, id)
);
-- The jobs' scans: the few clocks still running, by when they warn or lapse.
CREATE INDEX deadline_clocks_warn_idx ON deadline_clocks (warn_at) WHERE met_at IS NULL AND warned_at IS NULL;
CREATE INDEX deadline_clocks_due_idx ON deadline_clocks (due_at) WHERE met_at IS NULL AND lapsed_at IS NULL;
-- The share met, per commune.
CREATE INDEX deadline_clocks_commune_idx ON deadline_clocks (commune_id, target);

-- The next time a demand's or a conversation's running clocks lapse (NULL:
-- none, or paused), kept by deadline.Observe so that lists sort on an
-- index; and the policy in effect. The name a rule recorded becomes the
-- policy's id: rules naming a policy are dropped of that action, since no
-- policy existed to name.
ALTER TABLE demands DROP COLUMN deadline_policy,
    ADD COLUMN deadline_policy_id bigint,
    ADD COLUMN due_at timestamptz,
    ADD FOREIGN KEY (commune_id, deadline_policy_id) REFERENCES deadline_policies (commune_id, id);
CREATE INDEX demands_due_idx ON demands (commune_id, (coalesce(due_at, 'infinity')), id);
-- The accueil's queue by due time, as demands_queue_received_idx by receipt.
CREATE INDEX demands_queue_due_idx ON demands (commune_id, (coalesce(due_at, 'infinity')), id)
    WHERE state IN ('submitted', 'returned_to_guichet');
ALTER TABLE conversations
    ADD COLUMN deadline_policy_id bigint,
    ADD COLUMN due_at timestamptz,
    ADD FOREIGN KEY (commune_id, deadline_policy_id) REFERENCES deadline_policies (commune_id, id);
CREATE INDEX conversations_due_idx ON conversations (commune_id, (coalesce(due_at, 'infinity')), id);
UPDATE routing_rules SET actions = coalesce((SELECT jsonb_agg(a) FROM jsonb_array_elements(actions) AS a WHERE a->>'kind' <> 'deadline_policy'), '[]')
WHERE actions @> '[{"kind": "deadline_policy"}]';
