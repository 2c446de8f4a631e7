-- A change of a commune's working-day calendar (a closure added or removed,
-- Alsace-Moselle, its opening hours) moves the due times of its running
-- deadline clocks. The change bumps calendar_version in its transaction;
-- the job "deadline due times recomputed" (deadline.Retimer) recomputes
-- the clocks, a batch at a time, and records the version it counted on in
-- clocks_calendar_version.
ALTER TABLE communes
    ADD COLUMN calendar_version bigint NOT NULL DEFAULT 0,
    ADD COLUMN clocks_calendar_version bigint NOT NULL DEFAULT 0;

CREATE FUNCTION closure_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE communes SET calendar_version = calendar_version + 1
    WHERE id IN (CASE WHEN TG_OP <> 'INSERT' THEN OLD.commune_id END, CASE WHEN TG_OP <> 'DELETE' THEN NEW.commune_id END);
    RETURN NULL;
END
$$;

CREATE TRIGGER closures_calendar AFTER INSERT OR UPDATE OR DELETE ON closures
    FOR EACH ROW EXECUTE FUNCTION closure_changed();

CREATE FUNCTION commune_calendar_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.calendar_version := OLD.calendar_version + 1;
    RETURN NEW;
END
$$;

CREATE TRIGGER communes_calendar BEFORE UPDATE OF alsace_moselle, opening_hours ON communes
    FOR EACH ROW
    WHEN (OLD.alsace_moselle IS DISTINCT FROM NEW.alsace_moselle OR OLD.opening_hours IS DISTINCT FROM NEW.opening_hours)
    EXECUTE FUNCTION commune_calendar_changed();

-- The job's walk through a commune's running clocks.
CREATE INDEX deadline_clocks_running_idx ON deadline_clocks (commune_id, id) WHERE met_at IS NULL;
