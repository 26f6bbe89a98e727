//! The `changes` table: what each commit changed, written by triggers (see its migration).

use sqlx::SqliteConnection;

use super::StorageError;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangeRow {
    pub seq: i64,
    /// The page it changed (`None` only in rows from before pages had ids: the landing page).
    pub page: Option<String>,
    /// `None`: the page row (metadata, body, file).
    pub section: Option<String>,
    /// A change set that changed (then page and section are `None`).
    pub change_set: Option<i64>,
}

/// The number of the last change, 0 if none is recorded.
pub async fn last(conn: &mut SqliteConnection) -> Result<i64, StorageError> {
    sqlx::query_scalar!(r#"SELECT COALESCE(MAX(seq), 0) AS "seq!: i64" FROM changes"#)
        .fetch_one(conn)
        .await
        .map_err(StorageError::from)
}

/// The changes after `seq`, oldest first.
pub async fn since(conn: &mut SqliteConnection, seq: i64) -> Result<Vec<ChangeRow>, StorageError> {
    sqlx::query_as!(
        ChangeRow,
        r#"SELECT seq AS "seq!", page, section, change_set FROM changes WHERE seq > ?
           ORDER BY seq"#,
        seq
    )
    .fetch_all(conn)
    .await
    .map_err(StorageError::from)
}
