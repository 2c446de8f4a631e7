-- Inbound mail (issue 15): every message received, stored raw (gzip) before
-- it is parsed, so that a parsing failure loses nothing and can be
-- replayed; then what became of it.
CREATE TABLE inbound_messages (
    id              bigserial NOT NULL,
    commune_id      bigint NOT NULL REFERENCES communes(id),
    received_at     timestamptz NOT NULL,
    -- the SMTP envelope: '' for the null return path of a bounce
    envelope_from   text NOT NULL,
    envelope_to     text NOT NULL,
    -- the Message-ID header, without angle brackets ('' when none)
    message_id      text NOT NULL DEFAULT '',
    raw             bytea NOT NULL,
    size            bigint NOT NULL,
    status          text NOT NULL DEFAULT 'stored' CHECK (status IN
        ('stored', 'threaded', 'held', 'refused', 'auto_reply', 'bounce', 'duplicate')),
    error           text NOT NULL DEFAULT '',
    -- the From, and the subject, once parsed
    sender          text NOT NULL DEFAULT '',
    subject         text NOT NULL DEFAULT '',
    conversation_id bigint,
    conversation_message_id bigint,
    PRIMARY KEY (commune_id, id),
    FOREIGN KEY (commune_id, conversation_id) REFERENCES conversations (commune_id, id),
    FOREIGN KEY (commune_id, conversation_message_id) REFERENCES conversation_messages (commune_id, id)
);
-- Threading by the Message-IDs received; the supervisor's list of held and refused ones.
CREATE INDEX inbound_messages_message_id_idx ON inbound_messages (commune_id, message_id) WHERE message_id <> '';
CREATE INDEX inbound_messages_status_idx ON inbound_messages (commune_id, status, received_at);

-- The quoted history and signature of a message received by mail, folded
-- under its new part, kept whole.
ALTER TABLE conversation_messages ADD COLUMN folded text NOT NULL DEFAULT '';

-- A bounce marks the mail it answers as undelivered.
ALTER TABLE outbox_mails ADD COLUMN bounced_at timestamptz;
ALTER TABLE outbox_mails ADD COLUMN bounce text NOT NULL DEFAULT '';

-- A citizen's message received by mail is recorded with its channel.
ALTER TABLE demand_events DROP CONSTRAINT demand_events_channel_check;
ALTER TABLE demand_events ADD CONSTRAINT demand_events_channel_check CHECK (channel IN ('web', 'link', 'system', 'cli', 'email'));
