//! The `change_sets` and `change_set_pages` tables: edits kept apart from what is live, and what
//! each change set made of each page it touches.

use sqlx::SqliteConnection;

use super::StorageError;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangeSetRow {
    pub id: i64,
    pub name: String,
    pub created_by: String,
    pub created_at: String,
    pub state: String,
    pub live: bool,
    pub publish_at: Option<String>,
    pub published_at: Option<String>,
    pub published_by: Option<String>,
    pub version: i64,
    pub scheduled_by: Option<String>,
    pub published_late_ms: Option<i64>,
    pub schedule_error: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageRow {
    pub change_set: i64,
    pub page_id: String,
    pub file: String,
    pub base_revision: Option<i64>,
    pub base: Option<String>,
    pub draft: Option<String>,
    pub updated_by: String,
    pub updated_at: String,
    /// The file's text, for a page it creates in a format of its own.
    pub source: Option<String>,
}

/// A new change set; returns its id.
pub async fn insert(
    conn: &mut SqliteConnection,
    name: &str,
    created_by: &str,
    created_at: &str,
    live: bool,
) -> Result<i64, StorageError> {
    sqlx::query_scalar!(
        r#"INSERT INTO change_sets (name, created_by, created_at, live) VALUES (?, ?, ?, ?)
           RETURNING id AS "id!""#,
        name,
        created_by,
        created_at,
        live
    )
    .fetch_one(conn)
    .await
    .map_err(StorageError::from)
}

/// The change set of a live write: published at once, by its author.
pub async fn insert_live(
    conn: &mut SqliteConnection,
    name: &str,
    author: &str,
    at: &str,
) -> Result<i64, StorageError> {
    sqlx::query_scalar!(
        r#"INSERT INTO change_sets
               (name, created_by, created_at, state, live, published_at, published_by)
           VALUES (?, ?, ?, 'published', 1, ?, ?)
           RETURNING id AS "id!""#,
        name,
        author,
        at,
        at,
        author
    )
    .fetch_one(conn)
    .await
    .map_err(StorageError::from)
}

pub async fn get(
    conn: &mut SqliteConnection,
    id: i64,
) -> Result<Option<ChangeSetRow>, StorageError> {
    sqlx::query_as!(
        ChangeSetRow,
        r#"SELECT id, name, created_by, created_at, state, live AS "live: bool", publish_at,
                  published_at, published_by, version, scheduled_by, published_late_ms,
                  schedule_error
           FROM change_sets WHERE id = ?"#,
        id
    )
    .fetch_optional(conn)
    .await
    .map_err(StorageError::from)
}

/// Up to `limit` change sets made through `POST /changesets` (not those of live writes) with
/// ids below `before`, newest first.
pub async fn list(
    conn: &mut SqliteConnection,
    before: i64,
    limit: i64,
) -> Result<Vec<ChangeSetRow>, StorageError> {
    sqlx::query_as!(
        ChangeSetRow,
        r#"SELECT id, name, created_by, created_at, state, live AS "live: bool", publish_at,
                  published_at, published_by, version, scheduled_by, published_late_ms,
                  schedule_error
           FROM change_sets WHERE live = 0 AND id < ? ORDER BY id DESC LIMIT ?"#,
        before,
        limit
    )
    .fetch_all(conn)
    .await
    .map_err(StorageError::from)
}

/// Every open change set, by id.
pub async fn open(conn: &mut SqliteConnection) -> Result<Vec<ChangeSetRow>, StorageError> {
    sqlx::query_as!(
        ChangeSetRow,
        r#"SELECT id, name, created_by, created_at, state, live AS "live: bool", publish_at,
                  published_at, published_by, version, scheduled_by, published_late_ms,
                  schedule_error
           FROM change_sets INDEXED BY change_sets_open WHERE state = 'open' ORDER BY id"#
    )
    .fetch_all(conn)
    .await
    .map_err(StorageError::from)
}

/// What change set `id` made of each page it touches, by page id.
pub async fn pages(conn: &mut SqliteConnection, id: i64) -> Result<Vec<PageRow>, StorageError> {
    sqlx::query_as!(
        PageRow,
        r#"SELECT change_set, page_id, file, base_revision, base, draft, updated_by, updated_at,
                  source
           FROM change_set_pages WHERE change_set = ? ORDER BY page_id"#,
        id
    )
    .fetch_all(conn)
    .await
    .map_err(StorageError::from)
}

/// Stores what the change set makes of a page (a new row, or the one it has replaced).
pub async fn put_page(conn: &mut SqliteConnection, row: &PageRow) -> Result<(), StorageError> {
    sqlx::query!(
        "INSERT INTO change_set_pages
             (change_set, page_id, file, base_revision, base, draft, updated_by, updated_at,
              source)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (change_set, page_id) DO UPDATE SET
             file = excluded.file, draft = excluded.draft, updated_by = excluded.updated_by,
             updated_at = excluded.updated_at, source = excluded.source",
        row.change_set,
        row.page_id,
        row.file,
        row.base_revision,
        row.base,
        row.draft,
        row.updated_by,
        row.updated_at,
        row.source
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Takes a page out of the change set (it goes back to what is live).
pub async fn remove_page(
    conn: &mut SqliteConnection,
    id: i64,
    page: &str,
) -> Result<(), StorageError> {
    sqlx::query!(
        "DELETE FROM change_set_pages WHERE change_set = ? AND page_id = ?",
        id,
        page
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Counts a change to the change set (its views are rebuilt from it).
pub async fn touch(conn: &mut SqliteConnection, id: i64) -> Result<(), StorageError> {
    sqlx::query!(
        "UPDATE change_sets SET version = version + 1 WHERE id = ?",
        id
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Renames change set `id`.
pub async fn rename(conn: &mut SqliteConnection, id: i64, name: &str) -> Result<(), StorageError> {
    sqlx::query!(
        "UPDATE change_sets SET name = ?, version = version + 1 WHERE id = ?",
        name,
        id
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Marks an open change set published (by `by`, at `at`).
pub async fn set_published(
    conn: &mut SqliteConnection,
    id: i64,
    by: &str,
    at: &str,
) -> Result<(), StorageError> {
    sqlx::query!(
        "UPDATE change_sets
         SET state = 'published', published_by = ?, published_at = ?, version = version + 1
         WHERE id = ?",
        by,
        at,
        id
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// The open change sets scheduled at or before `now`, earliest first.
pub async fn due(conn: &mut SqliteConnection, now: &str) -> Result<Vec<i64>, StorageError> {
    sqlx::query_scalar!(
        r#"SELECT id AS "id!" FROM change_sets INDEXED BY change_sets_scheduled
           WHERE state = 'open' AND publish_at IS NOT NULL AND publish_at <= ?
           ORDER BY publish_at, id"#,
        now
    )
    .fetch_all(conn)
    .await
    .map_err(StorageError::from)
}

/// Schedules change set `id` for `at` by `by` (`None`: unschedules it), clearing any earlier
/// failure.
pub async fn schedule(
    conn: &mut SqliteConnection,
    id: i64,
    at: Option<&str>,
    by: &str,
) -> Result<(), StorageError> {
    sqlx::query!(
        "UPDATE change_sets
         SET publish_at = ?, scheduled_by = ?, schedule_error = NULL, version = version + 1
         WHERE id = ?",
        at,
        by,
        id
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Records that the scheduled publish of change set `id` was refused, and why; unschedules it.
pub async fn schedule_failed(
    conn: &mut SqliteConnection,
    id: i64,
    error: &str,
) -> Result<(), StorageError> {
    sqlx::query!(
        "UPDATE change_sets SET publish_at = NULL, schedule_error = ?, version = version + 1
         WHERE id = ?",
        error,
        id
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Records how late (ms after its time) the scheduler published change set `id`.
pub async fn set_late(
    conn: &mut SqliteConnection,
    id: i64,
    late_ms: i64,
) -> Result<(), StorageError> {
    sqlx::query!(
        "UPDATE change_sets SET published_late_ms = ? WHERE id = ?",
        late_ms,
        id
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Marks an open change set discarded: nothing of it is published.
pub async fn set_discarded(conn: &mut SqliteConnection, id: i64) -> Result<(), StorageError> {
    sqlx::query!(
        "UPDATE change_sets SET state = 'discarded', publish_at = NULL, version = version + 1
         WHERE id = ?",
        id
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// A change set's state and version, without its content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StateRow {
    pub id: i64,
    pub state: String,
    pub version: i64,
}

/// The state and version of each of `ids` (change sets of live writes left out: they are
/// published when made and hold nothing).
pub async fn states(
    conn: &mut SqliteConnection,
    ids: &[i64],
) -> Result<Vec<StateRow>, StorageError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let ids = serde_json::to_string(ids).expect("numbers serialise");
    sqlx::query_as!(
        StateRow,
        r#"SELECT id AS "id!", state, version FROM change_sets
           WHERE live = 0 AND id IN (SELECT value FROM json_each(?))"#,
        ids
    )
    .fetch_all(conn)
    .await
    .map_err(StorageError::from)
}
