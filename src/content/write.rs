//! The one way a page changes through the API: a conditional write in one `BEGIN IMMEDIATE`
//! transaction, checked against the content model and the body's references, stored as one page
//! revision (and a revision of each section it changes), and published to readers before the
//! writer hears back. Section edits, body and metadata edits, sections added, removed or moved,
//! restores: each is a function from the page as it is to the page as it should be.

use std::sync::Arc;

use sqlx::{SqliteConnection, SqlitePool};

use crate::content::representation::{IfMatch, Representation};
use crate::content::snapshot::{PageSnapshot, ReadModel};
use crate::content::store::{self, LANDING, Stored};
use crate::hugo;
use crate::model::{Errors, FieldError, Model, Page};
use crate::ops::metrics::Metrics;
use crate::storage;

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
    /// The site has no page of that id.
    #[error("there is no page {0:?}")]
    NoPage(String),
    /// The page has no section of that id.
    #[error("the page has no section {0}")]
    NoSection(String),
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
    #[error("the database failed the write")]
    Database(#[from] sqlx::Error),
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
                .ok_or_else(|| WriteError::NoSection((*id).to_owned())),
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

/// What a write needs from the server.
#[derive(Clone, Copy)]
pub struct Writer<'a> {
    pub pool: &'a SqlitePool,
    pub read: &'a ReadModel,
    pub metrics: &'a Metrics,
}

impl Writer<'_> {
    /// Makes page `id` `change(model, page as stored)` if `precondition` holds for `target` as
    /// it is in the database at that moment, storing it as one page revision by `author`. The
    /// new page is checked as a whole (metadata, required sections, the body's references); a
    /// result equal to the current page changes nothing. Returns the page's snapshot that shows
    /// the outcome, already published: a reader who hears of the write sees it.
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
        change: impl FnOnce(&Model, &Stored) -> Result<Page, E>,
    ) -> Result<Arc<PageSnapshot>, E>
    where
        E: From<WriteError>,
    {
        let lock = self.read.lock().await;
        let mut tx = self
            .pool
            .begin_with("BEGIN IMMEDIATE")
            .await
            .map_err(WriteError::from)?;
        let current = self.current(&mut tx, id).await?;
        check(&current, target, precondition)?;
        let stored = current.stored();
        let model = current.model().clone();
        let next = change(&model, stored)?;
        let label = match target {
            Target::Section(section) => section,
            Target::Body => "body",
            Target::Page => "page",
        };
        if next == stored.page {
            drop(tx);
            self.read
                .publish_page(id, Some(current.clone()), &lock)
                .map_err(WriteError::from)?;
            self.metrics.write(label, false);
            return Ok(current);
        }
        validate(&model, stored, &next, target)?;
        store::store_page(&mut tx, id, &stored.file, &next, None, author)
            .await
            .map_err(WriteError::from)?;
        let written = store::load_page(&mut tx, &model, id)
            .await
            .map_err(WriteError::from)?
            .ok_or_else(|| WriteError::NoPage(id.to_owned()))?;
        let snapshot = Arc::new(current.next(written));
        tx.commit().await.map_err(WriteError::from)?;
        self.read
            .publish_page(id, Some(snapshot.clone()), &lock)
            .map_err(WriteError::from)?;
        self.metrics.write(label, true);
        Ok(snapshot)
    }

    /// Page `id` as it is in the database now. A page revision number names one state of the
    /// page's metadata and body forever, and a section revision one content: while the page's
    /// and its sections' current revisions are the published ones, the published snapshot is
    /// the truth; only if not (another process wrote) is the page read and parsed.
    async fn current(
        &self,
        tx: &mut SqliteConnection,
        id: &str,
    ) -> Result<Arc<PageSnapshot>, WriteError> {
        let site = self.read.load_full();
        let Some(revision) = storage::page::current_revision(tx, id).await? else {
            return Err(WriteError::NoPage(id.to_owned()));
        };
        let served = site.page(id);
        let same = match served {
            Some(page) if page.stored().revision == revision => {
                let layout = storage::sections::layout(tx, id).await?;
                let stored = page.stored();
                layout.len() == stored.versions.len()
                    && layout
                        .iter()
                        .zip(stored.page.sections().iter().zip(&stored.versions))
                        .all(|((at, revision), (section, version))| {
                            *at == section.id && *revision == version.revision
                        })
            }
            _ => false,
        };
        match served {
            Some(page) if same => Ok(page.clone()),
            served => {
                let stored = store::load_page(tx, site.model(), id)
                    .await?
                    .ok_or_else(|| WriteError::NoPage(id.to_owned()))?;
                Ok(Arc::new(match served {
                    Some(page) => page.next(stored),
                    None => PageSnapshot::build(site.model().clone(), stored),
                }))
            }
        }
    }

    /// Creates page `id` from file `file` (its path under `content/`), or brings a deleted page
    /// back as `page`; `409` if it is part of the site.
    pub async fn create(
        &self,
        id: &str,
        file: &str,
        page: &Page,
        author: &str,
    ) -> Result<Arc<PageSnapshot>, WriteError> {
        let lock = self.read.lock().await;
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        if storage::page::current_revision(&mut tx, id)
            .await?
            .is_some()
        {
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
        store::store_page(&mut tx, id, file, page, None, author).await?;
        let stored = store::load_page(&mut tx, &model, id)
            .await?
            .ok_or_else(|| WriteError::NoPage(id.to_owned()))?;
        let snapshot = Arc::new(PageSnapshot::build(model, stored));
        tx.commit().await?;
        self.read.publish_page(id, Some(snapshot.clone()), &lock)?;
        self.metrics.write("page", true);
        Ok(snapshot)
    }

    /// Deletes page `id` if `precondition` holds for it; its history stays.
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
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        let current = self.current(&mut tx, id).await?;
        check(&current, Target::Page, precondition)?;
        let linked = links_to(&self.read.load(), id);
        if !linked.is_empty() {
            return Err(WriteError::References(linked));
        }
        store::delete_page(&mut tx, id, author).await?;
        tx.commit().await?;
        self.read.publish_page(id, None, &lock)?;
        self.metrics.write("page", true);
        Ok(())
    }
}

