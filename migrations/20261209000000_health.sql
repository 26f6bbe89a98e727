-- One row that `/_status` rewrites to learn whether the database can be written again after a
-- write failed (a full disk, a file made read-only): a real commit, made only while a fault is
-- known and at most once a second, so that a healthy server's probes write nothing.

CREATE TABLE health (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    checked_at TEXT NOT NULL
);
INSERT INTO health (id, checked_at) VALUES (1, '1970-01-01T00:00:00Z');
