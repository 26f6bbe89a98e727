-- Every page of the site, and the content model as data.
--
-- Until now the database held one page (`page`, one row) and its nine sections. Now it holds
-- every page of a Hugo site: `pages` (one row per page file), the page's metadata and body in
-- `page_revisions` (history, like sections), and sections keyed by page. The landing page moves
-- in as page `_index` with everything it had: its sections, every revision and author, and its
-- file. As before, content lives only in revision rows; the current one is pointed at, so a
-- restore is one INSERT plus one UPDATE and nothing is ever deleted.

-- The table rebuilds below drop tables that others refer to; the references are checked when
-- the migration commits, with every row in place.
PRAGMA defer_foreign_keys = ON;

-- The content model (a YAML file, docs/model.md) as each `model apply` left it; the active model
-- is the highest version. Version 1 is the built-in model, written by the server at start.
CREATE TABLE models (
    version     INTEGER PRIMARY KEY CHECK (version >= 1),
    text        TEXT NOT NULL,
    author      TEXT NOT NULL,
    created_at  TEXT NOT NULL
) STRICT;

CREATE TABLE pages (
    -- Its path under `content/` without the extension: `_index`, `products/workspaces`.
    id          TEXT PRIMARY KEY NOT NULL,
    -- Its path under `content/`: `_index.md`, `community/events/Gen3workshop.adoc`.
    file        TEXT NOT NULL UNIQUE,
    revision    INTEGER NOT NULL CHECK (revision >= 1),
    -- The page file as last imported, byte for byte: the export edits it (hugo/source.rs).
    -- NULL for a page stored by a release before page files were kept.
    source      TEXT,
    -- Set when an import no longer finds the file: the page is gone, its history stays.
    deleted_at  TEXT,
    FOREIGN KEY (id, revision) REFERENCES page_revisions (page_id, revision)
        DEFERRABLE INITIALLY DEFERRED
) STRICT, WITHOUT ROWID;

CREATE TABLE page_revisions (
    page_id     TEXT NOT NULL REFERENCES pages (id),
    revision    INTEGER NOT NULL CHECK (revision >= 1),
    -- The front-matter keys that are not sections, with their values, in file order.
    metadata    TEXT NOT NULL CHECK (json_valid(metadata) AND json_type(metadata) = 'object'),
    body        TEXT NOT NULL,
    author      TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    PRIMARY KEY (page_id, revision)
) STRICT, WITHOUT ROWID;

CREATE TABLE page_sections (
    page_id   TEXT NOT NULL REFERENCES pages (id),
    id        TEXT NOT NULL,
    -- The front-matter key it is written under (`g3Teaser`).
    key       TEXT NOT NULL,
    type      TEXT NOT NULL,
    -- Its place on the page, 1-based; NULL once an import no longer finds it (history stays).
    position  INTEGER CHECK (position >= 1),
    revision  INTEGER NOT NULL CHECK (revision >= 1),
    PRIMARY KEY (page_id, id),
    FOREIGN KEY (page_id, id, revision) REFERENCES section_revisions (page_id, section_id, revision)
        DEFERRABLE INITIALLY DEFERRED
) STRICT, WITHOUT ROWID;

CREATE TABLE section_revisions (
    page_id     TEXT NOT NULL,
    section_id  TEXT NOT NULL,
    revision    INTEGER NOT NULL CHECK (revision >= 1),
    -- The section as a PUT body carries it (with `type`), as JSON.
    content     TEXT NOT NULL CHECK (json_valid(content) AND json_type(content) = 'object'),
    -- The token name that wrote it, `seed` or `import`.
    author      TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    PRIMARY KEY (page_id, section_id, revision),
    FOREIGN KEY (page_id, section_id) REFERENCES page_sections (page_id, id)
) STRICT, WITHOUT ROWID;

-- The landing page, as it was. Its page row changed only by seed and import, whose section
-- revisions of the same moment name the author; the metadata keeps the file's key order.
INSERT INTO page_revisions (page_id, revision, metadata, body, author, created_at)
SELECT '_index', 1,
       json_object('identifier', identifier, 'title', title, 'linktitle', linktitle, 'date', date),
       body,
       CASE WHEN EXISTS (SELECT 1 FROM revisions r WHERE r.author = 'seed' AND r.created_at = page.updated_at)
            THEN 'seed' ELSE 'import' END,
       updated_at
FROM page;

INSERT INTO pages (id, file, revision, source)
SELECT '_index', '_index.md', 1, source FROM page;

INSERT INTO page_sections (page_id, id, key, type, position, revision)
SELECT '_index', id,
       CASE id
           WHEN 'teaser' THEN 'g3Teaser' WHEN 'features' THEN 'g3Feature'
           WHEN 'roles' THEN 'g3Roles' WHEN 'vision' THEN 'g3RLG' WHEN 'users' THEN 'g3User'
           WHEN 'company' THEN 'g3Company' WHEN 'commons' THEN 'g3Commons'
           WHEN 'contributor' THEN 'g3Contributor' WHEN 'entrance' THEN 'g3Entrance'
       END,
       type, position, revision
FROM sections;

INSERT INTO section_revisions (page_id, section_id, revision, content, author, created_at)
SELECT '_index', section_id, revision, content, author, created_at FROM revisions;

DROP TRIGGER section_inserted;
DROP TRIGGER section_updated;
DROP TRIGGER page_inserted;
DROP TRIGGER page_updated;
DROP TABLE revisions;
DROP TABLE sections;
DROP TABLE page;

-- `changes` names the page too, so that a server reloads one page of the site.
ALTER TABLE changes ADD COLUMN page TEXT;
UPDATE changes SET page = '_index';

CREATE TRIGGER page_section_inserted AFTER INSERT ON page_sections
BEGIN
    INSERT INTO changes (page, section) VALUES (NEW.page_id, NEW.id);
END;

CREATE TRIGGER page_section_updated AFTER UPDATE ON page_sections
BEGIN
    INSERT INTO changes (page, section) VALUES (NEW.page_id, NEW.id);
END;

CREATE TRIGGER site_page_inserted AFTER INSERT ON pages
BEGIN
    INSERT INTO changes (page, section) VALUES (NEW.id, NULL);
END;

CREATE TRIGGER site_page_updated AFTER UPDATE ON pages
BEGIN
    INSERT INTO changes (page, section) VALUES (NEW.id, NULL);
END;
