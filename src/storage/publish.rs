//! One publish as one batch of statements: the change set that publishes (a live write's, made
//! here), each page's rows (its page revision, its sections' new revisions and places, the page
//! row), the feed rows and the outbox row. The batch is sent to SQLite's connection in one
//! round trip: with a connection served by its own thread, each statement sent on its own costs
//! a hand-over between threads, which is most of what a small write costs.
//!
//! The content layer works out every row from the page as it was and as it is to be; nothing is
//! read here. Whether "as it was" is still what the database holds is checked by the page
//! revision's primary key: a page revision number is written once, so if another process wrote
//! the page since, the insert of the next number fails, and the whole transaction with it
//! ([`StorageError::Stale`]).

use sqlx::sqlite::SqliteRow;
use sqlx::{AssertSqlSafe, Row, SqliteConnection};

use super::StorageError;
use super::batch::Batch;
use super::durable::Commit;

/// Who publishes: an existing change set, or a live write's change set of one change, made in
/// the same batch (published at once, by its author).
#[derive(Debug, Clone, Copy)]
pub enum ChangeSetRef<'a> {
    Existing(i64),
    NewLive {
        name: &'a str,
        author: &'a str,
        at: &'a str,
    },
}

/// A page's rows, as a publish writes them.
#[derive(Debug, Clone, Default)]
pub struct PageRows {
    pub id: String,
    pub file: String,
    /// The page file's text to keep (`None`: keep what is stored).
    pub source: Option<String>,
    /// `None`: a page not stored yet (its page row is inserted); else the revision the page row
    /// names now, which the new revision follows.
    pub previous: Option<i64>,
    /// The page row names another file (set only then: setting `file`, even to the value it
    /// has, rewrites its entry in the unique index, one more page written per commit).
    pub moved: bool,
    pub revision: i64,
    /// `None`: as in the revision before.
    pub metadata: Option<String>,
    /// `None`: as in the revision before.
    pub body: Option<String>,
    /// `[["teaser", 3], …]`.
    pub layout: String,
    /// What the revision changed, a JSON array.
    pub changes: String,
    /// When it was deleted, for a revision that deletes the page.
    pub deleted_at: Option<String>,
    pub author: String,
    pub created_at: String,
    pub sections: Vec<SectionRows>,
}

/// A section a publish writes: a new revision (`content`), a new place, or both.
#[derive(Debug, Clone, Default)]
pub struct SectionRows {
    pub id: String,
    pub key: String,
    pub kind: String,
    /// `None`: taken off the page.
    pub position: Option<i64>,
    pub revision: i64,
    /// The new revision's content (`None`: only its place changes).
    pub content: Option<String>,
    /// The page has never had it: its row is inserted.
    pub new: bool,
}

/// A feed row as a publish writes it (the change set is the publish's).
#[derive(Debug, Clone)]
pub struct NewFeedRow {
    pub page: String,
    pub section: Option<String>,
    pub change: &'static str,
    pub revision: i64,
    pub etag: Option<String>,
}

/// What a publish wrote: the change set's id and the feed rows' ids, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Written {
    pub change_set: i64,
    pub feed: Vec<i64>,
}

/// Pages per batch. A batch is one statement string, which SQLite prepares one statement after
/// another from the start of the remaining text: a publish of a whole site (10,000 pages) as one
/// string costs many times what it costs in batches of this size, which still make a write of a
/// few pages one round trip.
const PAGES_PER_BATCH: usize = 50;
/// Feed rows per batch, for the same reason.
const FEED_PER_BATCH: usize = 500;

/// One publish: what [`publish`] writes.
#[derive(Debug, Clone, Copy)]
pub struct Publish<'a> {
    pub set: ChangeSetRef<'a>,
    pub pages: &'a [PageRows],
    pub feed: &'a [NewFeedRow],
    /// When it publishes.
    pub at: &'a str,
    /// The outbox's event, if it announces anything.
    pub outbox: Option<&'a str>,
}

impl Publish<'_> {
    /// Whether it is written as one batch.
    fn is_small(&self) -> bool {
        self.pages.len() <= PAGES_PER_BATCH && self.feed.len() <= FEED_PER_BATCH
    }
}

