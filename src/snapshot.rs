//! The read model: every body the read endpoints serve, built once per committed change and
//! published atomically. A GET loads one `Arc` and writes bytes; it never touches the database.

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use actix_web::web;

use arc_swap::{ArcSwap, Guard};
use sqlx::{SqliteConnection, SqlitePool};
use tokio::sync::{Mutex, MutexGuard};

use crate::auth::Tokens;
use crate::domain::hugo::write_page;
use crate::domain::{SectionContent, SectionId};
use crate::representation::Representation;
use crate::routes::documents::Section;
use crate::storage;
use crate::store::{self, Stored, Version};

const JSON: &str = "application/json";
const MARKDOWN: &str = "text/markdown; charset=utf-8";

/// One consistent version of everything the read endpoints serve.
pub struct Snapshot {
    stored: Stored,
    collection: Representation,
    /// Shared between snapshots while a section is unchanged, with its compressed forms.
    sections: Vec<Arc<Representation>>,
    /// The Hugo page, written on first request: edits need not pay for it.
    export: OnceLock<Representation>,
}

impl Snapshot {
    pub fn build(stored: Stored) -> Self {
        let sections = SectionId::ALL
            .iter()
            .map(|&id| Arc::new(section_representation(&stored, id)))
            .collect();
        Self::assemble(stored, sections)
    }

    /// This snapshot with one section's content replaced: a write serialises, hashes and later
    /// compresses only what changed.
    pub fn with_section(&self, content: SectionContent, version: Version) -> Self {
        let id = content.id();
        let stored = self.stored.with_section(content, version);
        let mut sections = self.sections.clone();
        sections[id.position() as usize - 1] = Arc::new(section_representation(&stored, id));
        Self::assemble(stored, sections)
    }

    /// The collection is the page's metadata and the section bodies exactly as they are served
    /// one by one, put together rather than serialised again (a test checks that this is what
    /// serialising a [`SectionsDocument`](crate::routes::documents::SectionsDocument) gives).
    fn assemble(stored: Stored, sections: Vec<Arc<Representation>>) -> Self {
        let size: usize = sections.iter().map(|s| s.body().len() + 1).sum();
        let mut body = Vec::with_capacity(size + 512);
        body.extend_from_slice(br#"{"page":"#);
        serde_json::to_writer(&mut body, &stored.page.meta).expect("metadata always serialises");
        body.extend_from_slice(br#","sections":["#);
        for (i, section) in sections.iter().enumerate() {
            if i > 0 {
                body.push(b',');
            }
            body.extend_from_slice(section.body());
        }
        body.extend_from_slice(b"]}");
        let collection = Representation::new(JSON, body, stored.last_modified().to_system_time());
        Self {
            stored,
            collection,
            sections,
            export: OnceLock::new(),
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

    /// `GET /export`.
    pub fn export(&self) -> &Representation {
        self.export.get_or_init(|| {
            let text = write_page(&self.stored.page);
            let modified = self.stored.last_modified().to_system_time();
            Representation::new(MARKDOWN, text.into_bytes(), modified)
        })
    }

    /// `GET /sections/{id}`.
    pub fn section(&self, id: SectionId) -> &Representation {
        &self.sections[id.position() as usize - 1]
    }
}

fn section_representation(stored: &Stored, id: SectionId) -> Representation {
    let section = Section::new(id, stored.version(id), stored.section(id).clone());
    let body = serde_json::to_vec(&section).expect("sections always serialise");
    Representation::new(JSON, body, section.meta.updated_at.to_system_time())
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

    /// The current snapshot, to keep.
    pub fn load_full(&self) -> Arc<Snapshot> {
        self.current.load_full()
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
        let current = self.current.load();
        if Arc::ptr_eq(&current, &snapshot) || current.stored == snapshot.stored {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Timestamp;
    use crate::routes::documents::SectionsDocument;

    fn seeded() -> Stored {
        let page = crate::seed::load(None).unwrap();
        let version = Version {
            revision: 1,
            updated_at: Timestamp::parse("2026-11-25T12:00:00Z").unwrap(),
        };
        Stored {
            versions: vec![version; page.sections().len()],
            page,
            page_updated_at: version.updated_at,
        }
    }

    fn document(stored: &Stored) -> Vec<u8> {
        let sections = SectionId::ALL
            .iter()
            .map(|&id| Section::new(id, stored.version(id), stored.section(id).clone()))
            .collect();
        let page = stored.page.meta.clone();
        serde_json::to_vec(&SectionsDocument { page, sections }).unwrap()
    }

    #[test]
    fn the_assembled_collection_is_the_serialised_document() {
        let stored = seeded();
        let snapshot = Snapshot::build(stored.clone());
        assert_eq!(snapshot.collection().body()[..], document(&stored)[..]);

        // After a change, too; and unchanged sections keep their representation.
        let vision = serde_json::json!({"type": "vision", "quote": "New."});
        let mut errors = crate::domain::Errors::default();
        let content = SectionContent::parse_as(
            SectionId::Vision,
            &vision,
            &crate::domain::Pointer::root(),
            &mut errors,
        )
        .unwrap();
        let version = Version {
            revision: 2,
            updated_at: Timestamp::parse("2026-11-25T13:00:00Z").unwrap(),
        };
        let next = snapshot.with_section(content.clone(), version);
        let expected = stored.with_section(content, version);
        assert_eq!(next.collection().body()[..], document(&expected)[..]);
        assert!(Arc::ptr_eq(&snapshot.sections[0], &next.sections[0]));
        assert!(!Arc::ptr_eq(&snapshot.sections[3], &next.sections[3]));
        assert_eq!(next.stored(), &expected);
    }
}
