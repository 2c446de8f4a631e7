-- Keys that name the commune, so that these tables can be distributed by
-- commune_id and co-located (docs/SCALING.md; held by
-- TestTenantTablesAreKeyedByCommune). Small tables, or, for assignments, one
-- index on a table of one row per transfer.
ALTER TABLE assignments ADD UNIQUE (commune_id, id);
ALTER TABLE demands DROP CONSTRAINT demands_assignment_id_fkey,
    ADD FOREIGN KEY (commune_id, assignment_id) REFERENCES assignments (commune_id, id);

ALTER TABLE digests ADD UNIQUE (commune_id, id);
ALTER TABLE digest_items DROP CONSTRAINT digest_items_digest_id_fkey,
    ADD FOREIGN KEY (commune_id, digest_id) REFERENCES digests (commune_id, id);

ALTER TABLE digest_schedules DROP CONSTRAINT digest_schedules_pkey,
    ADD PRIMARY KEY (commune_id, agent_id);
ALTER TABLE notification_preferences DROP CONSTRAINT notification_preferences_pkey,
    ADD PRIMARY KEY (commune_id, agent_id, kind);
