-- Bounds on what anyone may make the application e-mail (drafts started),
-- shared by every process and kept across restarts: one counter per key
-- (an e-mail address, a client address) for a fixed window that starts
-- with the key's first event and ends at expires_at.
CREATE TABLE rate_limits (
    key        text PRIMARY KEY,
    hits       integer NOT NULL,
    expires_at timestamptz NOT NULL
);
CREATE INDEX rate_limits_expires_idx ON rate_limits (expires_at);
