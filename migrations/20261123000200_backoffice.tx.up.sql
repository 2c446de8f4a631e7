-- The back office: agents' sessions, sign-in throttling, password resets,
-- and the indexes its lists need at a million demands.

-- A signed-in agent's session. The cookie carries a random token; only its
-- SHA-256 is stored, so a copy of the table opens no session.
CREATE TABLE agent_sessions (
    id           bigserial PRIMARY KEY,
    token_hash   bytea NOT NULL UNIQUE,
    commune_id   bigint NOT NULL,
    agent_id     bigint NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    last_seen_at timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz NOT NULL,
    revoked_at   timestamptz,
    ip           text NOT NULL DEFAULT '',
    user_agent   text NOT NULL DEFAULT '',
    FOREIGN KEY (commune_id, agent_id) REFERENCES agents (commune_id, id)
);
CREATE INDEX agent_sessions_agent_idx ON agent_sessions (agent_id) WHERE revoked_at IS NULL;

-- Failed sign-ins per key (an account address, or a client address). Past a
-- limit, the key is locked for a window that doubles with each new failure,
-- up to a cap; the count is forgotten after a quiet period.
CREATE TABLE login_throttles (
    key             text PRIMARY KEY,
    failures        integer NOT NULL,
    last_failure_at timestamptz NOT NULL,
    locked_until    timestamptz
);

-- Password reset links: the signed link names a nonce, and the nonce can be
-- used once.
CREATE TABLE password_resets (
    nonce      text PRIMARY KEY,
    commune_id bigint NOT NULL,
    agent_id   bigint NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    used_at    timestamptz,
    FOREIGN KEY (commune_id, agent_id) REFERENCES agents (commune_id, id)
);
CREATE INDEX password_resets_agent_idx ON password_resets (agent_id) WHERE used_at IS NULL;

-- Lists sorted by reception (drafts, not received yet, by creation): every
-- demand of a commune, and the accueil's queue on its own.
CREATE INDEX demands_received_idx ON demands (commune_id, (coalesce(submitted_at, created_at)), id);
CREATE INDEX demands_queue_received_idx ON demands (commune_id, (coalesce(submitted_at, created_at)), id)
    WHERE state IN ('submitted', 'returned_to_guichet');

-- The number of demands of each commune in each state, kept by a trigger:
-- counting a million rows on each page of a list would take too long.
CREATE TABLE demand_state_counts (
    commune_id bigint NOT NULL REFERENCES communes(id),
    state      text NOT NULL,
    n          bigint NOT NULL,
    PRIMARY KEY (commune_id, state)
);

CREATE FUNCTION count_demand_states() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO demand_state_counts AS c (commune_id, state, n) VALUES (NEW.commune_id, NEW.state, 1)
        ON CONFLICT (commune_id, state) DO UPDATE SET n = c.n + 1;
    ELSIF TG_OP = 'DELETE' THEN
        UPDATE demand_state_counts SET n = n - 1 WHERE commune_id = OLD.commune_id AND state = OLD.state;
    ELSIF OLD.state <> NEW.state THEN
        INSERT INTO demand_state_counts (commune_id, state, n) VALUES (NEW.commune_id, NEW.state, 0)
        ON CONFLICT DO NOTHING;
        -- One statement changes both rows, locking them in index order, so
        -- that two transitions in opposite directions never deadlock.
        UPDATE demand_state_counts SET n = n + CASE WHEN state = NEW.state THEN 1 ELSE -1 END
        WHERE commune_id = NEW.commune_id AND state IN (OLD.state, NEW.state);
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER demands_count_states AFTER INSERT OR DELETE OR UPDATE OF state ON demands
    FOR EACH ROW EXECUTE FUNCTION count_demand_states();

INSERT INTO demand_state_counts (commune_id, state, n)
SELECT commune_id, state, count(*) FROM demands GROUP BY commune_id, state;

-- Indicators per service: transfers and their outcome.
CREATE INDEX assignments_service_idx ON assignments (commune_id, service_id, created_at);
