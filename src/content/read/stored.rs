//! Between the domain and the tables: turns rows into a valid [`Stored`] page and pages into
//! rows, under the content model. Transactions are the caller's; SQL stays in `storage`.

use std::sync::Arc;

use crate::model::{Errors, Model, Page, PageSection, Pointer, SectionContent, Timestamp};
use crate::storage::{self, Connection};
use anyhow::{Context, anyhow};
use serde_json::{Map, Value};

/// The landing page's id: what `/sections`, `/export`, `import FILE` and `export` work on.
pub const LANDING: &str = "_index";
/// Its file under `content/`.
pub const LANDING_FILE: &str = "_index.md";

/// A section's system fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Version {
    pub revision: i64,
    pub updated_at: Timestamp,
}

/// A page as stored: its content, its file, its current page revision and when it was written,
/// and each section's version (parallel to `page.sections()`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stored {
    pub id: Arc<str>,
    pub file: Arc<str>,
    pub page: Page,
    /// The page revision: every change to the page makes one.
    pub revision: i64,
    /// When the current page revision was written: when anything on the page last changed.
    pub page_updated_at: Timestamp,
    pub versions: Vec<Version>,
    /// The head of the page file as seeded or imported (up to its body), which the export edits
    /// (`None` for a page stored by an earlier release, or made through the API).
    pub source: Option<Arc<str>>,
}

impl Stored {
    pub fn version(&self, id: &str) -> Option<Version> {
        self.page.position(id).map(|at| self.versions[at])
    }

    pub fn section(&self, id: &str) -> Option<&SectionContent> {
        self.page.section(id).map(|s| &s.content)
    }

    /// When anything on the page last changed.
    pub fn last_modified(&self) -> Timestamp {
        self.versions
            .iter()
            .map(|v| v.updated_at)
            .fold(self.page_updated_at, Ord::max)
    }
}

/// Parses a stored revision's content as a section of type `type_name`. Stored content is
/// parsed like any input: a row that is not valid content is an error, never served.
pub fn parse_content(model: &Model, type_name: &str, json: &str) -> anyhow::Result<SectionContent> {
    let value: Value = serde_json::from_str(json)
        .with_context(|| format!("a stored {type_name} section is not JSON"))?;
    let mut errors = Errors::for_stored();
    model
        .section(type_name, &value, &Pointer::root(), &mut errors)
        .ok_or_else(|| {
            anyhow!(
                "a stored {type_name} section is invalid: {:?}",
                errors.into_vec()
            )
        })
}

/// Whether the database holds no page yet.
pub async fn is_empty(conn: &mut Connection) -> anyhow::Result<bool> {
    Ok(storage::page::count(conn).await? == 0)
}

/// Reads page `id` in one read transaction, so that a concurrent writer's commit is seen entirely
/// or not at all; `None` unless it is part of the site.
pub async fn load(
    conn: &mut Connection,
    model: &Model,
    id: &str,
) -> anyhow::Result<Option<Stored>> {
    let mut tx = storage::begin(conn).await?;
    let stored = load_page(&mut tx, model, id).await?;
    tx.commit().await?;
    Ok(stored)
}

/// Reads every page of the site (deleted ones left out) in one read transaction, by id, with
/// where a reader that follows the database starts from (see `storage::changes`). Three
/// queries, whatever the number of pages.
pub async fn load_site(
    conn: &mut Connection,
    model: &Model,
) -> anyhow::Result<(Vec<Stored>, storage::changes::Cursor)> {
    let mut tx = storage::begin(conn).await?;
    let rows = storage::page::all_current(&mut tx).await?;
    let sections = storage::sections::all_current(&mut tx).await?;
    let seen = storage::changes::last(&mut tx).await?;
    tx.commit().await?;
    let mut sections = sections.into_iter().peekable();
    let mut pages = Vec::with_capacity(rows.len());
    for row in rows {
        let mut own = Vec::new();
        while let Some(section) = sections.next_if(|s| s.page_id == row.id) {
            own.push(storage::sections::CurrentRow {
                id: section.id,
                key: section.key,
                kind: section.kind,
                revision: section.revision,
                content: section.content,
                updated_at: section.updated_at,
            });
        }
        pages.push(stored_of(model, row, own)?);
    }
    Ok((pages, seen))
}

/// Reads page `id` inside the caller's transaction, if it is part of the site (stored and not
/// deleted).
pub async fn load_page(
    conn: &mut Connection,
    model: &Model,
    id: &str,
) -> anyhow::Result<Option<Stored>> {
    Ok(load_any(conn, model, id)
        .await?
        .and_then(|(stored, deleted)| (!deleted).then_some(stored)))
}

/// Reads page `id` inside the caller's transaction, deleted or not (a deleted page as it was
/// when it was deleted), with whether it is deleted.
pub async fn load_any(
    conn: &mut Connection,
    model: &Model,
    id: &str,
) -> anyhow::Result<Option<(Stored, bool)>> {
    let Some(row) = storage::page::get(conn, id).await? else {
        return Ok(None);
    };
    let deleted = row.deleted_at.is_some();
    let sections = storage::sections::current(conn, id).await?;
    Ok(Some((stored_of(model, row, sections)?, deleted)))
}

fn stored_of(
    model: &Model,
    row: storage::page::PageRow,
    rows: Vec<storage::sections::CurrentRow>,
) -> anyhow::Result<Stored> {
    let id = row.id;
    let meta = parse_metadata(&row.metadata).with_context(|| format!("page {id}"))?;
    let mut sections = Vec::with_capacity(rows.len());
    let mut versions = Vec::with_capacity(rows.len());
    for section in rows {
        let (section, version) =
            section_of(model, section).with_context(|| format!("page {id}"))?;
        sections.push(section);
        versions.push(version);
    }
    Ok(Stored {
        page: Page::new(meta, row.body, sections),
        file: Arc::from(row.file),
        revision: row.revision,
        page_updated_at: parse_time(&row.updated_at)?,
        versions,
        // The body is the page's own: only the file's head is kept (a page's body is most of it).
        source: row
            .source
            .as_deref()
            .map(|text| Arc::from(crate::hugo::head(text))),
        id: Arc::from(id),
    })
}

/// Stored metadata: a JSON object.
pub fn parse_metadata(json: &str) -> anyhow::Result<Map<String, Value>> {
    match serde_json::from_str(json).context("stored metadata is not JSON")? {
        Value::Object(map) => Ok(map),
        _ => Err(anyhow!("stored metadata is not an object")),
    }
}

fn section_of(
    model: &Model,
    row: storage::sections::CurrentRow,
) -> anyhow::Result<(PageSection, Version)> {
    let content = parse_content(model, &row.kind, &row.content)
        .with_context(|| format!("revision {} of section {}", row.revision, row.id))?;
    let version = Version {
        revision: row.revision,
        updated_at: parse_time(&row.updated_at)?,
    };
    let section = PageSection {
        key: row.key,
        id: row.id,
        content,
    };
    Ok((section, version))
}

fn parse_time(text: &str) -> anyhow::Result<Timestamp> {
    Timestamp::parse(text).with_context(|| format!("stored time {text:?} is not RFC 3339"))
}
