-- The inbox's counts, kept by the database as demand_state_counts is for
-- the demand lists: counting a large commune's conversations on every page
-- cost 170 to 400 ms at a million (docs/PERFORMANCE.md). A row counts the
-- conversations (merged ones left out) of a team (0: the accueil), an
-- assignee (0: none) and a status; a commune has at most a few hundred.
CREATE TABLE conversation_counts (
    commune_id  bigint NOT NULL REFERENCES communes (id),
    service_id  bigint NOT NULL,
    assignee_id bigint NOT NULL,
    status      text NOT NULL,
    n           bigint NOT NULL,
    PRIMARY KEY (commune_id, service_id, assignee_id, status)
);

CREATE FUNCTION count_conversations() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    was_counted boolean := false;
    is_counted  boolean := false;
    old_row     conversation_counts;
    new_row     conversation_counts;
BEGIN
    IF TG_OP <> 'INSERT' THEN
        was_counted := OLD.merged_into IS NULL;
        old_row := ROW(OLD.commune_id, coalesce(OLD.service_id, 0), coalesce(OLD.assignee_id, 0), OLD.status, 1);
    END IF;
    IF TG_OP <> 'DELETE' THEN
        is_counted := NEW.merged_into IS NULL;
        new_row := ROW(NEW.commune_id, coalesce(NEW.service_id, 0), coalesce(NEW.assignee_id, 0), NEW.status, 1);
    END IF;
    IF was_counted AND is_counted AND old_row = new_row THEN
        RETURN NULL;
    END IF;
    IF is_counted THEN
        INSERT INTO conversation_counts VALUES (new_row.commune_id, new_row.service_id, new_row.assignee_id, new_row.status, 0)
        ON CONFLICT DO NOTHING;
    END IF;
    -- One statement changes both rows, as demand_state_counts' trigger does.
    UPDATE conversation_counts AS c
    SET n = c.n + CASE WHEN is_counted AND (c.service_id, c.assignee_id, c.status) = (new_row.service_id, new_row.assignee_id, new_row.status) THEN 1 ELSE 0 END
                - CASE WHEN was_counted AND (c.service_id, c.assignee_id, c.status) = (old_row.service_id, old_row.assignee_id, old_row.status) THEN 1 ELSE 0 END
    WHERE c.commune_id = coalesce(new_row.commune_id, old_row.commune_id)
      AND ((was_counted AND (c.service_id, c.assignee_id, c.status) = (old_row.service_id, old_row.assignee_id, old_row.status))
        OR (is_counted AND (c.service_id, c.assignee_id, c.status) = (new_row.service_id, new_row.assignee_id, new_row.status)));
    RETURN NULL;
END
$$;

CREATE TRIGGER conversations_count AFTER INSERT OR DELETE OR UPDATE OF status, service_id, assignee_id, merged_into ON conversations
    FOR EACH ROW EXECUTE FUNCTION count_conversations();

INSERT INTO conversation_counts (commune_id, service_id, assignee_id, status, n)
SELECT commune_id, coalesce(service_id, 0), coalesce(assignee_id, 0), status, count(*)
FROM conversations WHERE merged_into IS NULL GROUP BY 1, 2, 3, 4;
