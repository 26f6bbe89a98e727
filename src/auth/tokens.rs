//! Checking a presented token against the database, and remembering when each was last used.

use std::collections::HashMap;
use std::sync::Mutex;

use anyhow::Context;

use super::AuthError;
use super::{Scope, hash};
use crate::model::Timestamp;
use crate::storage::Store;

/// Who made a request: the token's name (the author of what it writes) and its scope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    pub name: String,
    pub scope: Scope,
}

/// The uses of tokens not yet written back. Which tokens exist is not kept here: every request
/// that presents a token looks it up in the database (see [`Tokens::authorize`]).
#[derive(Debug, Default)]
pub struct Tokens {
    /// Last use per token name since the last flush. Recording a use is a map insert; the
    /// database gets one batch of updates per flush instead of a write per request.
    used: Mutex<HashMap<String, Timestamp>>,
}

impl Tokens {
    /// Checks an `Authorization` header value for a token with `needed` scope, against the
    /// database as it is now: a `token create` or `token revoke` by another process counts from
    /// the very next request. Only requests that need a token pay for the lookup, and they are
    /// requests that use the database anyway (writes, history); public reads never get here.
    ///
    /// The lookup is by the secret's SHA-256, through the unique index. Its timing can at most
    /// tell how much of a stored *hash* a guess's hash shares, which helps nobody find a secret
    /// (that would take a preimage); the secret itself is never compared.
    pub async fn authorize(
        &self,
        store: &Store,
        header: Option<&str>,
        needed: Scope,
    ) -> Result<Principal, AuthError> {
        let unauthorized = |detail, token_sent| AuthError::Unauthorized { detail, token_sent };
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
        let row = store.token_by_hash(&hash(secret)).await?;
        let token =
            row.ok_or_else(|| unauthorized("the token is not valid (unknown or revoked)", true))?;
        let scope = Scope::from_name(&token.scope)
            .ok_or_else(|| anyhow::anyhow!("stored token {:?} has a bad scope", token.name))?;
        let expires_at = token
            .expires_at
            .as_deref()
            .map(Timestamp::parse)
            .transpose()
            .with_context(|| format!("stored token {:?} has a bad expiry", token.name))?;
        let now = Timestamp::now();
        if expires_at.is_some_and(|at| at <= now) {
            return Err(unauthorized("the token has expired", true));
        }
        if !scope.allows(needed) {
            return Err(AuthError::Forbidden(needed));
        }
        self.used
            .lock()
            .expect("the lock is never poisoned")
            .insert(token.name.clone(), now);
        Ok(Principal {
            name: token.name,
            scope,
        })
    }

    /// Writes the recorded uses to `tokens.last_used_at`, in one transaction.
    pub async fn flush(&self, store: &Store) -> anyhow::Result<()> {
        let used = std::mem::take(&mut *self.used.lock().expect("the lock is never poisoned"));
        if used.is_empty() {
            return Ok(());
        }
        let used: Vec<_> = used
            .into_iter()
            .map(|(name, at)| (name, at.to_rfc3339()))
            .collect();
        store.touch_tokens(&used).await?;
        Ok(())
    }
}
