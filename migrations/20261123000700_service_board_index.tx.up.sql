-- The service board pages the demands a service holds, per state, in the
-- order they came into its hands (updated_at: a held demand changes only by
-- a transition). demands_service_received_idx ends in the reception order,
-- so a page of the board sorted every held demand of the service (8,000 at
-- a million demands); this index gives the page in order, 51 entries read.
-- Partial: only held states, a small part of all demands.
CREATE INDEX demands_service_held_idx ON demands (commune_id, service_id, state, updated_at, id)
    WHERE state IN ('transferred', 'correction_requested');
