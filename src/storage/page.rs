//! The `pages` and `page_revisions` tables: every page of the site, its file, and its history:
//! one page revision per change to the page, each holding the page as it then was.

use sqlx::SqliteConnection;

use super::StorageError;

/// A page as stored: its current revision, with the metadata and body in force at it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageRow {
    pub id: String,
    pub file: String,
    pub revision: i64,
    /// The metadata as a JSON object.
    pub metadata: String,
    pub body: String,
    /// When the current revision was written.
    pub updated_at: String,
    /// The page file as last imported (`None` for a page stored by an earlier release).
    pub source: Option<String>,
    pub deleted_at: Option<String>,
}

// Metadata and body are stored only when they change: the value in force at a revision is the
// one of the latest revision at or before it that has one: one lookup in a partial index of the
// revisions that have one. `INDEXED BY` holds the planner to it (left to itself it walked back
// over every revision since, so a page read got slower with each section edit; bench/RESULTS.md,
// stop 14); a query the index cannot answer fails to prepare rather than run slowly.

pub async fn get(conn: &mut SqliteConnection, id: &str) -> Result<Option<PageRow>, StorageError> {
    sqlx::query_as!(
        PageRow,
        r#"SELECT p.id AS "id!", p.file, p.revision, r.created_at AS updated_at, f.source AS "source?",
                  p.deleted_at,
                  (SELECT m.metadata FROM page_revisions m INDEXED BY page_revisions_with_metadata
                   WHERE m.page_id = p.id AND m.revision <= p.revision AND m.metadata IS NOT NULL
                   ORDER BY m.revision DESC LIMIT 1) AS "metadata!: String",
                  (SELECT b.body FROM page_revisions b INDEXED BY page_revisions_with_body
                   WHERE b.page_id = p.id AND b.revision <= p.revision AND b.body IS NOT NULL
                   ORDER BY b.revision DESC LIMIT 1) AS "body!: String"
           FROM pages p CROSS JOIN page_revisions r ON r.page_id = p.id AND r.revision = p.revision
           LEFT JOIN page_sources f ON f.page_id = p.id
           WHERE p.id = ?"#,
        id
    )
    .fetch_optional(conn)
    .await
    .map_err(StorageError::from)
}

/// A page revision: the page as it was.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RevisionRow {
    pub revision: i64,
    pub metadata: String,
    pub body: String,
    /// `[["teaser", 3], …]`: the sections in page order, each at its revision.
    pub sections: String,
    /// What it changed (a JSON array of strings).
    pub changes: String,
    pub deleted: bool,
    pub author: String,
    pub created_at: String,
    pub change_set: Option<i64>,
}

pub async fn revision(
    conn: &mut SqliteConnection,
    id: &str,
    revision: i64,
) -> Result<Option<RevisionRow>, StorageError> {
    sqlx::query_as!(
        RevisionRow,
        r#"SELECT r.revision, r.sections, r.changes, r.deleted AS "deleted: bool", r.author,
                  r.created_at, r.change_set,
                  (SELECT m.metadata FROM page_revisions m INDEXED BY page_revisions_with_metadata
                   WHERE m.page_id = r.page_id AND m.revision <= r.revision
                     AND m.metadata IS NOT NULL
                   ORDER BY m.revision DESC LIMIT 1) AS "metadata!: String",
                  (SELECT b.body FROM page_revisions b INDEXED BY page_revisions_with_body
                   WHERE b.page_id = r.page_id AND b.revision <= r.revision AND b.body IS NOT NULL
                   ORDER BY b.revision DESC LIMIT 1) AS "body!: String"
           FROM page_revisions r WHERE r.page_id = ? AND r.revision = ?"#,
        id,
        revision
    )
    .fetch_optional(conn)
    .await
    .map_err(StorageError::from)
}

/// A page revision without its content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RevisionMeta {
    pub revision: i64,
    pub changes: String,
    pub author: String,
    pub created_at: String,
    pub change_set: Option<i64>,
}

/// Up to `limit` revisions of page `id` older than `before`, newest first.
pub async fn revisions(
    conn: &mut SqliteConnection,
    id: &str,
    before: i64,
    limit: i64,
) -> Result<Vec<RevisionMeta>, StorageError> {
    sqlx::query_as!(
        RevisionMeta,
        "SELECT revision, changes, author, created_at, change_set FROM page_revisions
         WHERE page_id = ? AND revision < ? ORDER BY revision DESC LIMIT ?",
        id,
        before,
        limit
    )
    .fetch_all(conn)
    .await
    .map_err(StorageError::from)
}

/// A page revision a change set published.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublishedRow {
    pub page_id: String,
    pub revision: i64,
    /// What it changed (a JSON array of strings).
    pub changes: String,
    pub deleted: bool,
}

