-- pg_dump and pg_restore run with an empty search_path, where street_keys,
-- computing the generated column streets.keys as the rows are restored,
-- could not find street_key: the function keeps the schema's search_path.
ALTER FUNCTION street_keys(bigint, text) SET search_path FROM CURRENT;
