//! The `page_sections` table: which sections each page has, in which order, and which revision of
//! each is current.

use sqlx::SqliteConnection;

use super::StorageError;

/// A section's current revision with its content.
#[derive(Debug)]
pub struct CurrentRow {
    pub id: String,
    pub key: String,
    pub kind: String,
    pub revision: i64,
    pub content: String,
    pub updated_at: String,
}

// `CROSS JOIN` fixes the join order (SQLite keeps it as written): from the page's few sections to
// their current revisions. Left to itself the planner walked every revision of the page, so a
// read got slower with the page's history (bench/RESULTS.md, stop 14).

/// The sections on page `page` now, in page order.
pub async fn current(
    conn: &mut SqliteConnection,
    page: &str,
) -> Result<Vec<CurrentRow>, StorageError> {
    sqlx::query_as!(
        CurrentRow,
        r#"SELECT s.id AS "id!", s.key, s.type AS kind, s.revision, r.content,
                  r.created_at AS updated_at
           FROM page_sections s
           CROSS JOIN section_revisions r
             ON r.page_id = s.page_id AND r.section_id = s.id AND r.revision = s.revision
           WHERE s.page_id = ? AND s.position IS NOT NULL
           ORDER BY s.position"#,
        page
    )
    .fetch_all(conn)
    .await
    .map_err(StorageError::from)
}

/// A section of some page, with its current revision and content.
#[derive(Debug)]
pub struct SiteRow {
    pub page_id: String,
    pub id: String,
    pub key: String,
    pub kind: String,
    pub revision: i64,
    pub content: String,
    pub updated_at: String,
}

/// The sections of every page that is part of the site, by page id and in page order: what a
/// server loads at start in one query rather than one per page.
pub async fn all_current(conn: &mut SqliteConnection) -> Result<Vec<SiteRow>, StorageError> {
    sqlx::query_as!(
        SiteRow,
        r#"SELECT s.page_id AS "page_id!", s.id AS "id!", s.key, s.type AS kind, s.revision,
                  r.content, r.created_at AS updated_at
           FROM pages p
           CROSS JOIN page_sections s ON s.page_id = p.id
           CROSS JOIN section_revisions r
             ON r.page_id = s.page_id AND r.section_id = s.id AND r.revision = s.revision
           WHERE p.deleted_at IS NULL AND s.position IS NOT NULL
           ORDER BY s.page_id, s.position"#
    )
    .fetch_all(conn)
    .await
    .map_err(StorageError::from)
}

/// A section as it is placed, whether on the page or removed from it.
#[derive(Debug)]
pub struct PlacedRow {
    pub id: String,
    pub key: String,
    pub kind: String,
    pub position: Option<i64>,
    pub revision: i64,
}

/// Every section page `page` has had, on it now or not.
pub async fn all_of(
    conn: &mut SqliteConnection,
    page: &str,
) -> Result<Vec<PlacedRow>, StorageError> {
    sqlx::query_as!(
        PlacedRow,
        r#"SELECT id AS "id!", key, type AS kind, position, revision FROM page_sections
           WHERE page_id = ? ORDER BY position IS NULL, position, id"#,
        page
    )
    .fetch_all(conn)
    .await
    .map_err(StorageError::from)
}
