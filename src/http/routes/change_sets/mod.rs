//! Change sets: `POST /changesets` makes one; any write of content with `?changeset={id}` goes
//! into it instead of live, any read with it shows the change set's view of the site; `GET
//! /changesets/{id}` shows what it changes against live, field by field, and where it conflicts;
//! `POST /changesets/{id}/publish` makes all of it live at once; `…/discard` drops it.

pub mod documents;

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, delete, get, post, put, web};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::content::change_sets::deploy::{self, BuildState, NewReport};
use crate::content::change_sets::listing::{self, Listed};
use crate::content::change_sets::{NAME_MAX, State};
use crate::content::write::Writer;
use crate::http::auth::{Deployer, Editor, Previewer};
use crate::http::error::{ApiError, Result};
use crate::http::responses::change_sets::{
    CreatedResponses, DeployResponses, DiscardResponses, ListResponses, PublishResponses,
    ReadResponses, ScheduleResponses, UnscheduleResponses,
};
use crate::http::routes::body::{read_json, typed};
use crate::http::routes::writes::located;
use crate::http::state::App;
use crate::model::{FieldError, Timestamp};

use documents::{answer, document};

/// A new change set.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewChangeSet {
    /// What it is for, as editors will recognise it: 1 to 200 characters, not all blank, no
    /// control characters.
    #[schema(
        min_length = 1,
        max_length = 200,
        pattern = "^[^\\u0000-\\u001f\\u007f-\\u009f]*[^\\s\\u0000-\\u001f\\u007f-\\u009f][^\\u0000-\\u001f\\u007f-\\u009f]*$",
        examples("Spring release")
    )]
    name: String,
}

/// A change set in a list.
#[derive(Debug, Serialize, ToSchema)]
pub struct ChangeSetSummary {
    #[schema(minimum = 1)]
    id: i64,
    name: String,
    state: State,
    created_by: String,
    created_at: Timestamp,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    publish_at: Option<Timestamp>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    published_at: Option<Timestamp>,
    /// Once published: where its deploy stands (`deploy.state` of the change set).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    deploy_state: Option<BuildState>,
}

/// Change sets, newest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct ChangeSetList {
    change_sets: Vec<ChangeSetSummary>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ChangeSetListQuery {
    /// How many to list (1 to 100; 20 if absent).
    #[param(minimum = 1, maximum = 100)]
    limit: Option<i64>,
    /// List those older than this change set (the `Link: rel="next"` of the page before).
    #[param(minimum = 1)]
    before: Option<i64>,
}

const CHANGE_SET_ID: &str = "The change set's id, as `POST /changesets` answered it";

/// Create a change set
///
/// A place for edits that are not live yet. Send any write of content with `?changeset={id}` to
/// make it there instead of live (the same validation, the same `If-Match` rules, against the
/// change set's view); read anything with `?changeset={id}` (a `preview` or `write` token) to see
/// the site as publishing it would make it. Needs the `write` scope.
#[utoipa::path(
    tag = "change sets",
    operation_id = "create_change_set",
    request_body(content = NewChangeSet, content_type = "application/json"),
    security(("bearer" = [])),
    responses(CreatedResponses),
)]
#[post("/changesets")]
async fn create_change_set(
    editor: Editor,
    req: HttpRequest,
    body: web::Payload,
    app: App,
) -> Result<HttpResponse> {
    let body = read_json(&req, body, "application/json", &app.http).await?;
    let input: NewChangeSet = typed(body, "a new change set")?;
    let name = input.name.as_str();
    if name.trim().is_empty()
        || name.chars().count() > NAME_MAX
        || name.chars().any(char::is_control)
    {
        return Err(ApiError::InvalidFields(vec![FieldError {
            pointer: "/name".to_owned(),
            detail: "must be 1 to 200 characters, not all blank, without control characters"
                .to_owned(),
        }]));
    }
    let set = writer(&app).create_change_set(name, &editor.0.name).await?;
    let document = document(&app, &set, &[], None)?;
    let response = HttpResponse::Created()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(document);
    Ok(located(
        response,
        header::LOCATION,
        &format!("/changesets/{}", set.id),
    ))
}

