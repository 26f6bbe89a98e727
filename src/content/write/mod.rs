//! The one way a page changes through the API: a conditional write in one `BEGIN IMMEDIATE`
//! transaction, checked against the content model and the body's references, stored as one page
//! revision (and a revision of each section it changes), and published to readers before the
//! writer hears back. Section edits, body and metadata edits, sections added, removed or moved,
//! restores: each is a function from the page as it is to the page as it should be.

mod check;
pub mod commit;
mod drafts;
mod live;
mod pages;
pub mod plan;
mod publishing;

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
use crate::storage::durable::Commit;
use crate::storage::publish::ChangeSetRef;
use crate::storage::{self, Missing, StorageError, Store};
use check::{body_errors, dangling, in_page, links_to, missing_sections, prefixed, validate};
use commit::{Committed, CommittedPage, PageChange, Publisher, commit, commit_alone};
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
