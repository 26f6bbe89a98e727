-- The landing page: its metadata and HTML body (one row), its nine sections, and every revision
-- of every section. A section's content lives only in `revisions`: `sections.revision` points at
-- the current one, so history is never a copy that can drift from what is served, a restore is
-- one INSERT plus one UPDATE, and nothing is ever deleted.

CREATE TABLE page (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    identifier  TEXT NOT NULL,
    title       TEXT NOT NULL,
    linktitle   TEXT NOT NULL,
    date        TEXT NOT NULL,
    body        TEXT NOT NULL,
    updated_at  TEXT NOT NULL
) STRICT;

CREATE TABLE sections (
    id        TEXT PRIMARY KEY NOT NULL,
    type      TEXT NOT NULL,
    position  INTEGER NOT NULL UNIQUE CHECK (position >= 1),
    revision  INTEGER NOT NULL CHECK (revision >= 1),
    -- Deferred: a new section and its first revision are inserted in one transaction.
    FOREIGN KEY (id, revision) REFERENCES revisions (section_id, revision)
        DEFERRABLE INITIALLY DEFERRED
) STRICT, WITHOUT ROWID;

CREATE TABLE revisions (
    section_id  TEXT NOT NULL REFERENCES sections (id),
    revision    INTEGER NOT NULL CHECK (revision >= 1),
    -- The section as a PUT body carries it (with `type`), as JSON.
    content     TEXT NOT NULL CHECK (json_valid(content) AND json_type(content) = 'object'),
    -- The token name that wrote it, `seed` or `import`.
    author      TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    PRIMARY KEY (section_id, revision)
) STRICT, WITHOUT ROWID;
