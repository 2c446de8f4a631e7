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

-- Indicators per service: transfers and their outcome.
CREATE INDEX assignments_service_idx ON assignments (commune_id, service_id, created_at);
