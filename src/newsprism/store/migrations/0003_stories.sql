-- Story clustering: per-article features, membership, origins and an append-only event log.
CREATE TABLE article_features (
    article_id TEXT PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
    version TEXT NOT NULL,
    data BLOB NOT NULL
);
CREATE TABLE stories (
    id TEXT PRIMARY KEY,
    created_at TEXT NOT NULL
);
CREATE TABLE story_members (
    article_id TEXT PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
    story_id TEXT NOT NULL REFERENCES stories (id),
    origin_id TEXT NOT NULL
);
CREATE INDEX story_members_story ON story_members (story_id);
CREATE TABLE story_events (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    kind TEXT NOT NULL,
    story_id TEXT NOT NULL,
    article_id TEXT,
    other_story_id TEXT,
    detail TEXT
);
CREATE INDEX story_events_story ON story_events (story_id);
