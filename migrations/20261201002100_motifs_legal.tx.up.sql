-- A commune's motifs: a tree theme > motif > sous-motif (three levels at
-- most, checked by the application). A motif in use is deactivated, never
-- deleted: demands and procedure versions keep pointing at it.
CREATE TABLE motifs (
    id         bigserial PRIMARY KEY,
    commune_id bigint NOT NULL REFERENCES communes (id),
    parent_id  bigint,
    name       text NOT NULL CHECK (name <> '' AND length(name) <= 120),
    active     boolean NOT NULL DEFAULT true,
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (commune_id, id),
    FOREIGN KEY (commune_id, parent_id) REFERENCES motifs (commune_id, id)
);
-- Two siblings never share a name (case aside): a path names one motif.
CREATE UNIQUE INDEX motifs_sibling_name_idx ON motifs (commune_id, coalesce(parent_id, 0), lower(name));

-- The free-text motif of a procedure version becomes a reference to a
-- top-level motif of that name ("/" separates a path's levels, so it is
-- replaced in a name).
INSERT INTO motifs (commune_id, name)
SELECT DISTINCT ON (commune_id, lower(replace(btrim(motif), '/', '-'))) commune_id, left(replace(btrim(motif), '/', '-'), 120)
FROM procedure_versions WHERE btrim(motif) <> ''
ORDER BY commune_id, lower(replace(btrim(motif), '/', '-'));

ALTER TABLE procedure_versions ADD COLUMN motif_id bigint;
UPDATE procedure_versions v SET motif_id = m.id FROM motifs m
WHERE m.commune_id = v.commune_id AND m.parent_id IS NULL AND lower(m.name) = lower(left(replace(btrim(v.motif), '/', '-'), 120));
ALTER TABLE procedure_versions DROP COLUMN motif,
    ADD FOREIGN KEY (commune_id, motif_id) REFERENCES motifs (commune_id, id);

-- What the administration's silence means (CRPA L231-1, L231-4) and after
-- how long: none for the existing versions, whose admin chooses.
ALTER TABLE procedure_versions
    ADD COLUMN silence text NOT NULL DEFAULT 'aucune' CHECK (silence IN ('acceptation', 'rejet', 'aucune')),
    ADD COLUMN delay_n integer NOT NULL DEFAULT 2 CHECK (delay_n BETWEEN 1 AND 1000),
    ADD COLUMN delay_unit text NOT NULL DEFAULT 'mois' CHECK (delay_unit IN ('jours', 'semaines', 'mois'));

-- A demand's motif (its procedure's default at submission, changed by an
-- agent), the day its implicit decision is born (recomputed when a
-- correction ends), when reaching it was recorded, and the day a pending
-- correction is due by (L114-5).
ALTER TABLE demands
    ADD COLUMN motif_id bigint,
    ADD COLUMN implicit_decision_on date,
    ADD COLUMN implicit_reached_at timestamptz,
    ADD COLUMN correction_due_on date,
    ADD FOREIGN KEY (commune_id, motif_id) REFERENCES motifs (commune_id, id);
UPDATE demands d SET motif_id = v.motif_id FROM procedure_versions v
WHERE v.procedure_id = d.procedure_id AND v.number = d.procedure_version AND v.motif_id IS NOT NULL;
CREATE INDEX demands_motif_idx ON demands (commune_id, motif_id);
-- The job that records implicit decisions reads the undecided demands whose day has come.
CREATE INDEX demands_implicit_due_idx ON demands (implicit_decision_on)
    WHERE implicit_reached_at IS NULL AND decided_at IS NULL AND implicit_decision_on IS NOT NULL;
