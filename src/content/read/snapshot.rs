//! The read model: every body the read endpoints serve, for every page of the site, built once
//! per committed change and published atomically. A GET loads one `Arc` and writes bytes; it
//! never touches the database. A change to one page rebuilds that page's representations (and
//! only its changed sections'); the site is a persistent map, so publishing it shares every
//! other page with the version before.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use arc_swap::{ArcSwap, Guard};
use serde::Serialize;
use tokio::sync::{Mutex as AsyncMutex, MutexGuard};

use crate::content::change_sets::ChangeSets;
use crate::content::feed::Feed;
use crate::content::read::documents::Section;
use crate::content::read::representation::Representation;
use crate::content::read::stored::{LANDING, Stored};
use crate::hugo::{Format, export_page, url};
use crate::model::{Model, Timestamp};

const JSON: &str = "application/json";
const MARKDOWN: &str = "text/markdown; charset=utf-8";
const TEXT: &str = "text/plain; charset=utf-8";
const TAR: &str = "application/x-tar";

/// One consistent version of one page, as the read endpoints serve it.
pub struct PageSnapshot {
    /// The content model the page was read under, which writes it back.
    model: Arc<Model>,
    stored: Stored,
    /// Where Hugo publishes it.
    url: String,
    /// `GET /pages/{id}`: `page` with `id`, `path` and `url`.
    document: Representation,
    /// `GET /sections` (the landing page only): the same without them, as it always was.
    landing: OnceLock<Representation>,
    /// Shared between snapshots while a section is unchanged, with its compressed forms.
    sections: Vec<Arc<Representation>>,
    /// Its entry in `GET /pages`.
    summary: Vec<u8>,
    /// `GET /pages/{id}/body` and the Hugo page: made on first request, so that edits need not
    /// pay for them.
    body: OnceLock<Representation>,
    export: OnceLock<Representation>,
    /// The keys the body asks the front matter for (`param` and the list shortcodes), found on
    /// first use by a write and kept while the body is the same.
    body_keys: OnceLock<Arc<[String]>>,
}

/// A page's entry in the list of pages.
#[derive(Serialize)]
struct Summary<'a> {
    id: &'a str,
    path: &'a str,
    url: &'a str,
    format: Format,
    title: Option<&'a serde_json::Value>,
    sections: Vec<&'a str>,
    updated_at: Timestamp,
}

/// The system fields of a page, ahead of its metadata in `page`.
pub const PAGE_FIELDS: [&str; 4] = ["id", "path", "url", "format"];

impl PageSnapshot {
    pub fn build(model: Arc<Model>, stored: Stored) -> Self {
        let sections = (0..stored.page.sections().len())
            .map(|at| Arc::new(section_representation(&stored, at)))
            .collect();
        Self::assemble(model, stored, sections)
    }

    /// A snapshot of `stored`, the next version of this page: sections whose id, place and
    /// version are unchanged keep their representation (and compressed forms).
    pub fn next(&self, stored: Stored) -> Self {
        let keys = self
            .body_keys
            .get()
            .filter(|_| self.stored.page.body == stored.page.body)
            .cloned();
        let sections = (0..stored.page.sections().len())
            .map(|at| {
                let id = &stored.page.sections()[at].id;
                match self.stored.page.position(id) {
                    Some(was) if was == at && self.stored.versions[was] == stored.versions[at] => {
                        self.sections[was].clone()
                    }
                    _ => Arc::new(section_representation(&stored, at)),
                }
            })
            .collect();
        let next = Self::assemble(self.model.clone(), stored, sections);
        if let Some(keys) = keys {
            let _ = next.body_keys.set(keys);
        }
        next
    }

