//! Every page of the site under the content model: the active model, a site's pages stored as
//! one change (new, changed, removed; unchanged ones untouched), and stored pages written back.

mod model;
pub mod operations;
pub mod seed;

pub use model::{ActiveModel, active_model, current_model, store_model};

use std::collections::HashMap;
use std::sync::Arc;

use anyhow::anyhow;
use serde_json::Value;

use crate::content::read::stored as store;
use crate::content::write::commit::{PageChange, Publisher, commit};
use crate::content::write::plan::{Before, Replaced};
use crate::hugo::site::SitePage;
use crate::hugo::{self, Finding};
use crate::model::definition::Model;
use crate::model::{FieldError, Page, Timestamp};
use crate::storage;
use crate::storage::Connection;
use crate::storage::publish::ChangeSetRef;

/// A page file read under a model, ready to be stored.
#[derive(Debug, Clone)]
pub struct PageInput {
    pub id: String,
    pub file: String,
    /// The file's text (`None`: keep the one stored).
    pub source: Option<String>,
    pub page: Page,
}

/// What a check of one page found, as printable lines.
#[derive(Debug, Default)]
pub struct Findings {
    pub errors: Vec<String>,
    pub warnings: Vec<String>,
}

/// Every page of a `content/` folder read under `model`, as `import --site`, `check --site` and
/// the seed read it: the pages ready to store, and what was found (`FILE:LINE: PATH: what`).
pub fn read_site(model: &Model, pages: &[SitePage], strict: bool) -> (Vec<PageInput>, Findings) {
    let mut inputs = Vec::new();
    let mut found = Findings::default();
    let line = |file: &str, finding: &Finding| match finding.line {
        Some(line) => format!("{file}:{line}: {}: {}", finding.path, finding.detail),
        None => format!("{file}: {}: {}", finding.path, finding.detail),
    };
    for page in pages {
        if let Err(rule) = hugo::path::page_id(&page.file) {
            found.errors.push(format!("{}: path: {rule}", page.file));
            continue;
        }
        let read = match hugo::site::read_page(model, page) {
            Err(errors) => {
                found
                    .errors
                    .extend(errors.iter().map(|f| line(&page.file, f)));
                None
            }
            Ok(read) => Some(read),
        };
        match hugo::site::dangling(page) {
            Err(e) => found
                .errors
                .push(format!("{}:{}: {}", page.file, e.line, e.message)),
            Ok(dangling) => {
                for d in dangling {
                    let what = match d.shortcode.as_str() {
                        "param" => "referenced by the body, missing from the front matter",
                        _ => "a list the body loops over, missing from the front matter",
                    };
                    let text = format!(
                        "{}:{}: {}: {what} ({})",
                        page.file, d.line, d.key, d.shortcode
                    );
                    if strict {
                        &mut found.errors
                    } else {
                        &mut found.warnings
                    }
                    .push(text);
                }
            }
        }
        if let Some(read) = read {
            inputs.push(PageInput {
                id: page.id.clone(),
                file: page.file.clone(),
                source: Some(page.text.clone()),
                page: read,
            });
        }
    }
    found.errors.extend(shared_urls(&inputs));
    (inputs, found)
}

