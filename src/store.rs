//! Between the domain and the tables: turns rows into a valid [`Stored`] page and pages into
//! rows. Transactions are the caller's; SQL stays in `storage`.

use anyhow::{Context, anyhow};
use sqlx::{Connection, SqliteConnection};

use crate::domain::{Errors, Page, PageMeta, Parse, Pointer, SectionContent, SectionId, Timestamp};
use crate::storage::{self, page::PageRow};

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
}

impl Stored {
    pub fn version(&self, id: SectionId) -> Version {
        self.versions[id.position() as usize - 1]
    }

    pub fn section(&self, id: SectionId) -> &SectionContent {
        &self.page.sections()[id.position() as usize - 1]
    }

    /// When anything on the page last changed.
    pub fn last_modified(&self) -> Timestamp {
        self.versions
            .iter()
            .map(|v| v.updated_at)
            .fold(self.page_updated_at, Ord::max)
    }
}

/// Whether the database holds no page yet.
pub async fn is_empty(conn: &mut SqliteConnection) -> anyhow::Result<bool> {
    Ok(storage::sections::count(conn).await? == 0 && storage::page::get(conn).await?.is_none())
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

async fn load_in(conn: &mut SqliteConnection) -> anyhow::Result<Stored> {
    let row = storage::page::get(conn)
        .await?
        .ok_or_else(|| anyhow!("the database holds no page"))?;
    let meta = serde_json::json!({
        "identifier": row.identifier, "title": row.title, "linktitle": row.linktitle, "date": row.date,
    });
    let mut errors = Errors::default();
    let meta = PageMeta::parse(&meta, &Pointer::root(), &mut errors)
        .ok_or_else(|| anyhow!("stored page metadata is invalid: {:?}", errors.into_vec()))?;

    let rows = storage::sections::current(conn).await?;
    let mut sections = Vec::with_capacity(rows.len());
    let mut versions = Vec::with_capacity(rows.len());
    for row in rows {
        let id = SectionId::from_name(&row.id)
            .ok_or_else(|| anyhow!("unknown stored section {}", row.id))?;
        let value: serde_json::Value = serde_json::from_str(&row.content)
            .with_context(|| format!("stored section {id} is not JSON"))?;
        let mut errors = Errors::default();
        let content = SectionContent::parse_as(id, &value, &Pointer::root(), &mut errors)
            .ok_or_else(|| {
                anyhow!(
                    "stored section {id} revision {} is invalid: {:?}",
                    row.revision,
                    errors.into_vec()
                )
            })?;
        sections.push(content);
        versions.push(Version {
            revision: row.revision,
            updated_at: parse_time(&row.updated_at)?,
        });
    }
    let page = Page::new(meta, row.body, sections)
        .ok_or_else(|| anyhow!("the database does not hold the nine sections in page order"))?;
    Ok(Stored {
        page,
        page_updated_at: parse_time(&row.updated_at)?,
        versions,
    })
}

/// Stores a whole page into an empty database as revision 1 of every section.
pub async fn insert_page(
    conn: &mut SqliteConnection,
    page: &Page,
    author: &str,
) -> anyhow::Result<()> {
    let now = Timestamp::now().to_rfc3339();
    storage::page::insert(
        conn,
        &PageRow {
            identifier: page.meta.identifier.as_str().to_owned(),
            title: page.meta.title.as_str().to_owned(),
            linktitle: page.meta.linktitle.as_str().to_owned(),
            date: page.meta.date.as_str().to_owned(),
            body: page.body.clone(),
            updated_at: now.clone(),
        },
    )
    .await?;
    for content in page.sections() {
        let id = content.id();
        storage::sections::insert(conn, id.as_str(), id.as_str(), id.position().into(), 1).await?;
        let json = content.to_value().to_string();
        storage::sections::insert_revision(conn, id.as_str(), 1, &json, author, &now).await?;
    }
    Ok(())
}

fn parse_time(text: &str) -> anyhow::Result<Timestamp> {
    Timestamp::parse(text).with_context(|| format!("stored time {text:?} is not RFC 3339"))
}
