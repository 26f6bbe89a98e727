//! Checking a presented token: in memory, in constant time, with no database work per request.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use anyhow::Context;
use arc_swap::ArcSwap;
use sqlx::{SqliteConnection, SqlitePool};
use subtle::ConstantTimeEq;

use super::{Scope, hash};
use crate::domain::Timestamp;
use crate::error::ApiError;
use crate::storage;

/// Who made a request: the token's name (the author of what it writes) and its scope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    pub name: String,
    pub scope: Scope,
}

#[derive(Debug)]
struct Known {
    name: String,
    hash: [u8; 32],
    scope: Scope,
    expires_at: Option<Timestamp>,
}

/// The unrevoked tokens, reloaded whenever the database changes (a `token revoke` in another
/// process takes effect within the reload interval), and the uses not yet written back.
#[derive(Debug, Default)]
pub struct Tokens {
    known: ArcSwap<Vec<Known>>,
    /// Last use per token name since the last flush. Recording a use is a map insert; the
    /// database gets one batch of updates per flush instead of a write per request.
    used: Mutex<HashMap<String, Timestamp>>,
}

impl Tokens {
    /// Replaces the known tokens with what the database holds now.
    pub async fn reload(&self, conn: &mut SqliteConnection) -> anyhow::Result<()> {
        let rows = storage::tokens::unrevoked(conn).await?;
        let mut known = Vec::with_capacity(rows.len());
        for row in rows {
            let hash = row.hash.as_slice().try_into().ok();
            let scope = Scope::from_name(&row.scope);
            let (Some(hash), Some(scope)) = (hash, scope) else {
                anyhow::bail!("stored token {:?} is malformed", row.name);
            };
            let expires_at = row
                .expires_at
                .as_deref()
                .map(Timestamp::parse)
                .transpose()
                .with_context(|| format!("stored token {:?} has a bad expiry", row.name))?;
            known.push(Known {
                name: row.name,
                hash,
                scope,
                expires_at,
            });
        }
        self.known.store(Arc::new(known));
        Ok(())
    }

    /// Checks an `Authorization` header value for a token with `needed` scope.
    pub fn authorize(&self, header: Option<&str>, needed: Scope) -> Result<Principal, ApiError> {
        let unauthorized = |detail: &str, token_sent| ApiError::Unauthorized {
            detail: detail.to_owned(),
            token_sent,
        };
        let Some(header) = header else {
            return Err(unauthorized(
                "this needs a bearer token: send Authorization: Bearer <token>",
                false,
            ));
        };
        let secret = match header.split_once(' ') {
            Some((scheme, secret)) if scheme.eq_ignore_ascii_case("bearer") => secret.trim(),
            _ => {
                return Err(unauthorized(
                    "the Authorization header must be Bearer <token>",
                    true,
                ));
            }
        };
        let now = Timestamp::now();
        let known = self.known.load();
        let token = find(&known, secret)
            .ok_or_else(|| unauthorized("the token is not valid (unknown or revoked)", true))?;
        if token.expires_at.is_some_and(|at| at <= now) {
            return Err(unauthorized("the token has expired", true));
        }
        if !token.scope.allows(needed) {
            return Err(ApiError::Forbidden(needed));
        }
        self.used
            .lock()
            .expect("the lock is never poisoned")
            .insert(token.name.clone(), now);
        Ok(Principal {
            name: token.name.clone(),
            scope: token.scope,
        })
    }

    /// Writes the recorded uses to `tokens.last_used_at`, in one transaction.
    pub async fn flush(&self, pool: &SqlitePool) -> anyhow::Result<()> {
        let used = std::mem::take(&mut *self.used.lock().expect("the lock is never poisoned"));
        if used.is_empty() {
            return Ok(());
        }
        let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
        for (name, at) in &used {
            storage::tokens::touch(&mut tx, name, &at.to_rfc3339()).await?;
        }
        tx.commit().await?;
        Ok(())
    }
}

/// Compares the secret's hash with every known hash, in constant time and without stopping at a
/// match, so that response times say nothing about how close a guess was.
fn find<'k>(known: &'k [Known], secret: &str) -> Option<&'k Known> {
    let digest = hash(secret);
    let mut found = None;
    for token in known {
        if bool::from(token.hash.ct_eq(&digest)) {
            found = Some(token);
        }
    }
    found
}
