-- Output of the analyze stage, one row per article; entity keys indexed for story views.
CREATE TABLE analyses (
    article_id TEXT PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
    analyzer TEXT NOT NULL,
    data TEXT NOT NULL
);
CREATE TABLE article_entities (
    article_id TEXT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    entity_key TEXT NOT NULL,
    name TEXT NOT NULL,
    label TEXT NOT NULL,
    mentions INTEGER NOT NULL,
    PRIMARY KEY (article_id, entity_key)
);
CREATE INDEX article_entities_key ON article_entities (entity_key);