/// Pages that Hugo would publish at a URL an earlier page (by file) has: one of them would
/// silently win on the site.
fn shared_urls(pages: &[PageInput]) -> Vec<String> {
    let mut first: std::collections::HashMap<String, &str> = Default::default();
    let mut found = Vec::new();
    for page in pages {
        let url = hugo::url::published(&page.file, &page.page.meta);
        match first.get(&url) {
            Some(other) => found.push(format!(
                "{}: url: Hugo publishes it at {url}, as it does {other}: two pages cannot share \
                 a URL (rename one, or give it another `url` or `slug`)",
                page.file
            )),
            None => {
                first.insert(url, &page.file);
            }
        }
    }
    found
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

/// Makes `pages` the site, inside the caller's transaction, as one publish by `author` through
/// the one write path (its change set named after `author`, its feed and outbox rows): new
/// pages are stored at revision 1; a changed page gets a new revision of what changed (its
/// metadata and body, each section); an unchanged one gets nothing (its file text is kept if
/// only that changed); stored pages that are not in `pages` are deleted when `remove_others`
/// (their history stays). Stored pages are read under `stored_under` (the active model), the
/// pages written are served under `model`.
pub async fn import_pages(
    conn: &mut Connection,
    (stored_under, model): (&Model, &Arc<Model>),
    pages: &[PageInput],
    author: &str,
    remove_others: bool,
) -> anyhow::Result<Imported> {
    let (current, _) = store::load_site(conn, stored_under).await?;
    let current: HashMap<&str, &store::Stored> =
        current.iter().map(|p| (p.id.as_ref(), p)).collect();
    // Pages deleted before come back with their history.
    let mut deleted = HashMap::new();
    for row in storage::page::list(conn).await? {
        if row.deleted_at.is_some()
            && pages.iter().any(|p| p.id == row.id)
            && let Some(was) = store::load_any(conn, stored_under, &row.id).await?
        {
            deleted.insert(row.id, was.0);
        }
    }
    let mut changes: Vec<PageChange<'_>> = pages
        .iter()
        .map(|input| PageChange {
            id: &input.id,
            file: &input.file,
            before: match (current.get(input.id.as_str()), deleted.get(&input.id)) {
                (Some(page), _) => Before::Stored {
                    page,
                    deleted: false,
                },
                (None, Some(page)) => Before::Stored {
                    page,
                    deleted: true,
                },
                (None, None) => Before::New,
            },
            after: Some(&input.page),
            source: input.source.as_deref(),
        })
        .collect();
    let mut imported = Imported::default();
    if remove_others {
        for (id, page) in &current {
            if !pages.iter().any(|p| p.id == *id) {
                changes.push(PageChange::of_stored(page, None));
                imported.deleted.push((*id).to_owned());
            }
        }
        imported.deleted.sort();
    }
    let at = Timestamp::now().to_rfc3339();
    let by = Publisher {
        set: ChangeSetRef::NewLive {
            name: author,
            author,
            at: &at,
        },
        name: author,
        author,
    };
    let committed = commit(conn, by, model, &changes, &|_| None).await?;
    for page in committed.pages.iter().filter(|p| p.snapshot.is_some()) {
        let list = if page.replaced.created {
            &mut imported.created
        } else if page.replaced.any() {
            &mut imported.changed
        } else {
            &mut imported.unchanged
        };
        list.push(page.id.clone());
    }
    Ok(imported)
}

/// Stores one page as one publish by `author` (the rest of the site untouched), inside the
/// caller's transaction, under the active model; returns what changed.
pub async fn import_page(
    conn: &mut Connection,
    input: &PageInput,
    author: &str,
) -> anyhow::Result<Replaced> {
    let model = active_model(conn).await?.model;
    let was = store::load_any(conn, &model, &input.id).await?;
    let change = PageChange {
        id: &input.id,
        file: &input.file,
        before: match &was {
            Some((page, deleted)) => Before::Stored {
                page,
                deleted: *deleted,
            },
            None => Before::New,
        },
        after: Some(&input.page),
        source: input.source.as_deref(),
    };
    let at = Timestamp::now().to_rfc3339();
    let by = Publisher {
        set: ChangeSetRef::NewLive {
            name: author,
            author,
            at: &at,
        },
        name: author,
        author,
    };
    let committed = commit(conn, by, &model, &[change], &|_| None).await?;
    let page = committed.pages.into_iter().next();
    Ok(page.map(|p| p.replaced).unwrap_or_default())
}

/// Every page of the site as stored (deleted ones left out), by id, with its front matter as
/// `model` (the active model) writes it.
pub async fn stored_pages(conn: &mut Connection, model: &Model) -> anyhow::Result<Vec<StoredPage>> {
    let (pages, _) = store::load_site(conn, model).await?;
    Ok(pages
        .into_iter()
        .map(|stored| StoredPage {
            front: model.front_matter(&stored.page),
            body: stored.page.body,
            source: stored.source.map(|s| s.to_string()),
            id: stored.id.to_string(),
            file: stored.file.to_string(),
        })
        .collect())
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
        if let Err(errors) = next.read_front_matter(&page.id, &page.front, &page.body) {
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
    conn: &mut Connection,
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
    for page in pages {
        let read = next
            .read_front_matter(&page.id, &page.front, &page.body)
            .map_err(|e| anyhow!("page {} under the new model: {e:?}", page.id))?;
        inputs.push(PageInput {
            page: read,
            id: page.id,
            file: page.file,
            source: None,
        });
    }
    import_pages(
        conn,
        (&current.model, &Arc::new(next.clone())),
        &inputs,
        author,
        false,
    )
    .await?;
    Ok(Ok(version))
}
