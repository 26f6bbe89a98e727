//! Change sets: edits kept apart from what is live until they are published together. A change
//! set holds, per page it touches, the page as it was live when it took its copy (`base`) and the
//! page as it has it (`draft`); its view of a page is the three-way merge of base, live and
//! draft (`model::merge`), so that what an editor previews is what publishing would make, and
//! live edits to other fields meanwhile are not lost.
//!
//! The open change sets are held in memory with the read model: a preview read builds the view
//! of the site once per change of the change set or of the live site, never per request.

pub mod deploy;
pub mod listing;
pub mod preview;
pub mod schedule;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use anyhow::Context;
use arc_swap::ArcSwap;
use serde_json::Value;

use crate::content::read::site::Site;
use crate::content::read::snapshot::PageSnapshot;
use crate::content::read::stored::{Stored, Version};
use crate::model::merge::{self, FieldChange};
use crate::model::{Model, Page, Timestamp};
use crate::storage;
use crate::storage::Connection;

/// The longest name a change set may have, in characters (the database holds it to this too).
pub const NAME_MAX: usize = 200;

/// Where a change set is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum State {
    /// Being edited; scheduled if it has a time to be published at.
    Open,
    /// Published: its changes are live, each as a page revision that names it.
    Published,
    /// Discarded: nothing of it was published.
    Discarded,
}

impl State {
    pub fn parse(text: &str) -> anyhow::Result<Self> {
        match text {
            "open" => Ok(Self::Open),
            "published" => Ok(Self::Published),
            "discarded" => Ok(Self::Discarded),
            other => anyhow::bail!("a stored change set is in no known state ({other:?})"),
        }
    }
}

/// What a change set makes of one page.
#[derive(Debug, Clone, PartialEq)]
pub struct Draft {
    pub page: String,
    pub file: String,
    /// The live page revision the copy was taken from (`None`: the page was not part of the
    /// site then).
    pub base_revision: Option<i64>,
    /// The page then, as `merge::to_value` has it.
    pub base: Option<Value>,
    /// The page as the change set has it (`None`: it deletes the page).
    pub draft: Option<Value>,
    pub updated_by: String,
    pub updated_at: Timestamp,
    /// The file's text, for a page it creates in a front-matter format of its own.
    pub source: Option<String>,
}

/// A change set as stored, with what it makes of each page it touches (by page id).
#[derive(Debug, Clone, PartialEq)]
pub struct ChangeSet {
    pub id: i64,
    pub name: String,
    pub created_by: String,
    pub created_at: Timestamp,
    pub state: State,
    pub publish_at: Option<Timestamp>,
    pub published_at: Option<Timestamp>,
    pub published_by: Option<String>,
    /// Who scheduled it (the author of a scheduled publish's revisions).
    pub scheduled_by: Option<String>,
    /// How late the scheduler published it, in ms after `publish_at`.
    pub published_late_ms: Option<i64>,
    /// Why its last scheduled publish was refused (the schedule is cleared then).
    pub schedule_error: Option<String>,
    /// Counts its changes: what its views are rebuilt by.
    pub version: i64,
    pub pages: Vec<Draft>,
}

/// One page's view in a change set: the page as publishing would make it (`None`: deleted),
/// and the fields where live and the change set both changed it.
pub struct PageView {
    pub value: Option<Value>,
    pub conflicts: Vec<FieldChange>,
}

impl ChangeSet {
    /// Change set `id` from the database inside the caller's transaction, if there is one.
    pub async fn load(conn: &mut Connection, id: i64) -> anyhow::Result<Option<Self>> {
        let Some(row) = storage::change_sets::get(conn, id).await? else {
            return Ok(None);
        };
        let pages = storage::change_sets::pages(conn, id).await?;
        Self::of(row, pages).map(Some)
    }

