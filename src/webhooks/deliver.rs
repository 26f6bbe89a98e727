//! The delivery worker in every server: gathers what was published into deliveries (one per
//! webhook per coalescing window), and sends each as a signed POST until the receiver answers
//! 2xx or a day has passed, with exponential backoff and jitter between attempts. Every attempt
//! is logged in the database (time, status, latency, the start of the answer).
//!
//! Deliveries are rows, so nothing is lost when a server stops: the next one (or another
//! server on the same file) carries on with the same delivery, under the same `webhook-id`. A
//! worker takes a delivery with a lease before sending it, so two servers never send one
//! attempt twice.

use std::time::{Duration, SystemTime};

use crate::model::timestamp::stamp;
use crate::storage::Store;
use crate::storage::deliveries::{AttemptRow, DeliveryRow};
use crate::webhooks::sign;

/// How deliveries are made.
#[derive(Debug, Clone)]
pub struct DeliverySettings {
    /// How often the worker looks for work.
    pub every: Duration,
    /// Publishes within this time of the first one not yet delivered go out as one delivery.
    pub window: Duration,
    /// The first retry's delay; each next one doubles it (to at most an hour), with jitter.
    pub retry: Duration,
    /// How long a receiver may take to answer.
    pub timeout: Duration,
    /// How long a delivery is retried.
    pub give_up_after: Duration,
}

impl Default for DeliverySettings {
    fn default() -> Self {
        Self {
            every: Duration::from_millis(250),
            window: Duration::from_secs(2),
            retry: Duration::from_secs(5),
            timeout: Duration::from_secs(10),
            give_up_after: Duration::from_secs(24 * 3600),
        }
    }
}

pub async fn run(store: Store, settings: DeliverySettings) {
    let client = match reqwest::Client::builder()
        .timeout(settings.timeout)
        // A receiver answers; it does not send the event elsewhere.
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!("gen3-content/", env!("CARGO_PKG_VERSION")))
        .build()
    {
        Ok(client) => client,
        Err(e) => {
            tracing::error!(error = %e, "cannot make the webhook client: no deliveries");
            return;
        }
    };
    let mut ticker = tokio::time::interval(settings.every);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticker.tick().await;
        if let Err(e) = work(&store, &client, &settings).await {
            tracing::error!(error = format!("{e:#}"), "cannot deliver webhooks");
        }
    }
}

/// One look: new deliveries gathered, due ones sent (each in a task of its own, so that a slow
/// receiver holds up no other).
async fn work(
    store: &Store,
    client: &reqwest::Client,
    settings: &DeliverySettings,
) -> anyhow::Result<()> {
    gather(store, settings).await?;
    let now = SystemTime::now();
    let due = store.due_deliveries(&stamp(now)).await?;
    for id in due {
        // Held for longer than an attempt can take; a server killed mid-attempt lets go then.
        let until = stamp(now + settings.timeout + Duration::from_secs(30));
        if store.lease_delivery(&id, &stamp(now), &until).await? {
            let (store, client, settings) = (store.clone(), client.clone(), settings.clone());
            tokio::spawn(async move {
                if let Err(e) = attempt(&store, &client, &settings, &id).await {
                    tracing::error!(delivery = id, error = format!("{e:#}"), "a delivery failed");
                }
            });
        }
    }
    Ok(())
}

/// Makes one delivery per webhook of what was published since its last, once the oldest of it
/// is a window old.
async fn gather(store: &Store, settings: &DeliverySettings) -> anyhow::Result<()> {
    let now = SystemTime::now();
    let ready = stamp(now - settings.window);
    // A look first, without the write lock: most looks find nothing to gather, and a server's
    // background task should not take the database's write lock four times a second for
    // nothing (another process's writer would wait on it).
    if !store.deliveries_to_gather(&ready).await? {
        return Ok(());
    }
    store
        .gather_deliveries(&ready, |webhook, first, last| {
            Ok(DeliveryRow {
                id: message_id().map_err(crate::storage::StorageError::internal)?,
                webhook,
                created_at: stamp(now),
                first_outbox: first,
                last_outbox: last,
                state: "pending".to_owned(),
                next_attempt_at: stamp(now),
                give_up_at: stamp(now + settings.give_up_after),
                leased_until: None,
                attempts: 0,
            })
        })
        .await?;
    Ok(())
}

