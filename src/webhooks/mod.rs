//! Rebuild hooks: who hears of publishes (`webhook add|list|remove`, the secrets), how a
//! delivery is signed (`sign`), and the worker that sends them from the outbox (`deliver`).

pub mod deliver;
pub mod sign;

use std::path::Path;

use sqlx::SqlitePool;

use crate::storage;
use crate::storage::db;

/// `gen3-content webhook …`.
#[derive(Debug, Clone, clap::Subcommand)]
pub enum WebhookCommand {
    /// Send every publish to URL as a signed POST; prints the signing secret, once.
    Add {
        #[arg(long)]
        url: String,
    },
    /// The webhooks (never their secrets).
    List,
    /// Stop sending to webhook ID (its deliveries and their log stay).
    Remove { id: i64 },
    /// The deliveries to webhook ID, newest first, each attempt with its time, status and
    /// latency.
    Deliveries {
        id: i64,
        #[arg(long, default_value_t = 20)]
        limit: i64,
    },
    /// Send delivery ID again, with the same id and body.
    Redeliver { id: String },
}

pub async fn run(database: &Path, command: WebhookCommand) -> anyhow::Result<()> {
    let pool = db::connect(database, db::Synchronous::Full).await?;
    let result = match command {
        WebhookCommand::Add { url } => add(&pool, &url).await.map(|(id, secret)| {
            eprintln!("webhook {id} sends to {url}; its signing secret (shown once):");
            println!("{secret}");
        }),
        WebhookCommand::List => list(&pool).await.map(|hooks| {
            for hook in hooks {
                let state = hook
                    .removed_at
                    .map_or("active".to_owned(), |at| format!("removed {at}"));
                println!(
                    "{}  {}  {}  {state}",
                    hook.id,
                    shown(&hook.url),
                    hook.created_at
                );
            }
        }),
        WebhookCommand::Remove { id } => remove(&pool, id).await,
        WebhookCommand::Deliveries { id, limit } => deliveries(&pool, id, limit).await.map(|log| {
            for (delivery, attempts) in log {
                println!(
                    "{}  {}  {} attempt(s)  created {}  outbox {}..{}",
                    delivery.id,
                    delivery.state,
                    delivery.attempts,
                    delivery.created_at,
                    delivery.first_outbox,
                    delivery.last_outbox
                );
                for a in attempts {
                    let status = a.status.map_or("-".to_owned(), |s| s.to_string());
                    println!(
                        "  #{} {} {status} {} ms {}",
                        a.attempt, a.at, a.latency_ms, a.excerpt
                    );
                }
            }
        }),
        WebhookCommand::Redeliver { id } => redeliver(&pool, &id).await,
    };
    pool.close().await;
    result
}

/// `url` as it may be shown: a password in it (stored by a release that accepted one) masked.
pub fn shown(url: &str) -> String {
    match reqwest::Url::parse(url) {
        Ok(mut parsed) if parsed.password().is_some() => {
            let _ = parsed.set_password(Some("***"));
            parsed.to_string()
        }
        _ => url.to_owned(),
    }
}

/// Adds a webhook for `url` (`http://` or `https://` with a host); returns its id and secret.
pub async fn add(pool: &SqlitePool, url: &str) -> anyhow::Result<(i64, String)> {
    let parsed =
        reqwest::Url::parse(url).map_err(|e| anyhow::anyhow!("{url:?} is not a URL: {e}"))?;
    if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none() {
        anyhow::bail!("{url:?} is not an http(s) URL with a host");
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        anyhow::bail!(
            "the URL carries a user name or password, which `webhook list` and `GET /webhooks` \
             would show to every editor: leave them out (each request is signed with the \
             webhook's secret for the receiver to check)"
        );
    }
    let secret = sign::new_secret()?;
    let now = crate::model::Timestamp::now().to_rfc3339();
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
    let id = storage::webhooks::insert(&mut tx, url, &secret, &now).await?;
    tx.commit().await?;
    Ok((id, secret))
}

pub async fn list(pool: &SqlitePool) -> anyhow::Result<Vec<storage::webhooks::WebhookRow>> {
    Ok(storage::webhooks::all(&mut *pool.acquire().await?).await?)
}

pub async fn remove(pool: &SqlitePool, id: i64) -> anyhow::Result<()> {
    let now = crate::model::Timestamp::now().to_rfc3339();
    if !storage::webhooks::remove(&mut *pool.acquire().await?, id, &now).await? {
        anyhow::bail!("there is no active webhook {id}");
    }
    Ok(())
}

/// A delivery and its attempts.
pub type Logged = (
    storage::webhooks::DeliveryRow,
    Vec<storage::webhooks::AttemptRow>,
);

/// Up to `limit` deliveries to webhook `id`, newest first, with their attempts.
pub async fn deliveries(pool: &SqlitePool, id: i64, limit: i64) -> anyhow::Result<Vec<Logged>> {
    let conn = &mut *pool.acquire().await?;
    if storage::webhooks::get(conn, id).await?.is_none() {
        anyhow::bail!("there is no webhook {id}");
    }
    let mut log = Vec::new();
    for delivery in storage::webhooks::deliveries_of(conn, id, limit).await? {
        let attempts = storage::webhooks::attempts(conn, &delivery.id).await?;
        log.push((delivery, attempts));
    }
    Ok(log)
}

/// Sends delivery `id` again, at once, retried for another day.
pub async fn redeliver(pool: &SqlitePool, id: &str) -> anyhow::Result<()> {
    let now = std::time::SystemTime::now();
    let give_up = now + deliver::DeliverySettings::default().give_up_after;
    let done = storage::webhooks::redeliver(
        &mut *pool.acquire().await?,
        id,
        &crate::model::timestamp::stamp(now),
        &crate::model::timestamp::stamp(give_up),
    )
    .await?;
    if !done {
        anyhow::bail!("there is no delivery {id}");
    }
    Ok(())
}