/// The page revisions change set `set` published, by page.
pub async fn published_by(
    conn: &mut SqliteConnection,
    set: i64,
) -> Result<Vec<PublishedRow>, StorageError> {
    sqlx::query_as!(
        PublishedRow,
        r#"SELECT page_id AS "page_id!", revision, changes, deleted AS "deleted: bool"
           FROM page_revisions WHERE change_set = ? ORDER BY page_id"#,
        set
    )
    .fetch_all(conn)
    .await
    .map_err(StorageError::from)
}

/// A page's id and file, without its content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageListing {
    pub id: String,
    pub file: String,
    pub deleted_at: Option<String>,
}

/// Every page, deleted ones included, by id.
pub async fn list(conn: &mut SqliteConnection) -> Result<Vec<PageListing>, StorageError> {
    sqlx::query_as!(
        PageListing,
        r#"SELECT id AS "id!", file, deleted_at FROM pages ORDER BY id"#
    )
    .fetch_all(conn)
    .await
    .map_err(StorageError::from)
}

/// Every page that is part of the site (not deleted), with its current metadata and body, by id.
pub async fn all_current(conn: &mut SqliteConnection) -> Result<Vec<PageRow>, StorageError> {
    sqlx::query_as!(
        PageRow,
        r#"SELECT p.id AS "id!", p.file, p.revision, r.created_at AS updated_at, f.source AS "source?",
                  p.deleted_at,
                  (SELECT m.metadata FROM page_revisions m INDEXED BY page_revisions_with_metadata
                   WHERE m.page_id = p.id AND m.revision <= p.revision AND m.metadata IS NOT NULL
                   ORDER BY m.revision DESC LIMIT 1) AS "metadata!: String",
                  (SELECT b.body FROM page_revisions b INDEXED BY page_revisions_with_body
                   WHERE b.page_id = p.id AND b.revision <= p.revision AND b.body IS NOT NULL
                   ORDER BY b.revision DESC LIMIT 1) AS "body!: String"
           FROM pages p CROSS JOIN page_revisions r ON r.page_id = p.id AND r.revision = p.revision
           LEFT JOIN page_sources f ON f.page_id = p.id
           WHERE p.deleted_at IS NULL
           ORDER BY p.id"#
    )
    .fetch_all(conn)
    .await
    .map_err(StorageError::from)
}

pub async fn count(conn: &mut SqliteConnection) -> Result<i64, StorageError> {
    sqlx::query_scalar!("SELECT COUNT(*) FROM pages")
        .fetch_one(conn)
        .await
        .map_err(StorageError::from)
}

/// Keeps `file` as page `id`'s file and `source` (if given) as its text: what an import records
/// of a page whose content it leaves as it is.
pub async fn set_file(
    conn: &mut SqliteConnection,
    id: &str,
    file: &str,
    source: Option<&str>,
) -> Result<(), StorageError> {
    sqlx::query!("UPDATE pages SET file = ? WHERE id = ?", file, id)
        .execute(&mut *conn)
        .await?;
    if let Some(source) = source {
        sqlx::query!(
            "INSERT INTO page_sources (page_id, source) VALUES (?, ?)
             ON CONFLICT (page_id) DO UPDATE SET source = excluded.source",
            id,
            source
        )
        .execute(conn)
        .await?;
    }
    Ok(())
}

/// Page `id`'s current revision, if it is part of the site (stored and not deleted).
pub async fn current_revision(
    conn: &mut SqliteConnection,
    id: &str,
) -> Result<Option<i64>, StorageError> {
    sqlx::query_scalar!(
        "SELECT revision FROM pages WHERE id = ? AND deleted_at IS NULL",
        id
    )
    .fetch_optional(conn)
    .await
    .map_err(StorageError::from)
}

/// The page whose file is `file`, deleted or not.
pub async fn with_file(
    conn: &mut SqliteConnection,
    file: &str,
) -> Result<Option<String>, StorageError> {
    sqlx::query_scalar!(r#"SELECT id AS "id!" FROM pages WHERE file = ?"#, file)
        .fetch_optional(conn)
        .await
        .map_err(StorageError::from)
}

/// The current revision of each of `ids` that is stored, with whether it is deleted.
pub async fn current_revisions(
    conn: &mut SqliteConnection,
    ids: &[String],
) -> Result<Vec<(String, i64, bool)>, StorageError> {
    let ids = serde_json::to_string(ids).expect("strings serialise");
    let rows = sqlx::query!(
        r#"SELECT id AS "id!", revision, deleted_at IS NOT NULL AS "deleted!: bool" FROM pages
           WHERE id IN (SELECT value FROM json_each(?))"#,
        ids
    )
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| (row.id, row.revision, row.deleted))
        .collect())
}
