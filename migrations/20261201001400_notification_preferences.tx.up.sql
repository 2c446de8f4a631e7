-- How each agent wants to be told of each kind of event (notify.Kinds): at
-- once, in a daily or weekly digest, or never. No row: the kind's default.
CREATE TABLE notification_preferences (
    commune_id bigint NOT NULL,
    agent_id   bigint NOT NULL,
    kind       text NOT NULL,
    frequency  text NOT NULL CHECK (frequency IN ('immediate', 'daily', 'weekly', 'never')),
    PRIMARY KEY (agent_id, kind),
    FOREIGN KEY (commune_id, agent_id) REFERENCES agents (commune_id, id)
);

-- When an agent's digests go: hours in Europe/Paris, the weekly one's day
-- ISO-numbered (1 Monday … 7 Sunday). No row: notify's defaults.
CREATE TABLE digest_schedules (
    commune_id  bigint NOT NULL,
    agent_id    bigint PRIMARY KEY,
    daily_hour  smallint NOT NULL CHECK (daily_hour BETWEEN 0 AND 23),
    weekly_day  smallint NOT NULL CHECK (weekly_day BETWEEN 1 AND 7),
    weekly_hour smallint NOT NULL CHECK (weekly_hour BETWEEN 0 AND 23),
    FOREIGN KEY (commune_id, agent_id) REFERENCES agents (commune_id, id)
);

-- One digest e-mail sent to an agent.
CREATE TABLE digests (
    id         bigserial PRIMARY KEY,
    commune_id bigint NOT NULL,
    agent_id   bigint NOT NULL,
    sent_at    timestamptz NOT NULL,
    items      int NOT NULL CHECK (items > 0),
    FOREIGN KEY (commune_id, agent_id) REFERENCES agents (commune_id, id)
);

-- An event waiting for an agent's next digest, written in the event's own
-- transaction; digest_id is set, once, by the transaction that enqueues the
-- digest listing it.
CREATE TABLE digest_items (
    id          bigserial PRIMARY KEY,
    commune_id  bigint NOT NULL,
    agent_id    bigint NOT NULL,
    kind        text NOT NULL,
    cadence     text NOT NULL CHECK (cadence IN ('daily', 'weekly')),
    demand_id   bigint NOT NULL,
    event_id    bigint NOT NULL REFERENCES demand_events (id),
    occurred_at timestamptz NOT NULL,
    digest_id   bigint REFERENCES digests (id),
    FOREIGN KEY (commune_id, agent_id) REFERENCES agents (commune_id, id),
    FOREIGN KEY (commune_id, demand_id) REFERENCES demands (commune_id, id)
);
CREATE INDEX digest_items_pending_idx ON digest_items (agent_id, occurred_at) WHERE digest_id IS NULL;
