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
use crate::model::{Model, SectionContent};
use crate::ops::metrics::Metrics;
use crate::storage;

const JSON: &str = "application/json";
const MARKDOWN: &str = "text/markdown; charset=utf-8";

/// One consistent version of everything the read endpoints serve.
pub struct Snapshot {
    /// The content model the page was read under, which writes it back.
    model: Arc<Model>,
    stored: Stored,
    collection: Representation,
    /// Shared between snapshots while a section is unchanged, with its compressed forms.
    sections: Vec<Arc<Representation>>,
    /// The Hugo page, written on first request: edits need not pay for it.
    export: OnceLock<Representation>,
}

impl Snapshot {
    pub fn build(model: Arc<Model>, stored: Stored) -> Self {
        let sections = (0..stored.page.sections().len())
            .map(|at| Arc::new(section_representation(&stored, at)))
            .collect();
        Self::assemble(model, stored, sections)
    }

    /// This snapshot with one section's content replaced: a write serialises, hashes and later
    /// compresses only what changed.
    pub fn with_section(&self, id: &str, content: SectionContent, version: Version) -> Self {
        let stored = self.stored.with_section(id, content, version);
        let mut sections = self.sections.clone();
        if let Some(at) = stored.page.position(id) {
            sections[at] = Arc::new(section_representation(&stored, at));
        }
        Self::assemble(self.model.clone(), stored, sections)
    }

    /// This snapshot with other page metadata and body: the sections are shared as they are.
    pub fn with_page(&self, record: store::PageRecord) -> Self {
        let stored = self.stored.with_page(record);
        Self::assemble(self.model.clone(), stored, self.sections.clone())
    }

    /// The collection is the page's metadata and the section bodies exactly as they are served
    /// one by one, put together rather than serialised again (a test checks that this is what
    /// serialising a [`SectionsDocument`](crate::content::documents::SectionsDocument) gives).
    fn assemble(model: Arc<Model>, stored: Stored, sections: Vec<Arc<Representation>>) -> Self {
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
            model,
            stored,
            collection,
            sections,
            export: OnceLock::new(),
        }
    }

    /// The content model it was read under.
    pub fn model(&self) -> &Arc<Model> {
        &self.model
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
            let text = export_page(
                &self.stored.page,
                self.stored.source.as_deref(),
                &self.model,
            );
            let modified = self.stored.last_modified().to_system_time();
            Representation::new(MARKDOWN, text.into_bytes(), modified)
        })
    }

    /// `GET /sections/{id}`, if the page has that section.
    pub fn section(&self, id: &str) -> Option<&Representation> {
        Some(&self.sections[self.stored.page.position(id)?])
    }
}

/// The representation of the section at `at` (0-based) on the page.
fn section_representation(stored: &Stored, at: usize) -> Representation {
    let page_section = &stored.page.sections()[at];
    let content = page_section.content.clone();
    let section = Section::new(&page_section.id, at, stored.versions[at], content);
    let body = serde_json::to_vec(&section).expect("sections always serialise");
    Representation::new(JSON, body, section.meta.updated_at.to_system_time())
}

/// The current snapshot, and the lock that orders everything that publishes a new one.
pub struct ReadModel {
    current: ArcSwap<Snapshot>,
    publishing: Mutex<()>,
}

impl ReadModel {
    pub fn new(model: Arc<Model>, stored: Stored) -> Self {
        Self {
            current: ArcSwap::from_pointee(Snapshot::build(model, stored)),
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
            Arc::new(Snapshot::build(current.model.clone(), stored))
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
    sections: Vec<String>,
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
        match row.section {
            None => touched.page = true,
            Some(id) if !touched.sections.contains(&id) => touched.sections.push(id),
            Some(_) => {}
        }
    }

    let lock = read.lock().await;
    let mut conn = pool.acquire().await?;
    let mut tx = conn.begin().await?;
    let current = read.load_full();
    let model = current.model().clone();
    // Sections added to, moved on or taken off the page change what the page is: read it all.
    let mut everything = touched.everything;
    if !touched.sections.is_empty() {
        let ids = storage::sections::ids(&mut tx, store::LANDING).await?;
        let served = current
            .stored()
            .page
            .sections()
            .iter()
            .map(|s| s.id.as_str());
        everything |= !ids.iter().map(String::as_str).eq(served);
    }
    let mut updates = Vec::new();
    for id in &touched.sections {
        match store::load_section(&mut tx, &model, store::LANDING, id).await? {
            Some((section, version)) if current.stored().version(id).is_some() => {
                updates.push((section, version));
            }
            Some(_) => everything = true,
            None => everything |= current.stored().version(id).is_some(),
        }
    }
    let next = if everything {
        metrics.reloaded("everything");
        let stored = store::load_in(&mut tx, &model).await?;
        Snapshot::build(model, stored)
    } else {
        let mut next = None::<Snapshot>;
        for (section, version) in updates {
            let base = next.as_ref().unwrap_or(&current);
            if base.stored().version(&section.id) != Some(version) {
                next = Some(base.with_section(&section.id, section.content, version));
                metrics.reloaded("section");
            }
        }
        if touched.page {
            let record = store::load_page_row(&mut tx, store::LANDING)
                .await?
                .ok_or_else(|| anyhow::anyhow!("the landing page has gone from the database"))?;
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

    fn model() -> Arc<Model> {
        Arc::new(Model::built_in())
    }

    fn document(stored: &Stored) -> Vec<u8> {
        let sections = stored
            .page
            .sections()
            .iter()
            .enumerate()
            .map(|(at, s)| Section::new(&s.id, at, stored.versions[at], s.content.clone()))
            .collect();
        let page = stored.page.meta.clone();
        serde_json::to_vec(&SectionsDocument { page, sections }).unwrap()
    }

    #[test]
    fn the_assembled_collection_is_the_serialised_document() {
        let stored = seeded();
        let snapshot = Snapshot::build(model(), stored.clone());
        assert_eq!(snapshot.collection().body()[..], document(&stored)[..]);

        // After a change, too; and unchanged sections keep their representation.
        let vision = serde_json::json!({"type": "vision", "quote": "New."});
        let mut errors = crate::model::Errors::default();
        let content = model()
            .section(
                "vision",
                &vision,
                &crate::model::Pointer::root(),
                &mut errors,
            )
            .unwrap();
        let version = Version {
            revision: 2,
            updated_at: Timestamp::parse("2026-11-25T13:00:00Z").unwrap(),
        };
        let next = snapshot.with_section("vision", content.clone(), version);
        let expected = stored.with_section("vision", content, version);
        assert_eq!(next.collection().body()[..], document(&expected)[..]);
        assert!(Arc::ptr_eq(&snapshot.sections[0], &next.sections[0]));
        assert!(!Arc::ptr_eq(&snapshot.sections[3], &next.sections[3]));
        assert_eq!(next.stored(), &expected);
    }
}
