-- The inbox filtered by a tag and sorted by due time read all the tag's
-- conversations in the heap, for their due time, to sort them
-- (docs/PERFORMANCE.md). The tag's link now carries the conversation's due
-- time too, kept by the same triggers as the inbox's other columns, and is
-- indexed in the due-time order of conversations_due_idx (those without
-- one last).
ALTER TABLE conversation_tags ADD COLUMN due_at timestamptz;

UPDATE conversation_tags AS ct SET due_at = cv.due_at
FROM conversations AS cv WHERE cv.id = ct.conversation_id AND cv.due_at IS NOT NULL;

-- A new link takes the conversation's values, whoever writes it.
CREATE OR REPLACE FUNCTION conversation_tag_copy() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    SELECT cv.status, cv.service_id, cv.assignee_id, cv.merged_into, cv.last_message_at, cv.due_at
    INTO NEW.status, NEW.service_id, NEW.assignee_id, NEW.merged_into, NEW.last_message_at, NEW.due_at
    FROM conversations AS cv WHERE cv.id = NEW.conversation_id;
    RETURN NEW;
END
$$;

-- The conversation's change reaches its links in the same transaction.
CREATE OR REPLACE FUNCTION conversation_tags_follow() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE conversation_tags
    SET status = NEW.status, service_id = NEW.service_id, assignee_id = NEW.assignee_id,
        merged_into = NEW.merged_into, last_message_at = NEW.last_message_at, due_at = NEW.due_at
    WHERE conversation_id = NEW.id;
    RETURN NULL;
END
$$;

DROP TRIGGER conversations_tags_follow ON conversations;

CREATE TRIGGER conversations_tags_follow AFTER UPDATE OF status, service_id, assignee_id, merged_into, last_message_at, due_at ON conversations
    FOR EACH ROW
    WHEN ((OLD.status, OLD.service_id, OLD.assignee_id, OLD.merged_into, OLD.last_message_at, OLD.due_at)
        IS DISTINCT FROM (NEW.status, NEW.service_id, NEW.assignee_id, NEW.merged_into, NEW.last_message_at, NEW.due_at))
    EXECUTE FUNCTION conversation_tags_follow();

-- The inbox's order by due time under a tag (models.ListInbox), as
-- conversation_tags_inbox_idx is its order by activity. due_at is included
-- as well as sorted on: PostgreSQL scans an expression's index index-only
-- only when the expression's columns are in it too.
CREATE INDEX conversation_tags_due_idx ON conversation_tags (commune_id, tag_id, (coalesce(due_at, 'infinity')), conversation_id)
    INCLUDE (status, service_id, assignee_id, due_at) WHERE merged_into IS NULL;
