//! Every page of the site under the content model: the active model, a site's pages stored as
//! one change (new, changed, removed; unchanged ones untouched), and stored pages written back.
//!
//! The landing page (`_index`) is stored and served by the typed model of `/sections` until the
//! landing page's API runs on the content model (issue 13, part 4); everything here treats it
//! like any page for checks, and stores it through [`store::replace_page`].

use std::sync::Arc;

use anyhow::{Context, anyhow};
use serde_json::Value;
use sqlx::SqliteConnection;

use crate::content::store::{self, LANDING};
use crate::model::definition::{BUILT_IN, Model};
use crate::model::engine::{PageData, Section};
use crate::model::{FieldError, Page, Timestamp};
use crate::storage;

/// The content model in force, with its version.
#[derive(Debug, Clone)]
pub struct ActiveModel {
    pub version: i64,
    /// The file as applied.
    pub text: String,
    pub model: Arc<Model>,
}

/// The active model, without writing anything: the built-in one (version 1) when the database
/// has none stored yet.
pub async fn current_model(conn: &mut SqliteConnection) -> anyhow::Result<ActiveModel> {
    let row = storage::models::active(conn).await?;
    let row = row.unwrap_or_else(|| storage::models::ModelRow {
        version: 1,
        text: BUILT_IN.to_owned(),
        author: super::seed::AUTHOR.to_owned(),
        created_at: String::new(),
    });
    parsed(row)
}

/// Stores `text` as the next version of the model, inside the caller's transaction, without
/// looking at stored content (for an import that replaces it all).
pub async fn store_model(
    conn: &mut SqliteConnection,
    text: &str,
    author: &str,
) -> anyhow::Result<i64> {
    let version = active_model(conn).await?.version + 1;
    storage::models::insert(conn, version, text, author, &Timestamp::now().to_rfc3339()).await?;
    Ok(version)
}

/// The active model; the built-in one, stored as version 1, when the database has none yet (a
/// new database, or one from a release before the content model).
pub async fn active_model(conn: &mut SqliteConnection) -> anyhow::Result<ActiveModel> {
    let row = match storage::models::active(conn).await? {
        Some(row) => row,
        None => {
            let now = Timestamp::now().to_rfc3339();
            storage::models::insert(conn, 1, BUILT_IN, super::seed::AUTHOR, &now).await?;
            storage::models::ModelRow {
                version: 1,
                text: BUILT_IN.to_owned(),
                author: super::seed::AUTHOR.to_owned(),
                created_at: now,
            }
        }
    };
    parsed(row)
}

fn parsed(row: storage::models::ModelRow) -> anyhow::Result<ActiveModel> {
    let model = Model::parse(&row.text).map_err(|errors| {
        anyhow!(
            "stored content model version {} is invalid: {errors:?}",
            row.version
        )
    })?;
    Ok(ActiveModel {
        version: row.version,
        text: row.text,
        model: Arc::new(model),
    })
}

/// A page file read under a model, ready to be stored.
#[derive(Debug, Clone)]
pub struct PageInput {
    pub id: String,
    pub file: String,
    /// The file's text (`None`: keep the one stored).
    pub source: Option<String>,
    pub content: PageContent,
}

/// What a page holds.
#[derive(Debug, Clone)]
pub enum PageContent {
    /// The landing page, as the typed model of `/sections` reads it.
    Landing(Box<Page>),
    /// Any other page, as the content model reads it.
    Page { data: PageData, body: String },
}

/// A page as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredPage {
    pub id: String,
    pub file: String,
    pub source: Option<String>,
    /// Its front matter as data, as the model that stored it writes it.
    pub front: Value,
    pub body: String,
}

impl StoredPage {
    /// The page file: the stored file edited where the content differs from it.
    pub fn export(&self) -> String {
        crate::hugo::export_file(&self.front, &self.body, self.source.as_deref())
    }
}

/// What [`import_pages`] did, by page id.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Imported {
    pub created: Vec<String>,
    pub changed: Vec<String>,
    pub unchanged: Vec<String>,
    pub deleted: Vec<String>,
}

