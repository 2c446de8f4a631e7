-- A procedure may follow a variant of the lifecycle (workflow.Variants),
-- checked when its file is loaded.
ALTER TABLE procedures ADD COLUMN variant text NOT NULL DEFAULT 'standard';
