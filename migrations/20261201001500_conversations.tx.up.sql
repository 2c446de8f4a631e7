-- Conversations (issue 14): every exchange with a citizen, internal notes
-- kept apart. A conversation is about a demand, a procedure, or nothing (the
-- commune's general inbox); its team is the accueil (service_id NULL) or a
-- service.

CREATE TABLE conversations (
    id              bigserial PRIMARY KEY,
    commune_id      bigint NOT NULL REFERENCES communes(id),
    reference       text NOT NULL UNIQUE,
    subject         text NOT NULL,
    status          text NOT NULL CHECK (status IN ('new', 'open', 'waiting', 'resolved')),
    assignee_id     bigint,
    service_id      bigint,
    demand_id       bigint,
    procedure_id    bigint,
    -- the address answered: the citizen's, or a third party's when an agent
    -- opened the conversation on someone's behalf
    citizen_email   text NOT NULL,
    citizen_name    text NOT NULL DEFAULT '',
    channel         text NOT NULL CHECK (channel IN ('web', 'email', 'phone', 'counter')),
    version         integer NOT NULL DEFAULT 1,
    created_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL,
    resolved_at     timestamptz,
    last_message_at timestamptz NOT NULL,
    -- the last message the citizen wrote; agents' unread state compares it
    -- with conversation_reads
    citizen_wrote_at timestamptz,
    -- the citizen's read state: the commune's messages after it are new to them
    citizen_seen_at timestamptz,
    -- merged into another conversation (its messages moved there), or
    -- opened anew after a resolved one too old to reopen
    merged_into     bigint,
    follows         bigint,
    -- subject, names and every message's text, French, accents ignored
    search          tsvector NOT NULL DEFAULT ''::tsvector,
    FOREIGN KEY (commune_id, assignee_id) REFERENCES agents (commune_id, id),
    FOREIGN KEY (commune_id, service_id) REFERENCES services (commune_id, id),
    FOREIGN KEY (commune_id, demand_id) REFERENCES demands (commune_id, id),
    FOREIGN KEY (commune_id, procedure_id) REFERENCES procedures (commune_id, id),
    UNIQUE (commune_id, id)
);
ALTER TABLE conversations ADD FOREIGN KEY (commune_id, merged_into) REFERENCES conversations (commune_id, id);
ALTER TABLE conversations ADD FOREIGN KEY (commune_id, follows) REFERENCES conversations (commune_id, id);
-- The inbox: keyset paging per commune and status, newest activity first.
CREATE INDEX conversations_inbox_idx ON conversations (commune_id, status, last_message_at, id) WHERE merged_into IS NULL;
-- The views over several statuses read the commune's conversations in order.
CREATE INDEX conversations_recent_idx ON conversations (commune_id, last_message_at, id) WHERE merged_into IS NULL;
CREATE INDEX conversations_assignee_idx ON conversations (commune_id, assignee_id, last_message_at, id) WHERE merged_into IS NULL;
CREATE INDEX conversations_demand_idx ON conversations (demand_id) WHERE demand_id IS NOT NULL;
CREATE INDEX conversations_citizen_idx ON conversations (commune_id, lower(citizen_email));
CREATE INDEX conversations_search_idx ON conversations USING gin (search);

CREATE TABLE conversation_messages (
    id              bigserial PRIMARY KEY,
    commune_id      bigint NOT NULL,
    conversation_id bigint NOT NULL,
    -- internal: a note for the team, never shown or sent to the citizen
    internal        boolean NOT NULL,
    author_kind     text NOT NULL CHECK (author_kind IN ('citizen', 'agent', 'service', 'system')),
    author_id       bigint,
    author_name     text NOT NULL DEFAULT '',
    channel         text NOT NULL CHECK (channel IN ('web', 'email', 'phone', 'counter')),
    body            text NOT NULL,
    -- the Message-ID of the e-mail that carries it, stable across retries
    mail_id         text NOT NULL UNIQUE,
    created_at      timestamptz NOT NULL,
    FOREIGN KEY (commune_id, conversation_id) REFERENCES conversations (commune_id, id),
    UNIQUE (commune_id, id)
);
CREATE INDEX conversation_messages_thread_idx ON conversation_messages (conversation_id, created_at, id);

CREATE TABLE conversation_files (
    id              bigserial PRIMARY KEY,
    commune_id      bigint NOT NULL,
    conversation_id bigint NOT NULL,
    message_id      bigint NOT NULL,
    filename        text NOT NULL,
    content_type    text NOT NULL,
    size            bigint NOT NULL,
    sha256          text NOT NULL,
    created_at      timestamptz NOT NULL,
    FOREIGN KEY (commune_id, conversation_id) REFERENCES conversations (commune_id, id),
    FOREIGN KEY (commune_id, message_id) REFERENCES conversation_messages (commune_id, id)
);
CREATE INDEX conversation_files_conversation_idx ON conversation_files (conversation_id);
CREATE INDEX conversation_files_sha_idx ON conversation_files (sha256);

-- When each agent last read each conversation.
CREATE TABLE conversation_reads (
    agent_id        bigint NOT NULL REFERENCES agents(id),
    conversation_id bigint NOT NULL REFERENCES conversations(id),
    seen_at         timestamptz NOT NULL,
    PRIMARY KEY (agent_id, conversation_id)
);

-- Tags, per commune, on conversations and on demands.
CREATE TABLE tags (
    id         bigserial PRIMARY KEY,
    commune_id bigint NOT NULL REFERENCES communes(id),
    name       text NOT NULL CHECK (name <> ''),
    created_at timestamptz NOT NULL,
    UNIQUE (commune_id, id)
);
CREATE UNIQUE INDEX tags_name_key ON tags (commune_id, lower(name));

CREATE TABLE conversation_tags (
    commune_id      bigint NOT NULL,
    conversation_id bigint NOT NULL,
    tag_id          bigint NOT NULL,
    created_at      timestamptz NOT NULL,
    PRIMARY KEY (conversation_id, tag_id),
    FOREIGN KEY (commune_id, conversation_id) REFERENCES conversations (commune_id, id),
    FOREIGN KEY (commune_id, tag_id) REFERENCES tags (commune_id, id)
);
CREATE INDEX conversation_tags_tag_idx ON conversation_tags (tag_id, created_at);

CREATE TABLE demand_tags (
    commune_id bigint NOT NULL,
    demand_id  bigint NOT NULL,
    tag_id     bigint NOT NULL,
    created_at timestamptz NOT NULL,
    PRIMARY KEY (demand_id, tag_id),
    FOREIGN KEY (commune_id, demand_id) REFERENCES demands (commune_id, id),
    FOREIGN KEY (commune_id, tag_id) REFERENCES tags (commune_id, id)
);
CREATE INDEX demand_tags_tag_idx ON demand_tags (tag_id, created_at);

-- A conversation's history goes through the one history writer, in the
-- same table as a demand's: an entry names a demand or a conversation.
ALTER TABLE demand_events ALTER COLUMN demand_id DROP NOT NULL;
ALTER TABLE demand_events ADD COLUMN conversation_id bigint;
ALTER TABLE demand_events ADD FOREIGN KEY (commune_id, conversation_id) REFERENCES conversations (commune_id, id);
ALTER TABLE demand_events ADD CHECK ((demand_id IS NULL) <> (conversation_id IS NULL));
CREATE INDEX demand_events_conversation_idx ON demand_events (conversation_id, at, id) WHERE conversation_id IS NOT NULL;

-- Mails about a conversation answer to its signed address.
ALTER TABLE outbox_mails ADD COLUMN reply_to text NOT NULL DEFAULT '';
ALTER TABLE outbox_mails ADD COLUMN conversation_id bigint;