/// The `ref` and `relref` links of other pages' bodies to page `id`: one error per page, with
/// the lines in its file.
fn links_to(site: &crate::content::snapshot::Site, id: &str) -> Vec<FieldError> {
    let mut errors = Vec::new();
    for (other, page) in site
        .pages()
        .iter()
        .filter(|(other, _)| other.as_ref() != id)
    {
        let stored = page.stored();
        let mut refs = hugo::references::page_refs(&stored.page.body)
            .filter(|target| hugo::references::names_page(target.as_str(), id))
            .peekable();
        if refs.peek().is_none() {
            continue;
        }
        let line = body_lines(page.model(), &stored.page, stored.source.as_deref());
        let lines: Vec<String> = refs.map(|r| format!("line {}", line(r.start()))).collect();
        errors.push(FieldError {
            pointer: String::new(),
            detail: format!(
                "page {other} ({}) links to this page ({}); change the link before deleting it",
                stored.file,
                lines.join(", ")
            ),
        });
    }
    errors
}

/// Checks the page a write would make: its metadata and required sections under the model, and
/// that its body asks for nothing that the write takes away (or that was never there, for a
/// new body). References that already dangle are not the write's doing.
fn validate(
    model: &Model,
    stored: &Stored,
    next: &Page,
    target: Target<'_>,
) -> Result<(), WriteError> {
    let id = &stored.id;
    let mut errors = Errors::default();
    if next.meta != stored.page.meta {
        model.check_metadata(id, &next.meta, &mut errors);
    }
    let mut errors = errors.into_vec();
    errors.extend(missing_sections(model, id, next));
    if !errors.is_empty() {
        return Err(WriteError::Invalid(errors));
    }
    let before = model.front_matter(&stored.page);
    let already = dangling(model, &stored.page, |_| false);
    let broken = dangling(model, next, |key| already.iter().any(|(k, _)| k == key));
    if broken.is_empty() {
        return Ok(());
    }
    let (lost, new): (Vec<_>, Vec<_>) = broken
        .into_iter()
        .partition(|(key, _)| hugo::references::lookup(&before, key).is_some());
    let mut errors = Vec::new();
    if !lost.is_empty() {
        errors.extend(removal_errors(model, stored, next, target));
    }
    if !new.is_empty() {
        errors.extend(body_errors(model, next, Some(stored), &new));
    }
    Err(WriteError::References(errors))
}

