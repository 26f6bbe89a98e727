//! What a server serves: the current version of the site, swapped atomically, with the open
//! change sets, the change feed, and the lock that orders everything that publishes.

use std::sync::Arc;

use arc_swap::{ArcSwap, Guard};
use tokio::sync::{Mutex as AsyncMutex, MutexGuard};

use crate::content::change_sets::ChangeSets;
use crate::content::feed::Feed;
use crate::content::read::site::Site;
use crate::content::read::snapshot::PageSnapshot;

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
            (Some(now), Some(next)) => Arc::ptr_eq(now, next) || now.stored() == next.stored(),
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
