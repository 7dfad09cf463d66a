-- Articles as cleaned, with provenance; full-text search through a generated tsvector.
-- Ids and dates sort bytewise (COLLATE "C"), as in SQLite; seq keeps the insertion order.
CREATE TABLE articles (
    seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
    id text COLLATE "C" PRIMARY KEY,
    title text,
    outlet text,
    url text,
    author text,
    published text COLLATE "C",
    published_source text,
    dateline_text text,
    dateline_place text,
    dateline_agency text,
    language text,
    language_score double precision,
    body text NOT NULL,
    source_text text NOT NULL,
    source_path text NOT NULL,
    source_reader text NOT NULL,
    source_locator text,
    source_url text,
    headings jsonb NOT NULL DEFAULT '[]',
    removed jsonb NOT NULL DEFAULT '[]',
    flags jsonb NOT NULL DEFAULT '[]',
    metadata jsonb NOT NULL DEFAULT '{}',
    ingested_at text NOT NULL,
    search tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('english', coalesce(title, '')), 'A')
        || setweight(to_tsvector('english', body), 'B')
    ) STORED
);
CREATE INDEX articles_published ON articles (published);
CREATE INDEX articles_outlet ON articles (outlet);
CREATE INDEX articles_order ON articles ((coalesce(published, '')), seq);
CREATE INDEX articles_search ON articles USING gin (search);
