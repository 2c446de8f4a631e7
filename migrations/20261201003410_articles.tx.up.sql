-- Help articles (issue 18, items 1 and 2): per commune, in Markdown,
-- public (the portal shows them) or internal (agents only), tied to motifs
-- and procedures. version guards two editors saving at once. The search
-- words are the French configuration's, the title weighing more.
CREATE TABLE articles (
    id          bigserial,
    commune_id  bigint NOT NULL REFERENCES communes(id),
    slug        text NOT NULL CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
    title       text NOT NULL CHECK (title <> ''),
    body        text NOT NULL CHECK (body <> ''),
    public      boolean NOT NULL DEFAULT false,
    version     integer NOT NULL DEFAULT 1,
    search      tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('fr_unaccent', title), 'A') || setweight(to_tsvector('fr_unaccent', body), 'B')) STORED,
    updated_by  bigint,
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL,
    FOREIGN KEY (commune_id, updated_by) REFERENCES agents (commune_id, id),
    PRIMARY KEY (commune_id, id),
    UNIQUE (commune_id, slug)
);
CREATE INDEX articles_search_idx ON articles USING gin (search);

CREATE TABLE article_motifs (
    commune_id bigint NOT NULL,
    article_id bigint NOT NULL,
    motif_id   bigint NOT NULL,
    PRIMARY KEY (commune_id, article_id, motif_id),
    FOREIGN KEY (commune_id, article_id) REFERENCES articles (commune_id, id) ON DELETE CASCADE,
    FOREIGN KEY (commune_id, motif_id) REFERENCES motifs (commune_id, id)
);
CREATE INDEX article_motifs_motif_idx ON article_motifs (commune_id, motif_id);

CREATE TABLE article_procedures (
    commune_id   bigint NOT NULL,
    article_id   bigint NOT NULL,
    procedure_id bigint NOT NULL,
    PRIMARY KEY (commune_id, article_id, procedure_id),
    FOREIGN KEY (commune_id, article_id) REFERENCES articles (commune_id, id) ON DELETE CASCADE,
    FOREIGN KEY (commune_id, procedure_id) REFERENCES procedures (commune_id, id)
);
CREATE INDEX article_procedures_procedure_idx ON article_procedures (commune_id, procedure_id);

-- What citizens did with a public article: opened it, said it answered
-- their question ("Cela répond à ma question"), or wrote to the mairie
-- after reading it. Apart from articles, so that counting does not rewrite
-- the article's row and its search words.
CREATE TABLE article_stats (
    commune_id bigint NOT NULL,
    article_id bigint NOT NULL,
    views      bigint NOT NULL DEFAULT 0,
    answered   bigint NOT NULL DEFAULT 0,
    opened     bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (commune_id, article_id),
    FOREIGN KEY (commune_id, article_id) REFERENCES articles (commune_id, id) ON DELETE CASCADE
);
