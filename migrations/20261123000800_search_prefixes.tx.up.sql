-- French search at a million demands (docs/PERFORMANCE.md). Agents search by
-- word beginnings ("lampad" finds "lampadaire"). A GIN index answers a
-- prefix query (tsquery 'x':*) by merging the whole posting list of every
-- word with that prefix, matches in every commune included: 30 to 80 ms for
-- common words. demand_words holds every prefix of every word of a demand as
-- a word of its own, and its commune as one more, so that a prefix query
-- becomes an exact one, which GIN answers by skipping through the posting
-- lists of the rarest words, restricted to the commune: 2 to 6 ms.
--
-- The words live beside demands, not in an index on demands: a transition
-- rewrites the demand's row, and PostgreSQL would then insert a hundred new
-- entries into that index each time (0.1 ms, and a pending list to merge,
-- up to half a second for the transition that meets it full). Here they
-- change only with what the citizen wrote.

-- The words of search with every beginning (one letter or more) of each,
-- and 'commune N'. No word the parser makes holds a space.
CREATE FUNCTION search_prefixes(search tsvector, commune_id bigint) RETURNS tsvector
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT array_to_tsvector(array_append(coalesce(array_agg(DISTINCT left(w, n)), '{}'), 'commune ' || commune_id::text))
    FROM unnest(tsvector_to_array(search)) AS w, generate_series(1, length(w)) AS n
$$;

CREATE TABLE demand_words (
    demand_id bigint PRIMARY KEY REFERENCES demands (id) ON DELETE CASCADE,
    words     tsvector NOT NULL
);
INSERT INTO demand_words (demand_id, words) SELECT id, search_prefixes(search, commune_id) FROM demands;
CREATE INDEX demand_words_idx ON demand_words USING gin (words);

CREATE FUNCTION keep_demand_words() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO demand_words (demand_id, words) VALUES (NEW.id, search_prefixes(NEW.search, NEW.commune_id))
    ON CONFLICT (demand_id) DO UPDATE SET words = EXCLUDED.words;
    RETURN NULL;
END
$$;
-- search is generated from these columns.
CREATE TRIGGER demands_words AFTER INSERT OR UPDATE OF data, citizen_name, citizen_email ON demands
    FOR EACH ROW EXECUTE FUNCTION keep_demand_words();

-- Superseded: prefix queries on search are now only a filter on rows that
-- an ordered index gives (models.ListDemands).
DROP INDEX demands_search_idx;
