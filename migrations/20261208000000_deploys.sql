-- Is it live? A build of the site (a CI job, with a `deploy` token) reports on the change set
-- it was triggered for: queued, building, live or failed, with a link to its log. The change
-- set shows the newest report; one that is not final and not followed by another within the
-- server's `--deploy-report-timeout-ms` (nor a publish followed by any report) shows `unknown`,
-- never `live`: that is worked out when it is shown, from these rows and the time.

CREATE TABLE deploy_reports (
    id          INTEGER PRIMARY KEY,
    change_set  INTEGER NOT NULL REFERENCES change_sets (id),
    state       TEXT NOT NULL CHECK (state IN ('queued', 'building', 'live', 'failed')),
    -- The build's own name for itself (a CI run's id), if it gave one: reports of several
    -- builds of one change set (a rerun after a failure) can be told apart.
    build       TEXT,
    log_url     TEXT CHECK (log_url IS NULL OR log_url LIKE 'http://%' OR log_url LIKE 'https://%'),
    -- What the build says about it (why it failed).
    detail      TEXT,
    -- The token's name.
    reported_by TEXT NOT NULL,
    -- RFC 3339 in UTC with milliseconds (`model::timestamp::stamp`).
    reported_at TEXT NOT NULL
) STRICT;

CREATE INDEX deploy_reports_of_change_set ON deploy_reports (change_set, id);
