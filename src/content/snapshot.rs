//! The read model: every body the read endpoints serve, built once per committed change and
//! published atomically. A GET loads one `Arc` and writes bytes; it never touches the database.

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use arc_swap::{ArcSwap, Guard};
use sqlx::{Connection, SqliteConnection, SqlitePool};
use tokio::sync::{Mutex, MutexGuard};

use crate::content::documents::Section;
use crate::content::representation::Representation;
use crate::content::store::{self, Stored, Version};
use crate::hugo::export_page;
use crate::model::{SectionContent, SectionId};
use crate::ops::metrics::Metrics;
use crate::storage;

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

    /// This snapshot with other page metadata and body: the sections are shared as they are.
    pub fn with_page(&self, record: store::PageRecord) -> Self {
        let stored = self.stored.with_page(record);
        Self::assemble(stored, self.sections.clone())
    }

    /// The collection is the page's metadata and the section bodies exactly as they are served
    /// one by one, put together rather than serialised again (a test checks that this is what
    /// serialising a [`SectionsDocument`](crate::content::documents::SectionsDocument) gives).
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
            let text = export_page(&self.stored.page, self.stored.source.as_deref());
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

/// Publishes content that another process (an `import`, a script) committed to the same
/// database file, and only that: the server's own commits are published by the write that made
/// them and never reloaded.
///
/// Every `every`, `PRAGMA data_version` on `conn` (a connection of its own) says whether anyone
/// else committed since the last look; the server's own pool counts as someone else to it, so
/// that only says where to look. The `changes` rows after `seen` then name the sections (and the
/// page row) that commits changed; those whose current revision is the one served were the
/// server's own. Only the rest are read and published, under the publishing lock, so that a write
/// of this server in progress is published first and an older state never replaces a newer one.
pub async fn follow_database(
    mut conn: SqliteConnection,
    mut seen: i64,
    pool: SqlitePool,
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
        match follow_once(&mut conn, seen, &pool, &read, &metrics).await {
            Ok(next) => seen = next,
            Err(e) => {
                // Look again next time, from the same place.
                version = None;
                tracing::error!(error = format!("{e:#}"), "cannot reload changed content");
            }
        }
    }
}

/// What the commits after change `seen` touched, by this server or another process.
#[derive(Debug, Default, PartialEq, Eq)]
struct Touched {
    /// Changes were pruned before this server saw them: anything may have changed.
    everything: bool,
    page: bool,
    sections: Vec<SectionId>,
}

/// One look at the changes after `seen`; returns the last change it has dealt with.
async fn follow_once(
    conn: &mut SqliteConnection,
    seen: i64,
    pool: &SqlitePool,
    read: &ReadModel,
    metrics: &Metrics,
) -> anyhow::Result<i64> {
    let rows = storage::changes::since(conn, seen).await?;
    let Some(last) = rows.last().map(|row| row.seq) else {
        return Ok(seen); // a commit that changed no content (a token, say)
    };
    let mut touched = Touched {
        everything: rows[0].seq != seen + 1,
        ..Touched::default()
    };
    // Only the landing page is served (so far): other pages' changes are no concern here.
    for row in rows
        .into_iter()
        .filter(|row| row.page.as_deref().is_none_or(|p| p == store::LANDING))
    {
        match row.section.as_deref().map(SectionId::from_name) {
            None => touched.page = true,
            Some(Some(id)) if !touched.sections.contains(&id) => touched.sections.push(id),
            Some(Some(_)) => {}
            Some(None) => touched.everything = true, // a section this build does not know
        }
    }

    let lock = read.lock().await;
    let mut conn = pool.acquire().await?;
    let mut tx = conn.begin().await?;
    let current = read.load_full();
    let next = if touched.everything {
        metrics.reloaded("everything");
        Snapshot::build(store::load_in(&mut tx).await?)
    } else {
        let mut next = None::<Snapshot>;
        for id in touched.sections {
            let (content, version) = store::load_section(&mut tx, id)
                .await?
                .ok_or_else(|| anyhow::anyhow!("section {id} has gone from the database"))?;
            let base = next.as_ref().unwrap_or(&current);
            if base.stored().version(id) != version {
                next = Some(base.with_section(content, version));
                metrics.reloaded("section");
            }
        }
        if touched.page {
            let record = store::load_page_row(&mut tx).await?;
            let base = next.as_ref().unwrap_or(&current);
            if base.stored().page_record() != record {
                next = Some(base.with_page(record));
                metrics.reloaded("page");
            }
        }
        match next {
            Some(next) => next,
            None => return Ok(last), // every change was this server's own, already served
        }
    };
    tx.commit().await?;
    if read.publish(Arc::new(next), &lock) {
        tracing::info!("published content changed by another process");
    }
    Ok(last)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::documents::SectionsDocument;
    use crate::model::Timestamp;

    fn seeded() -> Stored {
        let page = crate::content::seed::load(None).unwrap().page;
        let version = Version {
            revision: 1,
            updated_at: Timestamp::parse("2026-11-25T12:00:00Z").unwrap(),
        };
        Stored {
            versions: vec![version; page.sections().len()],
            page,
            page_updated_at: version.updated_at,
            source: None,
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
        let mut errors = crate::model::Errors::default();
        let content = SectionContent::parse_as(
            SectionId::Vision,
            &vision,
            &crate::model::Pointer::root(),
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
