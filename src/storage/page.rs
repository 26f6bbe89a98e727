//! The `page` table: one row with the page's metadata and body.

use sqlx::SqliteConnection;

#[derive(Debug, Clone)]
pub struct PageRow {
    pub identifier: String,
    pub title: String,
    pub linktitle: String,
    pub date: String,
    pub body: String,
    pub updated_at: String,
    /// The page file as seeded or imported (`None` for a page stored by an earlier release).
    pub source: Option<String>,
}

pub async fn get(conn: &mut SqliteConnection) -> sqlx::Result<Option<PageRow>> {
    sqlx::query_as!(
        PageRow,
        "SELECT identifier, title, linktitle, date, body, updated_at, source FROM page WHERE id = 1"
    )
    .fetch_optional(conn)
    .await
}

pub async fn insert(conn: &mut SqliteConnection, row: &PageRow) -> sqlx::Result<()> {
    sqlx::query!(
        "INSERT INTO page (id, identifier, title, linktitle, date, body, updated_at, source)
         VALUES (1, ?, ?, ?, ?, ?, ?, ?)",
        row.identifier,
        row.title,
        row.linktitle,
        row.date,
        row.body,
        row.updated_at,
        row.source
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Replaces the page's metadata and body.
pub async fn update(conn: &mut SqliteConnection, row: &PageRow) -> sqlx::Result<()> {
    sqlx::query!(
        "UPDATE page SET identifier = ?, title = ?, linktitle = ?, date = ?, body = ?,
         updated_at = ?, source = ? WHERE id = 1",
        row.identifier,
        row.title,
        row.linktitle,
        row.date,
        row.body,
        row.updated_at,
        row.source
    )
    .execute(conn)
    .await?;
    Ok(())
}
