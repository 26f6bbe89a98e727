//! The `sections` table: which revision of each section is current.

use sqlx::SqliteConnection;

/// A section as it is now: its current revision's content.
#[derive(Debug)]
pub struct CurrentRow {
    pub id: String,
    pub revision: i64,
    pub content: String,
    pub updated_at: String,
}

/// Every section's current revision, in page order.
pub async fn current(conn: &mut SqliteConnection) -> sqlx::Result<Vec<CurrentRow>> {
    sqlx::query_as!(
        CurrentRow,
        r#"SELECT s.id AS "id!", s.revision, r.content, r.created_at AS updated_at
           FROM sections s
           JOIN revisions r ON r.section_id = s.id AND r.revision = s.revision
           ORDER BY s.position"#
    )
    .fetch_all(conn)
    .await
}

/// Section `id` as it is now.
pub async fn current_of(conn: &mut SqliteConnection, id: &str) -> sqlx::Result<Option<CurrentRow>> {
    sqlx::query_as!(
        CurrentRow,
        r#"SELECT s.id AS "id!", s.revision, r.content, r.created_at AS updated_at
           FROM sections s
           JOIN revisions r ON r.section_id = s.id AND r.revision = s.revision
           WHERE s.id = ?"#,
        id
    )
    .fetch_optional(conn)
    .await
}

/// The current revision of section `id`.
pub async fn revision(conn: &mut SqliteConnection, id: &str) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar!("SELECT revision FROM sections WHERE id = ?", id)
        .fetch_optional(conn)
        .await
}

pub async fn count(conn: &mut SqliteConnection) -> sqlx::Result<i64> {
    sqlx::query_scalar!("SELECT COUNT(*) FROM sections")
        .fetch_one(conn)
        .await
}

pub async fn insert(
    conn: &mut SqliteConnection,
    id: &str,
    kind: &str,
    position: i64,
    revision: i64,
) -> sqlx::Result<()> {
    sqlx::query!(
        "INSERT INTO sections (id, type, position, revision) VALUES (?, ?, ?, ?)",
        id,
        kind,
        position,
        revision
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Points `id` at `revision`, which must exist by the end of the transaction.
pub async fn set_revision(
    conn: &mut SqliteConnection,
    id: &str,
    revision: i64,
) -> sqlx::Result<()> {
    sqlx::query!(
        "UPDATE sections SET revision = ? WHERE id = ?",
        revision,
        id
    )
    .execute(conn)
    .await?;
    Ok(())
}
