//! The `deliveries` and `delivery_attempts` tables: what is to be sent to each webhook, and
//! every attempt to send it.

use sqlx::SqliteConnection;

use super::webhooks::{WebhookRow, all, get, unsent};
use super::{Missing, StorageError};

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
        self.stored().await
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
        let leased = lease(&mut *self.writer().await?, id, now, until).await?;
        self.stored().await?;
        Ok(leased)
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
