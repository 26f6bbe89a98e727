//! The `webhooks`, `outbox`, `deliveries` and `delivery_attempts` tables: who hears of
//! publishes, what was published, and every attempt to tell them.

use sqlx::SqliteConnection;

use super::{Missing, StorageError};

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

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeliveryRow {
    pub id: String,
    pub webhook: i64,
    pub created_at: String,
    pub first_outbox: i64,
    pub last_outbox: i64,
    pub state: String,
    pub next_attempt_at: String,
    pub give_up_at: String,
    pub leased_until: Option<String>,
    pub attempts: i64,
}

/// A new delivery to `webhook` of outbox rows `first..=last`, due at once; moves the webhook's
/// cursor past them.
pub async fn insert_delivery(
    conn: &mut SqliteConnection,
    row: &DeliveryRow,
) -> Result<(), StorageError> {
    sqlx::query!(
        "INSERT INTO deliveries (id, webhook, created_at, first_outbox, last_outbox, state,
                                 next_attempt_at, give_up_at, attempts)
         VALUES (?, ?, ?, ?, ?, 'pending', ?, ?, 0)",
        row.id,
        row.webhook,
        row.created_at,
        row.first_outbox,
        row.last_outbox,
        row.next_attempt_at,
        row.give_up_at
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!(
        "UPDATE webhooks SET cursor = ? WHERE id = ?",
        row.last_outbox,
        row.webhook
    )
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn delivery(
    conn: &mut SqliteConnection,
    id: &str,
) -> Result<Option<DeliveryRow>, StorageError> {
    sqlx::query_as!(
        DeliveryRow,
        r#"SELECT id AS "id!", webhook, created_at, first_outbox, last_outbox, state,
                  next_attempt_at, give_up_at, leased_until, attempts
           FROM deliveries WHERE id = ?"#,
        id
    )
    .fetch_optional(conn)
    .await
    .map_err(StorageError::from)
}

/// Up to `limit` deliveries to `webhook`, newest first.
pub async fn deliveries_of(
    conn: &mut SqliteConnection,
    webhook: i64,
    limit: i64,
) -> Result<Vec<DeliveryRow>, StorageError> {
    sqlx::query_as!(
        DeliveryRow,
        r#"SELECT id AS "id!", webhook, created_at, first_outbox, last_outbox, state,
                  next_attempt_at, give_up_at, leased_until, attempts
           FROM deliveries WHERE webhook = ? ORDER BY created_at DESC, id DESC LIMIT ?"#,
        webhook,
        limit
    )
    .fetch_all(conn)
    .await
    .map_err(StorageError::from)
}

/// The pending deliveries due at `now` that no worker holds, oldest first.
pub async fn due(conn: &mut SqliteConnection, now: &str) -> Result<Vec<String>, StorageError> {
    sqlx::query_scalar!(
        r#"SELECT id AS "id!" FROM deliveries INDEXED BY deliveries_due
           WHERE state = 'pending' AND next_attempt_at <= ?
             AND (leased_until IS NULL OR leased_until <= ?)
           ORDER BY next_attempt_at, id"#,
        now,
        now
    )
    .fetch_all(conn)
    .await
    .map_err(StorageError::from)
}

/// Takes delivery `id` until `until`, if it is still pending, due and held by no one: `false`
/// if another worker has it (or it is sent).
pub async fn lease(
    conn: &mut SqliteConnection,
    id: &str,
    now: &str,
    until: &str,
) -> Result<bool, StorageError> {
    let done = sqlx::query!(
        "UPDATE deliveries SET leased_until = ?
         WHERE id = ? AND state = 'pending' AND next_attempt_at <= ?
           AND (leased_until IS NULL OR leased_until <= ?)",
        until,
        id,
        now,
        now
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttemptRow {
    pub delivery: String,
    pub attempt: i64,
    pub at: String,
    pub status: Option<i64>,
    pub latency_ms: i64,
    pub excerpt: String,
}

/// Logs an attempt and what follows from it: `state` (`delivered`, `pending` again at
/// `next_attempt_at`, or `failed`); the lease ends.
pub async fn record_attempt(
    conn: &mut SqliteConnection,
    attempt: &AttemptRow,
    state: &str,
    next_attempt_at: &str,
) -> Result<(), StorageError> {
    sqlx::query!(
        "INSERT INTO delivery_attempts (delivery, attempt, at, status, latency_ms, excerpt)
         VALUES (?, ?, ?, ?, ?, ?)",
        attempt.delivery,
        attempt.attempt,
        attempt.at,
        attempt.status,
        attempt.latency_ms,
        attempt.excerpt
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!(
        "UPDATE deliveries
         SET state = ?, next_attempt_at = ?, attempts = ?, leased_until = NULL
         WHERE id = ?",
        state,
        next_attempt_at,
        attempt.attempt,
        attempt.delivery
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Every attempt of delivery `id`, first first.
pub async fn attempts(
    conn: &mut SqliteConnection,
    id: &str,
) -> Result<Vec<AttemptRow>, StorageError> {
    sqlx::query_as!(
        AttemptRow,
        r#"SELECT delivery AS "delivery!", attempt, at, status, latency_ms, excerpt
           FROM delivery_attempts WHERE delivery = ? ORDER BY attempt"#,
        id
    )
    .fetch_all(conn)
    .await
    .map_err(StorageError::from)
}

/// Sends delivery `id` again (same id, same body) from `now`, retrying until `give_up_at`;
/// `false` if there is none.
pub async fn redeliver(
    conn: &mut SqliteConnection,
    id: &str,
    now: &str,
    give_up_at: &str,
) -> Result<bool, StorageError> {
    let done = sqlx::query!(
        "UPDATE deliveries
         SET state = 'pending', next_attempt_at = ?, give_up_at = ?, leased_until = NULL
         WHERE id = ?",
        now,
        give_up_at,
        id
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// A delivery and its attempts.
pub type Logged = (DeliveryRow, Vec<AttemptRow>);

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
        remove(&mut *self.writer().await?, id, at).await
    }

    /// Up to `limit` deliveries to webhook `id`, newest first, with their attempts.
    pub async fn webhook_deliveries(
        &self,
        id: i64,
        limit: i64,
    ) -> Result<Vec<Logged>, StorageError> {
        let conn = &mut *self.reader().await?;
        if get(conn, id).await?.is_none() {
            return Err(StorageError::NotFound(Missing::Webhook(id)));
        }
        let mut log = Vec::new();
        for delivery in deliveries_of(conn, id, limit).await? {
            let attempts = attempts(conn, &delivery.id).await?;
            log.push((delivery, attempts));
        }
        Ok(log)
    }

    /// Makes delivery `id` due at `now` again, retried until `give_up_at`.
    pub async fn redeliver(
        &self,
        id: &str,
        now: &str,
        give_up_at: &str,
    ) -> Result<(), StorageError> {
        if !redeliver(&mut *self.writer().await?, id, now, give_up_at).await? {
            return Err(StorageError::NotFound(Missing::Delivery(id.to_owned())));
        }
        Ok(())
    }

    /// The deliveries due at `now` that no server holds.
    pub async fn due_deliveries(&self, now: &str) -> Result<Vec<String>, StorageError> {
        due(&mut *self.reader().await?, now).await
    }

    /// Holds delivery `id` until `until`, if it is still due and free at `now`.
    pub async fn lease_delivery(
        &self,
        id: &str,
        now: &str,
        until: &str,
    ) -> Result<bool, StorageError> {
        lease(&mut *self.writer().await?, id, now, until).await
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

    /// In one transaction, one delivery per active webhook of the outbox rows it has not been
    /// sent, the oldest from before `ready`: `make(webhook, first, last)` is the row.
    pub async fn gather_deliveries(
        &self,
        ready: &str,
        mut make: impl FnMut(i64, i64, i64) -> Result<DeliveryRow, StorageError>,
    ) -> Result<(), StorageError> {
        let mut tx = self.begin_write().await?;
        for webhook in all(&mut tx).await? {
            if webhook.removed_at.is_some() {
                continue;
            }
            let Some((first, last, since)) = unsent(&mut tx, webhook.cursor).await? else {
                continue;
            };
            if since.as_str() > ready {
                continue; // the window is still open
            }
            insert_delivery(&mut tx, &make(webhook.id, first, last)?).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Delivery `id` and its webhook.
    pub async fn delivery(&self, id: &str) -> Result<(DeliveryRow, WebhookRow), StorageError> {
        let conn = &mut *self.reader().await?;
        let delivery = delivery(conn, id)
            .await?
            .ok_or_else(|| StorageError::NotFound(Missing::Delivery(id.to_owned())))?;
        let webhook = get(conn, delivery.webhook)
            .await?
            .ok_or(StorageError::NotFound(Missing::Webhook(delivery.webhook)))?;
        Ok((delivery, webhook))
    }

    /// The outbox's events `first..=last`, in order.
    pub async fn outbox_events(&self, first: i64, last: i64) -> Result<Vec<String>, StorageError> {
        events(&mut *self.reader().await?, first, last).await
    }

    /// Logs an attempt of a delivery and what follows from it (see [`record_attempt`]).
    pub async fn record_attempt(
        &self,
        attempt: &AttemptRow,
        state: &str,
        next_attempt_at: &str,
    ) -> Result<(), StorageError> {
        let mut tx = self.begin_write().await?;
        record_attempt(&mut tx, attempt, state, next_attempt_at).await?;
        tx.commit().await?;
        Ok(())
    }
}
