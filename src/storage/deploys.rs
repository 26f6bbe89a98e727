//! The `deploy_reports` table: what builds of the site said about the change sets they deploy.

use sqlx::SqliteConnection;

use super::StorageError;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportRow {
    pub id: i64,
    pub change_set: i64,
    pub state: String,
    pub build: Option<String>,
    pub log_url: Option<String>,
    pub detail: Option<String>,
    pub reported_by: String,
    pub reported_at: String,
}

/// Stores a report (its `id` is ignored); returns its id.
pub async fn insert(conn: &mut SqliteConnection, row: &ReportRow) -> Result<i64, StorageError> {
    sqlx::query_scalar!(
        r#"INSERT INTO deploy_reports
               (change_set, state, build, log_url, detail, reported_by, reported_at)
           VALUES (?, ?, ?, ?, ?, ?, ?)
           RETURNING id AS "id!""#,
        row.change_set,
        row.state,
        row.build,
        row.log_url,
        row.detail,
        row.reported_by,
        row.reported_at
    )
    .fetch_one(conn)
    .await
    .map_err(StorageError::from)
}

/// The newest `limit` reports on change set `change_set`, newest first, and how many there are.
pub async fn of_change_set(
    conn: &mut SqliteConnection,
    change_set: i64,
    limit: i64,
) -> Result<(Vec<ReportRow>, i64), StorageError> {
    let rows = sqlx::query_as!(
        ReportRow,
        "SELECT id, change_set, state, build, log_url, detail, reported_by, reported_at
         FROM deploy_reports WHERE change_set = ? ORDER BY id DESC LIMIT ?",
        change_set,
        limit
    )
    .fetch_all(&mut *conn)
    .await?;
    let count = sqlx::query_scalar!(
        r#"SELECT COUNT(*) AS "count!: i64" FROM deploy_reports WHERE change_set = ?"#,
        change_set
    )
    .fetch_one(conn)
    .await?;
    Ok((rows, count))
}

/// The newest report on each change set with an id in `first..=last` that has any.
pub async fn newest_between(
    conn: &mut SqliteConnection,
    first: i64,
    last: i64,
) -> Result<Vec<ReportRow>, StorageError> {
    sqlx::query_as!(
        ReportRow,
        "SELECT id, change_set, state, build, log_url, detail, reported_by, reported_at
         FROM deploy_reports AS d
         WHERE change_set BETWEEN ? AND ?
           AND id = (SELECT MAX(id) FROM deploy_reports WHERE change_set = d.change_set)",
        first,
        last
    )
    .fetch_all(conn)
    .await
    .map_err(StorageError::from)
}
