-- Output of the analyze stage, one row per article; entity keys indexed for story views.
CREATE TABLE analyses (
    article_id text COLLATE "C" PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
    analyzer text NOT NULL,
    data jsonb NOT NULL
);
CREATE TABLE article_entities (
    article_id text COLLATE "C" NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    entity_key text COLLATE "C" NOT NULL,
    name text NOT NULL,
    label text NOT NULL,
    mentions integer NOT NULL,
    PRIMARY KEY (article_id, entity_key)
);
CREATE INDEX article_entities_key ON article_entities (entity_key);