/// A new delivery's id: `msg_` and 128 random bits in hex.
fn message_id() -> anyhow::Result<String> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes)
        .map_err(|e| anyhow::anyhow!("no random numbers from the system: {e}"))?;
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    Ok(format!("msg_{hex}"))
}

/// The body of a delivery: the same bytes on every attempt.
pub async fn body(store: &Store, delivery: &DeliveryRow) -> anyhow::Result<Vec<u8>> {
    let events = store
        .outbox_events(delivery.first_outbox, delivery.last_outbox)
        .await?;
    let publishes: Vec<serde_json::Value> = events
        .iter()
        .map(|e| serde_json::from_str(e))
        .collect::<Result<_, _>>()?;
    Ok(serde_json::to_vec(&serde_json::json!({
        "type": "content.published",
        "timestamp": delivery.created_at,
        "data": {"delivery": delivery.id, "publishes": publishes},
    }))?)
}

/// Sends delivery `id` once and logs the attempt.
async fn attempt(
    store: &Store,
    client: &reqwest::Client,
    settings: &DeliverySettings,
    id: &str,
) -> anyhow::Result<()> {
    let (delivery, webhook) = store.delivery(id).await?;
    let body = body(store, &delivery).await?;
    let sent_at = SystemTime::now();
    let timestamp = sent_at
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    let signature = sign::sign(&webhook.secret, id, timestamp, &body)?;
    let started = std::time::Instant::now();
    let answer = client
        .post(&webhook.url)
        .header("content-type", "application/json")
        .header("webhook-id", id)
        .header("webhook-timestamp", timestamp.to_string())
        .header("webhook-signature", signature)
        .body(body)
        .send()
        .await;
    let (status, excerpt) = match answer {
        Ok(response) => {
            let status = response.status().as_u16();
            let text = response.text().await.unwrap_or_default();
            (Some(status), excerpt_of(&text))
        }
        Err(e) => (None, excerpt_of(&describe(&e))),
    };
    let latency_ms = i64::try_from(started.elapsed().as_millis()).unwrap_or(i64::MAX);
    let number = delivery.attempts + 1;
    let now = SystemTime::now();
    let delivered = status.is_some_and(|s| (200..300).contains(&s));
    let (state, next) = if delivered {
        ("delivered", stamp(now))
    } else if stamp(now) >= delivery.give_up_at {
        ("failed", stamp(now))
    } else {
        ("pending", stamp(now + backoff(settings.retry, number)))
    };
    let row = AttemptRow {
        delivery: id.to_owned(),
        attempt: number,
        at: stamp(sent_at),
        status: status.map(i64::from),
        latency_ms,
        excerpt,
    };
    store.record_attempt(&row, state, &next).await?;
    tracing::info!(
        delivery = id,
        webhook = webhook.id,
        attempt = number,
        status,
        latency_ms,
        state,
        "webhook attempt"
    );
    Ok(())
}

/// The delay before attempt `after + 1`: `retry` doubled per attempt so far, at most an hour,
/// then a random point in its upper half ("equal jitter"), so that deliveries that failed
/// together do not all come back together.
fn backoff(retry: Duration, after: i64) -> Duration {
    let doublings = u32::try_from(after.saturating_sub(1))
        .unwrap_or(u32::MAX)
        .min(20);
    let full = retry
        .saturating_mul(1 << doublings)
        .min(Duration::from_secs(3600));
    let jitter = getrandom::u64().unwrap_or(0) % (full.as_millis() as u64 / 2 + 1);
    full / 2 + Duration::from_millis(jitter)
}

/// What went wrong with a request that got no answer: the kind of failure, never the URL's
/// secrets (reqwest's message would carry the URL).
fn describe(e: &reqwest::Error) -> String {
    if e.is_timeout() {
        "no answer within the timeout".to_owned()
    } else if e.is_connect() {
        "could not connect".to_owned()
    } else {
        "the request failed".to_owned()
    }
}

/// At most 200 characters of a receiver's answer.
fn excerpt_of(text: &str) -> String {
    let mut cut: String = text.chars().take(200).collect();
    if text.chars().nth(200).is_some() {
        cut.push('…');
    }
    cut
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_an_hour_with_jitter() {
        let base = Duration::from_secs(5);
        for (after, full) in [(1, 5), (2, 10), (3, 20), (30, 3600)] {
            let delay = backoff(base, after);
            let full = Duration::from_secs(full);
            assert!(delay >= full / 2 && delay <= full, "{after}: {delay:?}");
        }
    }
}
