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
pub async fn is_empty(conn: &mut SqliteConnection) -> anyhow::Result<bool> {
    Ok(storage::page::count(conn).await? == 0)
}

/// Reads the landing page in one read transaction, so that a concurrent writer's commit is seen
/// entirely or not at all.
pub async fn load(conn: &mut SqliteConnection, model: &Model) -> anyhow::Result<Stored> {
    let mut tx = conn.begin().await?;
    let stored = load_page(&mut tx, model, LANDING)
        .await?
        .ok_or_else(|| anyhow!("the database holds no landing page ({LANDING})"))?;
    tx.commit().await?;
    Ok(stored)
}

/// Reads every page of the site (deleted ones left out) in one read transaction, by id, with
/// the number of the last change recorded (see `storage::changes`): what a reader that follows
/// the database starts from. Two queries, whatever the number of pages.
pub async fn load_site(
    conn: &mut SqliteConnection,
    model: &Model,
) -> anyhow::Result<(Vec<Stored>, i64)> {
    let mut tx = conn.begin().await?;
    let rows = storage::page::all_current(&mut tx).await?;
    let sections = storage::sections::all_current(&mut tx).await?;
    let seq = storage::changes::last(&mut tx).await?;
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
    Ok((pages, seq))
}

/// Reads page `id` inside the caller's transaction, if it is part of the site (stored and not
/// deleted).
pub async fn load_page(
    conn: &mut SqliteConnection,
    model: &Model,
    id: &str,
) -> anyhow::Result<Option<Stored>> {
    let Some(row) = storage::page::get(conn, id).await? else {
        return Ok(None);
    };
    if row.deleted_at.is_some() {
        return Ok(None);
    }
    let sections = storage::sections::current(conn, id).await?;
    stored_of(model, row, sections).map(Some)
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

/// What [`store_page`] changed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Replaced {
    /// The page was not stored (or had been deleted): it is part of the site again.
    pub created: bool,
    /// The sections that got a new revision, or were added, in page order.
    pub changed: Vec<String>,
    /// The sections the page no longer has (their history stays).
    pub removed: Vec<String>,
    /// How many sections are as they were.
    pub unchanged: usize,
    /// Whether the page's metadata or body changed.
    pub page_changed: bool,
    /// The page revision now current.
    pub revision: i64,
}

impl Replaced {
    pub fn any(&self) -> bool {
        self.created || self.page_changed || !self.changed.is_empty() || !self.removed.is_empty()
    }
}

