//! Rebuild hooks: who hears of publishes (`webhook add|list|remove`, the secrets), how a
//! delivery is signed (`sign`), and the worker that sends them from the outbox (`deliver`).

pub mod deliver;
pub mod sign;

use std::path::Path;

use crate::storage::db;
use crate::storage::deliveries::Logged;
use crate::storage::webhooks::WebhookRow;
use crate::storage::{StorageError, Store};

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
    let store = Store::open(database, db::Synchronous::Full).await?;
    let result = match command {
        WebhookCommand::Add { url } => add(&store, &url).await.map(|(id, secret)| {
            eprintln!("webhook {id} sends to {url}; its signing secret (shown once):");
            println!("{secret}");
        }),
        WebhookCommand::List => list(&store).await.map_err(Into::into).map(|hooks| {
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
        WebhookCommand::Remove { id } => remove(&store, id).await,
        WebhookCommand::Deliveries { id, limit } => deliveries(&store, id, limit)
            .await
            .map_err(Into::into)
            .map(|log| {
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
        WebhookCommand::Redeliver { id } => redeliver(&store, &id).await.map_err(Into::into),
    };
    store.close().await;
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
pub async fn add(store: &Store, url: &str) -> anyhow::Result<(i64, String)> {
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
    let id = store.add_webhook(url, &secret, &now).await?;
    Ok((id, secret))
}

pub async fn list(store: &Store) -> Result<Vec<WebhookRow>, StorageError> {
    store.webhooks().await
}

pub async fn remove(store: &Store, id: i64) -> anyhow::Result<()> {
    let now = crate::model::Timestamp::now().to_rfc3339();
    if !store.remove_webhook(id, &now).await? {
        anyhow::bail!("there is no active webhook {id}");
    }
    Ok(())
}

/// Up to `limit` deliveries to webhook `id`, newest first, with their attempts.
pub async fn deliveries(store: &Store, id: i64, limit: i64) -> Result<Vec<Logged>, StorageError> {
    store.webhook_deliveries(id, limit).await
}

/// Sends delivery `id` again, at once, retried for another day.
pub async fn redeliver(store: &Store, id: &str) -> Result<(), StorageError> {
    let now = std::time::SystemTime::now();
    let give_up = now + deliver::DeliverySettings::default().give_up_after;
    store
        .redeliver(
            id,
            &crate::model::timestamp::stamp(now),
            &crate::model::timestamp::stamp(give_up),
        )
        .await
}
