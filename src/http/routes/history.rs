//! A section's history: every revision, newest first; any one of them; restoring one.

use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::content::store;
use crate::content::store::LANDING;
use crate::content::write;
use crate::http::auth::{Editor, Reader};
use crate::http::error::{ApiError, Result};
use crate::http::routes::sections::{SECTION_ID, no_section};
use crate::http::routes::writes::{precondition, written};
use crate::http::schemas::SectionContentSchema;
use crate::http::state::App;
use crate::model::{SectionContent, Timestamp};
use crate::storage::revisions::{self, RevisionRow};

/// The most revisions one page of history holds.
const MAX_LIMIT: i64 = 500;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct HistoryQuery {
    /// How many revisions to list (1 to 500).
    #[param(minimum = 1, maximum = 500, default = 50)]
    limit: Option<i64>,
    /// List only revisions older than this one (the `revision` of the last one seen).
    #[param(minimum = 1)]
    before: Option<i64>,
}

/// A revision without its content.
#[derive(Debug, Serialize, ToSchema)]
pub struct RevisionSummary {
    #[schema(minimum = 1)]
    revision: i64,
    created_at: Timestamp,
    /// The name of the token that wrote it; `seed` for the seeded content, `import` for imports.
    #[schema(examples("seed"))]
    author: String,
}

/// One page of a section's history, newest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct RevisionList {
    revisions: Vec<RevisionSummary>,
}

/// A revision with its content, as a `PUT` body would carry it.
#[derive(Debug, Serialize, ToSchema)]
pub struct Revision {
    #[schema(minimum = 1)]
    revision: i64,
    created_at: Timestamp,
    #[schema(examples("seed"))]
    author: String,
    #[schema(value_type = SectionContentSchema)]
    content: SectionContent,
}

/// History is private to token holders and changes with every write.
fn private(mut response: HttpResponse) -> HttpResponse {
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    response
}

/// The section and the stored revision that a `/sections/{id}/revisions/{revision}` path
/// names, or `404`.
async fn find(
    app: &App,
    path: web::Path<(String, i64)>,
) -> Result<(String, SectionContent, RevisionRow)> {
    let (id, revision) = path.into_inner();
    let snapshot = app.read.load();
    let current = snapshot
        .stored()
        .section(&id)
        .ok_or_else(|| no_section(&id))?;
    let row = revisions::get(&mut *app.pool.acquire().await?, LANDING, &id, revision)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("section {id} has no revision {revision}")))?;
    let content = store::parse_content(snapshot.model(), current.type_name(), &row.content)?;
    Ok((id, content, row))
}

/// A stored time; one that does not parse is a bug, not a client error.
fn stored_time(text: &str) -> Result<Timestamp> {
    Ok(Timestamp::parse(text).map_err(anyhow::Error::from)?)
}

/// List a section's revisions
///
/// Newest first. Page with `before`: when more revisions exist, `Link: <…>; rel="next"` names
/// the next page. Needs a token of any scope.
#[utoipa::path(
    tag = "history",
    operation_id = "list_revisions",
    params(("id" = String, Path, description = SECTION_ID), HistoryQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Revisions, newest first", body = RevisionList, headers(
            ("Link" = String, description = "`rel=\"next\"`: the next page, when there is one"),
            ("Cache-Control" = String, description = "`private, no-store`"))),
        super::HistoryProblems,
    )
)]
#[get("/sections/{id}/revisions")]
async fn list_revisions(
    _reader: Reader,
    id: web::Path<String>,
    query: web::Query<HistoryQuery>,
    app: App,
) -> Result<HttpResponse> {
    let pool = &app.pool;
    if app.read.load().section(&id).is_none() {
        return Err(no_section(&id));
    }
    let limit = query.limit.unwrap_or(50);
    if !(1..=MAX_LIMIT).contains(&limit) || query.before.is_some_and(|b| b < 1) {
        return Err(ApiError::BadRequest(format!(
            "limit must be 1 to {MAX_LIMIT} and before at least 1"
        )));
    }
    let before = query.before.unwrap_or(i64::MAX);
    let rows = revisions::list(&mut *pool.acquire().await?, LANDING, &id, before, limit).await?;
    let mut response = HttpResponse::Ok();
    if let Some(last) = rows
        .last()
        .filter(|r| rows.len() as i64 == limit && r.revision > 1)
    {
        let next = format!(
            "</sections/{id}/revisions?limit={limit}&before={}>; rel=\"next\"",
            last.revision
        );
        response.insert_header((header::LINK, next));
    }
    let revisions = rows
        .into_iter()
        .map(|r| {
            Ok(RevisionSummary {
                revision: r.revision,
                created_at: stored_time(&r.created_at)?,
                author: r.author,
            })
        })
        .collect::<Result<_>>()?;
    Ok(private(response.json(RevisionList { revisions })))
}

/// Get one revision of a section
///
/// Its content is the section as a `PUT` body would carry it (with `type`). Needs a token of
/// any scope.
#[utoipa::path(
    tag = "history",
    operation_id = "get_revision",
    params(
        ("id" = String, Path, description = SECTION_ID),
        ("revision" = i64, Path, minimum = 1, description = "The revision's number"),
    ),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The revision", body = Revision, headers(
            ("Cache-Control" = String, description = "`private, no-store`"))),
        super::HistoryProblems,
    )
)]
#[get("/sections/{id}/revisions/{revision}")]
async fn get_revision(
    _reader: Reader,
    path: web::Path<(String, i64)>,
    app: App,
) -> Result<HttpResponse> {
    let (_, content, row) = find(&app, path).await?;
    let revision = Revision {
        revision: row.revision,
        created_at: stored_time(&row.created_at)?,
        content,
        author: row.author,
    };
    Ok(private(HttpResponse::Ok().json(revision)))
}

/// Restore a revision
///
/// Makes that revision's content current again, as a new revision (history only grows), and
/// answers like a `PUT`. No body. Needs the `write` scope and `If-Match`.
#[utoipa::path(
    tag = "history",
    operation_id = "restore_revision",
    params(
        ("id" = String, Path, description = SECTION_ID),
        ("revision" = i64, Path, minimum = 1, description = "The revision to restore"),
        super::WriteHeaders,
    ),
    security(("bearer" = [])),
    responses(super::WriteResponses),
)]
#[post("/sections/{id}/revisions/{revision}/restore")]
async fn restore_revision(
    editor: Editor,
    req: HttpRequest,
    path: web::Path<(String, i64)>,
    app: App,
) -> Result<HttpResponse> {
    // Revisions never change once written, so this read needs no transaction with the write.
    let (id, content, _) = find(&app, path).await?;
    let precondition = precondition(&req, &id, &app.read)?;
    let snapshot = write::write_section(
        &app.pool,
        &app.read,
        &app.metrics,
        &id,
        &precondition,
        &editor.0.name,
        |_, _| Ok::<_, ApiError>(content),
    )
    .await?;
    written(&req, &snapshot, &id)
}

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list_revisions)
        .service(get_revision)
        .service(restore_revision);
}
