-- Routing rules run on a conversation when it is opened (issue 16, item 2):
-- they may set its priority, as on a demand (1 basse, 2 normale, 3 haute, 4 urgente).
ALTER TABLE conversations ADD COLUMN priority smallint NOT NULL DEFAULT 2 CHECK (priority BETWEEN 1 AND 4);