/// Makes `page` (from the file `file`, whose text is `source`; `None` keeps the stored text)
/// stored page `id`, inside the caller's transaction: a new revision by `author` of each section
/// whose content differs (or that is new), sections placed in page order and those it no longer
/// has taken off it, and one page revision that says what changed and holds the page as it now
/// is (naming `change_set`, the change set that published it, if any); nothing written when
/// nothing differs. A deleted page comes back.
pub async fn store_page(
    conn: &mut SqliteConnection,
    id: &str,
    file: &str,
    page: &Page,
    source: Option<&str>,
    author: &str,
    change_set: Option<i64>,
) -> anyhow::Result<Replaced> {
    let now = Timestamp::now().to_rfc3339();
    let existing = storage::page::get(conn, id).await?;
    let mut replaced = Replaced::default();
    let mut changes: Vec<String> = Vec::new();
    let (metadata, body) = match &existing {
        None => {
            storage::page::insert(conn, id, file, source).await?;
            replaced.created = true;
            changes.push("created".to_owned());
            (true, true)
        }
        Some(row) => {
            if row.deleted_at.is_some() {
                replaced.created = true;
                changes.push("restored".to_owned());
            }
            let metadata = parse_metadata(&row.metadata).ok().as_ref() != Some(&page.meta);
            let body = row.body != page.body;
            if metadata {
                changes.push("/page".to_owned());
            }
            if body {
                changes.push("/body".to_owned());
            }
            (metadata, body)
        }
    };
    replaced.page_changed = metadata || body;

    let current = storage::sections::current(conn, id).await?;
    let mut layout = Vec::with_capacity(page.sections().len());
    let mut moved = current.len() != page.sections().len();
    for (at, section) in page.sections().iter().enumerate() {
        let position = at as i64 + 1;
        let content = section.content.value();
        let kind = section.content.type_name();
        let now_row = current.iter().find(|row| row.id == section.id);
        let revision = match storage::sections::revision(conn, id, &section.id).await? {
            None => {
                storage::sections::insert(conn, id, &section.id, &section.key, kind, position, 1)
                    .await?;
                let json = content.to_string();
                storage::revisions::insert(conn, id, &section.id, 1, &json, author, &now).await?;
                replaced.changed.push(section.id.clone());
                if existing.is_some() {
                    changes.push(format!("/sections/{}", section.id));
                }
                moved = true;
                1
            }
            Some(revision) => {
                let same = now_row.is_some_and(|row| {
                    serde_json::from_str::<Value>(&row.content).ok().as_ref() == Some(content)
                });
                let revision = if same {
                    replaced.unchanged += 1;
                    revision
                } else {
                    let json = content.to_string();
                    let next = revision + 1;
                    storage::revisions::insert(conn, id, &section.id, next, &json, author, &now)
                        .await?;
                    storage::sections::set_revision(conn, id, &section.id, next).await?;
                    replaced.changed.push(section.id.clone());
                    changes.push(format!("/sections/{}", section.id));
                    next
                };
                let in_place = now_row
                    .is_some_and(|row| row.key == section.key && row.kind == kind)
                    && current.iter().position(|row| row.id == section.id) == Some(at);
                if !in_place {
                    moved = true;
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
                revision
            }
        };
        layout.push((section.id.as_str(), revision));
    }
    for row in &current {
        if page.section(&row.id).is_none() {
            storage::sections::place(conn, id, &row.id, &row.key, &row.kind, None).await?;
            replaced.removed.push(row.id.clone());
        }
    }
    if moved && existing.is_some() {
        changes.push("/sections".to_owned());
    }

    let file_changed = existing.as_ref().is_some_and(|row| {
        row.file != file || source.is_some_and(|text| row.source.as_deref() != Some(text))
    });
    if changes.is_empty() {
        // Only the file's text may differ (formatting the content does not see): keep it.
        if let Some(row) = existing.as_ref().filter(|_| file_changed) {
            let source = source.or(row.source.as_deref());
            storage::page::set_current(conn, id, file, row.revision, source, None).await?;
        }
        replaced.revision = existing.map_or(1, |row| row.revision);
        return Ok(replaced);
    }
    let revision = existing.as_ref().map_or(1, |row| row.revision + 1);
    let metadata_json = metadata.then(|| Value::Object(page.meta.clone()).to_string());
    let sections = serde_json::to_string(&layout).expect("a layout serialises");
    let changes = serde_json::to_string(&changes).expect("changes serialise");
    storage::page::insert_revision(
        conn,
        id,
        &storage::page::NewRevision {
            revision,
            metadata: metadata_json.as_deref(),
            body: body.then_some(page.body.as_str()),
            sections: &sections,
            changes: &changes,
            deleted: false,
            author,
            created_at: &now,
            change_set,
        },
    )
    .await?;
    if let Some(row) = &existing {
        let source = source.or(row.source.as_deref());
        storage::page::set_current(conn, id, file, revision, source, None).await?;
    }
    replaced.revision = revision;
    Ok(replaced)
}

/// Deletes page `id` inside the caller's transaction: a page revision by `author` that says so;
/// its sections and history stay, and storing the page again brings it back. Returns whether the
/// page was part of the site.
pub async fn delete_page(
    conn: &mut SqliteConnection,
    id: &str,
    author: &str,
    change_set: Option<i64>,
) -> anyhow::Result<bool> {
    let Some(row) = storage::page::get(conn, id).await? else {
        return Ok(false);
    };
    if row.deleted_at.is_some() {
        return Ok(false);
    }
    let now = Timestamp::now().to_rfc3339();
    let layout: Vec<(String, i64)> = storage::sections::current(conn, id)
        .await?
        .into_iter()
        .map(|s| (s.id, s.revision))
        .collect();
    let revision = row.revision + 1;
    storage::page::insert_revision(
        conn,
        id,
        &storage::page::NewRevision {
            revision,
            metadata: None,
            body: None,
            sections: &serde_json::to_string(&layout).expect("a layout serialises"),
            changes: r#"["deleted"]"#,
            deleted: true,
            author,
            created_at: &now,
            change_set,
        },
    )
    .await?;
    let source = row.source.as_deref();
    storage::page::set_current(conn, id, &row.file, revision, source, Some(&now)).await?;
    Ok(true)
}

fn parse_time(text: &str) -> anyhow::Result<Timestamp> {
    Timestamp::parse(text).with_context(|| format!("stored time {text:?} is not RFC 3339"))
}
