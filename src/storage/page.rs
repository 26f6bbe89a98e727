//! The `pages` and `page_revisions` tables: every page of the site, its file, and its metadata
//! and body at each revision.

use sqlx::SqliteConnection;

/// A page as stored: its current metadata and body, and the file it came from.
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

pub async fn get(conn: &mut SqliteConnection, id: &str) -> sqlx::Result<Option<PageRow>> {
    sqlx::query_as!(
        PageRow,
        r#"SELECT p.id AS "id!", p.file, p.revision, r.metadata, r.body, r.created_at AS updated_at,
                  p.source, p.deleted_at
           FROM pages p JOIN page_revisions r ON r.page_id = p.id AND r.revision = p.revision
           WHERE p.id = ?"#,
        id
    )
    .fetch_optional(conn)
    .await
}

/// A page's id and file, without its content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageListing {
    pub id: String,
    pub file: String,
    pub deleted_at: Option<String>,
}

/// Every page, deleted ones included, by id.
pub async fn list(conn: &mut SqliteConnection) -> sqlx::Result<Vec<PageListing>> {
    sqlx::query_as!(
        PageListing,
        r#"SELECT id AS "id!", file, deleted_at FROM pages ORDER BY id"#
    )
    .fetch_all(conn)
    .await
}

pub async fn count(conn: &mut SqliteConnection) -> sqlx::Result<i64> {
    sqlx::query_scalar!("SELECT COUNT(*) FROM pages")
        .fetch_one(conn)
        .await
}

/// A new page at revision 1 (its revision row is the caller's, in the same transaction).
pub async fn insert(
    conn: &mut SqliteConnection,
    id: &str,
    file: &str,
    source: Option<&str>,
) -> sqlx::Result<()> {
    sqlx::query!(
        "INSERT INTO pages (id, file, revision, source) VALUES (?, ?, 1, ?)",
        id,
        file,
        source
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// A revision of a page's metadata and body.
pub async fn insert_revision(
    conn: &mut SqliteConnection,
    id: &str,
    revision: i64,
    metadata: &str,
    body: &str,
    author: &str,
    created_at: &str,
) -> sqlx::Result<()> {
    sqlx::query!(
        "INSERT INTO page_revisions (page_id, revision, metadata, body, author, created_at)
         VALUES (?, ?, ?, ?, ?, ?)",
        id,
        revision,
        metadata,
        body,
        author,
        created_at
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Points the page at `revision`, with its file as last imported; brings a deleted page back.
pub async fn set_current(
    conn: &mut SqliteConnection,
    id: &str,
    file: &str,
    revision: i64,
    source: Option<&str>,
) -> sqlx::Result<()> {
    sqlx::query!(
        "UPDATE pages SET file = ?, revision = ?, source = ?, deleted_at = NULL WHERE id = ?",
        file,
        revision,
        source,
        id
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Marks a page deleted: it is no longer part of the site; its history stays.
pub async fn delete(conn: &mut SqliteConnection, id: &str, at: &str) -> sqlx::Result<()> {
    sqlx::query!("UPDATE pages SET deleted_at = ? WHERE id = ?", at, id)
        .execute(conn)
        .await?;
    Ok(())
}
