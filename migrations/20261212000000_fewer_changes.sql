-- The follower (content/read/follow.rs) learns from the `changes` rows which pages and change
-- sets another process changed. Every write of a page writes its `pages` row (its current
-- revision), whose triggers name the page, so the rows the section triggers added named the
-- same page again; and a live write's change set is published as it is made and never held by a
-- server, so it needs no row of its own. A write of one section wrote three rows and pruned
-- three times; now it writes one.
DROP TRIGGER page_section_inserted;
DROP TRIGGER page_section_updated;
DROP TRIGGER change_set_inserted;

CREATE TRIGGER change_set_inserted AFTER INSERT ON change_sets WHEN NEW.live = 0
BEGIN
    INSERT INTO changes (change_set) VALUES (NEW.id);
END;
