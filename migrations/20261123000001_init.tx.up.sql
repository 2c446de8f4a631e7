-- Guichet schema. Every tenant-owned table carries commune_id.

CREATE EXTENSION IF NOT EXISTS unaccent;

-- French search with accents ignored: "ecole" finds "école".
CREATE TEXT SEARCH CONFIGURATION fr_unaccent (COPY = french);
ALTER TEXT SEARCH CONFIGURATION fr_unaccent
    ALTER MAPPING FOR hword, hword_part, word WITH unaccent, french_stem;

CREATE TABLE communes (
    id            bigserial PRIMARY KEY,
    slug          text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9-]+$'),
    name          text NOT NULL,
    accent_color  text NOT NULL DEFAULT '#1f4e8c',
    logo_url      text NOT NULL DEFAULT '',
    address       text NOT NULL DEFAULT '',
    phone         text NOT NULL DEFAULT '',
    email         text NOT NULL DEFAULT '',
    opening_hours text NOT NULL DEFAULT '',
    created_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE services (
    id         bigserial PRIMARY KEY,
    commune_id bigint NOT NULL REFERENCES communes(id),
    name       text NOT NULL,
    email      text NOT NULL,
    active     boolean NOT NULL DEFAULT true,
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (commune_id, name),
    UNIQUE (commune_id, id)
);

CREATE TABLE agents (
    id            bigserial PRIMARY KEY,
    commune_id    bigint NOT NULL REFERENCES communes(id),
    email         text NOT NULL,
    name          text NOT NULL,
    role          text NOT NULL CHECK (role IN ('accueil', 'supervisor', 'admin')),
    password_hash text NOT NULL DEFAULT '',
    active        boolean NOT NULL DEFAULT true,
    created_at    timestamptz NOT NULL DEFAULT now(),
    UNIQUE (commune_id, id)
);
-- One sign-in address names one agent across the whole instance.
CREATE UNIQUE INDEX agents_email_key ON agents (lower(email));

CREATE TABLE procedures (
    id          bigserial PRIMARY KEY,
    commune_id  bigint NOT NULL REFERENCES communes(id),
    slug        text NOT NULL CHECK (slug ~ '^[a-z0-9-]+$'),
    title       text NOT NULL,
    description text NOT NULL DEFAULT '',
    documents   jsonb NOT NULL DEFAULT '[]',
    form        jsonb NOT NULL DEFAULT '[]',
    active      boolean NOT NULL DEFAULT true,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (commune_id, slug),
    UNIQUE (commune_id, id)
);

CREATE TABLE demands (
    id                 bigserial PRIMARY KEY,
    commune_id         bigint NOT NULL REFERENCES communes(id),
    procedure_id       bigint NOT NULL,
    reference          text NOT NULL UNIQUE,
    tracking_code      text NOT NULL UNIQUE,
    state              text NOT NULL CHECK (state IN ('draft', 'submitted', 'correction_requested',
                           'transferred', 'returned_to_guichet', 'accepted', 'refused', 'archived')),
    version            integer NOT NULL DEFAULT 1,
    citizen_email      text NOT NULL,
    citizen_name       text NOT NULL DEFAULT '',
    data               jsonb NOT NULL DEFAULT '{}',
    -- who asked for the pending correction: 'accueil' or 'service'
    correction_by      text CHECK (correction_by IN ('accueil', 'service')),
    correction_message text NOT NULL DEFAULT '',
    correction_fields  jsonb NOT NULL DEFAULT '[]',
    -- the current (or, during a service's correction, the suspended) assignment
    service_id         bigint,
    assignment_id      bigint,
    submit_token       text,
    submitted_at       timestamptz,
    decided_at         timestamptz,
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now(),
    search             tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('fr_unaccent', coalesce(citizen_name, '') || ' ' || coalesce(citizen_email, '')), 'A')
        || jsonb_to_tsvector('fr_unaccent', data, '["string", "numeric"]')
    ) STORED,
    FOREIGN KEY (commune_id, procedure_id) REFERENCES procedures (commune_id, id),
    FOREIGN KEY (commune_id, service_id) REFERENCES services (commune_id, id),
    UNIQUE (commune_id, id)
);
-- Dashboards: keyset paging per commune in state order and age.
CREATE INDEX demands_queue_idx ON demands (commune_id, state, submitted_at, id);
CREATE INDEX demands_commune_updated_idx ON demands (commune_id, updated_at, id);
CREATE INDEX demands_commune_submitted_idx ON demands (commune_id, submitted_at, id);
CREATE INDEX demands_service_idx ON demands (commune_id, service_id, state);
CREATE INDEX demands_search_idx ON demands USING gin (search);

