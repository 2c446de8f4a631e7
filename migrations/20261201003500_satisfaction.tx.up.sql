-- The citizen's word after the answer (issue 18, items 3 and 4).
--
-- Experiences ("Je donne mon avis"): posted by a citizen about a service of
-- the commune, moderated by a supervisor (never the service), routed to a
-- service once published, answered publicly (the answer held until an
-- agent who validates replies lets it out), and later given the
-- improvement the service made.
CREATE TABLE experiences (
    id              bigserial,
    commune_id      bigint NOT NULL REFERENCES communes (id),
    body            text NOT NULL,
    author_email    text NOT NULL,
    -- the service the author named, if any, and the one it is routed to
    suggested_service_id bigint,
    service_id      bigint,
    -- pending: to moderate; published: public; refused: never public
    status          text NOT NULL CHECK (status IN ('pending', 'published', 'refused')),
    refusal_reason  text NOT NULL DEFAULT '' CHECK (refusal_reason IN ('', 'insults', 'personal', 'off_topic')),
    moderated_by    text NOT NULL DEFAULT '',
    moderated_at    timestamptz,
    -- the service's answer: none, held (waiting for validation) or published
    answer          text NOT NULL DEFAULT '',
    answer_status   text NOT NULL DEFAULT 'none' CHECK (answer_status IN ('none', 'held', 'published')),
    answered_by     text NOT NULL DEFAULT '',
    answered_at     timestamptz,
    validated_by    text NOT NULL DEFAULT '',
    improvement     text NOT NULL DEFAULT '',
    improved_at     timestamptz,
    created_at      timestamptz NOT NULL,
    published_at    timestamptz,
    PRIMARY KEY (commune_id, id),
    FOREIGN KEY (commune_id, suggested_service_id) REFERENCES services (commune_id, id),
    FOREIGN KEY (commune_id, service_id) REFERENCES services (commune_id, id),
    CHECK (status <> 'published' OR service_id IS NOT NULL)
);
-- The moderation queue and the public page, each in its order.
CREATE INDEX experiences_status_idx ON experiences (commune_id, status, created_at, id);

-- Ratings: one row per request e-mailed (the signed link names it), rated
-- once. A demand decided, a conversation resolved or an experience
-- answered; the team rated (a service, or NULL for the accueil), the motif
-- and the procedure are copied at the request, so that the indicators
-- count where the answer came from. A score of 1 or 2 opens a follow-up
-- for the supervisor.
CREATE TABLE ratings (
    id              bigserial,
    commune_id      bigint NOT NULL REFERENCES communes (id),
    demand_id       bigint,
    conversation_id bigint,
    experience_id   bigint,
    service_id      bigint,
    motif_id        bigint,
    procedure_id    bigint,
    email           text NOT NULL,
    requested_at    timestamptz NOT NULL,
    score           smallint CHECK (score BETWEEN 1 AND 5),
    comment         text NOT NULL DEFAULT '',
    rated_at        timestamptz,
    followup        text NOT NULL DEFAULT '' CHECK (followup IN ('', 'open', 'closed')),
    followup_note   text NOT NULL DEFAULT '',
    followup_by     text NOT NULL DEFAULT '',
    followup_at     timestamptz,
    PRIMARY KEY (commune_id, id),
    FOREIGN KEY (commune_id, demand_id) REFERENCES demands (commune_id, id),
    FOREIGN KEY (commune_id, conversation_id) REFERENCES conversations (commune_id, id),
    FOREIGN KEY (commune_id, experience_id) REFERENCES experiences (commune_id, id),
    FOREIGN KEY (commune_id, service_id) REFERENCES services (commune_id, id),
    FOREIGN KEY (commune_id, motif_id) REFERENCES motifs (commune_id, id),
    FOREIGN KEY (commune_id, procedure_id) REFERENCES procedures (commune_id, id),
    CHECK (num_nonnulls(demand_id, conversation_id, experience_id) = 1),
    CHECK ((score IS NULL) = (rated_at IS NULL))
);
-- The indicators read the ratings given in a period; the follow-ups list
-- the open ones.
CREATE INDEX ratings_rated_idx ON ratings (commune_id, rated_at) INCLUDE (score, service_id, motif_id, procedure_id) WHERE rated_at IS NOT NULL;
CREATE INDEX ratings_followup_idx ON ratings (commune_id, followup, rated_at) WHERE followup <> '';
CREATE INDEX ratings_experience_idx ON ratings (commune_id, experience_id) WHERE experience_id IS NOT NULL;
