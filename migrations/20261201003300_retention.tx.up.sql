-- Retention (issue 17, items 1 and 2): how long a procedure's decided
-- demands are kept (months after the decision, 1 to 60, 12 by default) and
-- a commune's conversations without a demand (months after resolution);
-- when a draft's expiry notice went, and when a demand or a conversation was
-- anonymised (its row, dates, states and codes stay for the indicators).
ALTER TABLE procedures ADD COLUMN retention_months smallint NOT NULL DEFAULT 12
    CHECK (retention_months BETWEEN 1 AND 60);
ALTER TABLE communes ADD COLUMN conversation_retention_months smallint NOT NULL DEFAULT 12
    CHECK (conversation_retention_months BETWEEN 1 AND 60);
ALTER TABLE demands ADD COLUMN expiry_notice_at timestamptz;
ALTER TABLE demands ADD COLUMN anonymised_at timestamptz;
ALTER TABLE conversations ADD COLUMN anonymised_at timestamptz;

-- The daily job's and the forecast's scans: decided demands by decision
-- date, drafts by last change, resolved conversations by resolution, each
-- not anonymised yet.
CREATE INDEX demands_retention_idx ON demands (commune_id, procedure_id, decided_at) WHERE anonymised_at IS NULL AND decided_at IS NOT NULL;
CREATE INDEX demands_draft_expiry_idx ON demands (commune_id, updated_at) WHERE anonymised_at IS NULL AND state = 'draft';
CREATE INDEX conversations_retention_idx ON conversations (commune_id, resolved_at)
    WHERE anonymised_at IS NULL AND resolved_at IS NOT NULL AND demand_id IS NULL;
-- The citizen's rights: everything held about an address.
CREATE INDEX demands_citizen_email_idx ON demands (commune_id, lower(citizen_email));