/// Makes `pages` the site, inside the caller's transaction: new pages are stored at revision 1;
/// a changed page gets a new revision of what changed (its metadata and body, each section);
/// an unchanged one gets nothing (its file text is kept if only that changed); stored pages that
/// are not in `pages` are deleted when `remove_others` (their history stays).
pub async fn import_pages(
    conn: &mut SqliteConnection,
    pages: &[PageInput],
    author: &str,
    remove_others: bool,
) -> anyhow::Result<Imported> {
    let mut imported = Imported::default();
    let stored = storage::page::all(conn).await?;
    for page in pages {
        let existing = stored.iter().find(|row| row.id == page.id);
        let changed = match &page.content {
            PageContent::Landing(landing) => {
                let source = page
                    .source
                    .as_deref()
                    .context("the landing page comes with its file")?;
                let replaced = store::replace_page(conn, landing, source, author).await?;
                replaced.created || replaced.page_changed || !replaced.changed.is_empty()
            }
            PageContent::Page { data, body } => {
                store_page(conn, existing, page, data, body, author).await?
            }
        };
        let list = match (existing, changed) {
            (None, _) => &mut imported.created,
            (Some(row), _) if row.deleted_at.is_some() => &mut imported.created,
            (Some(_), true) => &mut imported.changed,
            (Some(_), false) => &mut imported.unchanged,
        };
        list.push(page.id.clone());
    }
    if remove_others {
        let now = Timestamp::now().to_rfc3339();
        for row in &stored {
            if row.deleted_at.is_none() && !pages.iter().any(|p| p.id == row.id) {
                storage::page::delete(conn, &row.id, &now).await?;
                imported.deleted.push(row.id.clone());
            }
        }
    }
    Ok(imported)
}

/// Stores one page other than the landing page; whether its content changed.
async fn store_page(
    conn: &mut SqliteConnection,
    existing: Option<&storage::page::PageRow>,
    page: &PageInput,
    data: &PageData,
    body: &str,
    author: &str,
) -> anyhow::Result<bool> {
    let now = Timestamp::now().to_rfc3339();
    let metadata = Value::Object(data.metadata.clone()).to_string();
    let mut changed = false;
    let revision = match existing {
        None => {
            storage::page::insert(conn, &page.id, &page.file, page.source.as_deref()).await?;
            storage::page::insert_revision(conn, &page.id, 1, &metadata, body, author, &now)
                .await?;
            changed = true;
            1
        }
        Some(row) => {
            let same = row.body == body
                && serde_json::from_str::<Value>(&row.metadata).ok()
                    == Some(Value::Object(data.metadata.clone()));
            if same {
                row.revision
            } else {
                changed = true;
                let next = row.revision + 1;
                storage::page::insert_revision(conn, &page.id, next, &metadata, body, author, &now)
                    .await?;
                next
            }
        }
    };
    if let Some(row) = existing {
        let source = page.source.as_deref().or(row.source.as_deref());
        if row.revision != revision
            || row.file != page.file
            || row.source.as_deref() != source
            || row.deleted_at.is_some()
        {
            storage::page::set_current(conn, &page.id, &page.file, revision, source).await?;
        }
    }

    let current = storage::sections::current(conn, &page.id).await?;
    for (i, section) in data.sections.iter().enumerate() {
        let position = i as i64 + 1;
        let content = section.content.to_string();
        let now_row = current.iter().find(|row| row.id == section.id);
        match storage::sections::revision(conn, &page.id, &section.id).await? {
            None => {
                storage::sections::insert(
                    conn,
                    &page.id,
                    &section.id,
                    &section.key,
                    &section.type_name,
                    position,
                    1,
                )
                .await?;
                storage::revisions::insert(conn, &page.id, &section.id, 1, &content, author, &now)
                    .await?;
                changed = true;
            }
            Some(revision) => {
                let same_content = now_row.is_some_and(|row| {
                    serde_json::from_str::<Value>(&row.content).ok().as_ref()
                        == Some(&section.content)
                });
                if !same_content {
                    let next = revision + 1;
                    storage::revisions::insert(
                        conn,
                        &page.id,
                        &section.id,
                        next,
                        &content,
                        author,
                        &now,
                    )
                    .await?;
                    storage::sections::set_revision(conn, &page.id, &section.id, next).await?;
                    changed = true;
                }
                let same_place = now_row
                    .is_some_and(|row| row.key == section.key && row.kind == section.type_name)
                    && current.iter().position(|row| row.id == section.id) == Some(i);
                if !same_place {
                    storage::sections::place(
                        conn,
                        &page.id,
                        &section.id,
                        &section.key,
                        &section.type_name,
                        Some(position),
                    )
                    .await?;
                    changed = true;
                }
            }
        }
    }
    for row in &current {
        if !data.sections.iter().any(|s| s.id == row.id) {
            storage::sections::place(conn, &page.id, &row.id, &row.key, &row.kind, None).await?;
            changed = true;
        }
    }
    Ok(changed)
}