/// List change sets
///
/// Newest first, open, published and discarded alike (not the change sets of live writes).
/// Needs the `preview` or `write` scope.
#[utoipa::path(
    tag = "change sets",
    operation_id = "list_change_sets",
    params(ChangeSetListQuery),
    security(("bearer" = [])),
    responses(ListResponses),
)]
#[get("/changesets")]
async fn list_change_sets(
    _reader: Previewer,
    query: web::Query<ChangeSetListQuery>,
    app: App,
) -> Result<HttpResponse> {
    let limit = super::limit(query.limit, 20, 100)?;
    if query.before.is_some_and(|before| before < 1) {
        return Err(ApiError::BadRequest(
            "before must be a change set's id (1 or more)".to_owned(),
        ));
    }
    let before = query.before.unwrap_or(i64::MAX);
    let listed = listing::list(&app.store, before, limit, app.deploy_report_timeout).await?;
    let mut response = HttpResponse::Ok();
    response.insert_header((header::CACHE_CONTROL, "private, no-cache"));
    if listed.len() as i64 == limit
        && let Some(last) = listed.last()
    {
        response.insert_header((
            header::LINK,
            format!(
                "</changesets?limit={limit}&before={}>; rel=\"next\"",
                last.row.id
            ),
        ));
    }
    let time = |t: &str| Timestamp::parse(t).map_err(|e| ApiError::Internal(e.into()));
    let change_sets = listed
        .into_iter()
        .map(|Listed { row, deploy_state }| {
            let summary = ChangeSetSummary {
                deploy_state,
                id: row.id,
                name: row.name,
                state: State::parse(&row.state)?,
                created_by: row.created_by,
                created_at: time(&row.created_at)?,
                publish_at: row.publish_at.as_deref().map(time).transpose()?,
                published_at: row.published_at.as_deref().map(time).transpose()?,
            };
            Ok(summary)
        })
        .collect::<Result<_>>()?;
    Ok(response.json(ChangeSetList { change_sets }))
}

/// Get a change set
///
/// What it changes against live, page by page and field by field, and where it conflicts with
/// what changed live since it took its copy. Needs the `preview` or `write` scope.
#[utoipa::path(
    tag = "change sets",
    operation_id = "get_change_set",
    params(("id" = i64, Path, description = CHANGE_SET_ID, minimum = 1)),
    security(("bearer" = [])),
    responses(ReadResponses),
)]
#[get("/changesets/{id}")]
async fn get_change_set(_reader: Previewer, id: web::Path<i64>, app: App) -> Result<HttpResponse> {
    answer(&app, id.into_inner(), "private, no-cache").await
}

/// Publish a change set
///
/// In one transaction, every page it touches becomes what it makes of it, merged with what
/// changed live since it took its copy (fields only one side changed take that side's value),
/// each as a page revision that names the change set. Fields both changed to different values
/// refuse the publish (`409`, `conflicts` has one entry per field, with the three values); so
/// do pages that would not be valid (`422`), and a change set with no changes (`409`: there is
/// nothing to publish). Nothing changes unless everything does. Needs the `write` scope.
#[utoipa::path(
    tag = "change sets",
    operation_id = "publish_change_set",
    params(("id" = i64, Path, description = CHANGE_SET_ID, minimum = 1)),
    security(("bearer" = [])),
    responses(PublishResponses),
)]
#[post("/changesets/{id}/publish")]
async fn publish_change_set(editor: Editor, id: web::Path<i64>, app: App) -> Result<HttpResponse> {
    let id = id.into_inner();
    writer(&app).publish(id, &editor.0.name).await?;
    answer(&app, id, "no-store").await
}

/// When a change set is to be published.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Schedule {
    /// An RFC 3339 time with its offset (`2026-12-24T09:00:00+01:00`), in the future; stored
    /// and shown in UTC, to the second.
    #[schema(format = DateTime, examples("2026-12-24T08:00:00Z"))]
    publish_at: String,
}

