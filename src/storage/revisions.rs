//! The `section_revisions` table: every version of every section, never updated or deleted.

use sqlx::SqliteConnection;

use super::StorageError;

/// A revision without its content.
#[derive(Debug, Clone)]
pub struct RevisionMeta {
    pub revision: i64,
    pub created_at: String,
    pub author: String,
}

#[derive(Debug, Clone)]
pub struct RevisionRow {
    pub revision: i64,
    pub created_at: String,
    pub author: String,
    pub content: String,
}

/// Up to `limit` revisions of `section_id` older than `before`, newest first.
pub async fn list(
    conn: &mut SqliteConnection,
    page: &str,
    section_id: &str,
    before: i64,
    limit: i64,
) -> Result<Vec<RevisionMeta>, StorageError> {
    sqlx::query_as!(
        RevisionMeta,
        "SELECT revision, created_at, author FROM section_revisions
         WHERE page_id = ? AND section_id = ? AND revision < ? ORDER BY revision DESC LIMIT ?",
        page,
        section_id,
        before,
        limit
    )
    .fetch_all(conn)
    .await
    .map_err(StorageError::from)
}

pub async fn get(
    conn: &mut SqliteConnection,
    page: &str,
    section_id: &str,
    revision: i64,
) -> Result<Option<RevisionRow>, StorageError> {
    sqlx::query_as!(
        RevisionRow,
        "SELECT revision, created_at, author, content FROM section_revisions
         WHERE page_id = ? AND section_id = ? AND revision = ?",
        page,
        section_id,
        revision
    )
    .fetch_optional(conn)
    .await
    .map_err(StorageError::from)
}

pub async fn insert(
    conn: &mut SqliteConnection,
    page: &str,
    section_id: &str,
    revision: i64,
    content: &str,
    author: &str,
    created_at: &str,
) -> Result<(), StorageError> {
    sqlx::query!(
        "INSERT INTO section_revisions (page_id, section_id, revision, content, author, created_at)
         VALUES (?, ?, ?, ?, ?, ?)",
        page,
        section_id,
        revision,
        content,
        author,
        created_at
    )
    .execute(conn)
    .await?;
    Ok(())
}
