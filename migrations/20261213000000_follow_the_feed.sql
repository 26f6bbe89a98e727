-- The follower (content/read/follow.rs) learns which pages another process changed from the
-- feed, which every page revision writes anyway (at least one row: the page or a section
-- created, changed or deleted), and from `changes` only what the feed does not tell: a page
-- whose file moved without a new revision, and change sets editors keep. A write of one section
-- wrote a `changes` row (and pruned one) on top of its feed row; now it writes none.
DROP TRIGGER site_page_inserted;
DROP TRIGGER site_page_updated;

CREATE TRIGGER site_page_moved AFTER UPDATE OF file ON pages WHEN OLD.file IS NOT NEW.file
BEGIN
    INSERT INTO changes (page, section) VALUES (NEW.id, NULL);
END;
