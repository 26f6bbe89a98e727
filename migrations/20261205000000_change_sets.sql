-- Change sets: edits kept apart from what is live until they are published together.
--
-- A change set holds, per page it touches, the page as it was live when the change set first
-- wrote to it (`base`) and the page as the change set has it (`draft`), both whole pages as JSON
-- (`{"meta": {…}, "body": "…", "sections": [{"key", "id", "content"}, …]}`), so that every kind
-- of write goes into a change set the same way, and publishing can tell what the change set
-- changed from what changed live meanwhile (a three-way merge per field).
--
-- A live write is a change set of one change, published at once (`live = 1`): its page
-- revision names it like any other.
CREATE TABLE change_sets (
    id           INTEGER PRIMARY KEY,
    name         TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    created_by   TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    -- open: being edited (or scheduled, with `publish_at`); published; discarded.
    state        TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'published', 'discarded')),
    live         INTEGER NOT NULL DEFAULT 0 CHECK (live IN (0, 1)),
    -- When a scheduler is to publish it (UTC, RFC 3339), if it is scheduled.
    publish_at   TEXT,
    published_at TEXT,
    published_by TEXT,
    -- Bumped by every write into the change set: what its view's cache is keyed by.
    version      INTEGER NOT NULL DEFAULT 1
) STRICT;

CREATE INDEX change_sets_open ON change_sets (state) WHERE state = 'open';

CREATE TABLE change_set_pages (
    change_set    INTEGER NOT NULL REFERENCES change_sets (id),
    page_id       TEXT NOT NULL,
    -- The page's file under `content/` (a page the change set creates has no other).
    file          TEXT NOT NULL,
    -- The live page revision the change set took its copy from; NULL: not part of the site then.
    base_revision INTEGER,
    base          TEXT CHECK (base IS NULL OR json_valid(base)),
    -- NULL: the change set deletes the page.
    draft         TEXT CHECK (draft IS NULL OR json_valid(draft)),
    updated_by    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    PRIMARY KEY (change_set, page_id)
) STRICT;

-- Which change set a page revision published (NULL: written before change sets, or by an
-- import).
ALTER TABLE page_revisions ADD COLUMN change_set INTEGER REFERENCES change_sets (id);

-- Other processes' change set writes reach a running server's views through `changes`, as page
-- writes do: a row naming the change set (page and section NULL).
ALTER TABLE changes ADD COLUMN change_set INTEGER;

CREATE TRIGGER change_set_inserted AFTER INSERT ON change_sets
BEGIN
    INSERT INTO changes (change_set) VALUES (NEW.id);
END;

CREATE TRIGGER change_set_updated AFTER UPDATE ON change_sets
BEGIN
    INSERT INTO changes (change_set) VALUES (NEW.id);
END;

-- Two new token scopes: `preview` (read change sets' views, never write) and `deploy` (report a
-- build's status, nothing else). SQLite cannot change a CHECK in place: the table is rebuilt.
CREATE TABLE tokens_new (
    name          TEXT PRIMARY KEY NOT NULL,
    hash          BLOB NOT NULL UNIQUE CHECK (length(hash) = 32),
    scope         TEXT NOT NULL CHECK (scope IN ('read', 'write', 'preview', 'deploy')),
    created_at    TEXT NOT NULL,
    expires_at    TEXT,
    revoked_at    TEXT,
    -- Written in batches, not on every request: up to a minute behind (see auth::Tokens::flush).
    last_used_at  TEXT
) STRICT, WITHOUT ROWID;
INSERT INTO tokens_new (name, hash, scope, created_at, expires_at, revoked_at, last_used_at)
    SELECT name, hash, scope, created_at, expires_at, revoked_at, last_used_at FROM tokens;
DROP TABLE tokens;
ALTER TABLE tokens_new RENAME TO tokens;
