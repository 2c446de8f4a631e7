-- Retention (issue 17): the forecast's counts read these indexes alone (no heap): the drafts by
-- last change with their notice, the told drafts by notice, and the
-- resolved conversations without a demand (their status in the predicate).
DROP INDEX demands_draft_expiry_idx;
CREATE INDEX demands_draft_expiry_idx ON demands (commune_id, updated_at) INCLUDE (expiry_notice_at)
    WHERE anonymised_at IS NULL AND state = 'draft';
CREATE INDEX demands_draft_notice_idx ON demands (commune_id, expiry_notice_at)
    WHERE anonymised_at IS NULL AND state = 'draft' AND expiry_notice_at IS NOT NULL;
DROP INDEX conversations_retention_idx;
CREATE INDEX conversations_retention_idx ON conversations (commune_id, resolved_at)
    WHERE anonymised_at IS NULL AND resolved_at IS NOT NULL AND demand_id IS NULL AND status = 'resolved';
