-- Editors' bearer tokens. Only a SHA-256 of each secret is stored: the secrets are 256 random
-- bits, so a fast hash is enough (nothing to brute-force), and a leaked database leaks no token.
-- Revoked tokens stay, so that every author name in `revisions` keeps meaning one token.

CREATE TABLE tokens (
    name          TEXT PRIMARY KEY NOT NULL,
    hash          BLOB NOT NULL UNIQUE CHECK (length(hash) = 32),
    scope         TEXT NOT NULL CHECK (scope IN ('read', 'write')),
    created_at    TEXT NOT NULL,
    expires_at    TEXT,
    revoked_at    TEXT,
    -- Written in batches, not on every request: up to a minute behind (see auth::Tokens::flush).
    last_used_at  TEXT
) STRICT, WITHOUT ROWID;
