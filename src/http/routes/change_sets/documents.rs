//! A change set as the API shows it: each page it touches, what it does to it, field by field,
//! and where it conflicts with live.

use actix_web::HttpResponse;
use actix_web::http::header;
use serde::Serialize;
use utoipa::ToSchema;

use crate::content::change_sets::deploy::DeployStatus;
use crate::content::change_sets::listing::{self, PublishedRow};
use crate::content::change_sets::{ChangeSet, State};
use crate::http::error::Result;
use crate::http::state::App;
use crate::model::Timestamp;
use crate::model::merge::{self, FieldChange};

/// What a change set does to a page.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// The page is not part of the site; the change set creates it.
    Create,
    /// The change set changes the page.
    Edit,
    /// The change set deletes the page.
    Delete,
}

/// A page a change set touches.
#[derive(Debug, Serialize, ToSchema)]
pub struct ChangeSetPage {
    /// The page's id.
    id: String,
    /// Its file under `content/`.
    path: String,
    action: Action,
    /// The live page revision the change set took its copy from (absent for a page it creates).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false, minimum = 1)]
    base_revision: Option<i64>,
    /// Once published: the page revision it became.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false, minimum = 1)]
    revision: Option<i64>,
    /// What publishing now would change, field by field: the value live has and the one the
    /// change set has (once published: what it changed then, from its copy).
    changes: Vec<FieldChange>,
    /// Fields both the change set and live changed since it took its copy, to different
    /// values: publishing is refused (`409`) until none are left.
    conflicts: Vec<FieldChange>,
}

/// A change set.
#[derive(Debug, Serialize, ToSchema)]
pub struct ChangeSetDocument {
    #[schema(minimum = 1)]
    id: i64,
    name: String,
    state: State,
    created_by: String,
    created_at: Timestamp,
    /// When it is scheduled to be published.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    publish_at: Option<Timestamp>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    published_at: Option<Timestamp>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    published_by: Option<String>,
    /// Who scheduled it.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    scheduled_by: Option<String>,
    /// Published by the scheduler: how many milliseconds after `publish_at` (a server that was
    /// not running at that time publishes it when it next starts).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false, minimum = 0)]
    published_late_ms: Option<i64>,
    /// Why its last scheduled publish was refused (conflicts, a page that would not be valid);
    /// the schedule was cleared, and the change set stays open.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    schedule_error: Option<String>,
    /// Once published: whether a build of the site with it is live, as builds reported it
    /// (`POST /changesets/{id}/deploys`); `unknown` if none did in time, never `live` unless one
    /// said so.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    deploy: Option<DeployStatus>,
    /// The pages it touches, by id.
    pages: Vec<ChangeSetPage>,
}

/// Change set `id` as the API shows it: an open one from memory, against live now; any other
/// from the database, with the page revisions it published.
pub(super) async fn answer(
    app: &App,
    id: i64,
    cache_control: &'static str,
) -> Result<HttpResponse> {
    let found = listing::find(&app.store, &app.read, id, app.deploy_report_timeout).await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, cache_control))
        .json(document(app, &found.set, &found.revisions, found.deploy)?))
}

/// The change set as the API shows it: an open one against live now; a published one as it
/// was published (`revisions`: the page revisions it became).
pub(super) fn document(
    app: &App,
    set: &ChangeSet,
    revisions: &[PublishedRow],
    deploy: Option<DeployStatus>,
) -> Result<ChangeSetDocument> {
    let site = app.read.load();
    let mut pages: Vec<ChangeSetPage> = set
        .pages
        .iter()
        .map(|draft| {
            let action = match (&draft.base, &draft.draft) {
                (None, _) => Action::Create,
                (Some(_), None) => Action::Delete,
                (Some(_), Some(_)) => Action::Edit,
            };
            let (changes, conflicts) = if set.state == State::Open {
                let live = site.page(&draft.page).map(|p| p.stored());
                let view = ChangeSet::page_view(draft, live);
                let live = live.map(|s| merge::to_value(&s.page));
                let changes = merge::changes(&draft.page, live.as_ref(), view.value.as_ref());
                (changes, view.conflicts)
            } else {
                let changes =
                    merge::changes(&draft.page, draft.base.as_ref(), draft.draft.as_ref());
                (changes, Vec::new())
            };
            ChangeSetPage {
                id: draft.page.clone(),
                path: draft.file.clone(),
                action,
                base_revision: draft.base_revision,
                revision: revisions
                    .iter()
                    .find(|r| r.page_id == draft.page)
                    .map(|r| r.revision),
                changes,
                conflicts,
            }
        })
        .collect();
    // A live write's change set holds no copies: its pages are the revisions it published.
    for row in revisions {
        if pages.iter().any(|p| p.id == row.page_id) {
            continue;
        }
        let changes: Vec<String> = serde_json::from_str(&row.changes).unwrap_or_default();
        let action = if row.deleted {
            Action::Delete
        } else if changes.iter().any(|c| c == "created") {
            Action::Create
        } else {
            Action::Edit
        };
        pages.push(ChangeSetPage {
            id: row.page_id.clone(),
            path: site
                .page(&row.page_id)
                .map(|p| p.stored().file.to_string())
                .unwrap_or_default(),
            action,
            base_revision: (!matches!(action, Action::Create)).then(|| row.revision - 1),
            revision: Some(row.revision),
            changes: Vec::new(),
            conflicts: Vec::new(),
        });
    }
    pages.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(ChangeSetDocument {
        id: set.id,
        name: set.name.clone(),
        state: set.state,
        created_by: set.created_by.clone(),
        created_at: set.created_at,
        publish_at: set.publish_at,
        published_at: set.published_at,
        published_by: set.published_by.clone(),
        scheduled_by: set.scheduled_by.clone(),
        published_late_ms: set.published_late_ms,
        schedule_error: set.schedule_error.clone(),
        deploy,
        pages,
    })
}
