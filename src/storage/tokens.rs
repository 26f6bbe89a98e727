//! The `tokens` table.

use sqlx::SqliteConnection;

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
pub async fn all(conn: &mut SqliteConnection) -> sqlx::Result<Vec<TokenRow>> {
    sqlx::query_as!(
        TokenRow,
        r#"SELECT name AS "name!", hash, scope, created_at, expires_at, revoked_at, last_used_at
           FROM tokens ORDER BY created_at, name"#
    )
    .fetch_all(conn)
    .await
}

/// The unrevoked token whose secret has this SHA-256, if any (expiry is the caller's to check).
pub async fn unrevoked_by_hash(
    conn: &mut SqliteConnection,
    hash: &[u8],
) -> sqlx::Result<Option<TokenRow>> {
    sqlx::query_as!(
        TokenRow,
        r#"SELECT name AS "name!", hash, scope, created_at, expires_at, revoked_at, last_used_at
           FROM tokens WHERE hash = ? AND revoked_at IS NULL"#,
        hash
    )
    .fetch_optional(conn)
    .await
}

pub async fn exists(conn: &mut SqliteConnection, name: &str) -> sqlx::Result<bool> {
    sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM tokens WHERE name = ?) AS "exists!: bool""#,
        name
    )
    .fetch_one(conn)
    .await
}

pub async fn insert(conn: &mut SqliteConnection, row: &TokenRow) -> sqlx::Result<()> {
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
pub async fn revoke(conn: &mut SqliteConnection, name: &str, at: &str) -> sqlx::Result<bool> {
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
pub async fn touch(conn: &mut SqliteConnection, name: &str, at: &str) -> sqlx::Result<()> {
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
