-- The satisfaction indicators' roll-up, kept by the database as
-- conversation_counts is for the inbox: aggregating a large commune's
-- twelve months of ratings cost 266 ms at a million demands
-- (docs/PERFORMANCE.md). A row holds the ratings given in a month
-- (Europe/Paris) to a team (0: the accueil), a motif (0: none) and a
-- procedure (0: none): how many, their scores' sum and how many were 1 or
-- 2. Only the score, the time it was given and the three dimensions count:
-- an anonymisation (email, comment emptied) leaves the rows alone.
CREATE TABLE rating_month_counts (
    commune_id   bigint NOT NULL REFERENCES communes (id),
    month        date NOT NULL,
    service_id   bigint NOT NULL,
    motif_id     bigint NOT NULL,
    procedure_id bigint NOT NULL,
    n            bigint NOT NULL,
    score_sum    bigint NOT NULL,
    low          bigint NOT NULL,
    PRIMARY KEY (commune_id, month, service_id, motif_id, procedure_id)
);

CREATE FUNCTION count_ratings() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND (OLD.rated_at IS NULL) = (NEW.rated_at IS NULL)
       AND (OLD.rated_at IS NULL
         OR (OLD.commune_id, date_trunc('month', OLD.rated_at AT TIME ZONE 'Europe/Paris'), OLD.score,
             coalesce(OLD.service_id, 0), coalesce(OLD.motif_id, 0), coalesce(OLD.procedure_id, 0))
          = (NEW.commune_id, date_trunc('month', NEW.rated_at AT TIME ZONE 'Europe/Paris'), NEW.score,
             coalesce(NEW.service_id, 0), coalesce(NEW.motif_id, 0), coalesce(NEW.procedure_id, 0))) THEN
        RETURN NULL;
    END IF;
    -- A rated rating leaves its row (its key or score changed, or it is
    -- deleted), then counts in its new one; a rating is rated once, so the
    -- first half runs only when a rated rating is rewritten.
    IF TG_OP <> 'INSERT' AND OLD.rated_at IS NOT NULL THEN
        UPDATE rating_month_counts
        SET n = n - 1, score_sum = score_sum - OLD.score, low = low - (OLD.score <= 2)::int
        WHERE commune_id = OLD.commune_id AND month = date_trunc('month', OLD.rated_at AT TIME ZONE 'Europe/Paris')::date
          AND service_id = coalesce(OLD.service_id, 0) AND motif_id = coalesce(OLD.motif_id, 0) AND procedure_id = coalesce(OLD.procedure_id, 0);
    END IF;
    IF TG_OP <> 'DELETE' AND NEW.rated_at IS NOT NULL THEN
        INSERT INTO rating_month_counts AS c VALUES (NEW.commune_id, date_trunc('month', NEW.rated_at AT TIME ZONE 'Europe/Paris')::date,
            coalesce(NEW.service_id, 0), coalesce(NEW.motif_id, 0), coalesce(NEW.procedure_id, 0), 1, NEW.score, (NEW.score <= 2)::int)
        ON CONFLICT (commune_id, month, service_id, motif_id, procedure_id)
        DO UPDATE SET n = c.n + 1, score_sum = c.score_sum + excluded.score_sum, low = c.low + excluded.low;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER ratings_count AFTER INSERT OR DELETE OR UPDATE OF commune_id, rated_at, score, service_id, motif_id, procedure_id ON ratings
    FOR EACH ROW EXECUTE FUNCTION count_ratings();

INSERT INTO rating_month_counts (commune_id, month, service_id, motif_id, procedure_id, n, score_sum, low)
SELECT commune_id, date_trunc('month', rated_at AT TIME ZONE 'Europe/Paris')::date,
       coalesce(service_id, 0), coalesce(motif_id, 0), coalesce(procedure_id, 0),
       count(*), sum(score), count(*) FILTER (WHERE score <= 2)
FROM ratings WHERE rated_at IS NOT NULL GROUP BY 1, 2, 3, 4, 5;