/// The sections the model requires on page `id` that `page` lacks, pointing at `/sections`.
fn missing_sections(model: &Model, id: &str, page: &Page) -> Vec<FieldError> {
    model
        .required_sections(id)
        .into_iter()
        .filter(|key| !page.sections().iter().any(|s| s.key == *key))
        .map(|key| {
            let name = model
                .section_rule(id, key)
                .map_or(key, |rule| rule.id.as_str());
            FieldError {
                pointer: "/sections".to_owned(),
                detail: format!(
                    "the page must have its section {name} (the content model requires it)"
                ),
            }
        })
        .collect()
}

/// The body's references that `page`'s front matter leaves unanswered, as (key, byte offset),
/// leaving out those `ignore` names.
fn dangling(model: &Model, page: &Page, ignore: impl Fn(&str) -> bool) -> Vec<(String, usize)> {
    let front = model.front_matter(page);
    hugo::references::all(&page.body)
        .map(|(_, key)| key)
        .filter(|key| hugo::references::lookup(&front, key.as_str()).is_none())
        .filter(|key| !ignore(key.as_str()))
        .map(|key| (key.as_str().to_owned(), key.start()))
        .collect()
}

/// The line of the page file that byte `at` of `page`'s body is on.
fn body_lines(model: &Model, page: &Page, source: Option<&str>) -> impl Fn(usize) -> usize {
    let file = hugo::export_page(page, source, model);
    let body = page.body.clone();
    let first = file[..file.len() - body.len()].matches('\n').count() + 1;
    move |at| first + body[..at].matches('\n').count()
}

/// One error at `/body` listing the keys a new body asks for that the page does not have.
fn body_errors(
    model: &Model,
    page: &Page,
    stored: Option<&Stored>,
    keys: &[(String, usize)],
) -> Vec<FieldError> {
    let line = body_lines(model, page, stored.and_then(|s| s.source.as_deref()));
    let list: Vec<String> = keys
        .iter()
        .map(|(key, at)| format!("line {}: {key}", line(*at)))
        .collect();
    vec![FieldError {
        pointer: "/body".to_owned(),
        detail: format!(
            "asks for what the page does not have ({}); add it to the page first",
            list.join(", ")
        ),
    }]
}

/// One error per thing the write removes that the body uses, pointing at it where it is now (in
/// the section as stored for a section write; into the metadata, or at `/sections/{id}/…`,
/// for a page write), with every reference to it and its line in the page file.
fn removal_errors(
    model: &Model,
    stored: &Stored,
    next: &Page,
    target: Target<'_>,
) -> Vec<FieldError> {
    let before = model.front_matter(&stored.page);
    let after = model.front_matter(next);
    let lost = hugo::references::lost(&next.body, &before, &after);
    let line = body_lines(model, &stored.page, stored.source.as_deref());
    let mut grouped: Vec<(Vec<String>, Vec<String>)> = Vec::new();
    for lost in lost {
        let reference = format!("line {}: {}", line(lost.at), lost.key);
        match grouped
            .iter_mut()
            .find(|(removed, _)| *removed == lost.removed)
        {
            Some((_, references)) => references.push(reference),
            None => grouped.push((lost.removed, vec![reference])),
        }
    }
    grouped
        .into_iter()
        .map(|(removed, references)| FieldError {
            pointer: pointer_to(model, stored, &removed, target),
            detail: format!(
                "is used by the page's body ({}); remove it from the body before removing it here",
                references.join(", ")
            ),
        })
        .collect()
}

/// Where the front-matter path `removed` is, as the write's target sees the page.
fn pointer_to(model: &Model, stored: &Stored, removed: &[String], target: Target<'_>) -> String {
    let Some((key, rest)) = removed.split_first() else {
        return String::new();
    };
    let section = stored.page.sections().iter().find(|s| &s.key == key);
    match (section, target) {
        (Some(section), Target::Section(_)) => model.api_pointer(&section.content, rest),
        (Some(section), _) => {
            let within = if rest.is_empty() {
                String::new()
            } else {
                model.api_pointer(&section.content, rest)
            };
            let id = crate::model::Pointer::root()
                .child("sections")
                .child(&section.id);
            format!("{}{within}", id.as_str())
        }
        (None, _) => removed
            .iter()
            .fold(crate::model::Pointer::root(), |at, part| at.child(part))
            .as_str()
            .to_owned(),
    }
}
