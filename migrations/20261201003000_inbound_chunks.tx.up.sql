-- A mail received is stored in chunks of its gzipped bytes, written as it
-- is read and read back as it is parsed, so that no process holds a 25 MB
-- message whole (issue 15: peak memory flat with the message's size).
CREATE TABLE inbound_chunks (
    commune_id bigint NOT NULL,
    inbound_id bigint NOT NULL,
    seq        int NOT NULL,
    data       bytea NOT NULL,
    PRIMARY KEY (commune_id, inbound_id, seq),
    FOREIGN KEY (commune_id, inbound_id) REFERENCES inbound_messages (commune_id, id) ON DELETE CASCADE
);
INSERT INTO inbound_chunks (commune_id, inbound_id, seq, data) SELECT commune_id, id, 0, raw FROM inbound_messages;
ALTER TABLE inbound_messages DROP COLUMN raw;
