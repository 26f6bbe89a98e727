//! The one write path: every change to what is live (a live write, a change set's publish, the
//! scheduler's, an import, the seed, a model change) is stored by [`commit`], inside the
//! caller's transaction. It writes each page's revisions, one feed row per change (what
//! `GET /events` streams) and one outbox row (what webhooks announce) in one batch, so that
//! nothing is published unannounced and nothing announced unpublished; and it builds each page's
//! new snapshot from the values written, never from a read.

use std::sync::Arc;

use crate::content::read::snapshot::PageSnapshot;
use crate::content::read::stored::Stored;
use crate::content::write::plan::{self, Before, Planned, Replaced, Retired};
use crate::model::{Model, Page, Timestamp};
use crate::storage::durable::Commit;
use crate::storage::feed::FeedRow;
use crate::storage::publish::{ChangeSetRef, NewFeedRow, PageRows, Publish, Written};
use crate::storage::{self, Conn, Connection, StorageError, Store};

/// One page's change in a commit.
#[derive(Debug, Clone, Copy)]
pub struct PageChange<'a> {
    pub id: &'a str,
    /// Its file under `content/`.
    pub file: &'a str,
    /// The page as the caller read it; the commit fails with [`StorageError::Stale`] if the
    /// database holds another revision of it by now.
    pub before: Before<'a>,
    /// The page to store (`None`: delete it).
    pub after: Option<&'a Page>,
    /// The page file's text to keep (`None`: keep what is stored).
    pub source: Option<&'a str>,
}

impl<'a> PageChange<'a> {
    /// Page `page`, live as stored, made `after` (`None`: deleted), keeping its file and its
    /// file's text.
    pub fn of_stored(page: &'a Stored, after: Option<&'a Page>) -> Self {
        Self {
            id: &page.id,
            file: &page.file,
            before: Before::Stored {
                page,
                deleted: false,
            },
            after,
            source: None,
        }
    }
}

/// A page as a commit left it.
#[derive(Clone)]
pub struct CommittedPage {
    pub id: String,
    /// Its new snapshot (`None`: deleted).
    pub snapshot: Option<Arc<PageSnapshot>>,
    pub replaced: Replaced,
}

/// What a commit wrote.
pub struct Committed {
    pub change_set: i64,
    pub pages: Vec<CommittedPage>,
    /// The feed rows, with their ids.
    pub feed: Vec<FeedRow>,
}

/// Who commits, and under which name the outbox announces it.
#[derive(Debug, Clone, Copy)]
pub struct Publisher<'a> {
    pub set: ChangeSetRef<'a>,
    pub name: &'a str,
    pub author: &'a str,
}

/// Stores `changes` as one publish by `by`, inside the caller's transaction; `served` gives
/// each page's snapshot as readers have it now, whose unchanged sections the new one shares.
pub async fn commit(
    conn: &mut Connection,
    by: Publisher<'_>,
    model: &Arc<Model>,
    changes: &[PageChange<'_>],
    served: &(dyn Fn(&str) -> Option<Arc<PageSnapshot>> + Sync),
) -> Result<Committed, StorageError> {
    let prepared = prepare(conn, by, model, changes, served).await?;
    let written = prepared.store(conn).await?;
    Ok(prepared.finish(written))
}

/// Stores `changes` as [`commit`] does, as a write transaction of its own on `conn`: in one
/// round trip when nothing else is to be written with them. Returns the commit to wait for: it
/// is synced after it, outside the caller's lock (see [`Store::begin_write_on`]), in one sync
/// with the commits after it. A write of one page runs in the calling thread
/// (`storage::direct`), which would otherwise wait for the disk with every request it holds
/// (8 writers: 1,259–1,688 writes/s synced inside `COMMIT`, 2,433–2,467 after).
pub async fn commit_alone(
    store: &Store,
    conn: &mut Conn,
    by: Publisher<'_>,
    model: &Arc<Model>,
    changes: &[PageChange<'_>],
    served: &(dyn Fn(&str) -> Option<Arc<PageSnapshot>> + Sync),
) -> Result<(Committed, Commit), StorageError> {
    // What is read here (the history of a page's sections) is read outside the transaction:
    // if another process writes the page in between, the page revision written after it exists
    // by then, and the commit fails as stale, as it does when the page itself changed.
    let prepared = prepare(conn, by, model, changes, served).await?;
    if prepared.moved.is_empty() {
        let (written, commit) = store.publish_alone(conn, &prepared.publish()).await?;
        return Ok((prepared.finish(written), commit));
    }
    let mut tx = store.begin_write_on(conn).await?;
    let written = prepared.store(&mut tx).await?;
    let commit = tx
        .commit_deferred()
        .await?
        .ok_or_else(|| StorageError::internal("a write transaction commits a write"))?;
    Ok((prepared.finish(written), commit))
}

/// A commit worked out: the rows to write, and what the pages become once they are.
struct Prepared<'a> {
    set: ChangeSetRef<'a>,
    stamp: String,
    rows: Vec<PageRows>,
    feed: Vec<NewFeedRow>,
    outbox: Option<String>,
    /// Pages whose only change is their file.
    moved: Vec<&'a PageChange<'a>>,
    pages: Vec<CommittedPage>,
}

/// Works out the rows that store `changes` (see [`commit`]), reading only the history of the
/// sections of a page that needs it.
async fn prepare<'a>(
    conn: &mut Connection,
    by: Publisher<'a>,
    model: &Arc<Model>,
    changes: &'a [PageChange<'a>],
    served: &(dyn Fn(&str) -> Option<Arc<PageSnapshot>> + Sync),
) -> Result<Prepared<'a>, StorageError> {
    let now = Timestamp::now();
    let stamp = crate::model::timestamp::stamp(std::time::SystemTime::now());
    let mut rows = Vec::with_capacity(changes.len());
    let mut pages = Vec::with_capacity(changes.len());
    let mut feed = Vec::new();
    let mut announced = Vec::new();
    let mut moved = Vec::new();
    for change in changes {
        let planned = plan(conn, change, by.author, now).await?;
        if planned.file_only {
            moved.push(change);
        }
        let Planned {
            rows: page_rows,
            replaced,
            stored,
            ..
        } = planned;
        let snapshot = stored.map(|stored| {
            Arc::new(match served(change.id) {
                Some(served) => served.next(stored),
                None => PageSnapshot::build(model.clone(), stored),
            })
        });
        if page_rows.is_some() {
            announce(change.id, &replaced, snapshot.as_deref(), &mut feed);
            announced.push(announcement(change.id, &replaced, snapshot.as_deref()));
        }
        rows.extend(page_rows);
        pages.push(CommittedPage {
            id: change.id.to_owned(),
            snapshot,
            replaced,
        });
    }
    let event = (!announced.is_empty()).then(|| {
        serde_json::json!({
            "change_set": match by.set {
                ChangeSetRef::Existing(id) => serde_json::Value::from(id),
                // Filled in by storage, which allocates the id.
                ChangeSetRef::NewLive { .. } => serde_json::Value::Null,
            },
            "name": by.name,
            "published_at": stamp,
            "published_by": by.author,
            "pages": announced,
        })
    });
    Ok(Prepared {
        set: by.set,
        outbox: event.as_ref().map(serde_json::Value::to_string),
        stamp,
        rows,
        feed,
        moved,
        pages,
    })
}

