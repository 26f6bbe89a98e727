//! The `tokens` table.

use sqlx::SqliteConnection;

use super::{Missing, StorageError};

#[derive(Debug, Clone)]
pub struct TokenRow {
    pub name: String,
    pub hash: Vec<u8>,
    pub scope: String,
    pub created_at: String,
    pub expires_at: Option<String>,
    pub revoked_at: Option<String>,
    pub last_used_at: Option<String>,
}

/// Every token, oldest first.
pub async fn all(conn: &mut SqliteConnection) -> Result<Vec<TokenRow>, StorageError> {
    sqlx::query_as!(
        TokenRow,
        r#"SELECT name AS "name!", hash, scope, created_at, expires_at, revoked_at, last_used_at
           FROM tokens ORDER BY created_at, name"#
    )
    .fetch_all(conn)
    .await
    .map_err(StorageError::from)
}

/// The unrevoked token whose secret has this SHA-256, if any (expiry is the caller's to check).
pub async fn unrevoked_by_hash(
    conn: &mut SqliteConnection,
    hash: &[u8],
) -> Result<Option<TokenRow>, StorageError> {
    sqlx::query_as!(
        TokenRow,
        r#"SELECT name AS "name!", hash, scope, created_at, expires_at, revoked_at, last_used_at
           FROM tokens WHERE hash = ? AND revoked_at IS NULL"#,
        hash
    )
    .fetch_optional(conn)
    .await
    .map_err(StorageError::from)
}

pub async fn exists(conn: &mut SqliteConnection, name: &str) -> Result<bool, StorageError> {
    sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM tokens WHERE name = ?) AS "exists!: bool""#,
        name
    )
    .fetch_one(conn)
    .await
    .map_err(StorageError::from)
}

pub async fn insert(conn: &mut SqliteConnection, row: &TokenRow) -> Result<(), StorageError> {
    sqlx::query!(
        "INSERT INTO tokens (name, hash, scope, created_at, expires_at) VALUES (?, ?, ?, ?, ?)",
        row.name,
        row.hash,
        row.scope,
        row.created_at,
        row.expires_at
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Marks `name` revoked at `at` unless it already is; returns whether it did.
pub async fn revoke(
    conn: &mut SqliteConnection,
    name: &str,
    at: &str,
) -> Result<bool, StorageError> {
    let done = sqlx::query!(
        "UPDATE tokens SET revoked_at = ? WHERE name = ? AND revoked_at IS NULL",
        at,
        name
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Records a use of `name` at `at`, never moving the time backwards.
pub async fn touch(conn: &mut SqliteConnection, name: &str, at: &str) -> Result<(), StorageError> {
    sqlx::query!(
        "UPDATE tokens SET last_used_at = ?1
         WHERE name = ?2 AND (last_used_at IS NULL OR last_used_at < ?1)",
        at,
        name
    )
    .execute(conn)
    .await?;
    Ok(())
}

impl super::Store {
    /// The unrevoked token whose secret hashes to `hash`.
    pub async fn token_by_hash(&self, hash: &[u8]) -> Result<Option<TokenRow>, StorageError> {
        unrevoked_by_hash(&mut *self.reader().await?, hash).await
    }

    /// Every token, revoked or not.
    pub async fn tokens(&self) -> Result<Vec<TokenRow>, StorageError> {
        all(&mut *self.reader().await?).await
    }

    /// Stores a new token; `false` (and nothing stored) if one of that name exists, revoked or
    /// not.
    pub async fn create_token(&self, row: &TokenRow) -> Result<bool, StorageError> {
        let mut tx = self.begin_write().await?;
        if exists(&mut tx, &row.name).await? {
            return Ok(false);
        }
        insert(&mut tx, row).await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Revokes token `name` at `at`; `false` if it already was.
    pub async fn revoke_token(&self, name: &str, at: &str) -> Result<bool, StorageError> {
        let mut tx = self.begin_write().await?;
        if !exists(&mut tx, name).await? {
            return Err(StorageError::NotFound(Missing::Token(name.to_owned())));
        }
        let revoked = revoke(&mut tx, name, at).await?;
        tx.commit().await?;
        Ok(revoked)
    }

    /// Records when each of `used` (name, time) was last used, in one transaction.
    pub async fn touch_tokens(&self, used: &[(String, String)]) -> Result<(), StorageError> {
        let mut tx = self.begin_write().await?;
        for (name, at) in used {
            touch(&mut tx, name, at).await?;
        }
        tx.commit().await?;
        Ok(())
    }
}
