-- The online clusterer's journal: the batches it clustered since the journal was last cleared
-- (at the normal end of an ingest, or by a batch re-clustering). A writer that starts after a
-- crash installs the memberships as of the journal's start (the stored ones, with each batch's
-- ``before`` undone) and replays the batches, so that it goes on exactly where the crashed
-- writer was (see newsprism.stories). AUTOINCREMENT: batch numbers are never reused.
CREATE TABLE story_journal (
    batch INTEGER PRIMARY KEY AUTOINCREMENT,
    epoch INTEGER NOT NULL,   -- the first batch since the last clear
    articles TEXT NOT NULL,   -- JSON list: the article ids clustered, in order
    before TEXT NOT NULL      -- JSON object: article id -> story id before (null: none)
);