    /// The document is the page's system fields and metadata and the section bodies exactly as
    /// they are served one by one, put together rather than serialised again (a test checks
    /// that this is what serialising a
    /// [`SectionsDocument`](crate::content::read::documents::SectionsDocument) gives).
    fn assemble(model: Arc<Model>, stored: Stored, sections: Vec<Arc<Representation>>) -> Self {
        let url = url::published(&stored.file, &stored.page.meta);
        let mut page = serde_json::Map::new();
        page.insert("id".into(), stored.id.as_ref().into());
        page.insert("path".into(), stored.file.as_ref().into());
        page.insert("url".into(), url.as_str().into());
        let format = stored.source.as_deref().map(Format::of).unwrap_or_default();
        page.insert(
            "format".into(),
            serde_json::to_value(format).expect("a name"),
        );
        // A metadata key spelled like a system field (a front-matter `url`) is not repeated:
        // the system field already says where the page is.
        for (key, value) in &stored.page.meta {
            if !PAGE_FIELDS.contains(&key.as_str()) {
                page.insert(key.clone(), value.clone());
            }
        }
        let document = collection(&stored, &page, &sections);
        let summary = serde_json::to_vec(&Summary {
            id: &stored.id,
            path: &stored.file,
            url: &url,
            format,
            title: stored.page.meta.get("title"),
            sections: stored
                .page
                .sections()
                .iter()
                .map(|s| s.id.as_str())
                .collect(),
            updated_at: stored.last_modified(),
        })
        .expect("a summary serialises");
        Self {
            model,
            stored,
            url,
            document,
            landing: OnceLock::new(),
            sections,
            summary,
            body: OnceLock::new(),
            export: OnceLock::new(),
            body_keys: OnceLock::new(),
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

    pub fn url(&self) -> &str {
        &self.url
    }

    /// `GET /pages/{id}`.
    pub fn document(&self) -> &Representation {
        &self.document
    }

    /// `GET /sections`: the page's metadata as it is, without the system fields.
    pub fn collection(&self) -> &Representation {
        self.landing
            .get_or_init(|| collection(&self.stored, &self.stored.page.meta, &self.sections))
    }

    /// The keys the body asks the front matter for, in the order it asks.
    pub fn body_keys(&self) -> &[String] {
        self.body_keys.get_or_init(|| {
            crate::hugo::references::all(&self.stored.page.body)
                .map(|(_, key)| key.as_str().to_owned())
                .collect()
        })
    }

    /// `GET /pages/{id}/body`.
    pub fn body(&self) -> &Representation {
        self.body.get_or_init(|| {
            let modified = self.stored.last_modified().to_system_time();
            Representation::new(TEXT, self.stored.page.body.as_bytes().to_vec(), modified)
        })
    }

    /// `GET /export`, `GET /pages/{id}/export`.
    pub fn export(&self) -> &Representation {
        self.export.get_or_init(|| {
            Representation::new(
                MARKDOWN,
                self.file_text().into_bytes(),
                self.stored.last_modified().to_system_time(),
            )
        })
    }

    /// The page file, as the export serves it.
    pub fn file_text(&self) -> String {
        match self.export.get() {
            Some(export) => String::from_utf8_lossy(export.body()).into_owned(),
            None => export_page(
                &self.stored.page,
                self.stored.source.as_deref(),
                &self.model,
            ),
        }
    }

    /// `GET /pages/{id}/sections/{section}`, if the page has that section.
    pub fn section(&self, id: &str) -> Option<&Representation> {
        Some(&self.sections[self.stored.page.position(id)?])
    }

    /// How many bytes of this page it serves from memory, uncompressed: its document, sections,
    /// list entry and body (served from the page's own text, wrapped on first request), and the
    /// landing document and the page file once made.
    pub fn served_bytes(&self) -> usize {
        let lazy = [&self.landing, &self.export];
        self.document.body().len()
            + self.summary.len()
            + self.sections.iter().map(|s| s.body().len()).sum::<usize>()
            + self.stored.page.body.len()
            + lazy
                .iter()
                .filter_map(|r| r.get())
                .map(|r| r.body().len())
                .sum::<usize>()
    }
}

/// `{"page": …, "sections": […]}` from the section bodies as served.
fn collection(
    stored: &Stored,
    page: &serde_json::Map<String, serde_json::Value>,
    sections: &[Arc<Representation>],
) -> Representation {
    let size: usize = sections.iter().map(|s| s.body().len() + 1).sum();
    let mut body = Vec::with_capacity(size + 512);
    body.extend_from_slice(br#"{"page":"#);
    serde_json::to_writer(&mut body, page).expect("metadata always serialises");
    body.extend_from_slice(br#","sections":["#);
    for (i, section) in sections.iter().enumerate() {
        if i > 0 {
            body.push(b',');
        }
        body.extend_from_slice(section.body());
    }
    body.extend_from_slice(b"]}");
    Representation::new(JSON, body, stored.last_modified().to_system_time())
}

/// The representation of the section at `at` (0-based) on the page.
fn section_representation(stored: &Stored, at: usize) -> Representation {
    let page_section = &stored.page.sections()[at];
    let content = page_section.content.clone();
    let section = Section::new(&page_section.id, at, stored.versions[at], content);
    let body = serde_json::to_vec(&section).expect("sections always serialise");
    Representation::new(JSON, body, section.meta.updated_at.to_system_time())
}

/// The pages of the site by id, sharing structure between versions: in order for the list and
/// the archive, and hashed for finding one. A lookup in the ordered map alone compared the id
/// with about 18 others spread over the heap, and made a `304` at 10,000 pages 3–7 % slower
/// than at one (bench/RESULTS.md, stop 15); the hashed map finds it with one comparison. Both
/// are persistent maps: a change to one page copies only the nodes on its path in each.
#[derive(Clone, Default)]
pub struct Pages {
    ordered: imbl::OrdMap<Arc<str>, Arc<PageSnapshot>>,
    by_id: imbl::HashMap<Arc<str>, Arc<PageSnapshot>>,
    /// The page Hugo publishes at each URL: two pages cannot share one, and a write that would
    /// make them is refused by finding the URL here, whatever the size of the site.
    by_url: imbl::HashMap<Arc<str>, Arc<str>>,
}

impl Pages {
    pub fn get(&self, id: &str) -> Option<&Arc<PageSnapshot>> {
        self.by_id.get(id)
    }

    /// The id of the page published at `url`.
    pub fn at_url(&self, url: &str) -> Option<&Arc<str>> {
        self.by_url.get(url)
    }

    pub fn len(&self) -> usize {
        self.ordered.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ordered.is_empty()
    }

    /// These pages with page `id` as `page` (`None`: without it).
    pub fn with(&self, id: &str, page: Option<Arc<PageSnapshot>>) -> Self {
        let mut by_url = self.by_url.clone();
        if let Some(old) = self.by_id.get(id)
            && by_url.get(old.url()).is_some_and(|owner| &**owner == id)
        {
            by_url.remove(old.url());
        }
        match page {
            Some(page) => {
                let id: Arc<str> = Arc::from(id);
                by_url.insert(Arc::from(page.url()), id.clone());
                Self {
                    ordered: self.ordered.update(id.clone(), page.clone()),
                    by_id: self.by_id.update(id, page),
                    by_url,
                }
            }
            None => Self {
                ordered: self.ordered.without(id),
                by_id: self.by_id.without(id),
                by_url,
            },
        }
    }

    /// Every page, by id.
    pub fn iter(&self) -> impl Iterator<Item = (&Arc<str>, &Arc<PageSnapshot>)> {
        self.ordered.iter()
    }

    /// Every page, by id.
    pub fn values(&self) -> impl Iterator<Item = &Arc<PageSnapshot>> {
        self.ordered.values()
    }

    /// The pages whose ids are in `range`, by id.
    fn range<'a>(
        &'a self,
        range: (std::ops::Bound<&'a str>, std::ops::Bound<&'a str>),
    ) -> impl Iterator<Item = (&'a Arc<str>, &'a Arc<PageSnapshot>)> {
        self.ordered.range::<_, str>(range)
    }
}

impl FromIterator<(Arc<str>, Arc<PageSnapshot>)> for Pages {
    fn from_iter<I: IntoIterator<Item = (Arc<str>, Arc<PageSnapshot>)>>(pages: I) -> Self {
        let ordered: imbl::OrdMap<Arc<str>, Arc<PageSnapshot>> = pages.into_iter().collect();
        let by_id = ordered
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        let by_url = ordered
            .iter()
            .map(|(k, v)| (Arc::from(v.url()), k.clone()))
            .collect();
        Self {
            ordered,
            by_id,
            by_url,
        }
    }
}

/// The most pages one page of `GET /pages` lists.
pub const MAX_LISTING: usize = 1000;
/// How many pages of `GET /pages` one version of the site keeps prepared (10,000 pages at 100 a
/// page are 100: all of them).
const LISTINGS_KEPT: usize = 256;

/// One consistent version of the whole site.
pub struct Site {
    model: Arc<Model>,
    pages: Pages,
    /// The landing page, also in `pages`: `/sections` finds it without a lookup.
    landing: Arc<PageSnapshot>,
    /// Pages of `GET /pages` prepared so far, by cursor and limit: made on first request and
    /// kept with their compressed forms until the site changes.
    listings: Mutex<HashMap<ListingKey, Arc<Listing>>>,
    /// `GET /site.tar`, made on first request.
    archive: OnceLock<Representation>,
}

/// A page of `GET /pages` by its cursor and limit.
type ListingKey = (Option<Arc<str>>, usize);

/// One page of `GET /pages`.
pub struct Listing {
    pub representation: Representation,
    /// The cursor of the next page, if there are more pages.
    pub next: Option<Arc<str>>,
}

impl Site {
    /// A site of these pages; the landing page must be one of them.
    pub fn new(model: Arc<Model>, pages: Pages) -> anyhow::Result<Self> {
        let landing = pages
            .get(LANDING)
            .cloned()
            .ok_or_else(|| anyhow::anyhow!("the database holds no landing page ({LANDING})"))?;
        Ok(Self {
            model,
            pages,
            landing,
            listings: Mutex::new(HashMap::new()),
            archive: OnceLock::new(),
        })
    }

    /// The site of these stored pages, every representation built.
    pub fn build(model: Arc<Model>, stored: Vec<Stored>) -> anyhow::Result<Self> {
        let pages = stored
            .into_iter()
            .map(|stored| {
                let id = stored.id.clone();
                (id, Arc::new(PageSnapshot::build(model.clone(), stored)))
            })
            .collect();
        Self::new(model, pages)
    }

    pub fn model(&self) -> &Arc<Model> {
        &self.model
    }

    pub fn landing(&self) -> &Arc<PageSnapshot> {
        &self.landing
    }

    pub fn page(&self, id: &str) -> Option<&Arc<PageSnapshot>> {
        self.pages.get(id)
    }

    pub fn pages(&self) -> &Pages {
        &self.pages
    }

    /// This site with page `id` as `page` (`None`: without it).
    pub fn with_page(&self, id: &str, page: Option<Arc<PageSnapshot>>) -> anyhow::Result<Self> {
        Self::new(self.model.clone(), self.pages.with(id, page))
    }

    /// Up to `limit` pages after the page `cursor` (from the first without one), by id.
    pub fn listing(&self, cursor: Option<&str>, limit: usize) -> Arc<Listing> {
        let key = (cursor.map(Arc::from), limit);
        let lock = || self.listings.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(listing) = lock().get(&key) {
            return listing.clone();
        }
        // Made outside the lock: other pages of the list are served meanwhile. Two requests
        // for the same new page may both make it; they make the same bytes.
        let listing = Arc::new(self.make_listing(cursor, limit));
        let mut listings = lock();
        if listings.len() >= LISTINGS_KEPT {
            listings.clear();
        }
        listings.insert(key, listing.clone());
        listing
    }

    fn make_listing(&self, cursor: Option<&str>, limit: usize) -> Listing {
        use std::ops::Bound;
        let start = match cursor {
            Some(cursor) => Bound::Excluded(cursor),
            None => Bound::Unbounded,
        };
        let mut range = self.pages.range((start, Bound::Unbounded)).peekable();
        let mut body = br#"{"pages":["#.to_vec();
        let mut last = None;
        let mut modified = Timestamp::EPOCH;
        for (i, (id, page)) in range.by_ref().take(limit).enumerate() {
            if i > 0 {
                body.push(b',');
            }
            body.extend_from_slice(&page.summary);
            modified = modified.max(page.stored.last_modified());
            last = Some(id.clone());
        }
        let next = last.filter(|_| range.peek().is_some());
        body.extend_from_slice(br#"],"next":"#);
        serde_json::to_writer(&mut body, &next.as_deref()).expect("a cursor serialises");
        body.push(b'}');
        Listing {
            representation: Representation::new(JSON, body, modified.to_system_time()),
            next,
        }
    }

    /// `GET /site.tar`: every page file under `content/`, as `export --site` writes them. The
    /// archive is the same bytes for the same site (entries by id, fixed owner and mode, each
    /// page's time of last change), so its `ETag` changes only when a page does.
    pub fn archive(&self) -> &Representation {
        self.archive.get_or_init(|| {
            let mut modified = Timestamp::EPOCH;
            let mut tar = tar::Builder::new(Vec::new());
            for page in self.pages.values() {
                let text = page.file_text();
                let changed = page.stored.last_modified();
                modified = modified.max(changed);
                let mut header = tar::Header::new_ustar();
                header.set_size(text.len() as u64);
                header.set_mode(0o644);
                header.set_mtime(
                    changed
                        .to_system_time()
                        .duration_since(std::time::UNIX_EPOCH)
                        .map_or(0, |d| d.as_secs()),
                );
                let path = format!("content/{}", page.stored.file);
                tar.append_data(&mut header, path, text.as_bytes())
                    .expect("a page file fits a tar archive in memory");
            }
            let body = tar.into_inner().expect("an archive in memory finishes");
            Representation::new(TAR, body, modified.to_system_time())
        })
    }

    /// How many bytes the read model serves from memory, uncompressed: every page's (see
    /// [`PageSnapshot::served_bytes`]), and the pages of the list and the archive made so far.
    pub fn served_bytes(&self) -> usize {
        let listings: usize = self
            .listings
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .values()
            .map(|l| l.representation.body().len())
            .sum();
        let archive = self.archive.get().map_or(0, |a| a.body().len());
        self.pages.values().map(|p| p.served_bytes()).sum::<usize>() + listings + archive
    }
}

/// The current site, and the lock that orders everything that publishes a new one.
pub struct ReadModel {
    current: ArcSwap<Site>,
    publishing: AsyncMutex<()>,
    /// The open change sets and their views of the site.
    pub change_sets: ChangeSets,
    /// What was published, for `GET /events`.
    pub feed: Arc<Feed>,
}

impl ReadModel {
    pub fn new(site: Site, change_sets: ChangeSets) -> Self {
        Self {
            current: ArcSwap::from_pointee(site),
            publishing: AsyncMutex::new(()),
            change_sets,
            feed: Arc::default(),
        }
    }

    /// The current site; wait-free.
    pub fn load(&self) -> Guard<Arc<Site>> {
        self.current.load()
    }

    /// The current site, to keep.
    pub fn load_full(&self) -> Arc<Site> {
        self.current.load_full()
    }

    /// Held from reading the database to publishing what was read (or from a write's `BEGIN` to
    /// its publish), so that an older state can never replace a newer one.
    pub async fn lock(&self) -> MutexGuard<'_, ()> {
        self.publishing.lock().await
    }

    /// Serves `site` from now on. Call with the lock held.
    pub fn publish(&self, site: Site, _lock: &MutexGuard<'_, ()>) {
        self.current.store(Arc::new(site));
    }

    /// Serves the current site with page `id` as `page` (`None`: without it), unless it is
    /// already what is served; returns whether it changed anything. Call with the lock held.
    pub fn publish_page(
        &self,
        id: &str,
        page: Option<Arc<PageSnapshot>>,
        lock: &MutexGuard<'_, ()>,
    ) -> anyhow::Result<bool> {
        let current = self.current.load();
        let same = match (current.page(id), &page) {
            (Some(now), Some(next)) => Arc::ptr_eq(now, next) || now.stored == next.stored,
            (None, None) => true,
            _ => false,
        };
        if same {
            return Ok(false);
        }
        let next = current.with_page(id, page)?;
        drop(current);
        self.publish(next, lock);
        Ok(true)
    }

    /// Serves the current site with each page as given (`None`: without it), in one step: a
    /// reader sees all of them or none. Call with the lock held.
    pub fn publish_pages(
        &self,
        pages: Vec<(String, Option<Arc<PageSnapshot>>)>,
        lock: &MutexGuard<'_, ()>,
    ) -> anyhow::Result<()> {
        let mut next: Option<Site> = None;
        for (id, page) in pages {
            let current = self.current.load();
            let base = next.as_ref().unwrap_or(&current);
            next = Some(base.with_page(&id, page)?);
        }
        if let Some(next) = next {
            self.publish(next, lock);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::read::documents::SectionsDocument;
    use crate::content::read::stored::Version;

    fn seeded() -> Stored {
        let page = crate::hugo::parse_page(
            crate::content::site::seed::BUILT_IN,
            &Model::built_in(),
            LANDING,
        )
        .unwrap();
        let version = Version {
            revision: 1,
            updated_at: Timestamp::parse("2026-11-25T12:00:00Z").unwrap(),
        };
        Stored {
            id: Arc::from(LANDING),
            file: Arc::from("_index.md"),
            versions: vec![version; page.sections().len()],
            page,
            revision: 1,
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
        let snapshot = PageSnapshot::build(model(), stored.clone());
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
        let mut expected = stored.clone();
        let at = expected.page.position("vision").unwrap();
        expected.page.replace_section("vision", content);
        expected.versions[at] = version;
        let next = snapshot.next(expected.clone());
        assert_eq!(next.collection().body()[..], document(&expected)[..]);
        assert!(Arc::ptr_eq(&snapshot.sections[0], &next.sections[0]));
        assert!(!Arc::ptr_eq(&snapshot.sections[at], &next.sections[at]));
        assert_eq!(next.stored(), &expected);
    }

    #[test]
    fn the_page_document_leads_with_the_pages_system_fields() {
        let snapshot = PageSnapshot::build(model(), seeded());
        let document: serde_json::Value =
            serde_json::from_slice(snapshot.document().body()).unwrap();
        let page = document["page"].as_object().unwrap();
        let keys: Vec<&str> = page.keys().map(String::as_str).take(5).collect();
        assert_eq!(keys, ["id", "path", "url", "format", "identifier"]);
        assert_eq!(page["url"], "/");
        assert_eq!(
            document["sections"],
            serde_json::from_slice::<serde_json::Value>(snapshot.collection().body()).unwrap()["sections"]
        );
    }
}
