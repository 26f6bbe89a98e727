//! The one way a page changes through the API: a conditional write in one `BEGIN IMMEDIATE`
//! transaction, checked against the content model and the body's references, stored as one page
//! revision (and a revision of each section it changes), and published to readers before the
//! writer hears back. Section edits, body and metadata edits, sections added, removed or moved,
//! restores: each is a function from the page as it is to the page as it should be.

mod check;
pub mod commit;
pub mod plan;

use std::sync::Arc;

use serde_json::Value;
use tokio::sync::MutexGuard;

use crate::content::change_sets::{self, ChangeSet, ChangeSets, State};
use crate::content::read::representation::{IfMatch, Representation};
use crate::content::read::served::ReadModel;
use crate::content::read::snapshot::PageSnapshot;
use crate::content::read::stored::{self as store, LANDING, Stored};
use crate::hugo;
use crate::model::merge::{self, FieldChange};
use crate::model::{Errors, FieldError, Model, Page, Timestamp};
use crate::ops::metrics::Metrics;
use crate::storage::Connection;
use crate::storage::Tx;
use crate::storage::publish::ChangeSetRef;
use crate::storage::{self, Missing, StorageError, Store};
use check::{body_errors, dangling, in_page, links_to, missing_sections, prefixed, validate};
use commit::{Committed, CommittedPage, PageChange, Publisher, commit};
use plan::Before;

/// Why a write did not happen, apart from what the caller's `change` refuses (its own error
/// type `E`, which must hold these too). The HTTP layer answers each as a problem.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    /// The precondition names no current version of what is written.
    #[error(
        "If-Match names no current version of {0}: it has changed since (or the tag is weak or \
         malformed). GET it again, reapply the edit and send the new ETag."
    )]
    Stale(String),
    /// The page the write would make is not valid under the content model.
    #[error("the page would not be valid")]
    Invalid(Vec<FieldError>),
    /// The write would leave the body asking for what no longer exists: one error per thing it
    /// removes (or per key a new body asks for), with the body's lines in the detail.
    #[error("the write breaks what the page's body uses")]
    References(Vec<FieldError>),
    /// The write conflicts with the site as it is (a page that exists, the landing page).
    #[error("{0}")]
    Conflict(String),
    /// Storage refused the write or did not find what it names: see [`StorageError`].
    #[error(transparent)]
    Storage(#[from] StorageError),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

/// What a write's `If-Match` is compared with, and where its errors point.
#[derive(Debug, Clone, Copy)]
pub enum Target<'a> {
    /// One section (`/pages/{id}/sections/{section}`): pointers are into the section.
    Section(&'a str),
    /// The body (`/pages/{id}/body`).
    Body,
    /// The page as a whole (`/pages/{id}`): pointers are into its metadata, or to a section
    /// as `/sections/{id}/…`.
    Page,
}

impl Target<'_> {
    /// The representation whose `ETag` the write must name.
    fn representation<'s>(&self, page: &'s PageSnapshot) -> Result<&'s Representation, WriteError> {
        match self {
            Self::Section(id) => page
                .section(id)
                .ok_or_else(|| WriteError::missing(Missing::Section((*id).to_owned()))),
            Self::Body => Ok(page.body()),
            Self::Page => Ok(page.document()),
        }
    }

    fn name(&self, page: &str) -> String {
        match self {
            Self::Section(id) => format!("section {id} of page {page}"),
            Self::Body => format!("the body of page {page}"),
            Self::Page => format!("page {page}"),
        }
    }
}

/// The name of the change set of one change that a live write is: the page id in it can be
/// longer than a change set's name may be, so it is cut (the revision keeps the whole id).
fn live_name(what: &str) -> String {
    format!("live write: {what}")
        .chars()
        .take(change_sets::NAME_MAX)
        .collect()
}

/// Whether `precondition` holds for `target` on `page`.
pub fn check(
    page: &PageSnapshot,
    target: Target<'_>,
    precondition: &IfMatch,
) -> Result<(), WriteError> {
    if target.representation(page)?.satisfies(precondition) {
        Ok(())
    } else {
        Err(WriteError::Stale(target.name(&page.stored().id)))
    }
}

