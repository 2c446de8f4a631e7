-- Indexes for lists at a million demands (docs/PERFORMANCE.md). Lists are
-- sorted by reception, coalesce(submitted_at, created_at); a list filtered
-- by state, or by service and state, then reads its page straight from an
-- index in that order instead of sorting every matching row, and the
-- counts per state read at most a few rows per state.

-- (commune_id, state) first: per-state counts and state-filtered lists.
DROP INDEX demands_queue_idx;
CREATE INDEX demands_state_received_idx ON demands (commune_id, state, (coalesce(submitted_at, created_at)), id);

-- (commune_id, service_id, state) first: the demands of a service, its board.
DROP INDEX demands_service_idx;
CREATE INDEX demands_service_received_idx ON demands (commune_id, service_id, state, (coalesce(submitted_at, created_at)), id);

-- Superseded by demands_received_idx, on the reception order lists use.
DROP INDEX demands_commune_submitted_idx;

-- The back office counts per state (20261123000200) lock the two counters
-- of a transition in a fixed order. Guarded, so that this file also runs
-- where the back office migration has not come yet.
DO $do$
BEGIN
IF to_regprocedure('count_demand_states()') IS NOT NULL THEN
    CREATE OR REPLACE FUNCTION count_demand_states() RETURNS trigger LANGUAGE plpgsql AS $fn$
    BEGIN
        IF TG_OP = 'INSERT' THEN
            INSERT INTO demand_state_counts AS c (commune_id, state, n) VALUES (NEW.commune_id, NEW.state, 1)
            ON CONFLICT (commune_id, state) DO UPDATE SET n = c.n + 1;
        ELSIF TG_OP = 'DELETE' THEN
            UPDATE demand_state_counts SET n = n - 1 WHERE commune_id = OLD.commune_id AND state = OLD.state;
        ELSIF OLD.state <> NEW.state THEN
            INSERT INTO demand_state_counts (commune_id, state, n) VALUES (NEW.commune_id, NEW.state, 0)
            ON CONFLICT DO NOTHING;
            -- Both rows are locked in the order of their states first: an
            -- UPDATE ... IN (a, b) locks them in whatever order its scan meets
            -- them, and two transitions in opposite directions then deadlocked
            -- (measured: workflow.Apply, hot set, docs/PERFORMANCE.md).
            PERFORM 1 FROM demand_state_counts WHERE commune_id = NEW.commune_id AND state IN (OLD.state, NEW.state)
            ORDER BY state FOR UPDATE;
            UPDATE demand_state_counts SET n = n + CASE WHEN state = NEW.state THEN 1 ELSE -1 END
            WHERE commune_id = NEW.commune_id AND state IN (OLD.state, NEW.state);
        END IF;
        RETURN NULL;
    END
    $fn$;
END IF;
END
$do$;
