//! The live write of one page: a change checked against the page as the last commit left it,
//! committed as a change set of one change, and shown to readers once it is on disk; and the
//! commits of live changes that other writes (pages made and removed, publishes) share.

use super::*;

impl Writer<'_> {
    /// Makes page `id` `change(model, page)` if `precondition` holds for `target` as it is at
    /// that moment (live, or in the change set written into), checked as a whole (metadata,
    /// required sections, the body's references); a result equal to the page changes nothing.
    /// Live, it is stored as one page revision by `author` and published to readers before the
    /// writer hears back; into a change set, the change set holds it. Returns the snapshot that
    /// shows the outcome (in the change set's view, for a change set).
    ///
    /// The publishing lock is taken before `BEGIN IMMEDIATE` and held until the new snapshot is
    /// published, so that writes are published in commit order. Any error rolls the transaction
    /// back (it is dropped uncommitted) and publishes nothing.
    pub async fn write<E>(
        &self,
        id: &str,
        target: Target<'_>,
        precondition: &IfMatch,
        author: &str,
        mut change: impl FnMut(&Model, &Stored) -> Result<Page, E>,
    ) -> Result<Arc<PageSnapshot>, E>
    where
        E: From<WriteError>,
    {
        if let Destination::ChangeSet(_) = self.into {
            let _lock = self.read.lock().await;
            return self
                .write_draft(id, target, precondition, author, change)
                .await;
        }
        let lock = self.read.lock_deferring().await;
        let label = match target {
            Target::Section(section) => section,
            Target::Body => "body",
            Target::Page => "page",
        };
        // The page as served is what the write starts from: the commit checks that the database
        // still holds that revision, and if another process wrote the page since, the page is
        // read again and the write made again on it.
        let mut attempts = 0;
        loop {
            attempts += 1;
            let current = match self.read.page_to_write(id) {
                Some(page) => page,
                None if attempts == 1 => {
                    self.refresh(id, &lock).await?;
                    continue;
                }
                None => return Err(WriteError::missing(Missing::Page(id.to_owned())).into()),
            };
            check(&current, target, precondition)?;
            let stored = current.stored();
            let model = current.model().clone();
            let next = change(&model, stored)?;
            if next == stored.page {
                self.metrics.write(label, false);
                return Ok(current);
            }
            validate(&model, &current, &next, target)?;
            if hugo::url::published(&stored.file, &next.meta) != current.url() {
                // Against every page as committed: what other writes deferred is shown first.
                self.read.settle().await;
                self.url_free(None, id, &stored.file, &next.meta)?;
            }
            let name = live_name(&target.name(id));
            let change = PageChange::of_stored(stored, Some(&next));
            match self.commit_deferred(&name, author, &[change], &lock).await {
                Ok((page, commit)) => {
                    // Others write while this commit goes to disk; readers and this writer
                    // see it once it is there.
                    drop(lock);
                    let synced = commit.durable().await;
                    self.read.show_durable(commit.seq());
                    synced.map_err(WriteError::from)?;
                    self.metrics.write(label, true);
                    return Ok(
                        page.ok_or_else(|| WriteError::missing(Missing::Page(id.to_owned())))?
                    );
                }
                Err(WriteError::Storage(StorageError::Stale)) if attempts < 3 => {
                    self.refresh(id, &lock).await?;
                }
                Err(e) => return Err(e.into()),
            }
        }
    }

    /// Commits `changes` live, as a change set of one change named `name` by `author`, in one
    /// `BEGIN IMMEDIATE` transaction, and publishes the pages to readers before returning.
    pub(super) async fn commit_live(
        &self,
        name: &str,
        author: &str,
        changes: &[PageChange<'_>],
        lock: &MutexGuard<'_, ()>,
    ) -> Result<Vec<CommittedPage>, WriteError> {
        let mut tx = self.store.begin_write().await?;
        let committed = self.stored_live(&mut tx, name, author, changes).await?;
        tx.commit().await?;
        self.published(committed, lock)
    }

    /// Stores `changes` in `tx` as a live change set of one change named `name` by `author`,
    /// each page's new snapshot built on the one the last commit left.
    async fn stored_live(
        &self,
        tx: &mut Tx<'_>,
        name: &str,
        author: &str,
        changes: &[PageChange<'_>],
    ) -> Result<Committed, WriteError> {
        let model = self.read.load().model().clone();
        let at = Timestamp::now().to_rfc3339();
        let by = live_publisher(name, author, &at);
        let served = |id: &str| self.read.page_to_write(id);
        Ok(commit(tx, by, &model, changes, &served).await?)
    }

    /// As [`Writer::commit_live`] for a write of one page, whose commit is shown to readers
    /// once it is on disk ([`ReadModel::defer`]); returns the page's new snapshot and the commit.
    async fn commit_deferred(
        &self,
        name: &str,
        author: &str,
        changes: &[PageChange<'_>],
        lock: &MutexGuard<'_, ()>,
    ) -> Result<(Option<Arc<PageSnapshot>>, Commit), WriteError> {
        let mut conn = self.store.writer().await?;
        let model = self.read.load().model().clone();
        let at = Timestamp::now().to_rfc3339();
        let by = live_publisher(name, author, &at);
        let served = |id: &str| self.read.page_to_write(id);
        let (committed, commit) =
            commit_alone(self.store, &mut conn, by, &model, changes, &served).await?;
        drop(conn);
        let page = committed.pages.last().and_then(|p| p.snapshot.clone());
        let pages = committed
            .pages
            .into_iter()
            .map(|p| (p.id, p.snapshot))
            .collect();
        self.read.defer(commit.seq(), pages, committed.feed, lock);
        Ok((page, commit))
    }

    /// Serves what a commit stored, and tells the change feed.
    pub(super) fn published(
        &self,
        committed: Committed,
        lock: &MutexGuard<'_, ()>,
    ) -> Result<Vec<CommittedPage>, WriteError> {
        self.read.feed.published(committed.feed);
        let pages = committed
            .pages
            .iter()
            .map(|p| (p.id.clone(), p.snapshot.clone()))
            .collect();
        self.read.publish_pages(pages, lock)?;
        Ok(committed.pages)
    }

    /// Reads page `id` from the database and serves it as it is there: what another process
    /// wrote, before this writer writes on it.
    pub(super) async fn refresh(
        &self,
        id: &str,
        lock: &MutexGuard<'_, ()>,
    ) -> Result<(), WriteError> {
        // What is served must be all this server committed before the database is read over it.
        self.read.settle().await;
        let site = self.read.load_full();
        let mut conn = self.store.writer().await?;
        let stored = store::load(&mut conn, site.model(), id).await?;
        let snapshot = stored.map(|stored| {
            Arc::new(match site.page(id) {
                Some(page) => page.next(stored),
                None => PageSnapshot::build(site.model().clone(), stored),
            })
        });
        self.read.publish_page(id, snapshot, lock)?;
        Ok(())
    }
}

/// A live change set of one change named `name`, made by `author` at `at`.
fn live_publisher<'a>(name: &'a str, author: &'a str, at: &'a str) -> Publisher<'a> {
    Publisher {
        set: ChangeSetRef::NewLive { name, author, at },
        name,
        author,
    }
}
