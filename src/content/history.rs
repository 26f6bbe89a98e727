//! What was: the revisions of a page and of each of its sections, newest first, and any one of
//! them with its content, as the history endpoints list them and a restore brings them back.

use serde_json::{Map, Value};

use crate::content::read::stored::{parse_content, parse_metadata};
use crate::model::{Model, PageSection, SectionContent, Timestamp};
use crate::storage::Connection;
use crate::storage::{self, Missing, StorageError, Store};

/// A revision without its content.
#[derive(Debug, Clone)]
pub struct Summary {
    pub revision: i64,
    pub created_at: Timestamp,
    /// Who wrote it: a token's name, or `seed`, `import`, `model apply`.
    pub author: String,
}

/// A section's revision with its content.
#[derive(Debug, Clone)]
pub struct SectionRevision {
    pub summary: Summary,
    pub content: SectionContent,
}

/// A page revision without its content: what it changed.
#[derive(Debug, Clone)]
pub struct PageSummary {
    pub summary: Summary,
    /// `created`, `deleted`, `restored`, `/page`, `/body`, `/sections`, `/sections/{id}`.
    pub changes: Vec<String>,
    /// The change set that published it, if one did.
    pub change_set: Option<i64>,
}

/// The page as it was at a revision.
#[derive(Debug, Clone)]
pub struct PageRevision {
    pub summary: PageSummary,
    pub deleted: bool,
    pub meta: Map<String, Value>,
    /// Its sections in their order then, each with the revision it then had.
    pub sections: Vec<(PageSection, i64)>,
    pub body: String,
}

fn time(text: &str) -> Result<Timestamp, StorageError> {
    Timestamp::parse(text).map_err(StorageError::internal)
}

fn changes(text: &str) -> Result<Vec<String>, StorageError> {
    serde_json::from_str(text).map_err(StorageError::internal)
}

/// The type of section `id` of page `page` as stored (on the page or removed from it).
async fn section_type(conn: &mut Connection, page: &str, id: &str) -> Result<String, StorageError> {
    if storage::page::get(conn, page).await?.is_none() {
        return Err(StorageError::NotFound(Missing::Page(page.to_owned())));
    }
    storage::sections::all_of(conn, page)
        .await?
        .into_iter()
        .find(|row| row.id == id)
        .map(|row| row.kind)
        .ok_or_else(|| StorageError::NotFound(Missing::Section(id.to_owned())))
}

/// Up to `limit` revisions of section `id` of page `page` older than `before`, newest first.
pub async fn section_revisions(
    store: &Store,
    page: &str,
    id: &str,
    before: i64,
    limit: i64,
) -> Result<Vec<Summary>, StorageError> {
    let conn = &mut *store.reader().await?;
    section_type(conn, page, id).await?;
    storage::revisions::list(conn, page, id, before, limit)
        .await?
        .into_iter()
        .map(|r| {
            Ok(Summary {
                revision: r.revision,
                created_at: time(&r.created_at)?,
                author: r.author,
            })
        })
        .collect()
}

/// Revision `revision` of section `id` of page `page`.
pub async fn section_revision(
    store: &Store,
    model: &Model,
    page: &str,
    id: &str,
    revision: i64,
) -> Result<SectionRevision, StorageError> {
    let conn = &mut *store.reader().await?;
    let kind = section_type(conn, page, id).await?;
    let row = storage::revisions::get(conn, page, id, revision)
        .await?
        .ok_or_else(|| {
            StorageError::NotFound(Missing::SectionRevision {
                section: id.to_owned(),
                revision,
            })
        })?;
    Ok(SectionRevision {
        summary: Summary {
            revision: row.revision,
            created_at: time(&row.created_at)?,
            author: row.author,
        },
        content: parse_content(model, &kind, &row.content).map_err(StorageError::internal)?,
    })
}

/// Up to `limit` revisions of page `id` older than `before`, newest first.
pub async fn page_revisions(
    store: &Store,
    id: &str,
    before: i64,
    limit: i64,
) -> Result<Vec<PageSummary>, StorageError> {
    let conn = &mut *store.reader().await?;
    if storage::page::get(conn, id).await?.is_none() {
        return Err(StorageError::NotFound(Missing::Page(id.to_owned())));
    }
    storage::page::revisions(conn, id, before, limit)
        .await?
        .into_iter()
        .map(|r| {
            Ok(PageSummary {
                summary: Summary {
                    revision: r.revision,
                    created_at: time(&r.created_at)?,
                    author: r.author,
                },
                changes: changes(&r.changes)?,
                change_set: r.change_set,
            })
        })
        .collect()
}

/// Page `id` at revision `revision`.
pub async fn page_revision(
    store: &Store,
    model: &Model,
    id: &str,
    revision: i64,
) -> Result<PageRevision, StorageError> {
    let conn = &mut *store.reader().await?;
    if storage::page::get(conn, id).await?.is_none() {
        return Err(StorageError::NotFound(Missing::Page(id.to_owned())));
    }
    let row = storage::page::revision(conn, id, revision)
        .await?
        .ok_or_else(|| {
            StorageError::NotFound(Missing::PageRevision {
                page: id.to_owned(),
                revision,
            })
        })?;
    let layout: Vec<(String, i64)> =
        serde_json::from_str(&row.sections).map_err(StorageError::internal)?;
    let placed = storage::sections::all_of(conn, id).await?;
    let mut sections = Vec::with_capacity(layout.len());
    for (section, at) in layout {
        let kind = placed.iter().find(|row| row.id == section).ok_or_else(|| {
            StorageError::Internal(format!(
                "page {id} revision {revision}: no section {section}"
            ))
        })?;
        let content = storage::revisions::get(conn, id, &section, at)
            .await?
            .ok_or_else(|| {
                StorageError::Internal(format!("section {section} has no revision {at}"))
            })?;
        let content =
            parse_content(model, &kind.kind, &content.content).map_err(StorageError::internal)?;
        sections.push((
            PageSection {
                id: section,
                key: kind.key.clone(),
                content,
            },
            at,
        ));
    }
    Ok(PageRevision {
        summary: PageSummary {
            summary: Summary {
                revision: row.revision,
                created_at: time(&row.created_at)?,
                author: row.author,
            },
            changes: changes(&row.changes)?,
            change_set: row.change_set,
        },
        deleted: row.deleted,
        meta: parse_metadata(&row.metadata).map_err(StorageError::internal)?,
        sections,
        body: row.body,
    })
}

/// The file page `id` was stored from, deleted or not.
pub async fn file_of(store: &Store, id: &str) -> Result<String, StorageError> {
    storage::page::get(&mut *store.reader().await?, id)
        .await?
        .map(|row| row.file)
        .ok_or_else(|| StorageError::NotFound(Missing::Page(id.to_owned())))
}