impl Prepared<'_> {
    /// Writes it inside the caller's transaction: the files of pages that only moved, then the
    /// publish.
    async fn store(&self, conn: &mut Connection) -> Result<Written, StorageError> {
        for moved in &self.moved {
            storage::page::set_file(conn, moved.id, moved.file, moved.source).await?;
        }
        storage::publish::publish(conn, &self.publish()).await
    }

    fn publish(&self) -> Publish<'_> {
        Publish {
            set: self.set,
            pages: &self.rows,
            feed: &self.feed,
            at: &self.stamp,
            outbox: self.outbox.as_deref(),
        }
    }

    /// What the commit wrote, once storage has said which ids it was given.
    fn finish(self, written: Written) -> Committed {
        let stamp = self.stamp;
        let feed = self
            .feed
            .into_iter()
            .zip(&written.feed)
            .map(|(row, id)| FeedRow {
                id: *id,
                change_set: written.change_set,
                page: row.page,
                section: row.section,
                change: row.change.to_owned(),
                revision: row.revision,
                etag: row.etag,
                created_at: stamp.clone(),
            })
            .collect();
        Committed {
            change_set: written.change_set,
            pages: self.pages,
            feed,
        }
    }
}

/// One page's change worked out, with the history of its sections if it needs it.
async fn plan(
    conn: &mut Connection,
    change: &PageChange<'_>,
    author: &str,
    now: Timestamp,
) -> Result<Planned, StorageError> {
    let Some(after) = change.after else {
        return match change.before {
            Before::Stored { page, .. } => Ok(plan::delete(page, author, now)),
            Before::New => Err(StorageError::Internal(format!(
                "page {} is deleted but was never stored",
                change.id
            ))),
        };
    };
    let retired: Retired = if plan::needs_history(change.before, after) {
        storage::sections::all_of(conn, change.id)
            .await?
            .into_iter()
            .map(|row| (row.id, row.revision))
            .collect()
    } else {
        Retired::new()
    };
    Ok(plan::store(
        change.before,
        &retired,
        (change.id, change.file, change.source),
        after,
        author,
        now,
    ))
}

/// The feed rows of one page's change: the page created, changed or deleted, and each section
/// changed or removed.
fn announce(
    id: &str,
    replaced: &Replaced,
    snapshot: Option<&PageSnapshot>,
    feed: &mut Vec<NewFeedRow>,
) {
    let row = |section: Option<&str>, change: &'static str, etag: Option<String>| NewFeedRow {
        page: id.to_owned(),
        section: section.map(str::to_owned),
        change,
        revision: replaced.revision,
        etag,
    };
    let Some(snapshot) = snapshot else {
        feed.push(row(None, "deleted", None));
        return;
    };
    if replaced.created {
        feed.push(row(None, "created", Some(snapshot.document().etag())));
    } else if replaced.page_changed || replaced.rearranged {
        // A page whose sections only moved has no section row to tell it: the page changed.
        feed.push(row(None, "changed", Some(snapshot.document().etag())));
    }
    for section in &replaced.changed {
        let etag = snapshot.section(section).map(|s| s.etag());
        feed.push(row(Some(section), "changed", etag));
    }
    for section in &replaced.removed {
        feed.push(row(Some(section), "removed", None));
    }
}

/// A page in the outbox's event.
fn announcement(
    id: &str,
    replaced: &Replaced,
    snapshot: Option<&PageSnapshot>,
) -> serde_json::Value {
    match snapshot {
        None => serde_json::json!({
            "id": id, "revision": replaced.revision, "deleted": true,
            "sections": [], "removed_sections": [],
        }),
        Some(snapshot) => serde_json::json!({
            "id": id, "revision": replaced.revision, "deleted": false,
            "url": snapshot.url(),
            "sections": replaced.changed, "removed_sections": replaced.removed,
        }),
    }
}
