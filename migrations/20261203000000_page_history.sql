-- One history per page: every change to a page is a page revision.
--
-- Until now a page revision held the metadata and body, and was written only when they changed;
-- section edits, and sections added, removed or moved, left no trace at the page. Now each change
-- to a page (its metadata, its body, a section's content, the list of its sections, its deletion
-- or return) is one page revision that says what it changed and holds the whole page as it then
-- was: the metadata and body (NULL where unchanged since the revision before, so that a section
-- edit does not store the body again) and the sections in page order, each with the revision of
-- it that was current. Any page revision can therefore be restored as a whole.

PRAGMA defer_foreign_keys = ON;

-- The new history is built here first, then moved into the new `page_revisions`.
CREATE TEMP TABLE page_history (
    page_id TEXT NOT NULL, revision INTEGER NOT NULL, metadata TEXT, body TEXT,
    sections TEXT NOT NULL, changes TEXT NOT NULL, deleted INTEGER NOT NULL,
    author TEXT NOT NULL, created_at TEXT NOT NULL, PRIMARY KEY (page_id, revision)
);

-- The history so far, rebuilt: one page revision per moment (time and author) at which the page
-- or any of its sections changed, holding the page as it was then. Section revisions of one
-- moment (a seed, an import) are one page revision. Metadata and body are written in full here.
WITH moments AS (
    SELECT page_id, created_at, author FROM page_revisions
    UNION
    SELECT page_id, created_at, author FROM section_revisions
),
numbered AS (
    SELECT page_id, created_at, author,
           ROW_NUMBER() OVER (PARTITION BY page_id ORDER BY created_at, author) AS revision
    FROM moments
),
-- The page revision in force at each moment (the first one for moments before it: the old
-- migration dated the landing page's row at its last seed or import).
state AS (
    SELECT n.*,
           COALESCE(
               (SELECT r.revision FROM page_revisions r
                WHERE r.page_id = n.page_id AND r.created_at <= n.created_at
                ORDER BY r.revision DESC LIMIT 1),
               (SELECT MIN(r.revision) FROM page_revisions r WHERE r.page_id = n.page_id)
           ) AS page_revision
    FROM numbered n
)
INSERT INTO page_history (page_id, revision, metadata, body, sections, changes, deleted, author, created_at)
SELECT s.page_id, s.revision, r.metadata, r.body,
       (SELECT json_group_array(json_array(ps.id,
                   (SELECT MAX(v.revision) FROM section_revisions v
                    WHERE v.page_id = ps.page_id AND v.section_id = ps.id
                      AND v.created_at <= s.created_at)) ORDER BY ps.position)
        FROM page_sections ps
        WHERE ps.page_id = s.page_id AND ps.position IS NOT NULL
          AND EXISTS (SELECT 1 FROM section_revisions v
                      WHERE v.page_id = ps.page_id AND v.section_id = ps.id
                        AND v.created_at <= s.created_at)),
       CASE WHEN s.revision = 1 THEN '["created"]' ELSE
           (SELECT json_group_array(c ORDER BY c) FROM (
                SELECT '/page' AS c FROM page_revisions p, page_revisions q
                WHERE p.page_id = s.page_id AND p.created_at = s.created_at AND p.author = s.author
                  AND q.page_id = p.page_id AND q.revision = p.revision - 1
                  AND p.metadata <> q.metadata
                UNION
                SELECT '/body' FROM page_revisions p, page_revisions q
                WHERE p.page_id = s.page_id AND p.created_at = s.created_at AND p.author = s.author
                  AND q.page_id = p.page_id AND q.revision = p.revision - 1
                  AND p.body <> q.body
                UNION
                SELECT '/sections/' || v.section_id FROM section_revisions v
                WHERE v.page_id = s.page_id AND v.created_at = s.created_at AND v.author = s.author))
       END,
       0, s.author, s.created_at
FROM state s
JOIN page_revisions r ON r.page_id = s.page_id AND r.revision = s.page_revision;

-- A deleted page's last revision says so.
UPDATE page_history SET deleted = 1
WHERE (page_id, revision) IN (
    SELECT p.id, MAX(h.revision) FROM pages p JOIN page_history h ON h.page_id = p.id
    WHERE p.deleted_at IS NOT NULL GROUP BY p.id);

-- Dropping the old table leaves `pages` pointing at nothing until the new one has its rows: the
-- rows are inserted (not the table renamed) so that SQLite sees each page's revision arrive.
DROP TABLE page_revisions;

CREATE TABLE page_revisions (
    page_id     TEXT NOT NULL REFERENCES pages (id),
    revision    INTEGER NOT NULL CHECK (revision >= 1),
    -- The front-matter keys that are not sections, in file order; NULL: as in the revision before.
    metadata    TEXT CHECK (metadata IS NULL OR (json_valid(metadata) AND json_type(metadata) = 'object')),
    -- NULL: as in the revision before.
    body        TEXT,
    -- The sections on the page, in page order, with the revision of each: [["teaser", 3], …].
    sections    TEXT NOT NULL CHECK (json_valid(sections) AND json_type(sections) = 'array'),
    -- What this revision changed: "created", "deleted", "restored", "/page" (metadata), "/body",
    -- "/sections" (sections added, removed or moved), "/sections/ID" (a section's content).
    changes     TEXT NOT NULL CHECK (json_valid(changes) AND json_type(changes) = 'array'),
    -- Whether the page is deleted in this revision (its history stays; it can come back).
    deleted     INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)),
    author      TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    PRIMARY KEY (page_id, revision),
    CHECK (revision > 1 OR (metadata IS NOT NULL AND body IS NOT NULL))
) STRICT, WITHOUT ROWID;

INSERT INTO page_revisions SELECT * FROM page_history;
DROP TABLE page_history;

UPDATE pages SET revision = (SELECT MAX(h.revision) FROM page_revisions h WHERE h.page_id = pages.id);