    /// Every open change set.
    pub async fn load_open(conn: &mut Connection) -> anyhow::Result<Vec<Self>> {
        let mut sets = Vec::new();
        for row in storage::change_sets::open(conn).await? {
            let pages = storage::change_sets::pages(conn, row.id).await?;
            sets.push(Self::of(row, pages)?);
        }
        Ok(sets)
    }

    fn of(
        row: storage::change_sets::ChangeSetRow,
        pages: Vec<storage::change_sets::PageRow>,
    ) -> anyhow::Result<Self> {
        let time = |text: &str| {
            Timestamp::parse(text).with_context(|| format!("stored time {text:?} is not RFC 3339"))
        };
        let json = |text: Option<String>| -> anyhow::Result<Option<Value>> {
            text.map(|t| serde_json::from_str(&t).context("a stored draft is not JSON"))
                .transpose()
        };
        let pages = pages
            .into_iter()
            .map(|p| {
                Ok(Draft {
                    page: p.page_id,
                    file: p.file,
                    base_revision: p.base_revision,
                    base: json(p.base)?,
                    draft: json(p.draft)?,
                    updated_by: p.updated_by,
                    updated_at: time(&p.updated_at)?,
                    source: p.source,
                })
            })
            .collect::<anyhow::Result<_>>()
            .with_context(|| format!("change set {}", row.id))?;
        Ok(Self {
            id: row.id,
            name: row.name,
            created_by: row.created_by,
            created_at: time(&row.created_at)?,
            state: State::parse(&row.state)?,
            publish_at: row.publish_at.as_deref().map(time).transpose()?,
            published_at: row.published_at.as_deref().map(time).transpose()?,
            published_by: row.published_by,
            scheduled_by: row.scheduled_by,
            published_late_ms: row.published_late_ms,
            schedule_error: row.schedule_error,
            version: row.version,
            pages,
        })
    }

    pub fn draft(&self, page: &str) -> Option<&Draft> {
        self.pages.iter().find(|d| d.page == page)
    }

    /// What the change set makes of page `draft.page` on top of `live`.
    pub fn page_view(draft: &Draft, live: Option<&Stored>) -> PageView {
        let live = live.map(|s| merge::to_value(&s.page));
        let (value, conflicts) = merge::merge(
            &draft.page,
            draft.base.as_ref(),
            live.as_ref(),
            draft.draft.as_ref(),
        );
        PageView { value, conflicts }
    }

    /// The site as it would be with this change set published now (where live and the change
    /// set changed the same field, the change set's value).
    pub fn view(&self, live: &Site) -> anyhow::Result<Option<Site>> {
        let mut site: Option<Site> = None;
        for draft in &self.pages {
            let base = site.as_ref().unwrap_or(live);
            let served = live.page(&draft.page);
            let view = Self::page_view(draft, served.map(|p| p.stored()));
            let page = match view.value {
                None => None,
                Some(value) => {
                    let page = merge::from_value(live.model(), &value).map_err(|e| {
                        anyhow::anyhow!(
                            "change set {}'s page {} is not valid under the model: {:?}",
                            self.id,
                            draft.page,
                            e.into_vec()
                        )
                    })?;
                    Some(view_snapshot(live.model(), draft, served, page))
                }
            };
            site = Some(base.with_page(&draft.page, page)?);
        }
        Ok(site)
    }
}

