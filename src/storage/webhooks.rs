//! The `webhooks` and `outbox` tables: who hears of publishes, and what was published. The
//! deliveries made of them are in `deliveries.rs`.

use sqlx::SqliteConnection;

use super::StorageError;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookRow {
    pub id: i64,
    pub url: String,
    pub secret: String,
    pub created_at: String,
    pub removed_at: Option<String>,
    pub cursor: i64,
}

/// A new webhook that hears of every publish after the newest one so far; returns its id.
pub async fn insert(
    conn: &mut SqliteConnection,
    url: &str,
    secret: &str,
    at: &str,
) -> Result<i64, StorageError> {
    sqlx::query_scalar!(
        r#"INSERT INTO webhooks (url, secret, created_at, cursor)
           VALUES (?, ?, ?, (SELECT COALESCE(MAX(id), 0) FROM outbox))
           RETURNING id AS "id!""#,
        url,
        secret,
        at
    )
    .fetch_one(conn)
    .await
    .map_err(StorageError::from)
}

/// Every webhook, removed ones included, by id.
pub async fn all(conn: &mut SqliteConnection) -> Result<Vec<WebhookRow>, StorageError> {
    sqlx::query_as!(
        WebhookRow,
        "SELECT id, url, secret, created_at, removed_at, cursor FROM webhooks ORDER BY id"
    )
    .fetch_all(conn)
    .await
    .map_err(StorageError::from)
}

pub async fn get(conn: &mut SqliteConnection, id: i64) -> Result<Option<WebhookRow>, StorageError> {
    sqlx::query_as!(
        WebhookRow,
        "SELECT id, url, secret, created_at, removed_at, cursor FROM webhooks WHERE id = ?",
        id
    )
    .fetch_optional(conn)
    .await
    .map_err(StorageError::from)
}

/// Removes webhook `id` (its deliveries and their log stay); `false` if it was not active.
pub async fn remove(conn: &mut SqliteConnection, id: i64, at: &str) -> Result<bool, StorageError> {
    let done = sqlx::query!(
        "UPDATE webhooks SET removed_at = ? WHERE id = ? AND removed_at IS NULL",
        at,
        id
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Records a publish to be announced; returns its id.
pub async fn insert_outbox(
    conn: &mut SqliteConnection,
    change_set: i64,
    at: &str,
    event: &str,
) -> Result<i64, StorageError> {
    sqlx::query_scalar!(
        r#"INSERT INTO outbox (change_set, created_at, event) VALUES (?, ?, ?)
           RETURNING id AS "id!""#,
        change_set,
        at,
        event
    )
    .fetch_one(conn)
    .await
    .map_err(StorageError::from)
}

/// The outbox rows after `cursor` that a webhook has not heard of: (first, last, the first's
/// time), if there are any.
pub async fn unsent(
    conn: &mut SqliteConnection,
    cursor: i64,
) -> Result<Option<(i64, i64, String)>, StorageError> {
    let row = sqlx::query!(
        r#"SELECT MIN(id) AS "first: i64", MAX(id) AS "last: i64",
                  MIN(created_at) AS "since: String"
           FROM outbox WHERE id > ?"#,
        cursor
    )
    .fetch_one(conn)
    .await?;
    Ok(match (row.first, row.last, row.since) {
        (Some(first), Some(last), Some(since)) => Some((first, last, since)),
        _ => None,
    })
}

/// The events of outbox rows `first..=last`, oldest first.
pub async fn events(
    conn: &mut SqliteConnection,
    first: i64,
    last: i64,
) -> Result<Vec<String>, StorageError> {
    sqlx::query_scalar!(
        "SELECT event FROM outbox WHERE id BETWEEN ? AND ? ORDER BY id",
        first,
        last
    )
    .fetch_all(conn)
    .await
    .map_err(StorageError::from)
}

impl super::Store {
    /// Adds a webhook for `url` with `secret`; returns its id.
    pub async fn add_webhook(
        &self,
        url: &str,
        secret: &str,
        at: &str,
    ) -> Result<i64, StorageError> {
        let mut tx = self.begin_write().await?;
        let id = insert(&mut tx, url, secret, at).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Every webhook, removed or not, oldest first.
    pub async fn webhooks(&self) -> Result<Vec<WebhookRow>, StorageError> {
        all(&mut *self.reader().await?).await
    }

    /// Removes webhook `id` at `at`; `false` if there is no active one of that id.
    pub async fn remove_webhook(&self, id: i64, at: &str) -> Result<bool, StorageError> {
        let removed = remove(&mut *self.writer().await?, id, at).await?;
        self.stored().await?;
        Ok(removed)
    }

    /// Whether an active webhook has outbox rows it has not been sent, the oldest from before
    /// `ready`: a look without the write lock.
    pub async fn deliveries_to_gather(&self, ready: &str) -> Result<bool, StorageError> {
        let conn = &mut *self.reader().await?;
        for webhook in all(conn).await? {
            if webhook.removed_at.is_none()
                && let Some((_, _, since)) = unsent(conn, webhook.cursor).await?
                && since.as_str() <= ready
            {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// The outbox's events `first..=last`, in order.
    pub async fn outbox_events(&self, first: i64, last: i64) -> Result<Vec<String>, StorageError> {
        events(&mut *self.reader().await?, first, last).await
    }
}
