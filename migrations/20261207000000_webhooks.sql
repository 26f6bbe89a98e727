-- Rebuild hooks that never miss: every publish writes one outbox row in its own transaction
-- (so a publish and the fact that it must be announced commit together), and a delivery worker
-- in each server sends them to each webhook as signed POSTs (Standard Webhooks), retried with
-- backoff until one succeeds or a day has passed, each attempt logged.
--
-- Publishes within a webhook's coalescing window are one delivery: the worker gathers every
-- outbox row after the webhook's cursor once the oldest of them is a window old. A delivery's
-- id is its `webhook-id` on every attempt, so a receiver sees one id per event however often it
-- is retried, across restarts of the server.

CREATE TABLE webhooks (
    id          INTEGER PRIMARY KEY,
    url         TEXT NOT NULL CHECK (url LIKE 'http://%' OR url LIKE 'https://%'),
    -- `whsec_` and the base64 of 32 random bytes: the receiver's copy verifies signatures.
    secret      TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    removed_at  TEXT,
    -- The last outbox row gathered into a delivery for this webhook (a new webhook starts at
    -- the newest: it hears of publishes from then on).
    cursor      INTEGER NOT NULL
) STRICT;

CREATE TABLE outbox (
    id          INTEGER PRIMARY KEY,
    change_set  INTEGER NOT NULL REFERENCES change_sets (id),
    created_at  TEXT NOT NULL,
    -- What was published: the change set, and each page with its revision and what changed.
    event       TEXT NOT NULL CHECK (json_valid(event))
) STRICT;

-- The change feed (`GET /events`): one row per published change of a page (a section's new
-- revision, a section removed, the metadata or body, the page created or deleted), written in
-- the publishing transaction. Its ids are the Server-Sent Events' ids: a reader that comes back
-- with `Last-Event-ID` gets exactly the rows after it, across restarts.
CREATE TABLE feed (
    id          INTEGER PRIMARY KEY,
    change_set  INTEGER NOT NULL REFERENCES change_sets (id),
    page        TEXT NOT NULL,
    -- NULL: the page as a whole (its metadata, body, creation or deletion).
    section     TEXT,
    -- What happened: `changed`, `removed` (a section), `created`, `deleted` (a page).
    change      TEXT NOT NULL CHECK (change IN ('changed', 'removed', 'created', 'deleted')),
    -- The page revision it is part of, and the new representation's ETag (the section's, or
    -- the page's; NULL for what is gone).
    revision    INTEGER NOT NULL,
    etag        TEXT,
    created_at  TEXT NOT NULL
) STRICT;

CREATE TABLE deliveries (
    -- `msg_` and 32 hex digits (128 random bits): the `webhook-id` of every attempt.
    id              TEXT PRIMARY KEY NOT NULL,
    webhook         INTEGER NOT NULL REFERENCES webhooks (id),
    created_at      TEXT NOT NULL,
    -- The outbox rows it carries (first and last, inclusive).
    first_outbox    INTEGER NOT NULL,
    last_outbox     INTEGER NOT NULL,
    -- pending: to be sent (at `next_attempt_at`); delivered; failed (gave up after a day).
    state           TEXT NOT NULL DEFAULT 'pending'
                        CHECK (state IN ('pending', 'delivered', 'failed')),
    next_attempt_at TEXT NOT NULL,
    -- After this, a failed attempt is the last: a day after it was made (or sent again).
    give_up_at      TEXT NOT NULL,
    -- While a worker is sending it: until when the others leave it alone.
    leased_until    TEXT,
    attempts        INTEGER NOT NULL DEFAULT 0
) STRICT, WITHOUT ROWID;

CREATE INDEX deliveries_due ON deliveries (next_attempt_at) WHERE state = 'pending';
CREATE INDEX deliveries_of_webhook ON deliveries (webhook, created_at);

CREATE TABLE delivery_attempts (
    delivery    TEXT NOT NULL REFERENCES deliveries (id),
    attempt     INTEGER NOT NULL,
    at          TEXT NOT NULL,
    -- The receiver's HTTP status; NULL if it never answered (refused, timed out).
    status      INTEGER,
    latency_ms  INTEGER NOT NULL,
    -- The start of the receiver's answer, or what went wrong: never the secret or signature.
    excerpt     TEXT NOT NULL,
    PRIMARY KEY (delivery, attempt)
) STRICT, WITHOUT ROWID;
