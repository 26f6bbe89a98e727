-- What each commit changed, so that a running server can tell another process's commits from its
-- own and reload only what they changed. Triggers write the rows, so no writer can forget them:
-- this server, an `import`, or a script in the sqlite3 shell. A server reads the rows after the
-- last one it saw and compares each named section's current revision (and the page row's
-- `updated_at`) with what it serves: its own commits are already served, so they cost nothing.
--
-- `seq` is the rowid: each new row gets the largest plus one, and only the oldest rows are ever
-- deleted, so committed rows are numbered without gaps; a server that finds a gap after the last
-- row it saw (rows pruned while it was not looking) reloads everything.
CREATE TABLE changes (
    seq      INTEGER PRIMARY KEY,
    -- The section whose current revision changed; NULL for the page row (metadata and body).
    section  TEXT
) STRICT;

CREATE TRIGGER section_inserted AFTER INSERT ON sections
BEGIN
    INSERT INTO changes (section) VALUES (NEW.id);
END;

CREATE TRIGGER section_updated AFTER UPDATE ON sections
BEGIN
    INSERT INTO changes (section) VALUES (NEW.id);
END;

CREATE TRIGGER page_inserted AFTER INSERT ON page
BEGIN
    INSERT INTO changes (section) VALUES (NULL);
END;

CREATE TRIGGER page_updated AFTER UPDATE ON page
BEGIN
    INSERT INTO changes (section) VALUES (NULL);
END;

-- The last 10,000 changes are kept: one old row goes with each new one, so the table stays
-- small at a constant cost per commit, and no housekeeping job ever holds the write lock.
CREATE TRIGGER changes_pruned AFTER INSERT ON changes
BEGIN
    DELETE FROM changes WHERE seq <= NEW.seq - 10000;
END;
