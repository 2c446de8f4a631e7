-- Roles become profiles: named sets of permissions (perm.All) that each
-- commune's admin composes, optionally limited to some procedures. The
-- three roles become three default profiles per commune (perm.Defaults),
-- and every agent gets the one of its role.
CREATE TABLE profiles (
    id            bigserial PRIMARY KEY,
    commune_id    bigint NOT NULL REFERENCES communes(id),
    name          text NOT NULL CHECK (btrim(name) <> ''),
    permissions   text[] NOT NULL DEFAULT '{}',
    -- The procedures whose demands the profile may see; empty: every one.
    procedure_ids bigint[] NOT NULL DEFAULT '{}',
    -- Bumped by every change: two admins editing at once do not overwrite each other.
    version       integer NOT NULL DEFAULT 1,
    created_at    timestamptz NOT NULL DEFAULT now(),
    UNIQUE (commune_id, id)
);
CREATE UNIQUE INDEX profiles_name_key ON profiles (commune_id, lower(name));

DO $do$
BEGIN
IF EXISTS (SELECT 1 FROM pg_collation WHERE collname = 'fr-x-icu') THEN
    ALTER TABLE profiles ALTER COLUMN name TYPE text COLLATE "fr-x-icu";
END IF;
END
$do$;

INSERT INTO profiles (commune_id, name, permissions)
SELECT c.id, p.name, p.permissions
FROM communes c, (VALUES
    ('Agent d''accueil', '{voir,decider,transmettre,repondre}'::text[]),
    ('Superviseur', '{voir,decider,transmettre,repondre,valider,superviser,exporter}'::text[]),
    ('Administrateur', '{administrer}'::text[])
) AS p(name, permissions);

ALTER TABLE agents ADD COLUMN profile_id bigint;
UPDATE agents a SET profile_id = p.id
FROM profiles p
WHERE p.commune_id = a.commune_id AND p.name = CASE a.role
    WHEN 'accueil' THEN 'Agent d''accueil'
    WHEN 'supervisor' THEN 'Superviseur'
    ELSE 'Administrateur' END;
ALTER TABLE agents
    ALTER COLUMN profile_id SET NOT NULL,
    ADD FOREIGN KEY (commune_id, profile_id) REFERENCES profiles (commune_id, id),
    DROP COLUMN role;
CREATE INDEX agents_profile ON agents (profile_id);
