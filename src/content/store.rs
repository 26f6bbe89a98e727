//! Between the domain and the tables: turns rows into a valid [`Stored`] page and pages into
//! rows. Transactions are the caller's; SQL stays in `storage`.

use std::sync::Arc;

use anyhow::{Context, anyhow};
use sqlx::{Connection, SqliteConnection};

use crate::model::{Errors, Page, PageMeta, Parse, Pointer, SectionContent, SectionId, Timestamp};
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

/// The page as stored: its content, plus each section's version (parallel to
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
    pub meta: PageMeta,
    pub body: String,
    pub updated_at: Timestamp,
    pub source: Option<Arc<str>>,
}

impl Stored {
    pub fn version(&self, id: SectionId) -> Version {
        self.versions[id.position() as usize - 1]
    }

    pub fn section(&self, id: SectionId) -> &SectionContent {
        &self.page.sections()[id.position() as usize - 1]
    }

    /// This page with `content` as its section, at `version`.
    pub fn with_section(&self, content: SectionContent, version: Version) -> Self {
        let id = content.id();
        let mut next = self.clone();
        next.versions[id.position() as usize - 1] = version;
        next.page.replace_section(content);
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

/// Stores `content` as the next revision of its section and makes it current; `previous` is the
/// current revision. The caller's transaction makes both one change.
pub async fn save_section(
    conn: &mut SqliteConnection,
    content: &SectionContent,
    previous: i64,
    author: &str,
) -> anyhow::Result<Version> {
    let id = content.id().as_str();
    let version = Version {
        revision: previous + 1,
        updated_at: Timestamp::now(),
    };
    let json = content.to_value().to_string();
    let at = version.updated_at.to_rfc3339();
    storage::revisions::insert(conn, LANDING, id, version.revision, &json, author, &at).await?;
    storage::sections::set_revision(conn, LANDING, id, version.revision).await?;
    Ok(version)
}

/// Parses a stored revision's content as section `id`.
pub fn parse_content(id: SectionId, json: &str) -> anyhow::Result<SectionContent> {
    let value: serde_json::Value =
        serde_json::from_str(json).with_context(|| format!("stored section {id} is not JSON"))?;
    let mut errors = Errors::for_stored();
    SectionContent::parse_as(id, &value, &Pointer::root(), &mut errors)
        .ok_or_else(|| anyhow!("stored section {id} is invalid: {:?}", errors.into_vec()))
}

/// Whether the database holds no page yet.
pub async fn is_empty(conn: &mut SqliteConnection) -> anyhow::Result<bool> {
    Ok(storage::sections::count(conn).await? == 0 && storage::page::count(conn).await? == 0)
}

/// Reads the whole page in one read transaction, so that a concurrent writer's commit is seen
/// entirely or not at all. Stored content is parsed like any input: a row that is not valid
/// content is an error, never served.
pub async fn load(conn: &mut SqliteConnection) -> anyhow::Result<Stored> {
    let mut tx = conn.begin().await?;
    let stored = load_in(&mut tx).await?;
    tx.commit().await?;
    Ok(stored)
}

/// Reads the whole page in one read transaction, with the number of the last change recorded
/// (see `storage::changes`): what a reader that follows the database starts from.
pub async fn load_following(conn: &mut SqliteConnection) -> anyhow::Result<(Stored, i64)> {
    let mut tx = conn.begin().await?;
    let stored = load_in(&mut tx).await?;
    let seq = storage::changes::last(&mut tx).await?;
    tx.commit().await?;
    Ok((stored, seq))
}

/// Reads the whole page inside the caller's transaction.
pub async fn load_in(conn: &mut SqliteConnection) -> anyhow::Result<Stored> {
    let record = load_page_row(conn).await?;
    let rows = storage::sections::current(conn, LANDING).await?;
    let mut sections = Vec::with_capacity(rows.len());
    let mut versions = Vec::with_capacity(rows.len());
    for row in rows {
        let (content, version) = section_of(row)?;
        sections.push(content);
        versions.push(version);
    }
    let page = Page::new(record.meta, record.body, sections)
        .ok_or_else(|| anyhow!("the database does not hold the nine sections in page order"))?;
    Ok(Stored {
        page,
        page_updated_at: record.updated_at,
        versions,
        source: record.source,
    })
}

/// The page row.
pub async fn load_page_row(conn: &mut SqliteConnection) -> anyhow::Result<PageRecord> {
    let row = storage::page::get(conn, LANDING)
        .await?
        .ok_or_else(|| anyhow!("the database holds no page"))?;
    let meta: serde_json::Value =
        serde_json::from_str(&row.metadata).context("stored page metadata is not JSON")?;
    let mut errors = Errors::for_stored();
    let meta = PageMeta::parse(&meta, &Pointer::root(), &mut errors)
        .ok_or_else(|| anyhow!("stored page metadata is invalid: {:?}", errors.into_vec()))?;
    Ok(PageRecord {
        meta,
        body: row.body,
        updated_at: parse_time(&row.updated_at)?,
        source: row.source.map(Arc::from),
    })
}

/// One section's current content and version, if the section exists.
pub async fn load_section(
    conn: &mut SqliteConnection,
    id: SectionId,
) -> anyhow::Result<Option<(SectionContent, Version)>> {
    storage::sections::current_of(conn, LANDING, id.as_str())
        .await?
        .map(section_of)
        .transpose()
}

fn section_of(row: storage::sections::CurrentRow) -> anyhow::Result<(SectionContent, Version)> {
    let id = SectionId::from_name(&row.id)
        .ok_or_else(|| anyhow!("unknown stored section {}", row.id))?;
    let content = parse_content(id, &row.content)
        .with_context(|| format!("revision {} of section {id}", row.revision))?;
    let version = Version {
        revision: row.revision,
        updated_at: parse_time(&row.updated_at)?,
    };
    Ok((content, version))
}

/// Stores a whole page into an empty database as revision 1 of every section; `source` is the
/// file it was read from.
pub async fn insert_page(
    conn: &mut SqliteConnection,
    page: &Page,
    source: &str,
    author: &str,
) -> anyhow::Result<()> {
    let now = Timestamp::now().to_rfc3339();
    storage::page::insert(conn, LANDING, LANDING_FILE, Some(source)).await?;
    let metadata = metadata_json(&page.meta);
    storage::page::insert_revision(conn, LANDING, 1, &metadata, &page.body, author, &now).await?;
    for content in page.sections() {
        let id = content.id();
        let key = crate::hugo::front_matter_key(id).0;
        let position = id.position().into();
        storage::sections::insert(conn, LANDING, id.as_str(), key, id.as_str(), position, 1)
            .await?;
        let json = content.to_value().to_string();
        storage::revisions::insert(conn, LANDING, id.as_str(), 1, &json, author, &now).await?;
    }
    Ok(())
}

/// The page metadata as stored: a JSON object in the file's key order.
fn metadata_json(meta: &PageMeta) -> String {
    serde_json::to_string(meta).expect("metadata always serialises")
}

/// What [`replace_page`] changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Replaced {
    /// The database held no page: every section is new, at revision 1.
    pub created: bool,
    /// The sections that got a new revision, in page order.
    pub changed: Vec<SectionId>,
    /// Whether the page's metadata or body changed.
    pub page_changed: bool,
}

/// Makes `page`, read from the file `source`, the stored page: a new revision by `author` for
/// each section whose content differs, the page row updated if its metadata, body or file text
/// differ, nothing written for what is equal.
/// Into an empty database, it stores the page as revision 1. The caller's transaction makes
/// it one change.
pub async fn replace_page(
    conn: &mut SqliteConnection,
    page: &Page,
    source: &str,
    author: &str,
) -> anyhow::Result<Replaced> {
    if is_empty(conn).await? {
        insert_page(conn, page, source, author).await?;
        return Ok(Replaced {
            created: true,
            changed: SectionId::ALL.to_vec(),
            page_changed: true,
        });
    }
    let current = load_in(conn).await?;
    let mut changed = Vec::new();
    for content in page.sections() {
        let id = content.id();
        if content != current.section(id) {
            save_section(conn, content, current.version(id).revision, author).await?;
            changed.push(id);
        }
    }
    let page_changed = page.meta != current.page.meta || page.body != current.page.body;
    if page_changed || current.source.as_deref() != Some(source) {
        let row = storage::page::get(conn, LANDING)
            .await?
            .ok_or_else(|| anyhow!("the database holds no page"))?;
        let mut revision = row.revision;
        if page_changed {
            revision += 1;
            let now = Timestamp::now().to_rfc3339();
            let metadata = metadata_json(&page.meta);
            storage::page::insert_revision(
                conn, LANDING, revision, &metadata, &page.body, author, &now,
            )
            .await?;
        }
        storage::page::set_current(conn, LANDING, &row.file, revision, Some(source)).await?;
    }
    Ok(Replaced {
        created: false,
        changed,
        page_changed,
    })
}

fn parse_time(text: &str) -> anyhow::Result<Timestamp> {
    Timestamp::parse(text).with_context(|| format!("stored time {text:?} is not RFC 3339"))
}