/// Writes one publish inside the caller's transaction: in one round trip, unless it is large.
pub async fn publish(
    conn: &mut SqliteConnection,
    publish: &Publish<'_>,
) -> Result<Written, StorageError> {
    if publish.is_small() {
        return batch(conn, publish).await;
    }
    let Publish {
        set,
        pages,
        feed,
        at,
        outbox,
    } = *publish;
    let part = |set, pages, feed, outbox| Publish {
        set,
        pages,
        feed,
        at,
        outbox,
    };
    let mut pages = pages.chunks(PAGES_PER_BATCH);
    let first = pages.next().unwrap_or_default();
    let change_set = batch(conn, &part(set, first, &[], None)).await?.change_set;
    let set = ChangeSetRef::Existing(change_set);
    for chunk in pages {
        batch(conn, &part(set, chunk, &[], None)).await?;
    }
    let mut ids = Vec::with_capacity(feed.len());
    let mut chunks = feed.chunks(FEED_PER_BATCH).peekable();
    if chunks.peek().is_none() {
        batch(conn, &part(set, &[], &[], outbox)).await?;
    }
    while let Some(chunk) = chunks.next() {
        let last = chunks.peek().is_none();
        let written = batch(conn, &part(set, &[], chunk, outbox.filter(|_| last))).await?;
        ids.extend(written.feed);
    }
    Ok(Written {
        change_set,
        feed: ids,
    })
}

impl super::Store {
    /// Writes `publish` as a write transaction of its own on `conn` (from
    /// [`Store::writer`](super::Store::writer)), and returns the commit to wait for (synced
    /// after it): a small one (a live write's) on the direct connection
    /// ([`Store::write_at_once`](super::Store::write_at_once)).
    pub async fn publish_alone(
        &self,
        conn: &mut super::Conn,
        publish: &Publish<'_>,
    ) -> Result<(Written, Commit), StorageError> {
        if publish.is_small() {
            let batch = Batch::of(publish)?;
            let (ids, commit) = self
                .write_at_once(conn, &batch)
                .map_err(StorageError::stale_or)?;
            return Ok((written(ids)?, commit));
        }
        let mut tx = self.begin_write_on(conn).await?;
        let written = self::publish(&mut tx, publish).await?;
        let commit = tx
            .commit_deferred()
            .await?
            .ok_or_else(|| StorageError::internal("a write transaction commits a write"))?;
        Ok((written, commit))
    }
}

/// One batch of a publish: one round trip.
async fn batch(
    conn: &mut SqliteConnection,
    publish: &Publish<'_>,
) -> Result<Written, StorageError> {
    let batch = Batch::of(publish)?;
    let arguments = batch.arguments()?;
    let rows: Vec<SqliteRow> = sqlx::query_with(AssertSqlSafe(batch.text), arguments)
        .fetch_all(&mut *conn)
        .await
        .map_err(StorageError::stale_or)?;
    let ids = rows
        .iter()
        .map(|row| row.try_get::<i64, _>(0))
        .collect::<Result<Vec<_>, _>>()?;
    written(ids)
}

/// What a batch's returned ids say it wrote: the change set's id, then the feed rows' ids.
fn written(ids: Vec<i64>) -> Result<Written, StorageError> {
    let mut ids = ids.into_iter();
    let change_set = ids.next().ok_or(StorageError::Internal(
        "a publish returned no change set".to_owned(),
    ))?;
    Ok(Written {
        change_set,
        feed: ids.collect(),
    })
}

