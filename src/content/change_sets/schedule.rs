//! The scheduler inside every server: publishes the change sets whose time has come. No cron:
//! each server looks every interval (and once at start, so that a change set whose time passed
//! while no server ran is published on the next start). Whether one is due is decided again
//! inside the publishing transaction (`Writer::publish_due`), so that however many servers
//! share the database file, each scheduled change set is published exactly once.

use std::sync::Arc;
use std::time::Duration;

use crate::content::read::served::ReadModel;
use crate::content::write::{Destination, PublishError, WriteError, Writer};
use crate::model::Timestamp;
use crate::ops::metrics::Metrics;
use crate::storage::{self, Store};

pub async fn run(store: Store, read: Arc<ReadModel>, metrics: Arc<Metrics>, every: Duration) {
    let writer = Writer {
        store: &store,
        read: &read,
        metrics: &metrics,
        into: Destination::Live,
    };
    let mut ticker = tokio::time::interval(every);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticker.tick().await;
        if let Err(e) = publish_due(&writer).await {
            tracing::error!(
                error = format!("{e:#}"),
                "cannot look for scheduled change sets"
            );
        }
    }
}

/// Publishes every change set that is due now.
async fn publish_due(writer: &Writer<'_>) -> anyhow::Result<()> {
    let now = Timestamp::now().to_rfc3339();
    let due = storage::change_sets::due(&mut *writer.store.reader().await?, &now).await?;
    for id in due {
        match writer.publish_due(id).await {
            Ok(Some(late_ms)) => {
                writer.metrics.scheduled("published");
                tracing::info!(change_set = id, late_ms, "published a scheduled change set");
            }
            Ok(None) => {} // another server published it, or it was rescheduled meanwhile
            Err(refused) => {
                let Some(why) = refusal(&refused) else {
                    // The database failed: try again next time.
                    return Err(anyhow::Error::new(refused));
                };
                writer.metrics.scheduled("refused");
                tracing::warn!(change_set = id, why, "a scheduled publish was refused");
                writer.schedule_failed(id, &why).await?;
            }
        }
    }
    Ok(())
}

/// Why a scheduled publish was refused, as the change set will show it; `None` for failures
/// that are not the change set's (the database), which are retried.
fn refusal(error: &PublishError) -> Option<String> {
    let fields = |errors: &[crate::model::FieldError]| {
        errors
            .iter()
            .map(|e| format!("{}: {}", e.pointer, e.detail))
            .collect::<Vec<_>>()
            .join("; ")
    };
    match error {
        PublishError::Conflicts(conflicts) => {
            let fields: Vec<String> = conflicts
                .iter()
                .map(|c| match &c.section {
                    Some(section) => format!("{} section {section} {}", c.page, c.pointer),
                    None => format!("{} {}", c.page, c.pointer),
                })
                .collect();
            Some(format!(
                "changed both live and in the change set: {}",
                fields.join(", ")
            ))
        }
        PublishError::Write(WriteError::Invalid(errors) | WriteError::References(errors)) => {
            Some(format!("a page would not be valid: {}", fields(errors)))
        }
        PublishError::Write(WriteError::Conflict(detail)) => Some(detail.clone()),
        PublishError::Write(_) => None,
    }
}
