-- A commune's street names (voies and lieux-dits), imported from the Base
-- Adresse Nationale (streets.Import) and suggested in the citizen's address
-- fields (models.SuggestStreets). folded is the name as streets.Fold writes
-- it: lower case, no accents, its words separated by single spaces.
CREATE TABLE streets (
    id         bigserial PRIMARY KEY,
    commune_id bigint NOT NULL REFERENCES communes(id),
    name       text NOT NULL COLLATE french_names,
    folded     text NOT NULL,
    postcodes  text[] NOT NULL DEFAULT '{}',
    UNIQUE (commune_id, folded)
);

-- street_key is one indexed word beginning of a commune's street. The
-- commune is part of the key, so that a lookup reads that commune's streets
-- only, however many the instance holds.
CREATE FUNCTION street_key(commune_id bigint, prefix text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT commune_id::text || ':' || prefix $$;

-- street_keys are every beginning of every word of a folded name.
CREATE FUNCTION street_keys(commune_id bigint, folded text) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT coalesce(array_agg(DISTINCT street_key(commune_id, left(w, n))), '{}')
    FROM unnest(string_to_array(folded, ' ')) AS w, generate_series(1, length(w)) AS n
$$;

ALTER TABLE streets ADD COLUMN keys text[] GENERATED ALWAYS AS (street_keys(commune_id, folded)) STORED;
CREATE INDEX streets_keys_idx ON streets USING gin (keys);
