-- Articles as cleaned, with provenance; full-text index over title and body.
CREATE TABLE articles (
    id TEXT PRIMARY KEY,
    title TEXT,
    outlet TEXT,
    url TEXT,
    author TEXT,
    published TEXT,
    published_source TEXT,
    dateline_text TEXT,
    dateline_place TEXT,
    dateline_agency TEXT,
    language TEXT,
    language_score REAL,
    body TEXT NOT NULL,
    source_text TEXT NOT NULL,
    source_path TEXT NOT NULL,
    source_reader TEXT NOT NULL,
    source_locator TEXT,
    source_url TEXT,
    headings TEXT NOT NULL DEFAULT '[]',
    removed TEXT NOT NULL DEFAULT '[]',
    flags TEXT NOT NULL DEFAULT '[]',
    metadata TEXT NOT NULL DEFAULT '{}',
    ingested_at TEXT NOT NULL
);
CREATE INDEX articles_published ON articles (published);
CREATE INDEX articles_outlet ON articles (outlet);

CREATE VIRTUAL TABLE articles_fts USING fts5 (
    title, body, content='articles', content_rowid='rowid', tokenize='porter unicode61'
);
CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN
    INSERT INTO articles_fts (rowid, title, body) VALUES (new.rowid, new.title, new.body);
END;
CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN
    INSERT INTO articles_fts (articles_fts, rowid, title, body)
    VALUES ('delete', old.rowid, old.title, old.body);
END;
CREATE TRIGGER articles_fts_update AFTER UPDATE OF title, body ON articles BEGIN
    INSERT INTO articles_fts (articles_fts, rowid, title, body)
    VALUES ('delete', old.rowid, old.title, old.body);
    INSERT INTO articles_fts (rowid, title, body) VALUES (new.rowid, new.title, new.body);
END;
