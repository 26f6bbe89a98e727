-- A page revision stores its metadata and body only when they change; the ones in force are those
-- of the latest revision that has them. Without these indexes finding them walks back over every
-- revision since (every section edit is one), so reading a page got slower with its history;
-- with them it is one index lookup however long the history is.
CREATE INDEX page_revisions_with_metadata ON page_revisions (page_id, revision)
    WHERE metadata IS NOT NULL;
CREATE INDEX page_revisions_with_body ON page_revisions (page_id, revision)
    WHERE body IS NOT NULL;
