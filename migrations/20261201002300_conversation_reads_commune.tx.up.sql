-- An agent's read marks carry their commune, like every tenant table
-- (docs/SCALING.md): keyed and referenced with it.
ALTER TABLE conversation_reads ADD COLUMN commune_id bigint;
UPDATE conversation_reads AS r SET commune_id = cv.commune_id FROM conversations AS cv WHERE cv.id = r.conversation_id;
ALTER TABLE conversation_reads ALTER COLUMN commune_id SET NOT NULL;
ALTER TABLE conversation_reads DROP CONSTRAINT conversation_reads_pkey;
ALTER TABLE conversation_reads DROP CONSTRAINT conversation_reads_agent_id_fkey;
ALTER TABLE conversation_reads DROP CONSTRAINT conversation_reads_conversation_id_fkey;
ALTER TABLE conversation_reads ADD PRIMARY KEY (commune_id, agent_id, conversation_id);
ALTER TABLE conversation_reads ADD FOREIGN KEY (commune_id, agent_id) REFERENCES agents (commune_id, id);
ALTER TABLE conversation_reads ADD FOREIGN KEY (commune_id, conversation_id) REFERENCES conversations (commune_id, id);
