-- The erasure of a demand, a conversation or an escalation finds what
-- refers to it by index: without these, each anonymisation read the whole
-- outbox, the commune's ratings and (for a demand) every attachment —
-- 11 s per demand at a million demands (docs/PERFORMANCE.md, sixth session).
CREATE INDEX outbox_mails_conversation_idx ON outbox_mails (commune_id, conversation_id) WHERE conversation_id IS NOT NULL;
CREATE INDEX outbox_mails_escalation_idx ON outbox_mails (commune_id, escalation_id) WHERE escalation_id IS NOT NULL;
CREATE INDEX ratings_demand_idx ON ratings (commune_id, demand_id) WHERE demand_id IS NOT NULL;
CREATE INDEX ratings_conversation_idx ON ratings (commune_id, conversation_id) WHERE conversation_id IS NOT NULL;
-- All of a demand's attachments go, those the citizen removed too: the
-- index of its attachments is no longer partial.
CREATE INDEX attachments_commune_demand_idx ON attachments (commune_id, demand_id);
DROP INDEX attachments_demand_idx;
