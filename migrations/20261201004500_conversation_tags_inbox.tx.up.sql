-- The inbox filtered by a tag read the tag's conversations one by one in
-- the heap, to sort them and to count them (129 ms at a million,
-- docs/PERFORMANCE.md). A tag's link now carries what the inbox filters and
-- orders by, kept by the database from the conversation's row, so that the
-- filtered page is an ordered index scan and its capped count an
-- index-only one.
ALTER TABLE conversation_tags
    ADD COLUMN status          text,
    ADD COLUMN service_id      bigint,
    ADD COLUMN assignee_id     bigint,
    ADD COLUMN merged_into     bigint,
    ADD COLUMN last_message_at timestamptz;

UPDATE conversation_tags AS ct
SET status = cv.status, service_id = cv.service_id, assignee_id = cv.assignee_id,
    merged_into = cv.merged_into, last_message_at = cv.last_message_at
FROM conversations AS cv WHERE cv.id = ct.conversation_id;

ALTER TABLE conversation_tags ALTER COLUMN status SET NOT NULL, ALTER COLUMN last_message_at SET NOT NULL;

-- A new link takes the conversation's values, whoever writes it.
CREATE FUNCTION conversation_tag_copy() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    SELECT cv.status, cv.service_id, cv.assignee_id, cv.merged_into, cv.last_message_at
    INTO NEW.status, NEW.service_id, NEW.assignee_id, NEW.merged_into, NEW.last_message_at
    FROM conversations AS cv WHERE cv.id = NEW.conversation_id;
    RETURN NEW;
END
$$;

CREATE TRIGGER conversation_tags_copy BEFORE INSERT ON conversation_tags
    FOR EACH ROW EXECUTE FUNCTION conversation_tag_copy();

-- The conversation's change reaches its links in the same transaction.
CREATE FUNCTION conversation_tags_follow() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE conversation_tags
    SET status = NEW.status, service_id = NEW.service_id, assignee_id = NEW.assignee_id,
        merged_into = NEW.merged_into, last_message_at = NEW.last_message_at
    WHERE conversation_id = NEW.id;
    RETURN NULL;
END
$$;

CREATE TRIGGER conversations_tags_follow AFTER UPDATE OF status, service_id, assignee_id, merged_into, last_message_at ON conversations
    FOR EACH ROW
    WHEN ((OLD.status, OLD.service_id, OLD.assignee_id, OLD.merged_into, OLD.last_message_at)
        IS DISTINCT FROM (NEW.status, NEW.service_id, NEW.assignee_id, NEW.merged_into, NEW.last_message_at))
    EXECUTE FUNCTION conversation_tags_follow();

-- The inbox's order under a tag (models.ListInbox); the view and the team
-- are checked in the index, as is everything the capped count reads.
CREATE INDEX conversation_tags_inbox_idx ON conversation_tags (commune_id, tag_id, last_message_at, conversation_id)
    INCLUDE (status, service_id, assignee_id) WHERE merged_into IS NULL;
