//! Between the domain and the tables: turns rows into a valid [`Stored`] page and pages into
//! rows, under the content model. Transactions are the caller's; SQL stays in `storage`.

use std::sync::Arc;

use anyhow::{Context, anyhow};
use serde_json::{Map, Value};
use sqlx::{Connection, SqliteConnection};

use crate::model::{Errors, Model, Page, PageSection, Pointer, SectionContent, Timestamp};
use crate::storage;

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

/// A page as stored: its content, plus each section's version (parallel to
/// `page.sections()`) and when the page's own fields last changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stored {
    pub page: Page,
    pub page_updated_at: Timestamp,
    pub versions: Vec<Version>,
    /// The page file as seeded or imported, which the export edits (`None` for a page stored by
    /// an earlier release).
    pub source: Option<Arc<str>>,
}

/// The page row: metadata, body, when they last changed, and the file they came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageRecord {
    pub meta: Map<String, Value>,
    pub body: String,
    pub updated_at: Timestamp,
    pub source: Option<Arc<str>>,
}

impl Stored {
    pub fn version(&self, id: &str) -> Option<Version> {
        self.page.position(id).map(|at| self.versions[at])
    }

    pub fn section(&self, id: &str) -> Option<&SectionContent> {
        self.page.section(id).map(|s| &s.content)
    }

    /// This page with `content` as section `id`, at `version`.
    pub fn with_section(&self, id: &str, content: SectionContent, version: Version) -> Self {
        let mut next = self.clone();
        if let Some(at) = next.page.position(id) {
            next.versions[at] = version;
            next.page.replace_section(id, content);
        }
        next
    }

    /// This page with another page row.
    pub fn with_page(&self, record: PageRecord) -> Self {
        let mut next = self.clone();
        next.page.meta = record.meta;
        next.page.body = record.body;
        next.page_updated_at = record.updated_at;
        next.source = record.source;
        next
    }

    /// Its page row as stored.
    pub fn page_record(&self) -> PageRecord {
        PageRecord {
            meta: self.page.meta.clone(),
            body: self.page.body.clone(),
            updated_at: self.page_updated_at,
            source: self.source.clone(),
        }
    }

    /// When anything on the page last changed.
    pub fn last_modified(&self) -> Timestamp {
        self.versions
            .iter()
            .map(|v| v.updated_at)
            .fold(self.page_updated_at, Ord::max)
    }
}

