-- Sentence vectors of each article's alignment units (newsprism.compare.vectors): a cache that
-- cannot go stale (keyed by text inside the bytea), written for the articles of stories that
-- have two or more, read by every comparison of a stored story.
CREATE TABLE unit_vectors (
    article_id text COLLATE "C" PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
    encoder text NOT NULL,
    data bytea NOT NULL
);