/// Schedule a change set
///
/// The server publishes it at `publish_at` (within its scheduler's interval, a second by
/// default), exactly once however many servers share the database, as `POST …/publish` would:
/// a refused publish (conflicts, an invalid page) clears the schedule and shows why in
/// `schedule_error`. A time that passed while no server ran is published when one next starts,
/// and `published_late_ms` says how late. Sending it again reschedules. Needs the `write` scope.
#[utoipa::path(
    tag = "change sets",
    operation_id = "schedule_change_set",
    params(("id" = i64, Path, description = CHANGE_SET_ID, minimum = 1)),
    request_body(content = Schedule, content_type = "application/json"),
    security(("bearer" = [])),
    responses(ScheduleResponses),
)]
#[put("/changesets/{id}/schedule")]
async fn schedule_change_set(
    editor: Editor,
    req: HttpRequest,
    id: web::Path<i64>,
    body: web::Payload,
    app: App,
) -> Result<HttpResponse> {
    let id = id.into_inner();
    let body = read_json(&req, body, "application/json", &app.http).await?;
    let input: Schedule = typed(body, "a schedule")?;
    let invalid = |detail: &str| {
        ApiError::InvalidFields(vec![FieldError {
            pointer: "/publish_at".to_owned(),
            detail: detail.to_owned(),
        }])
    };
    let at = Timestamp::parse(&input.publish_at).map_err(|_| {
        invalid("must be an RFC 3339 time with its offset, such as 2026-12-24T08:00:00Z")
    })?;
    if at <= Timestamp::now() {
        return Err(invalid(
            "is not in the future: publish it now instead (POST …/publish)",
        ));
    }
    writer(&app).schedule(id, Some(at), &editor.0.name).await?;
    answer(&app, id, "no-store").await
}

/// Unschedule a change set
///
/// It stays open, to be published by hand or scheduled again. Needs the `write` scope.
#[utoipa::path(
    tag = "change sets",
    operation_id = "unschedule_change_set",
    params(("id" = i64, Path, description = CHANGE_SET_ID, minimum = 1)),
    security(("bearer" = [])),
    responses(UnscheduleResponses),
)]
#[delete("/changesets/{id}/schedule")]
async fn unschedule_change_set(
    editor: Editor,
    id: web::Path<i64>,
    app: App,
) -> Result<HttpResponse> {
    let id = id.into_inner();
    writer(&app).schedule(id, None, &editor.0.name).await?;
    answer(&app, id, "no-store").await
}

/// Discard a change set
///
/// Nothing of it is published; it stays listed, and readable, as discarded (so this is a
/// `POST` to the change set's `discard`, not a `DELETE` of it). Needs the `write` scope.
#[utoipa::path(
    tag = "change sets",
    operation_id = "discard_change_set",
    params(("id" = i64, Path, description = CHANGE_SET_ID, minimum = 1)),
    security(("bearer" = [])),
    responses(DiscardResponses),
)]
#[post("/changesets/{id}/discard")]
async fn discard_change_set(editor: Editor, id: web::Path<i64>, app: App) -> Result<HttpResponse> {
    writer(&app)
        .discard(id.into_inner(), &editor.0.name)
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Report on a deploy
///
/// For the build of the site a webhook delivery triggered (a CI job): it reports on each change
/// set the delivery announced (`data.publishes[].change_set`) as it goes, `queued`, `building`,
/// then `live` or `failed`, with a link to its log. The change set shows the newest report in
/// `deploy` (a rerun's reports simply follow); if no report follows its publish, or one that is
/// not final, within the server's `--deploy-report-timeout-ms` (30 minutes by default), it shows
/// `unknown`, never `live`. Needs the `deploy` scope (and only a `deploy` token has it).
#[utoipa::path(
    tag = "change sets",
    operation_id = "report_deploy",
    params(("id" = i64, Path, description = CHANGE_SET_ID, minimum = 1)),
    request_body(content = NewReport, content_type = "application/json"),
    security(("bearer" = [])),
    responses(DeployResponses),
)]
#[post("/changesets/{id}/deploys")]
async fn report_deploy(
    build: Deployer,
    req: HttpRequest,
    id: web::Path<i64>,
    body: web::Payload,
    app: App,
) -> Result<HttpResponse> {
    let body = read_json(&req, body, "application/json", &app.http).await?;
    let report = typed::<NewReport>(body, "a deploy report")?
        .validate()
        .map_err(ApiError::InvalidFields)?;
    let status = deploy::report(
        &app.store,
        &app.metrics,
        id.into_inner(),
        report,
        &build.0.name,
        app.deploy_report_timeout,
    )
    .await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(status))
}

/// A writer for change sets themselves (not into one).
fn writer(app: &App) -> Writer<'_> {
    Writer {
        store: &app.store,
        read: &app.read,
        metrics: &app.metrics,
        into: crate::content::write::Destination::Live,
    }
}

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(create_change_set)
        .service(list_change_sets)
        .service(get_change_set)
        .service(publish_change_set)
        .service(schedule_change_set)
        .service(unschedule_change_set)
        .service(discard_change_set)
        .service(report_deploy);
}
