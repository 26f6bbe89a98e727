//! The one way a section changes: a conditional write in one `BEGIN IMMEDIATE` transaction,
//! published to readers before the writer hears back.

use std::sync::Arc;

use sqlx::SqlitePool;

use crate::content::representation::IfMatch;
use crate::content::snapshot::{ReadModel, Snapshot};
use crate::content::store;
use crate::content::store::Stored;
use crate::hugo;
use crate::model::{FieldError, Model, SectionContent};
use crate::ops::metrics::Metrics;
use crate::storage;

/// Why a write did not happen, apart from what the caller's `change` refuses (its own error
/// type `E`, which must hold these too). The HTTP layer answers each as a problem.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    /// The precondition names no current version of the section.
    #[error(
        "If-Match names no current version of section {0}: it has changed since (or the tag is \
         weak or malformed). GET it again, reapply the edit and send the new ETag."
    )]
    Stale(String),
    /// The page has no section of that id.
    #[error("the page has no section {0}")]
    NoSection(String),
    /// The write would leave the body asking for what no longer exists: one error per thing it
    /// removes, with the body's lines in the detail.
    #[error("the write removes what the page's body uses")]
    References(Vec<FieldError>),
    #[error("the database failed the write")]
    Database(#[from] sqlx::Error),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

/// Replaces section `id` with `change(current content)` if `precondition` holds for the section
/// as it is in the database at that moment, storing a revision by `author`. A result equal to
/// the current content changes nothing. Returns the snapshot that shows the outcome, already
/// published: a reader who hears of the write sees it (read-your-writes).
///
/// The publishing lock is taken before `BEGIN IMMEDIATE` and held until the new snapshot is
/// published, so that writes are published in commit order. Any error rolls the transaction
/// back (it is dropped uncommitted) and publishes nothing.
#[allow(clippy::too_many_arguments)]
pub async fn write_section<E>(
    pool: &SqlitePool,
    read: &ReadModel,
    metrics: &Metrics,
    id: &str,
    precondition: &IfMatch,
    author: &str,
    change: impl FnOnce(&Model, &SectionContent) -> Result<SectionContent, E>,
) -> Result<Arc<Snapshot>, E>
where
    E: From<WriteError>,
{
    let lock = read.lock().await;
    let mut tx = pool
        .begin_with("BEGIN IMMEDIATE")
        .await
        .map_err(WriteError::from)?;
    // The database decides, not the published snapshot: another process may have written. A
    // revision number names one content forever, so while the section's current revision is
    // the published one, the published snapshot is the truth for this section; only if not is
    // the whole page read and parsed. (A change another process made to *other* sections is
    // published by `content::snapshot::follow_database`, under this same lock.)
    let published = read.load_full();
    let revision = storage::sections::revision(&mut tx, store::LANDING, id)
        .await
        .map_err(WriteError::from)?;
    let current = match published.stored().version(id) {
        Some(version) if revision == Some(version.revision) => published,
        _ => {
            let stored = store::load_in(&mut tx, published.model())
                .await
                .map_err(WriteError::from)?;
            read.snapshot_of(stored)
        }
    };
    check(&current, id, precondition)?;
    let stored = current.stored();
    let existing = stored
        .section(id)
        .ok_or_else(|| WriteError::NoSection(id.to_owned()))?;
    let version = stored.version(id).expect("a section has a version");
    let content = change(current.model(), existing)?;
    if &content == existing {
        drop(tx);
        read.publish(current.clone(), &lock);
        metrics.write(id, false);
        return Ok(current);
    }
    let lost = references_lost(current.model(), stored, id, &content);
    if !lost.is_empty() {
        return Err(WriteError::References(lost).into());
    }
    let version = store::save_section(
        &mut tx,
        store::LANDING,
        id,
        &content,
        version.revision,
        author,
    )
    .await
    .map_err(WriteError::from)?;
    let next = Arc::new(current.with_section(id, content, version));
    tx.commit().await.map_err(WriteError::from)?;
    read.publish(next.clone(), &lock);
    metrics.write(id, true);
    Ok(next)
}

/// What of the page's body `content` would leave unanswered if it replaced its section: one
/// error per thing it removes, pointing at it in the section as stored, with every reference to
/// it and its line in the page file. References that already dangle are not counted.
pub fn references_lost(
    model: &Model,
    stored: &Stored,
    id: &str,
    content: &SectionContent,
) -> Vec<FieldError> {
    let mut next = stored.page.clone();
    next.replace_section(id, content.clone());
    let before = model.front_matter(&stored.page);
    let after = model.front_matter(&next);
    let lost = hugo::references::lost(&stored.page.body, &before, &after);
    let Some(current) = stored.section(id) else {
        return Vec::new();
    };
    if lost.is_empty() {
        return Vec::new();
    }
    // Lines as the site team sees them: in the page file as exported.
    let file = hugo::export_page(&stored.page, stored.source.as_deref(), model);
    let body = &stored.page.body;
    let body_line = file[..file.len() - body.len()].matches('\n').count() + 1;
    let line_of = |at: usize| body_line + body[..at].matches('\n').count();
    let mut errors: Vec<(Vec<String>, Vec<String>)> = Vec::new();
    for lost in lost {
        let reference = format!("line {}: {}", line_of(lost.at), lost.key);
        match errors
            .iter_mut()
            .find(|(removed, _)| *removed == lost.removed)
        {
            Some((_, references)) => references.push(reference),
            None => errors.push((lost.removed, vec![reference])),
        }
    }
    errors
        .into_iter()
        .map(|(removed, references)| FieldError {
            pointer: model.api_pointer(current, &removed[1.min(removed.len())..]),
            detail: format!(
                "is used by the page's body ({}); remove it from the body before removing it here",
                references.join(", ")
            ),
        })
        .collect()
}

/// Whether `precondition` holds for section `id` in `snapshot`.
pub fn check(snapshot: &Snapshot, id: &str, precondition: &IfMatch) -> Result<(), WriteError> {
    match snapshot.section(id) {
        None => Err(WriteError::NoSection(id.to_owned())),
        Some(section) if section.satisfies(precondition) => Ok(()),
        Some(_) => Err(WriteError::Stale(id.to_owned())),
    }
}