/// The snapshot of `page` as a change set shows it: sections unchanged from live keep their
/// revisions; what changed shows the revision it would get, and the change set's time.
pub fn view_snapshot(
    model: &Arc<Model>,
    draft: &Draft,
    served: Option<&Arc<PageSnapshot>>,
    page: Page,
) -> Arc<PageSnapshot> {
    match served {
        Some(live) if live.stored().page == page => live.clone(),
        Some(live) => {
            let stored = live.stored();
            let versions = page
                .sections()
                .iter()
                .map(|s| match (stored.section(&s.id), stored.version(&s.id)) {
                    (Some(content), Some(version)) if *content == s.content => version,
                    (_, version) => Version {
                        revision: version.map_or(1, |v| v.revision + 1),
                        updated_at: draft.updated_at,
                    },
                })
                .collect();
            Arc::new(live.next(Stored {
                id: stored.id.clone(),
                file: stored.file.clone(),
                page,
                revision: stored.revision + 1,
                page_updated_at: draft.updated_at,
                versions,
                source: stored.source.clone(),
            }))
        }
        None => {
            let versions = vec![
                Version {
                    revision: 1,
                    updated_at: draft.updated_at,
                };
                page.sections().len()
            ];
            Arc::new(PageSnapshot::build(
                model.clone(),
                Stored {
                    id: Arc::from(draft.page.as_str()),
                    file: Arc::from(draft.file.as_str()),
                    page,
                    revision: 1,
                    page_updated_at: draft.updated_at,
                    versions,
                    source: draft
                        .source
                        .as_deref()
                        .map(|s| Arc::from(crate::hugo::head(s))),
                },
            ))
        }
    }
}

/// A change set's view of the site: the live site and change set version it was made from, and
/// the view.
type CachedView = (Arc<Site>, i64, Arc<Site>);

/// The open change sets, and the views of the site made for them so far.
#[derive(Default)]
pub struct ChangeSets {
    open: ArcSwap<HashMap<i64, Arc<ChangeSet>>>,
    /// By change set: the live site and change set version it was made from, and the view.
    views: Mutex<HashMap<i64, CachedView>>,
}

impl ChangeSets {
    pub fn new(open: Vec<ChangeSet>) -> Self {
        let open = open.into_iter().map(|c| (c.id, Arc::new(c))).collect();
        Self {
            open: ArcSwap::from_pointee(open),
            views: Mutex::default(),
        }
    }

    /// Open change set `id`.
    pub fn get(&self, id: i64) -> Option<Arc<ChangeSet>> {
        self.open.load().get(&id).cloned()
    }

    /// Every open change set, by id.
    pub fn all(&self) -> Vec<Arc<ChangeSet>> {
        let mut all: Vec<_> = self.open.load().values().cloned().collect();
        all.sort_by_key(|c| c.id);
        all
    }

    /// Holds these change sets, and only these (after a reload of everything).
    pub fn replace(&self, open: Vec<ChangeSet>) {
        let open = open.into_iter().map(|c| (c.id, Arc::new(c))).collect();
        self.open.store(Arc::new(open));
        self.views.lock().unwrap_or_else(|e| e.into_inner()).clear();
    }

    /// Holds `set` as it now is (an open one), or forgets it (published, discarded).
    pub fn put(&self, id: i64, set: Option<ChangeSet>) {
        let mut open = HashMap::clone(&self.open.load());
        match set.filter(|s| s.state == State::Open) {
            Some(set) => open.insert(id, Arc::new(set)),
            None => open.remove(&id),
        };
        self.open.store(Arc::new(open));
        self.views
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(&id);
    }

    /// The site as open change set `id` would make it on top of `live`; made once per version of
    /// either.
    pub fn view(&self, id: i64, live: &Arc<Site>) -> anyhow::Result<Option<Arc<Site>>> {
        let Some(set) = self.get(id) else {
            return Ok(None);
        };
        let lock = || self.views.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((from, version, view)) = lock().get(&id)
            && Arc::ptr_eq(from, live)
            && *version == set.version
        {
            return Ok(Some(view.clone()));
        }
        let view = Self::view_of(&set, live)?;
        lock().insert(id, (live.clone(), set.version, view.clone()));
        Ok(Some(view))
    }

    /// The site as `set` would make it on top of `live`.
    pub fn view_of(set: &ChangeSet, live: &Arc<Site>) -> anyhow::Result<Arc<Site>> {
        Ok(set.view(live)?.map_or_else(|| live.clone(), Arc::new))
    }
}
