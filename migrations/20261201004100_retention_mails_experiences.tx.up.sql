-- Retention (issue 17), what the first version left out: the mails received
-- that no conversation took (bounces, refused or held senders, unread)
-- expire with the commune's rule for conversations without a demand,
-- counted from their receipt; an experience ("Je donne mon avis") is
-- erased on its author's request. Neither has a history: the row records
-- when and why it was erased (retention.ReasonExpiry, ReasonRequest,
-- ReasonDecision).
ALTER TABLE inbound_messages ADD COLUMN anonymised_at timestamptz;
ALTER TABLE inbound_messages ADD COLUMN anonymised_reason text NOT NULL DEFAULT '';
ALTER TABLE experiences ADD COLUMN anonymised_at timestamptz;
ALTER TABLE experiences ADD COLUMN anonymised_reason text NOT NULL DEFAULT '';

-- The daily job's and the forecast's scan of the mails without a conversation.
CREATE INDEX inbound_messages_retention_idx ON inbound_messages (commune_id, received_at)
    WHERE anonymised_at IS NULL AND conversation_id IS NULL AND conversation_message_id IS NULL;
-- The citizen's rights: the experiences of an address.
CREATE INDEX experiences_author_email_idx ON experiences (commune_id, lower(author_email));
-- The mails about an experience (to its author, to the service it is
-- routed to: both quote it) name it, so that its erasure finds them.
ALTER TABLE outbox_mails ADD COLUMN experience_id bigint;
ALTER TABLE outbox_mails ADD FOREIGN KEY (commune_id, experience_id) REFERENCES experiences (commune_id, id);
CREATE INDEX outbox_mails_experience_idx ON outbox_mails (commune_id, experience_id) WHERE experience_id IS NOT NULL;
