-- Every entry is chained (the entries before the chain were by the Go
-- migration 20261201001701): its place is unique in its commune's chain.
ALTER TABLE demand_events
    ALTER COLUMN seq SET NOT NULL,
    ALTER COLUMN prev_hash SET NOT NULL,
    ALTER COLUMN hash SET NOT NULL,
    ALTER COLUMN content_hash SET NOT NULL;
CREATE UNIQUE INDEX demand_events_chain_idx ON demand_events (commune_id, seq);