/// Where a write goes: live (a change set of one change, published at once), or into an open
/// change set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Destination {
    Live,
    ChangeSet(i64),
}

/// What a write needs from the server.
#[derive(Clone, Copy)]
pub struct Writer<'a> {
    pub store: &'a Store,
    pub read: &'a ReadModel,
    pub metrics: &'a Metrics,
    pub into: Destination,
}

/// A change set's publish refused: what both it and live changed.
#[derive(Debug, thiserror::Error)]
pub enum PublishError {
    #[error("the change set and live both changed the same fields")]
    Conflicts(Vec<FieldChange>),
    #[error(transparent)]
    Write(#[from] WriteError),
}

impl WriteError {
    /// What the write names is not stored.
    pub fn missing(what: Missing) -> Self {
        Self::Storage(StorageError::NotFound(what))
    }
}

impl From<StorageError> for PublishError {
    fn from(e: StorageError) -> Self {
        Self::Write(e.into())
    }
}

impl From<anyhow::Error> for PublishError {
    fn from(e: anyhow::Error) -> Self {
        Self::Write(e.into())
    }
}

/// A page as a publish leaves it: its snapshot, or `None` if it was deleted.
type Published = (String, Option<Arc<PageSnapshot>>);

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
        let lock = self.read.lock().await;
        if let Destination::ChangeSet(_) = self.into {
            return self
                .write_draft(id, target, precondition, author, change)
                .await;
        }
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
            let served = self.read.load().page(id).cloned();
            let current = match served {
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
                self.url_free(None, id, &stored.file, &next.meta)?;
            }
            let name = live_name(&target.name(id));
            let change = PageChange {
                id,
                file: &stored.file,
                before: Before::Stored {
                    page: stored,
                    deleted: false,
                },
                after: Some(&next),
                source: None,
            };
            match self.commit_live(&name, author, &[change], &lock).await {
                Ok(mut pages) => {
                    self.metrics.write(label, true);
                    let page = pages.pop().and_then(|p| p.snapshot);
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

    /// The write of [`Self::write`] into the change set this writer writes into: the change set
    /// holds it.
    async fn write_draft<E>(
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
        let mut tx = self.store.begin_write().await.map_err(WriteError::from)?;
        let (current, set) = self.in_place(&mut tx, id).await?;
        let current = current.ok_or_else(|| WriteError::missing(Missing::Page(id.to_owned())))?;
        check(&current, target, precondition)?;
        let stored = current.stored();
        let model = current.model().clone();
        let next = change(&model, stored)?;
        if next == stored.page {
            return Ok(current);
        }
        validate(&model, &current, &next, target)?;
        if hugo::url::published(&stored.file, &next.meta) != current.url() {
            self.url_free(set.as_ref(), id, &stored.file, &next.meta)?;
        }
        let set = set.ok_or_else(|| {
            WriteError::Internal(anyhow::anyhow!("a draft goes into a change set"))
        })?;
        let snapshot = self
            .put_draft(tx, set, (id, &stored.file, None), Some(next), author)
            .await?
            .ok_or_else(|| WriteError::missing(Missing::Page(id.to_owned())))?;
        Ok(snapshot)
    }

    /// Commits `changes` live, as a change set of one change named `name` by `author`, in one
    /// `BEGIN IMMEDIATE` transaction, and publishes the pages to readers before returning.
    async fn commit_live(
        &self,
        name: &str,
        author: &str,
        changes: &[PageChange<'_>],
        lock: &MutexGuard<'_, ()>,
    ) -> Result<Vec<CommittedPage>, WriteError> {
        let site = self.read.load_full();
        let mut tx = self.store.begin_write().await?;
        let at = Timestamp::now().to_rfc3339();
        let by = Publisher {
            set: ChangeSetRef::NewLive {
                name,
                author,
                at: &at,
            },
            name,
            author,
        };
        let committed = commit(&mut tx, by, site.model(), changes, &|id| {
            site.page(id).cloned()
        })
        .await?;
        tx.commit().await?;
        self.published(committed, lock)
    }

    /// Serves what a commit stored, and tells the change feed.
    fn published(
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
    async fn refresh(&self, id: &str, lock: &MutexGuard<'_, ()>) -> Result<(), WriteError> {
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

    /// `409` if Hugo would publish page `id` (from `file`, with metadata `meta`) at a URL that
    /// another page has where this writer writes (live, or in change set `set`'s view).
    fn url_free(
        &self,
        set: Option<&ChangeSet>,
        id: &str,
        file: &str,
        meta: &serde_json::Map<String, Value>,
    ) -> Result<(), WriteError> {
        let live = self.read.load_full();
        let site = match set {
            Some(set) => ChangeSets::view_of(set, &live)?,
            None => live,
        };
        let url = hugo::url::published(file, meta);
        match site.pages().at_url(&url) {
            Some(other) if **other != *id => Err(WriteError::Conflict(format!(
                "Hugo would publish this page at {url}, where page {:?} is published: give it \
                 another path, or another `url` or `slug`",
                &**other
            ))),
            _ => Ok(()),
        }
    }

    /// Page `id` where this writer writes (live, or in its change set's view), with the change
    /// set if it writes into one (`409` unless it is open).
    async fn in_place(
        &self,
        tx: &mut Connection,
        id: &str,
    ) -> Result<(Option<Arc<PageSnapshot>>, Option<ChangeSet>), WriteError> {
        let live = self.current(tx, id).await?;
        let Destination::ChangeSet(set) = self.into else {
            return Ok((live, None));
        };
        let set = open_change_set(tx, set).await?;
        let Some(draft) = set.draft(id) else {
            return Ok((live, Some(set)));
        };
        let model = self.read.load().model().clone();
        let view = ChangeSet::page_view(draft, live.as_ref().map(|p| p.stored()));
        let page = match view.value {
            None => None,
            Some(value) => Some(change_sets::view_snapshot(
                &model,
                draft,
                live.as_ref(),
                merge::from_value(&model, &value).map_err(|e| WriteError::Invalid(e.into_vec()))?,
            )),
        };
        Ok((page, Some(set)))
    }

    /// Makes page `id` `page` (`None`: deleted) in change set `set`, inside `tx`, and commits:
    /// what the change set makes of the page is the write's changes onto what it had. `at` is the
    /// page's id, its file, and (for a page created in a format of its own) the file's text to
    /// keep. Returns the page as it now is in the change set's view.
    async fn put_draft(
        &self,
        mut tx: Tx<'_>,
        set: ChangeSet,
        (id, file, source): (&str, &str, Option<&str>),
        page: Option<Page>,
        author: &str,
    ) -> Result<Option<Arc<PageSnapshot>>, WriteError> {
        let model = self.read.load().model().clone();
        let live = self.current(&mut tx, id).await?;
        let now = Timestamp::now();
        let next = page.as_ref().map(merge::to_value);
        let (base_revision, base, draft) = match set.draft(id) {
            Some(draft) => {
                // What the write changed in the view, applied to what the change set had.
                let view = ChangeSet::page_view(draft, live.as_ref().map(|p| p.stored()));
                let (draft_value, _) =
                    merge::merge(id, view.value.as_ref(), draft.draft.as_ref(), next.as_ref());
                (draft.base_revision, draft.base.clone(), draft_value)
            }
            None => (
                live.as_ref().map(|p| p.stored().revision),
                live.as_ref().map(|p| merge::to_value(&p.stored().page)),
                next,
            ),
        };
        let json = |v: &Option<Value>| v.as_ref().map(Value::to_string);
        storage::change_sets::put_page(
            &mut tx,
            &storage::change_sets::PageRow {
                change_set: set.id,
                page_id: id.to_owned(),
                file: file.to_owned(),
                base_revision,
                base: json(&base),
                draft: json(&draft),
                updated_by: author.to_owned(),
                updated_at: now.to_rfc3339(),
                source: source
                    .map(str::to_owned)
                    .or_else(|| set.draft(id).and_then(|d| d.source.clone())),
            },
        )
        .await?;
        storage::change_sets::touch(&mut tx, set.id).await?;
        let set = ChangeSet::load(&mut tx, set.id)
            .await?
            .ok_or_else(|| anyhow::anyhow!("change set {} went away", set.id))?;
        tx.commit().await?;
        let view = set
            .draft(id)
            .map(|d| ChangeSet::page_view(d, live.as_ref().map(|p| p.stored())));
        let snapshot = match (set.draft(id), view.and_then(|v| v.value)) {
            (Some(draft), Some(value)) => Some(change_sets::view_snapshot(
                &model,
                draft,
                live.as_ref(),
                merge::from_value(&model, &value).map_err(|e| WriteError::Invalid(e.into_vec()))?,
            )),
            _ => None,
        };
        self.read.change_sets.put(set.id, Some(set));
        Ok(snapshot)
    }

    /// Page `id` as it is live in the database now, if it is part of the site. A page revision
    /// names one state of the page forever (every write, whoever makes it, makes one): while the
    /// page's current revision is the served one, the served snapshot is the truth; only if not
    /// (another process wrote) is the page read and parsed.
    async fn current(
        &self,
        tx: &mut Connection,
        id: &str,
    ) -> Result<Option<Arc<PageSnapshot>>, WriteError> {
        let site = self.read.load_full();
        let Some(revision) = storage::page::current_revision(tx, id).await? else {
            return Ok(None);
        };
        match site.page(id) {
            Some(page) if page.stored().revision == revision => Ok(Some(page.clone())),
            served => {
                let stored = store::load_page(tx, site.model(), id)
                    .await?
                    .ok_or_else(|| WriteError::missing(Missing::Page(id.to_owned())))?;
                Ok(Some(Arc::new(match served {
                    Some(page) => page.next(stored),
                    None => PageSnapshot::build(site.model().clone(), stored),
                })))
            }
        }
    }

    /// Creates page `id` from file `file` (its path under `content/`), or brings a deleted page
    /// back as `page`, where this writer writes; `409` if it is part of the site there. With
    /// `format`, the page's file is written afresh in it and kept, so that exports keep it
    /// (live only: a change set keeps pages as data, and publishes them as YAML).
    pub async fn create(
        &self,
        id: &str,
        file: &str,
        page: &Page,
        format: Option<hugo::Format>,
        author: &str,
    ) -> Result<Arc<PageSnapshot>, WriteError> {
        let lock = self.read.lock().await;
        let mut tx = self.store.begin_write().await?;
        let (current, set) = self.in_place(&mut tx, id).await?;
        if current.is_some() {
            return Err(WriteError::Conflict(format!(
                "page {id:?} exists: write to it, or delete it first"
            )));
        }
        if let Some(other) = storage::page::with_file(&mut tx, file).await?
            && other != id
        {
            return Err(WriteError::Conflict(format!(
                "the file {file:?} is page {other:?}'s"
            )));
        }
        let site = self.read.load_full();
        let model = site.model().clone();
        self.url_free(set.as_ref(), id, file, &page.meta)?;
        let mut errors = Errors::default();
        model.check_metadata(id, &page.meta, &mut errors);
        let mut errors = errors.into_vec();
        errors.extend(missing_sections(&model, id, page));
        if !errors.is_empty() {
            return Err(WriteError::Invalid(errors));
        }
        let dangling = dangling(&model, page, |_| false);
        if !dangling.is_empty() {
            return Err(WriteError::References(body_errors(
                &model, page, None, &dangling,
            )));
        }
        let source =
            format.map(|format| hugo::write_file(format, &model.front_matter(page), &page.body));
        let source = source.as_deref();
        let snapshot = match set {
            Some(set) => self
                .put_draft(tx, set, (id, file, source), Some(page.clone()), author)
                .await?
                .ok_or_else(|| WriteError::missing(Missing::Page(id.to_owned())))?,
            None => {
                // A page deleted before comes back with its history.
                let was = store::load_any(&mut tx, &model, id).await?;
                drop(tx);
                let before = match &was {
                    Some((stored, deleted)) => Before::Stored {
                        page: stored,
                        deleted: *deleted,
                    },
                    None => Before::New,
                };
                let change = PageChange {
                    id,
                    file,
                    before,
                    after: Some(page),
                    source,
                };
                let name = live_name(&format!("new page {id}"));
                let mut pages = self.commit_live(&name, author, &[change], &lock).await?;
                pages
                    .pop()
                    .and_then(|p| p.snapshot)
                    .ok_or_else(|| WriteError::missing(Missing::Page(id.to_owned())))?
            }
        };
        self.metrics.write("page", true);
        Ok(snapshot)
    }

    /// Deletes page `id` if `precondition` holds for it, where this writer writes; its history
    /// stays.
    pub async fn delete(
        &self,
        id: &str,
        precondition: &IfMatch,
        author: &str,
    ) -> Result<(), WriteError> {
        if id == LANDING {
            return Err(WriteError::Conflict(
                "the landing page (_index) is the site's home: it cannot be deleted".to_owned(),
            ));
        }
        let lock = self.read.lock().await;
        let mut tx = self.store.begin_write().await?;
        let (current, set) = self.in_place(&mut tx, id).await?;
        let current = current.ok_or_else(|| WriteError::missing(Missing::Page(id.to_owned())))?;
        check(&current, Target::Page, precondition)?;
        let site = match &set {
            Some(set) => ChangeSets::view_of(set, &self.read.load_full())?,
            None => self.read.load_full(),
        };
        let linked = links_to(&site, id);
        if !linked.is_empty() {
            return Err(WriteError::References(linked));
        }
        let stored = current.stored();
        match set {
            Some(set) => {
                self.put_draft(tx, set, (id, &stored.file, None), None, author)
                    .await?;
            }
            None => {
                drop(tx);
                let change = PageChange {
                    id,
                    file: &stored.file,
                    before: Before::Stored {
                        page: stored,
                        deleted: false,
                    },
                    after: None,
                    source: None,
                };
                let name = live_name(&format!("deleted page {id}"));
                self.commit_live(&name, author, &[change], &lock).await?;
            }
        }
        self.metrics.write("page", true);
        Ok(())
    }

    /// Publishes open change set `set` by `author`: in one transaction, every page it touches
    /// becomes what it makes of it merged with what changed live since it took its copy, as a
    /// page revision that names it. Fields both changed refuse the publish (`Conflicts`, one
    /// per field); so does a merged page that is not valid, as a live write would be. Nothing
    /// changes unless everything does.
    pub async fn publish(&self, set: i64, author: &str) -> Result<Vec<Published>, PublishError> {
        let lock = self.read.lock().await;
        let mut tx = self.store.begin_write().await?;
        let set = open_change_set(&mut tx, set).await?;
        self.publish_in(tx, set, author, None, &lock).await
    }

    /// Publishes change set `id` if it is still open and scheduled at or before now: what the
    /// scheduler does. Whether it is due is decided inside the publishing transaction, so that
    /// of two servers on one file (or a server and an editor rescheduling it) exactly one
    /// publishes it. Returns how late it was published (ms after its time), or `None` if it was
    /// not due any more (published, discarded, rescheduled or unscheduled meanwhile).
    pub async fn publish_due(&self, id: i64) -> Result<Option<i64>, PublishError> {
        let lock = self.read.lock().await;
        let mut tx = self.store.begin_write().await?;
        let Some(set) = ChangeSet::load(&mut tx, id).await? else {
            return Ok(None);
        };
        let now = std::time::SystemTime::now();
        let due = set
            .publish_at
            .filter(|_| set.state == State::Open)
            .filter(|at| at.to_system_time() <= now);
        let Some(at) = due else {
            return Ok(None);
        };
        let late = now
            .duration_since(at.to_system_time())
            .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX));
        let author = set
            .scheduled_by
            .clone()
            .unwrap_or_else(|| set.created_by.clone());
        self.publish_in(tx, set, &author, Some(late), &lock).await?;
        Ok(Some(late))
    }

    /// Records that change set `id`'s scheduled publish was refused (`why`), and unschedules
    /// it: it stays open, for an editor to resolve and schedule again.
    pub async fn schedule_failed(&self, id: i64, why: &str) -> Result<(), WriteError> {
        let _lock = self.read.lock().await;
        let mut tx = self.store.begin_write().await?;
        storage::change_sets::schedule_failed(&mut tx, id, why).await?;
        let set = ChangeSet::load(&mut tx, id).await?;
        tx.commit().await?;
        self.read.change_sets.put(id, set);
        Ok(())
    }

    /// Schedules open change set `id` to be published at `at` (`None`: not at all), by
    /// `author`; returns it as it now is.
    pub async fn schedule(
        &self,
        id: i64,
        at: Option<Timestamp>,
        author: &str,
    ) -> Result<ChangeSet, WriteError> {
        let _lock = self.read.lock().await;
        let mut tx = self.store.begin_write().await?;
        open_change_set(&mut tx, id).await?;
        let at = at.map(Timestamp::to_rfc3339);
        storage::change_sets::schedule(&mut tx, id, at.as_deref(), author).await?;
        let set = ChangeSet::load(&mut tx, id)
            .await?
            .ok_or(WriteError::missing(Missing::ChangeSet(id)))?;
        tx.commit().await?;
        self.read.change_sets.put(id, Some(set.clone()));
        Ok(set)
    }

    /// Publishes `set` inside `tx` (see [`Self::publish`]); `late`: the scheduler's, that late.
    async fn publish_in(
        &self,
        mut tx: Tx<'_>,
        set: ChangeSet,
        author: &str,
        late: Option<i64>,
        lock: &MutexGuard<'_, ()>,
    ) -> Result<Vec<Published>, PublishError> {
        if set.pages.is_empty() {
            // Published, it would announce a change to webhooks and the feed that changed
            // nothing, and close a change set an editor may still mean to fill.
            return Err(WriteError::Conflict(format!(
                "change set {} has no changes: there is nothing to publish (write into it \
                 first, or discard it)",
                set.id
            ))
            .into());
        }
        let site = self.read.load_full();
        let model = site.model().clone();
        let mut conflicts = Vec::new();
        let mut pages = Vec::with_capacity(set.pages.len());
        let mut deleted = Vec::new();
        for draft in &set.pages {
            let live = self.current(&mut tx, &draft.page).await?;
            let view = ChangeSet::page_view(draft, live.as_ref().map(|p| p.stored()));
            conflicts.extend(view.conflicts);
            let page = match view.value {
                None => {
                    deleted.push(draft.page.clone());
                    None
                }
                Some(value) => {
                    let page = merge::from_value(&model, &value)
                        .map_err(|e| WriteError::Invalid(prefixed(&draft.page, e.into_vec())))?;
                    match &live {
                        Some(live) => validate(&model, live, &page, Target::Page)
                            .map_err(|e| in_page(&draft.page, e))?,
                        None => {
                            let mut errors = Errors::default();
                            model.check_metadata(&draft.page, &page.meta, &mut errors);
                            let mut errors = errors.into_vec();
                            errors.extend(missing_sections(&model, &draft.page, &page));
                            if !errors.is_empty() {
                                return Err(
                                    WriteError::Invalid(prefixed(&draft.page, errors)).into()
                                );
                            }
                        }
                    }
                    Some(page)
                }
            };
            let file = live
                .as_ref()
                .map_or(draft.file.clone(), |p| p.stored().file.to_string());
            if page.is_some() || live.is_some() {
                // Only a page the change set creates takes its file's text from it, and only
                // such a page may have been deleted before (it comes back with its history).
                let (source, was) = match &live {
                    Some(live) => (None, Some((live.stored().clone(), false))),
                    None => (
                        draft.source.clone(),
                        store::load_any(&mut tx, &model, &draft.page).await?,
                    ),
                };
                pages.push((draft.page.clone(), file, page, source, was));
            }
        }
        if !conflicts.is_empty() {
            return Err(PublishError::Conflicts(conflicts));
        }
        if !deleted.is_empty() {
            let after = ChangeSets::view_of(&set, &site)?;
            for id in &deleted {
                if id == LANDING {
                    return Err(WriteError::Conflict(
                        "the landing page (_index) cannot be deleted".to_owned(),
                    )
                    .into());
                }
                let linked = links_to(&after, id);
                if !linked.is_empty() {
                    return Err(WriteError::References(prefixed(id, linked)).into());
                }
            }
        }
        let changes: Vec<PageChange<'_>> = pages
            .iter()
            .map(|(id, file, page, source, was)| PageChange {
                id,
                file,
                before: match was {
                    Some((stored, deleted)) => Before::Stored {
                        page: stored,
                        deleted: *deleted,
                    },
                    None => Before::New,
                },
                after: page.as_ref(),
                source: source.as_deref(),
            })
            .collect();
        let by = Publisher {
            set: ChangeSetRef::Existing(set.id),
            name: &set.name,
            author,
        };
        let committed = commit(&mut tx, by, &model, &changes, &|id| site.page(id).cloned()).await?;
        let now = Timestamp::now().to_rfc3339();
        storage::change_sets::set_published(&mut tx, set.id, author, &now).await?;
        if let Some(late) = late {
            storage::change_sets::set_late(&mut tx, set.id, late).await?;
        }
        tx.commit().await?;
        let published = self
            .published(committed, lock)?
            .into_iter()
            .map(|p| (p.id, p.snapshot))
            .collect();
        self.read.change_sets.put(set.id, None);
        self.metrics.write("change_set", true);
        Ok(published)
    }
}

impl Writer<'_> {
    /// A new, empty change set named `name`, by `author`.
    pub async fn create_change_set(
        &self,
        name: &str,
        author: &str,
    ) -> Result<ChangeSet, WriteError> {
        let _lock = self.read.lock().await;
        let mut tx = self.store.begin_write().await?;
        let now = Timestamp::now().to_rfc3339();
        let id = storage::change_sets::insert(&mut tx, name, author, &now, false).await?;
        let set = ChangeSet::load(&mut tx, id)
            .await?
            .ok_or_else(|| anyhow::anyhow!("change set {id} went away"))?;
        tx.commit().await?;
        self.read.change_sets.put(id, Some(set.clone()));
        Ok(set)
    }

    /// Discards open change set `id` (`author`'s decision, logged): nothing of it is published.
    pub async fn discard(&self, id: i64, author: &str) -> Result<(), WriteError> {
        let _lock = self.read.lock().await;
        let mut tx = self.store.begin_write().await?;
        open_change_set(&mut tx, id).await?;
        storage::change_sets::set_discarded(&mut tx, id).await?;
        tx.commit().await?;
        tracing::info!(change_set = id, by = author, "discarded a change set");
        self.read.change_sets.put(id, None);
        Ok(())
    }
}

/// Change set `id` from the database, if it is open: `404` if there is none, `409` if it was
/// published or discarded.
async fn open_change_set(tx: &mut Connection, id: i64) -> Result<ChangeSet, WriteError> {
    let set = ChangeSet::load(tx, id)
        .await?
        .ok_or(WriteError::missing(Missing::ChangeSet(id)))?;
    match set.state {
        State::Open => Ok(set),
        state => Err(WriteError::Conflict(format!(
            "change set {id} is {}: nothing more can be written into it",
            match state {
                State::Published => "published",
                _ => "discarded",
            }
        ))),
    }
}
