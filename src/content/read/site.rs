//! One version of the whole site: every page's snapshot in persistent maps (a new version shares
//! every page it does not change with the one before), the list of pages prepared a page of
//! the listing at a time, and the archive of every file.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use crate::content::read::representation::Representation;
use crate::content::read::snapshot::{JSON, PageSnapshot, TAR};
use crate::content::read::stored::{LANDING, Stored};
use crate::model::{Model, Timestamp};

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
