-- Lists sorted by citizen put names in French order, accents aside
-- ("Étienne" before "Yves"), like the other names (20261123000600). The
-- column cannot take the collation itself: the search vector is generated
-- from it. The lists sort by an expression in french_names instead: ICU's
-- French where the server has ICU, else the C order (a server without ICU
-- keeps byte order rather than refusing to migrate).
DO $do$
BEGIN
IF EXISTS (SELECT 1 FROM pg_collation WHERE collname = 'fr-x-icu') THEN
    CREATE COLLATION french_names FROM "fr-x-icu";
ELSE
    CREATE COLLATION french_names FROM "C";
END IF;
END
$do$;

-- The sort of models.sortColumns[SortCitizen], exactly: a page sorted by
-- citizen reads its rows from here, from the keyset cursor on.
CREATE INDEX demands_citizen_idx ON demands (commune_id, (lower(coalesce(nullif(citizen_name, ''), citizen_email)) COLLATE french_names), id);
