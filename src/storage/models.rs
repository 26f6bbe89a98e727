//! The `models` table: every content model applied, the highest version active.

use sqlx::SqliteConnection;

use super::StorageError;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelRow {
    pub version: i64,
    /// The model file as applied.
    pub text: String,
    pub author: String,
    pub created_at: String,
}

/// The active model, if any was stored.
pub async fn active(conn: &mut SqliteConnection) -> Result<Option<ModelRow>, StorageError> {
    sqlx::query_as!(
        ModelRow,
        r#"SELECT version AS "version!", text, author, created_at FROM models
           ORDER BY version DESC LIMIT 1"#
    )
    .fetch_optional(conn)
    .await
    .map_err(StorageError::from)
}

pub async fn insert(
    conn: &mut SqliteConnection,
    version: i64,
    text: &str,
    author: &str,
    created_at: &str,
) -> Result<(), StorageError> {
    sqlx::query!(
        "INSERT INTO models (version, text, author, created_at) VALUES (?, ?, ?, ?)",
        version,
        text,
        author,
        created_at
    )
    .execute(conn)
    .await?;
    Ok(())
}
