//! The read model: every body the read endpoints serve, built once per committed change and
//! published atomically. A GET loads one `Arc` and writes bytes; it never touches the database.

use std::sync::Arc;
use std::time::Duration;

use actix_web::web;

use arc_swap::{ArcSwap, Guard};
use sqlx::{SqliteConnection, SqlitePool};
use tokio::sync::{Mutex, MutexGuard};

use crate::auth::Tokens;
use crate::domain::SectionId;
use crate::representation::Representation;
use crate::routes::documents::{Section, SectionsDocument};
use crate::storage;
use crate::store::{self, Stored};

const JSON: &str = "application/json";

/// One consistent version of everything the read endpoints serve.
pub struct Snapshot {
    stored: Stored,
    collection: Representation,
    sections: Vec<Representation>,
}

impl Snapshot {
    pub fn build(stored: Stored) -> Self {
        let resources: Vec<Section> = SectionId::ALL
            .iter()
            .map(|&id| Section::new(id, stored.version(id), stored.section(id).clone()))
            .collect();
        let sections = resources
            .iter()
            .map(|r| {
                let body = serde_json::to_vec(r).expect("sections always serialise");
                Representation::new(JSON, body, r.meta.updated_at.to_system_time())
            })
            .collect();
        let document = SectionsDocument {
            page: stored.page.meta.clone(),
            sections: resources,
        };
        let body = serde_json::to_vec(&document).expect("sections always serialise");
        let collection = Representation::new(JSON, body, stored.last_modified().to_system_time());
        Self {
            stored,
            collection,
            sections,
        }
    }

    /// What this snapshot shows.
    pub fn stored(&self) -> &Stored {
        &self.stored
    }

    /// `GET /sections`.
    pub fn collection(&self) -> &Representation {
        &self.collection
    }

    /// `GET /sections/{id}`.
    pub fn section(&self, id: SectionId) -> &Representation {
        &self.sections[id.position() as usize - 1]
    }
}

/// The current snapshot, and the lock that orders everything that publishes a new one.
pub struct ReadModel {
    current: ArcSwap<Snapshot>,
    publishing: Mutex<()>,
}

impl ReadModel {
    pub fn new(stored: Stored) -> Self {
        Self {
            current: ArcSwap::from_pointee(Snapshot::build(stored)),
            publishing: Mutex::new(()),
        }
    }

    /// The current snapshot; wait-free.
    pub fn load(&self) -> Guard<Arc<Snapshot>> {
        self.current.load()
    }

    /// Held from reading the database to publishing what was read (or from a write's `BEGIN` to
    /// its publish), so that an older state can never replace a newer one.
    pub async fn lock(&self) -> MutexGuard<'_, ()> {
        self.publishing.lock().await
    }

    /// A snapshot of `stored`: the current one if it shows exactly that, else a new one.
    pub fn snapshot_of(&self, stored: Stored) -> Arc<Snapshot> {
        let current = self.current.load_full();
        if current.stored == stored {
            current
        } else {
            Arc::new(Snapshot::build(stored))
        }
    }

    /// Serves `snapshot` from now on, unless it is what is already served; returns whether it
    /// changed anything. Call with the lock held.
    pub fn publish(&self, snapshot: Arc<Snapshot>, _lock: &MutexGuard<'_, ()>) -> bool {
        if Arc::ptr_eq(&self.current.load(), &snapshot)
            || self.current.load().stored == snapshot.stored
        {
            return false;
        }
        self.current.store(snapshot);
        true
    }
}

/// Publishes content that another process (an `import`) committed to the same database file,
/// and reloads the tokens (a `token create` or `revoke`).
/// `baseline` is `PRAGMA data_version` on `conn` from before the read model was loaded.
pub async fn follow_database(
    mut conn: SqliteConnection,
    baseline: i64,
    pool: SqlitePool,
    read: web::Data<ReadModel>,
    tokens: web::Data<Tokens>,
    every: Duration,
) {
    let mut seen = baseline;
    let mut ticker = tokio::time::interval(every);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticker.tick().await;
        let version = match storage::data_version(&mut conn).await {
            Ok(version) => version,
            Err(e) => {
                tracing::warn!(error = %e, "cannot poll the database for changes");
                continue;
            }
        };
        if seen == version {
            continue;
        }
        let lock = read.lock().await;
        let loaded = match pool.acquire().await {
            Ok(mut conn) => match tokens.reload(&mut conn).await {
                Ok(()) => store::load(&mut conn).await,
                Err(e) => Err(e),
            },
            Err(e) => Err(e.into()),
        };
        match loaded {
            Ok(stored) => {
                seen = version;
                if read.publish(read.snapshot_of(stored), &lock) {
                    tracing::info!("published content changed by another process");
                }
            }
            Err(e) => tracing::error!(error = format!("{e:#}"), "cannot reload changed content"),
        }
    }
}