/// Stores `content` as the next revision of section `id` of page `page` and makes it current;
/// `previous` is the current revision. The caller's transaction makes both one change.
pub async fn save_section(
    conn: &mut SqliteConnection,
    page: &str,
    id: &str,
    content: &SectionContent,
    previous: i64,
    author: &str,
) -> anyhow::Result<Version> {
    let version = Version {
        revision: previous + 1,
        updated_at: Timestamp::now(),
    };
    let json = content.value().to_string();
    let at = version.updated_at.to_rfc3339();
    storage::revisions::insert(conn, page, id, version.revision, &json, author, &at).await?;
    storage::sections::set_revision(conn, page, id, version.revision).await?;
    Ok(version)
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
pub async fn is_empty(conn: &mut SqliteConnection) -> anyhow::Result<bool> {
    Ok(storage::page::count(conn).await? == 0)
}

/// Reads the landing page in one read transaction, so that a concurrent writer's commit is seen
/// entirely or not at all.
pub async fn load(conn: &mut SqliteConnection, model: &Model) -> anyhow::Result<Stored> {
    let mut tx = conn.begin().await?;
    let stored = load_in(&mut tx, model).await?;
    tx.commit().await?;
    Ok(stored)
}

/// Reads the landing page in one read transaction, with the number of the last change recorded
/// (see `storage::changes`): what a reader that follows the database starts from.
pub async fn load_following(
    conn: &mut SqliteConnection,
    model: &Model,
) -> anyhow::Result<(Stored, i64)> {
    let mut tx = conn.begin().await?;
    let stored = load_in(&mut tx, model).await?;
    let seq = storage::changes::last(&mut tx).await?;
    tx.commit().await?;
    Ok((stored, seq))
}

/// Reads the landing page inside the caller's transaction.
pub async fn load_in(conn: &mut SqliteConnection, model: &Model) -> anyhow::Result<Stored> {
    load_page(conn, model, LANDING)
        .await?
        .ok_or_else(|| anyhow!("the database holds no landing page ({LANDING})"))
}

/// Reads page `id` inside the caller's transaction, if it is stored.
pub async fn load_page(
    conn: &mut SqliteConnection,
    model: &Model,
    id: &str,
) -> anyhow::Result<Option<Stored>> {
    let Some(record) = load_page_row(conn, id).await? else {
        return Ok(None);
    };
    let rows = storage::sections::current(conn, id).await?;
    let mut sections = Vec::with_capacity(rows.len());
    let mut versions = Vec::with_capacity(rows.len());
    for row in rows {
        let (section, version) = section_of(model, row).with_context(|| format!("page {id}"))?;
        sections.push(section);
        versions.push(version);
    }
    Ok(Some(Stored {
        page: Page::new(record.meta, record.body, sections),
        page_updated_at: record.updated_at,
        versions,
        source: record.source,
    }))
}

/// Page `id`'s row, if it is stored.
pub async fn load_page_row(
    conn: &mut SqliteConnection,
    id: &str,
) -> anyhow::Result<Option<PageRecord>> {
    let Some(row) = storage::page::get(conn, id).await? else {
        return Ok(None);
    };
    let meta = match serde_json::from_str(&row.metadata)
        .with_context(|| format!("stored metadata of page {id} is not JSON"))?
    {
        Value::Object(map) => map,
        _ => return Err(anyhow!("stored metadata of page {id} is not an object")),
    };
    Ok(Some(PageRecord {
        meta,
        body: row.body,
        updated_at: parse_time(&row.updated_at)?,
        source: row.source.map(Arc::from),
    }))
}

/// One section's current content and version, if the page has it.
pub async fn load_section(
    conn: &mut SqliteConnection,
    model: &Model,
    page: &str,
    id: &str,
) -> anyhow::Result<Option<(PageSection, Version)>> {
    storage::sections::current_of(conn, page, id)
        .await?
        .map(|row| section_of(model, row))
        .transpose()
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

/// What [`store_page`] changed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Replaced {
    /// The page was not stored (or had been deleted): every section is new, at revision 1.
    pub created: bool,
    /// The sections that got a new revision, or were added, in page order.
    pub changed: Vec<String>,
    /// The sections the page no longer has (their history stays).
    pub removed: Vec<String>,
    /// How many sections are as they were.
    pub unchanged: usize,
    /// Whether the page's metadata or body changed.
    pub page_changed: bool,
}

impl Replaced {
    pub fn any(&self) -> bool {
        self.created || self.page_changed || !self.changed.is_empty() || !self.removed.is_empty()
    }
}

/// Makes `page` (from the file `file`, whose text is `source`; `None` keeps the stored text)
/// stored page `id`: a new revision by `author` of its metadata and body if they differ, of
/// each section whose content differs, sections placed in page order and those it no longer has
/// taken off it; nothing written for what is equal. The caller's transaction makes it one change.
pub async fn store_page(
    conn: &mut SqliteConnection,
    id: &str,
    file: &str,
    page: &Page,
    source: Option<&str>,
    author: &str,
) -> anyhow::Result<Replaced> {
    let now = Timestamp::now().to_rfc3339();
    let metadata = Value::Object(page.meta.clone()).to_string();
    let existing = storage::page::get(conn, id).await?;
    let mut replaced = Replaced::default();
    let revision = match &existing {
        None => {
            storage::page::insert(conn, id, file, source).await?;
            storage::page::insert_revision(conn, id, 1, &metadata, &page.body, author, &now)
                .await?;
            replaced.created = true;
            replaced.page_changed = true;
            1
        }
        Some(row) => {
            replaced.created = row.deleted_at.is_some();
            let same = row.body == page.body
                && serde_json::from_str::<Value>(&row.metadata).ok()
                    == Some(Value::Object(page.meta.clone()));
            if same {
                row.revision
            } else {
                replaced.page_changed = true;
                let next = row.revision + 1;
                storage::page::insert_revision(conn, id, next, &metadata, &page.body, author, &now)
                    .await?;
                next
            }
        }
    };
    if let Some(row) = &existing {
        let source = source.or(row.source.as_deref());
        if row.revision != revision
            || row.file != file
            || row.source.as_deref() != source
            || row.deleted_at.is_some()
        {
            storage::page::set_current(conn, id, file, revision, source).await?;
        }
    }

    let current = storage::sections::current(conn, id).await?;
    for (at, section) in page.sections().iter().enumerate() {
        let position = at as i64 + 1;
        let content = section.content.value();
        let kind = section.content.type_name();
        let now_row = current.iter().find(|row| row.id == section.id);
        match storage::sections::revision(conn, id, &section.id).await? {
            None => {
                storage::sections::insert(conn, id, &section.id, &section.key, kind, position, 1)
                    .await?;
                let json = content.to_string();
                storage::revisions::insert(conn, id, &section.id, 1, &json, author, &now).await?;
                replaced.changed.push(section.id.clone());
            }
            Some(revision) => {
                let same = now_row.is_some_and(|row| {
                    serde_json::from_str::<Value>(&row.content).ok().as_ref() == Some(content)
                });
                if same {
                    replaced.unchanged += 1;
                } else {
                    let json = content.to_string();
                    let next = revision + 1;
                    storage::revisions::insert(conn, id, &section.id, next, &json, author, &now)
                        .await?;
                    storage::sections::set_revision(conn, id, &section.id, next).await?;
                    replaced.changed.push(section.id.clone());
                }
                let in_place = now_row
                    .is_some_and(|row| row.key == section.key && row.kind == kind)
                    && current.iter().position(|row| row.id == section.id) == Some(at);
                if !in_place {
                    storage::sections::place(
                        conn,
                        id,
                        &section.id,
                        &section.key,
                        kind,
                        Some(position),
                    )
                    .await?;
                }
            }
        }
    }
    for row in &current {
        if page.section(&row.id).is_none() {
            storage::sections::place(conn, id, &row.id, &row.key, &row.kind, None).await?;
            replaced.removed.push(row.id.clone());
        }
    }
    Ok(replaced)
}

fn parse_time(text: &str) -> anyhow::Result<Timestamp> {
    Timestamp::parse(text).with_context(|| format!("stored time {text:?} is not RFC 3339"))
}