-- A transfer to a service. A signed service link is bound to one assignment and
-- grants action only while that assignment is current (ended_at IS NULL).
CREATE TABLE assignments (
    id           bigserial PRIMARY KEY,
    commune_id   bigint NOT NULL REFERENCES communes(id),
    demand_id    bigint NOT NULL,
    service_id   bigint NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    ended_at     timestamptz,
    ended_reason text NOT NULL DEFAULT '',
    FOREIGN KEY (commune_id, demand_id) REFERENCES demands (commune_id, id),
    FOREIGN KEY (commune_id, service_id) REFERENCES services (commune_id, id)
);
CREATE INDEX assignments_demand_idx ON assignments (demand_id);
ALTER TABLE demands ADD FOREIGN KEY (assignment_id) REFERENCES assignments (id);

-- The history of a demand: one row per transition, note, message or audit entry.
CREATE TABLE demand_events (
    id          bigserial PRIMARY KEY,
    commune_id  bigint NOT NULL,
    demand_id   bigint NOT NULL,
    at          timestamptz NOT NULL DEFAULT now(),
    kind        text NOT NULL,           -- an event name (submit, accept…) or note, message, link_opened…
    actor_kind  text NOT NULL CHECK (actor_kind IN ('citizen', 'agent', 'service', 'system')),
    actor_id    bigint,
    actor_name  text NOT NULL DEFAULT '',
    channel     text NOT NULL CHECK (channel IN ('web', 'link', 'system', 'cli')),
    from_state  text NOT NULL DEFAULT '',
    to_state    text NOT NULL DEFAULT '',
    message     text NOT NULL DEFAULT '',
    -- public: the citizen sees it; internal: agents, services and supervisors only
    visibility  text NOT NULL CHECK (visibility IN ('public', 'internal')),
    details     jsonb NOT NULL DEFAULT '{}',
    FOREIGN KEY (commune_id, demand_id) REFERENCES demands (commune_id, id)
);
CREATE INDEX demand_events_demand_idx ON demand_events (demand_id, at, id);

CREATE TABLE attachments (
    id           bigserial PRIMARY KEY,
    commune_id   bigint NOT NULL,
    demand_id    bigint NOT NULL,
    field        text NOT NULL DEFAULT '',
    filename     text NOT NULL,
    content_type text NOT NULL,
    size         bigint NOT NULL,
    sha256       text NOT NULL,
    uploaded_by  text NOT NULL CHECK (uploaded_by IN ('citizen', 'agent', 'service')),
    created_at   timestamptz NOT NULL DEFAULT now(),
    deleted_at   timestamptz,
    FOREIGN KEY (commune_id, demand_id) REFERENCES demands (commune_id, id)
);
CREATE INDEX attachments_demand_idx ON attachments (demand_id) WHERE deleted_at IS NULL;

-- Outgoing e-mail, written in the same transaction as the change that causes it
-- and sent by the worker after commit (transactional outbox).
CREATE TABLE outbox_mails (
    id              bigserial PRIMARY KEY,
    commune_id      bigint REFERENCES communes(id),
    demand_id       bigint,
    recipient       text NOT NULL,
    subject         text NOT NULL,
    body_text       text NOT NULL,
    body_html       text NOT NULL,
    message_id      text NOT NULL UNIQUE,
    thread_id       text NOT NULL DEFAULT '',
    status          text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'captured', 'failed')),
    attempts        integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    last_error      text NOT NULL DEFAULT '',
    created_at      timestamptz NOT NULL DEFAULT now(),
    sent_at         timestamptz
);
CREATE INDEX outbox_mails_due_idx ON outbox_mails (next_attempt_at) WHERE status = 'pending';
CREATE INDEX outbox_mails_demand_idx ON outbox_mails (demand_id);
