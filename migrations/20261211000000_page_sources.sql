-- A page's file text moves out of its `pages` row into a table of its own. Every write changes the
-- page row (its current revision), and SQLite rewrites a whole row on update: with the file's
-- text in it (22 KB for the landing page, six overflow pages) each write copied and logged the
-- whole file again. The text changes only when a file is imported, or a page is created in a
-- format of its own.
CREATE TABLE page_sources (
    page_id     TEXT PRIMARY KEY NOT NULL REFERENCES pages (id),
    -- The page file as last imported, byte for byte: the export edits it (hugo/source.rs).
    source      TEXT NOT NULL
) STRICT;

INSERT INTO page_sources (page_id, source) SELECT id, source FROM pages WHERE source IS NOT NULL;

ALTER TABLE pages DROP COLUMN source;
