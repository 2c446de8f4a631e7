-- A commune of Alsace-Moselle (Bas-Rhin, Haut-Rhin, Moselle) has two more
-- public holidays, Vendredi saint and 26 décembre (calendar.Holidays).
ALTER TABLE communes ADD COLUMN alsace_moselle boolean NOT NULL DEFAULT false;

-- The periods a commune is closed (a summer closure, a bridge day), both
-- days included: deadlines in working days and hours skip them.
CREATE TABLE closures (
    id         bigserial PRIMARY KEY,
    commune_id bigint NOT NULL REFERENCES communes (id),
    starts_on  date NOT NULL,
    ends_on    date NOT NULL CHECK (ends_on >= starts_on),
    label      text NOT NULL CHECK (label <> '' AND length(label) <= 200),
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX closures_commune_idx ON closures (commune_id, starts_on);
