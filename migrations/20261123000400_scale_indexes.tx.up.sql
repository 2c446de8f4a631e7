-- Indexes for lists at a million demands (docs/PERFORMANCE.md). Lists are
-- sorted by reception, coalesce(submitted_at, created_at); a list filtered
-- by state, or by service and state, then reads its page straight from an
-- index in that order instead of sorting every matching row, and the
-- counts per state read at most a few rows per state.

-- (commune_id, state) first: per-state counts and state-filtered lists.
DROP INDEX demands_queue_idx;
CREATE INDEX demands_state_received_idx ON demands (commune_id, state, (coalesce(submitted_at, created_at)), id);

-- (commune_id, service_id, state) first: a service's demands, its board.
DROP INDEX demands_service_idx;
CREATE INDEX demands_service_received_idx ON demands (commune_id, service_id, state, (coalesce(submitted_at, created_at)), id);

-- Superseded by demands_received_idx, on the reception order lists use.
DROP INDEX demands_commune_submitted_idx;
