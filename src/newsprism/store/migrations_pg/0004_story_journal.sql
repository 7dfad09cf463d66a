-- The online clusterer's journal: the batches it clustered since the journal was last cleared
-- (at the normal end of an ingest, or by a batch re-clustering). A writer that starts after a
-- crash installs the memberships as of the journal's start (the stored ones, with each batch's
-- "before" undone) and replays the batches, so that it goes on exactly where the crashed
-- writer was (see newsprism.stories). Identity values are never reused.
CREATE TABLE story_journal (
    batch bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    epoch bigint NOT NULL,   -- the first batch since the last clear
    articles jsonb NOT NULL, -- the article ids clustered, in order
    before jsonb NOT NULL    -- article id -> story id before (null: none)
);
