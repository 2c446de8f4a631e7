-- Replies that need validation (issue 14, item 9): the reply of an agent
-- who replies only through validation waits here, apart from the thread,
-- until an agent who validates sends it (it becomes a message and this row
-- goes) or returns it with a comment. Nothing here reaches the citizen.
CREATE TABLE pending_replies (
    id              bigserial,
    commune_id      bigint NOT NULL,
    conversation_id bigint NOT NULL,
    author_id       bigint NOT NULL,
    author_name     text NOT NULL,
    body            text NOT NULL,
    -- waiting: in "À valider"; returned: back with its author, with a comment
    status          text NOT NULL CHECK (status IN ('waiting', 'returned')),
    comment         text NOT NULL DEFAULT '',
    returned_by     text NOT NULL DEFAULT '',
    version         integer NOT NULL DEFAULT 1,
    created_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL,
    PRIMARY KEY (commune_id, id),
    FOREIGN KEY (commune_id, conversation_id) REFERENCES conversations (commune_id, id),
    FOREIGN KEY (commune_id, author_id) REFERENCES agents (commune_id, id)
);
CREATE INDEX pending_replies_conversation_idx ON pending_replies (conversation_id, created_at, id);
-- The "À valider" view and its count start from the waiting replies.
CREATE INDEX pending_replies_waiting_idx ON pending_replies (commune_id, conversation_id) WHERE status = 'waiting';
