-- French search at a million demands (docs/PERFORMANCE.md). Agents search by
-- word beginnings ("lampad" finds "lampadaire"). A GIN index answers a
-- prefix query (tsquery 'x':*) by merging the whole posting list of every
-- word with that prefix, matches in every commune included: 30 to 80 ms for
-- common words. This index holds every prefix of every word of a demand as
-- a word of its own, and its commune as one more, so that a prefix query
-- becomes an exact one, that GIN answers by skipping through the posting
-- lists of the rarest words, restricted to the commune: 2 to 6 ms.
--
-- A transition rewrites the demand's row (its state is indexed), so this
-- index gets the row's words again each time: about 0.1 ms, which the same
-- transition in plain SQL (pgbench, docs/PERFORMANCE.md) pays as well. A
-- separate table of words, written only when the citizen's text changes,
-- spared that but made each match cost a second random read: searches
-- were two to three times slower.

-- The words of search with every beginning (one letter or more) of each,
-- and 'commune N'. No word the parser makes holds a space.
CREATE FUNCTION search_prefixes(search tsvector, commune_id bigint) RETURNS tsvector
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT array_to_tsvector(array_append(coalesce(array_agg(DISTINCT left(w, n)), '{}'), 'commune ' || commune_id::text))
    FROM unnest(tsvector_to_array(search)) AS w, generate_series(1, length(w)) AS n
$$;

CREATE INDEX demands_search_prefixes_idx ON demands USING gin (search_prefixes(search, commune_id));

-- Superseded: prefix queries on search are now only a filter on rows that
-- an ordered index gives (models.ListDemands).
DROP INDEX demands_search_idx;
