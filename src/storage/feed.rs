//! The `feed` table: every published change, in commit order, as `GET /events` streams it.

use sqlx::SqliteConnection;

use super::StorageError;

/// A published change, as the feed tells it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedRow {
    pub id: i64,
    pub change_set: i64,
    pub page: String,
    pub section: Option<String>,
    pub change: String,
    pub revision: i64,
    pub etag: Option<String>,
    pub created_at: String,
}

pub async fn insert_feed(conn: &mut SqliteConnection, row: &FeedRow) -> Result<(), StorageError> {
    sqlx::query!(
        "INSERT INTO feed (change_set, page, section, change, revision, etag, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)",
        row.change_set,
        row.page,
        row.section,
        row.change,
        row.revision,
        row.etag,
        row.created_at
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Up to `limit` feed rows after `after`, oldest first.
pub async fn feed_after(
    conn: &mut SqliteConnection,
    after: i64,
    limit: i64,
) -> Result<Vec<FeedRow>, StorageError> {
    sqlx::query_as!(
        FeedRow,
        r#"SELECT id AS "id!", change_set, page, section, change, revision, etag, created_at
           FROM feed WHERE id > ? ORDER BY id LIMIT ?"#,
        after,
        limit
    )
    .fetch_all(conn)
    .await
    .map_err(StorageError::from)
}

/// The id of the newest feed row, 0 if there is none.
pub async fn feed_last(conn: &mut SqliteConnection) -> Result<i64, StorageError> {
    sqlx::query_scalar!(r#"SELECT COALESCE(MAX(id), 0) AS "id!: i64" FROM feed"#)
        .fetch_one(conn)
        .await
        .map_err(StorageError::from)
}
