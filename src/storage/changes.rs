//! What other commits changed, for a server that follows the database: the feed's rows (every
//! page revision writes at least one) and the `changes` table, written by triggers for what the
//! feed does not tell (see their migrations).

use sqlx::SqliteConnection;

use super::StorageError;

/// How far a follower has read: the last `changes` row and the last feed row.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Cursor {
    pub changes: i64,
    pub feed: i64,
}

/// What changed after a [`Cursor`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Changed {
    /// The pages changed, each once, oldest change first.
    pub pages: Vec<String>,
    /// The change sets changed, each once.
    pub change_sets: Vec<i64>,
    /// `changes` rows were pruned before they were read: anything may have changed.
    pub pruned: bool,
    /// Where the next look starts.
    pub next: Cursor,
}

/// Where a follower that has read everything stands.
pub async fn last(conn: &mut SqliteConnection) -> Result<Cursor, StorageError> {
    let (changes, feed): (i64, i64) = sqlx::query_as(
        "SELECT (SELECT COALESCE(MAX(seq), 0) FROM changes), \
                (SELECT COALESCE(MAX(id), 0) FROM feed)",
    )
    .fetch_one(conn)
    .await?;
    Ok(Cursor { changes, feed })
}

/// What changed after `seen`.
pub async fn since(conn: &mut SqliteConnection, seen: Cursor) -> Result<Changed, StorageError> {
    let rows: Vec<(i64, Option<String>, Option<i64>)> =
        sqlx::query_as("SELECT seq, page, change_set FROM changes WHERE seq > ? ORDER BY seq")
            .bind(seen.changes)
            .fetch_all(&mut *conn)
            .await?;
    let feed: Vec<(i64, String)> = sqlx::query_as(
        "SELECT MAX(id), page FROM feed WHERE id > ? GROUP BY page ORDER BY MIN(id)",
    )
    .bind(seen.feed)
    .fetch_all(&mut *conn)
    .await?;
    let mut changed = Changed {
        pruned: rows
            .first()
            .is_some_and(|(seq, ..)| *seq != seen.changes + 1),
        next: Cursor {
            changes: rows.last().map_or(seen.changes, |(seq, ..)| *seq),
            feed: feed.iter().map(|(id, _)| *id).max().unwrap_or(seen.feed),
        },
        ..Changed::default()
    };
    for (_, page, change_set) in rows {
        match (change_set, page) {
            (Some(set), _) if !changed.change_sets.contains(&set) => changed.change_sets.push(set),
            (Some(_), _) => {}
            (None, Some(page)) if !changed.pages.contains(&page) => changed.pages.push(page),
            // Rows name a page since pages have ids (the migration that gave them ids named the
            // landing page in the rows before).
            (None, _) => {}
        }
    }
    for (_, page) in feed {
        if !changed.pages.contains(&page) {
            changed.pages.push(page);
        }
    }
    Ok(changed)
}