impl Batch {
    /// The statements of one batch of `publish`.
    fn of(publish: &Publish<'_>) -> Result<Self, StorageError> {
        let Publish {
            set,
            pages,
            feed,
            at,
            outbox,
        } = *publish;
        let mut batch = Batch::default();
        // The change set's id as the statements after its insert name it: the insert's `id` is the
        // largest (rowids are allocated as the largest plus one, and this transaction holds the
        // write lock).
        let set_id = match set {
            ChangeSetRef::Existing(id) => {
                batch.sql("SELECT ?;");
                batch.bind(id);
                "?".to_owned()
            }
            ChangeSetRef::NewLive { name, author, at } => {
                batch.sql(
                    "INSERT INTO change_sets \
                     (name, created_by, created_at, state, live, published_at, published_by) \
                     VALUES (?, ?, ?, 'published', 1, ?, ?) RETURNING id;",
                );
                for value in [name, author, at, at, author] {
                    batch.bind(value);
                }
                "(SELECT MAX(id) FROM change_sets)".to_owned()
            }
        };
        let existing = match set {
            ChangeSetRef::Existing(id) => Some(id),
            ChangeSetRef::NewLive { .. } => None,
        };
        for page in pages {
            page_rows(&mut batch, page, &set_id, existing)?;
        }
        for row in feed {
            batch.sql(&format!(
                "INSERT INTO feed (change_set, page, section, change, revision, etag, created_at) \
                 VALUES ({set_id}, ?, ?, ?, ?, ?, ?) RETURNING id;"
            ));
            if let Some(id) = existing {
                batch.bind(id);
            }
            batch.bind(&row.page);
            batch.bind(&row.section);
            batch.bind(row.change);
            batch.bind(row.revision);
            batch.bind(&row.etag);
            batch.bind(at);
        }
        if let Some(event) = outbox {
            // The event names its change set, whose id a live write's batch allocates. A
            // webhook hears of what is published after it is made (its cursor starts at the
            // last row), so with no webhook an event has no one to go to, and is not written:
            // one table fewer written per commit.
            batch.sql(&format!(
                "INSERT INTO outbox (change_set, created_at, event) \
                 SELECT {set_id}, ?, json_set(?, '$.change_set', {set_id}) \
                 WHERE EXISTS (SELECT 1 FROM webhooks WHERE removed_at IS NULL);"
            ));
            if let Some(id) = existing {
                batch.bind(id);
            }
            batch.bind(at);
            batch.bind(event);
            if let Some(id) = existing {
                batch.bind(id);
            }
        }
        Ok(batch)
    }
}

fn page_rows(
    batch: &mut Batch,
    page: &PageRows,
    set_id: &str,
    existing: Option<i64>,
) -> Result<(), StorageError> {
    // The page row first for a new page (its revisions name it); for a stored page the new
    // revision first: its primary key is the check that nobody wrote the page since.
    if page.previous.is_none() {
        batch.sql("INSERT INTO pages (id, file, revision) VALUES (?, ?, ?);");
        batch.bind(&page.id);
        batch.bind(&page.file);
        batch.bind(page.revision);
    }
    if let Some(source) = &page.source {
        batch.sql(
            "INSERT INTO page_sources (page_id, source) VALUES (?, ?) \
             ON CONFLICT (page_id) DO UPDATE SET source = excluded.source;",
        );
        batch.bind(&page.id);
        batch.bind(source);
    }
    batch.sql(&format!(
        "INSERT INTO page_revisions (page_id, revision, metadata, body, sections, changes, \
         deleted, author, created_at, change_set) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, {set_id});"
    ));
    batch.bind(&page.id);
    batch.bind(page.revision);
    batch.bind(&page.metadata);
    batch.bind(&page.body);
    batch.bind(&page.layout);
    batch.bind(&page.changes);
    batch.bind(page.deleted_at.is_some());
    batch.bind(&page.author);
    batch.bind(&page.created_at);
    if let Some(id) = existing {
        batch.bind(id);
    }
    for section in &page.sections {
        if section.new {
            batch.sql(
                "INSERT INTO page_sections (page_id, id, key, type, position, revision) \
                 VALUES (?, ?, ?, ?, ?, ?);",
            );
            batch.bind(&page.id);
            batch.bind(&section.id);
            batch.bind(&section.key);
            batch.bind(&section.kind);
            batch.bind(section.position);
            batch.bind(section.revision);
        } else {
            batch.sql(
                "UPDATE page_sections SET key = ?, type = ?, position = ?, revision = ? \
                 WHERE page_id = ? AND id = ?;",
            );
            batch.bind(&section.key);
            batch.bind(&section.kind);
            batch.bind(section.position);
            batch.bind(section.revision);
            batch.bind(&page.id);
            batch.bind(&section.id);
        }
        if let Some(content) = &section.content {
            batch.sql(
                "INSERT INTO section_revisions \
                 (page_id, section_id, revision, content, author, created_at) \
                 VALUES (?, ?, ?, ?, ?, ?);",
            );
            batch.bind(&page.id);
            batch.bind(&section.id);
            batch.bind(section.revision);
            batch.bind(content);
            batch.bind(&page.author);
            batch.bind(&page.created_at);
        }
    }
    if page.previous.is_some() {
        if page.moved {
            batch.sql("UPDATE pages SET file = ?, revision = ?, deleted_at = ? WHERE id = ?;");
            batch.bind(&page.file);
        } else {
            batch.sql("UPDATE pages SET revision = ?, deleted_at = ? WHERE id = ?;");
        }
        batch.bind(page.revision);
        batch.bind(&page.deleted_at);
        batch.bind(&page.id);
    }
    Ok(())
}
