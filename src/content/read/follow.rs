//! Publishes content that another process (an `import`, a script, a second server) committed
//! to the same database file, and only that: the server's own commits are published by the
//! write that made them and never reloaded.

use std::sync::Arc;
use std::time::Duration;

use crate::content::change_sets::{ChangeSet, ChangeSets};
use crate::content::read::served::ReadModel;
use crate::content::read::site::Site;
use crate::content::read::snapshot::PageSnapshot;
use crate::content::read::stored as store;
use crate::content::site::{ActiveModel, current_model};
use crate::ops::metrics::Metrics;
use crate::storage::changes::{Changed, Cursor};
use crate::storage::{self, Connection, Store};

/// Where a server's follower starts: its own connection, opened before the site was read, and
/// the last change the read covers.
pub struct Watch {
    conn: Connection,
    seen: Cursor,
}

/// What a server starts from: the model in force, the site as stored under it with the open
/// change sets, and where to follow the database from.
pub async fn start(store: &Store) -> anyhow::Result<(ActiveModel, ReadModel, Watch)> {
    // The watcher's connection exists before the site is read, so that a commit racing this
    // start changes its `data_version`; the read tells from which change to follow.
    let conn = store.connection().await?;
    let mut tx = store.begin_read().await?;
    // The content model in force types the pages, their checks and the OpenAPI document.
    let active = current_model(&mut tx).await?;
    let (stored, seen) = store::load_site(&mut tx, &active.model).await?;
    let open = ChangeSet::load_open(&mut tx).await?;
    tx.commit().await?;
    let read = ReadModel::new(
        Site::build(active.model.clone(), stored)?,
        ChangeSets::new(open),
        store.clone(),
    );
    Ok((active, read, Watch { conn, seen }))
}

/// Every `every`, `PRAGMA data_version` on `conn` (a connection of its own) says whether anyone
/// else committed since the last look; the server's own pool counts as someone else to it, so
/// that only says where to look. The feed and `changes` rows after `seen` then name the pages and
/// change sets that commits changed (`storage::changes`); those whose current page revision is
/// the one served were the server's own. Only the rest are read and published, under the
/// publishing lock, so that a write of this server in progress is published first and an older
/// state never replaces a newer one.
pub async fn follow_database(
    Watch { mut conn, mut seen }: Watch,
    store: Store,
    read: Arc<ReadModel>,
    metrics: Arc<Metrics>,
    every: Duration,
) {
    let mut version = None;
    let mut ticker = tokio::time::interval(every);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticker.tick().await;
        let now = match storage::data_version(&mut conn).await {
            Ok(now) => now,
            Err(e) => {
                tracing::warn!(error = %e, "cannot poll the database for changes");
                continue;
            }
        };
        if version.replace(now) == Some(now) {
            continue;
        }
        match follow_once(&mut conn, seen, &store, &read, &metrics).await {
            Ok(next) => seen = next,
            Err(e) => {
                // Look again next time, from the same place.
                version = None;
                tracing::error!(error = format!("{e:#}"), "cannot reload changed content");
            }
        }
    }
}

/// One look at the changes after `seen`; returns where the next look starts.
async fn follow_once(
    conn: &mut Connection,
    seen: Cursor,
    store: &Store,
    read: &ReadModel,
    metrics: &Metrics,
) -> anyhow::Result<Cursor> {
    let Changed {
        mut pages,
        change_sets: mut sets,
        pruned: everything,
        next: last,
    } = storage::changes::since(conn, seen).await?;
    if last == seen {
        return Ok(seen); // a commit that changed no content (a token, say)
    }
    if !everything {
        // Most changes are this server's own, served already: told apart by one query each for
        // the pages and the change sets, without the publishing lock, so that writers never
        // wait for the look.
        let served = read.load_full();
        let revisions = storage::page::current_revisions(conn, &pages).await?;
        pages.retain(|id| {
            let now = revisions.iter().find(|(page, ..)| page == id);
            match (served.page(id), now) {
                (Some(page), Some((_, revision, false))) => page.stored().revision != *revision,
                (None, Some((_, _, true))) | (None, None) => false,
                _ => true,
            }
        });
        let states = storage::change_sets::states(conn, &sets).await?;
        sets.retain(|id| {
            let held = read.change_sets.get(*id).map(|s| s.version);
            match states.iter().find(|row| row.id == *id) {
                Some(row) if row.state == "open" => held != Some(row.version),
                Some(_) => held.is_some(),
                None => held.is_some(),
            }
        });
        if pages.is_empty() && sets.is_empty() {
            return Ok(last);
        }
    }
    let lock = read.lock().await;
    let mut tx = store.begin_read().await?;
    let current = read.load_full();
    let model = current.model().clone();
    if everything {
        let (stored, _) = store::load_site(&mut tx, &model).await?;
        let open = ChangeSet::load_open(&mut tx).await?;
        tx.commit().await?;
        read.publish(Site::build(model, stored)?, &lock);
        read.change_sets.replace(open);
        metrics.reloaded("everything");
        tracing::info!("published content changed by another process");
        return Ok(last);
    }
    for id in sets {
        // The server's own writes into a change set are held already.
        let held = read.change_sets.get(id).map(|s| s.version);
        match storage::change_sets::get(&mut tx, id).await? {
            Some(row) if row.state == "open" && held == Some(row.version) => continue,
            Some(row) if row.state != "open" && held.is_none() => continue,
            _ => {}
        }
        read.change_sets
            .put(id, ChangeSet::load(&mut tx, id).await?);
        metrics.reloaded("change_set");
    }
    let mut next: Option<Site> = None;
    for id in &pages {
        let stored = store::load_page(&mut tx, &model, id).await?;
        let base = next.as_ref().unwrap_or(&current);
        let served = base.page(id);
        let page = match (served, stored) {
            // The server's own write, already served.
            (Some(served), Some(stored)) if *served.stored() == stored => continue,
            (None, None) => continue,
            (Some(served), Some(stored)) => Some(Arc::new(served.next(stored))),
            (None, Some(stored)) => Some(Arc::new(PageSnapshot::build(model.clone(), stored))),
            (Some(_), None) => None,
        };
        next = Some(base.with_page(id, page)?);
        metrics.reloaded("page");
    }
    tx.commit().await?;
    if let Some(next) = next {
        read.publish(next, &lock);
        tracing::info!("published content changed by another process");
    }
    Ok(last)
}
