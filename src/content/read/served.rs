//! What a server serves: the current version of the site, swapped atomically, with the open
//! change sets, the change feed, and the lock that orders everything that publishes.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use arc_swap::{ArcSwap, Guard};
use tokio::sync::{Mutex as AsyncMutex, MutexGuard};

use crate::content::change_sets::ChangeSets;
use crate::content::feed::Feed;
use crate::content::read::site::Site;
use crate::content::read::snapshot::PageSnapshot;
use crate::storage::Store;
use crate::storage::feed::FeedRow;

/// The current site, and the lock that orders everything that publishes a new one.
pub struct ReadModel {
    current: ArcSwap<Site>,
    publishing: AsyncMutex<()>,
    /// Held for each swap of `current`: publishes under `publishing`, and deferred ones shown
    /// once their commit is on disk, which happens outside it.
    swapping: Mutex<()>,
    /// Pages committed by writes whose commits are not yet known to be on disk, in commit
    /// order: readers are shown them once they are (see `storage::durable`).
    deferred: Mutex<VecDeque<Deferred>>,
    store: Store,
    /// The open change sets and their views of the site.
    pub change_sets: ChangeSets,
    /// What was published, for `GET /events`.
    pub feed: Arc<Feed>,
}

/// A commit's pages and feed rows, waiting for the commit to be on disk.
struct Deferred {
    seq: u64,
    pages: Vec<(String, Option<Arc<PageSnapshot>>)>,
    feed: Vec<FeedRow>,
}

impl ReadModel {
    pub fn new(site: Site, change_sets: ChangeSets, store: Store) -> Self {
        Self {
            current: ArcSwap::from_pointee(site),
            publishing: AsyncMutex::new(()),
            swapping: Mutex::new(()),
            deferred: Mutex::new(VecDeque::new()),
            store,
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
    /// its commit), so that an older state can never replace a newer one. Once it is taken,
    /// every commit made before is shown to readers (see [`ReadModel::settle`]).
    pub async fn lock(&self) -> MutexGuard<'_, ()> {
        let lock = self.lock_deferring().await;
        self.settle().await;
        lock
    }

    /// The lock, for a write that defers showing what it commits ([`ReadModel::defer`]): it
    /// works from [`ReadModel::page_to_write`], which includes what earlier writes deferred.
    pub async fn lock_deferring(&self) -> MutexGuard<'_, ()> {
        self.publishing.lock().await
    }

    /// Page `id` as the last commit left it: deferred, or served.
    pub fn page_to_write(&self, id: &str) -> Option<Arc<PageSnapshot>> {
        let deferred = self.deferred.lock().expect("the lock is never poisoned");
        for commit in deferred.iter().rev() {
            if let Some((_, page)) = commit.pages.iter().find(|(page, _)| page == id) {
                return page.clone();
            }
        }
        drop(deferred);
        self.load().page(id).cloned()
    }

    /// Holds what commit `seq` stored until it is on disk. Call with the lock held.
    pub fn defer(
        &self,
        seq: u64,
        pages: Vec<(String, Option<Arc<PageSnapshot>>)>,
        feed: Vec<FeedRow>,
        _lock: &MutexGuard<'_, ()>,
    ) {
        let mut deferred = self.deferred.lock().expect("the lock is never poisoned");
        deferred.push_back(Deferred { seq, pages, feed });
    }

    /// Shows readers what the commits up to `seq` stored, in commit order; they are on disk.
    pub fn show_durable(&self, seq: u64) {
        let _swap = self.swapping.lock().expect("the lock is never poisoned");
        let mut deferred = self.deferred.lock().expect("the lock is never poisoned");
        while deferred.front().is_some_and(|commit| commit.seq <= seq) {
            let Deferred { pages, feed, .. } = deferred.pop_front().expect("a front");
            let mut next: Option<Site> = None;
            for (id, page) in pages {
                let current = self.current.load();
                let base = next.as_ref().unwrap_or(&current);
                match base.with_page(&id, page) {
                    Ok(site) => next = Some(site),
                    Err(e) => tracing::error!(
                        error = format!("{e:#}"),
                        page = id,
                        "cannot serve a written page"
                    ),
                }
            }
            if let Some(next) = next {
                self.current.store(Arc::new(next));
            }
            self.feed.published(feed);
        }
    }

    /// Shows readers every deferred commit, once it is on disk. Should the disk fail to sync,
    /// they are shown all the same: they are in the database, which the served site follows
    /// (their writers heard of the failure).
    pub async fn settle(&self) {
        let last = {
            let deferred = self.deferred.lock().expect("the lock is never poisoned");
            match deferred.back() {
                Some(commit) => commit.seq,
                None => return,
            }
        };
        if let Err(e) = self.store.sync_all().await {
            tracing::error!(error = %e, "cannot sync the database's log");
        }
        self.show_durable(last);
    }

    /// Serves `site` from now on. Call with the lock held.
    pub fn publish(&self, site: Site, _lock: &MutexGuard<'_, ()>) {
        let _swap = self.swapping.lock().expect("the lock is never poisoned");
        self.current.store(Arc::new(site));
    }

    /// Serves the current site with page `id` as `page` (`None`: without it), unless it is
    /// already what is served; returns whether it changed anything. Call with the lock held.
    pub fn publish_page(
        &self,
        id: &str,
        page: Option<Arc<PageSnapshot>>,
        _lock: &MutexGuard<'_, ()>,
    ) -> anyhow::Result<bool> {
        let _swap = self.swapping.lock().expect("the lock is never poisoned");
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
        self.current.store(Arc::new(next));
        Ok(true)
    }

    /// Serves the current site with each page as given (`None`: without it), in one step: a
    /// reader sees all of them or none. Call with the lock held.
    pub fn publish_pages(
        &self,
        pages: Vec<(String, Option<Arc<PageSnapshot>>)>,
        _lock: &MutexGuard<'_, ()>,
    ) -> anyhow::Result<()> {
        let _swap = self.swapping.lock().expect("the lock is never poisoned");
        let mut next: Option<Site> = None;
        for (id, page) in pages {
            let current = self.current.load();
            let base = next.as_ref().unwrap_or(&current);
            next = Some(base.with_page(&id, page)?);
        }
        if let Some(next) = next {
            self.current.store(Arc::new(next));
        }
        Ok(())
    }
}
