-- Services act through signed links. Bumping link_epoch revokes every link
-- made for the service before: its board and its demand links.
ALTER TABLE services ADD COLUMN link_epoch bigint NOT NULL DEFAULT 0;

-- When the service was last reminded of a demand waiting under this
-- assignment, so that a reminder goes out once per period.
ALTER TABLE assignments ADD COLUMN reminded_at timestamptz;
