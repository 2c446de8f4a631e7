-- Names people read in lists sort in French order, accents aside: "État
-- civil" before "Urbanisme" and "Voirie", where the C order of the server
-- puts it last. The columns take the ICU French collation when the server
-- has ICU (Debian and Ubuntu builds do); a server without it keeps its
-- own order rather than refusing to migrate. Equality is unchanged: the
-- collation is deterministic.
DO $do$
BEGIN
IF EXISTS (SELECT 1 FROM pg_collation WHERE collname = 'fr-x-icu') THEN
    ALTER TABLE communes ALTER COLUMN name TYPE text COLLATE "fr-x-icu";
    ALTER TABLE services ALTER COLUMN name TYPE text COLLATE "fr-x-icu";
    ALTER TABLE procedures ALTER COLUMN title TYPE text COLLATE "fr-x-icu";
    ALTER TABLE agents ALTER COLUMN name TYPE text COLLATE "fr-x-icu";
END IF;
END
$do$;