/// Every page of the site as stored (deleted ones left out), by id, with its front matter as
/// `model` (the active model) writes it; the landing page's as the typed model writes it.
pub async fn stored_pages(
    conn: &mut SqliteConnection,
    model: &Model,
) -> anyhow::Result<Vec<StoredPage>> {
    let mut pages = Vec::new();
    for row in storage::page::all(conn).await? {
        if row.deleted_at.is_some() {
            continue;
        }
        if row.id == LANDING {
            let landing = store::load_in(conn).await?;
            pages.push(StoredPage {
                id: row.id,
                file: row.file,
                source: row.source,
                front: crate::hugo::write::front_matter(&landing.page),
                body: landing.page.body,
            });
            continue;
        }
        let metadata = match serde_json::from_str(&row.metadata)
            .with_context(|| format!("stored metadata of page {} is not JSON", row.id))?
        {
            Value::Object(map) => map,
            _ => {
                return Err(anyhow!(
                    "stored metadata of page {} is not an object",
                    row.id
                ));
            }
        };
        let mut sections = Vec::new();
        for section in storage::sections::current(conn, &row.id).await? {
            let content = serde_json::from_str(&section.content).with_context(|| {
                format!(
                    "stored section {} of page {} is not JSON",
                    section.id, row.id
                )
            })?;
            sections.push(Section {
                key: section.key,
                id: section.id,
                type_name: section.kind,
                content,
            });
        }
        let front = model.front_matter(&PageData { metadata, sections });
        pages.push(StoredPage {
            id: row.id,
            file: row.file,
            source: row.source,
            front,
            body: row.body,
        });
    }
    Ok(pages)
}

/// A problem a model would have with stored content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Breakage {
    pub page: String,
    /// Into the page's front matter.
    pub pointer: String,
    pub detail: String,
}

/// What stored content `next` would reject.
pub fn breakages(next: &Model, pages: &[StoredPage]) -> Vec<Breakage> {
    let mut found = Vec::new();
    for page in pages {
        if let Err(errors) = next.read_front_matter(&page.id, &page.front) {
            found.extend(
                errors
                    .into_iter()
                    .map(|FieldError { pointer, detail }| Breakage {
                        page: page.id.clone(),
                        pointer,
                        detail,
                    }),
            );
        }
    }
    found
}

/// Stores `text` as the next version of the model, and every stored page read again under it
/// (sections whose id or type the new model changes move accordingly), inside the caller's
/// transaction. Refused, with every breakage, if anything stored would not hold.
pub async fn apply_model(
    conn: &mut SqliteConnection,
    text: &str,
    next: &Model,
    author: &str,
) -> anyhow::Result<Result<i64, Vec<Breakage>>> {
    let current = active_model(conn).await?;
    let pages = stored_pages(conn, &current.model).await?;
    let broken = breakages(next, &pages);
    if !broken.is_empty() {
        return Ok(Err(broken));
    }
    let version = current.version + 1;
    storage::models::insert(conn, version, text, author, &Timestamp::now().to_rfc3339()).await?;
    let mut inputs = Vec::new();
    for page in pages.into_iter().filter(|page| page.id != LANDING) {
        let data = next
            .read_front_matter(&page.id, &page.front)
            .map_err(|e| anyhow!("page {} under the new model: {e:?}", page.id))?;
        inputs.push(PageInput {
            content: PageContent::Page {
                data,
                body: page.body.clone(),
            },
            id: page.id,
            file: page.file,
            source: None,
        });
    }
    import_pages(conn, &inputs, author, false).await?;
    Ok(Ok(version))
}
