//! The history of a section: its revisions, one of them, restoring one (the landing page's
//! sections also under `/sections/{id}`).

use actix_web::{HttpRequest, HttpResponse, get, post, web};
use serde::Serialize;
use utoipa::ToSchema;

use super::query::{HistoryQuery, next_page, private};
use crate::content::history;
use crate::content::read::stored::LANDING;
use crate::content::write::Target;
use crate::http::auth::{Editor, Reader};
use crate::http::error::{ApiError, Result};
use crate::http::responses;
use crate::http::responses::InChangeSet;
use crate::http::routes::page_ids::{PAGE_ID, PageIdSchema};
use crate::http::routes::sections::{SECTION_ID, no_section};
use crate::http::routes::writes::{precondition, section_url, writer, written};
use crate::http::schemas::SectionContentSchema;
use crate::http::state::App;
use crate::model::{SectionContent, Timestamp};

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

impl From<history::Summary> for RevisionSummary {
    fn from(s: history::Summary) -> Self {
        Self {
            revision: s.revision,
            created_at: s.created_at,
            author: s.author,
        }
    }
}

pub(super) async fn section_history(
    app: &App,
    page: &str,
    id: &str,
    query: &HistoryQuery,
    url: &str,
) -> Result<HttpResponse> {
    let (limit, before) = query.bounds()?;
    let revisions = history::section_revisions(&app.store, page, id, before, limit).await?;
    let mut response = HttpResponse::Ok();
    let last = revisions.last().map(|r| r.revision);
    next_page(&mut response, url, query, revisions.len(), last);
    let revisions = revisions.into_iter().map(RevisionSummary::from).collect();
    Ok(private(response.json(RevisionList { revisions })))
}

/// Revision `revision` of section `id` of page `page`, or `404`.
pub(super) async fn section_revision(
    app: &App,
    page: &str,
    id: &str,
    revision: i64,
) -> Result<Revision> {
    let model = app.read.load().model().clone();
    let found = history::section_revision(&app.store, &model, page, id, revision).await?;
    Ok(Revision {
        revision: found.summary.revision,
        created_at: found.summary.created_at,
        author: found.summary.author,
        content: found.content,
    })
}

pub(super) async fn restore_section(
    editor: Editor,
    req: HttpRequest,
    app: App,
    page: &str,
    id: &str,
    revision: i64,
    landing_alias: bool,
) -> Result<HttpResponse> {
    let target = Target::Section(id);
    let site = app.read.load_full();
    if crate::http::routes::page_ids::live_page(&site, page)?
        .section(id)
        .is_none()
    {
        return Err(no_section(id));
    }
    // Revisions never change once written, so this read needs no transaction with the write.
    let content = section_revision(&app, page, id, revision).await?.content;
    let precondition = precondition(&req, &app, page, target).await?;
    let snapshot = writer(&app, &req)?
        .write(page, target, &precondition, &editor.0.name, |_, stored| {
            let mut next = stored.page.clone();
            next.replace_section(id, content.clone());
            Ok::<_, ApiError>(next)
        })
        .await?;
    written(&req, &snapshot, id, &section_url(page, id, landing_alias))
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
        responses::HistoryProblems,
    )
)]
#[get("/sections/{id}/revisions")]
pub(super) async fn list_revisions(
    _reader: Reader,
    id: web::Path<String>,
    query: web::Query<HistoryQuery>,
    app: App,
) -> Result<HttpResponse> {
    section_history(&app, LANDING, &id, &query, &format!("/sections/{id}")).await
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
        responses::HistoryProblems,
    )
)]
#[get("/sections/{id}/revisions/{revision}")]
pub(super) async fn get_revision(
    _reader: Reader,
    path: web::Path<(String, i64)>,
    app: App,
) -> Result<HttpResponse> {
    let (id, revision) = path.into_inner();
    let revision = section_revision(&app, LANDING, &id, revision).await?;
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
        responses::WriteHeaders,
        InChangeSet,
    ),
    security(("bearer" = [])),
    responses(responses::WriteResponses),
)]
#[post("/sections/{id}/revisions/{revision}/restore")]
pub(super) async fn restore_revision(
    editor: Editor,
    req: HttpRequest,
    path: web::Path<(String, i64)>,
    app: App,
) -> Result<HttpResponse> {
    let (id, revision) = path.into_inner();
    restore_section(editor, req, app, LANDING, &id, revision, true).await
}

/// List a page section's revisions
///
/// As `GET /sections/{id}/revisions`, on any page (also for a section since removed from it).
#[utoipa::path(
    tag = "history",
    operation_id = "list_page_section_revisions",
    params(
        ("id" = inline(PageIdSchema), Path, description = PAGE_ID),
        ("section" = String, Path, description = SECTION_ID),
        HistoryQuery,
    ),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Revisions, newest first", body = RevisionList, headers(
            ("Link" = String, description = "`rel=\"next\"`: the next page, when there is one"),
            ("Cache-Control" = String, description = "`private, no-store`"))),
        responses::HistoryProblems,
    )
)]
#[get("/pages/{id:.+}/sections/{section}/revisions")]
pub(super) async fn list_page_section_revisions(
    _reader: Reader,
    path: web::Path<(String, String)>,
    query: web::Query<HistoryQuery>,
    app: App,
) -> Result<HttpResponse> {
    let (page, id) = path.into_inner();
    let url = section_url(&page, &id, false);
    section_history(&app, &page, &id, &query, &url).await
}

/// Get one revision of a page section
///
/// As `GET /sections/{id}/revisions/{revision}`, on any page.
#[utoipa::path(
    tag = "history",
    operation_id = "get_page_section_revision",
    params(
        ("id" = inline(PageIdSchema), Path, description = PAGE_ID),
        ("section" = String, Path, description = SECTION_ID),
        ("revision" = i64, Path, minimum = 1, description = "The revision's number"),
    ),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The revision", body = Revision, headers(
            ("Cache-Control" = String, description = "`private, no-store`"))),
        responses::HistoryProblems,
    )
)]
#[get("/pages/{id:.+}/sections/{section}/revisions/{revision}")]
pub(super) async fn get_page_section_revision(
    _reader: Reader,
    path: web::Path<(String, String, i64)>,
    app: App,
) -> Result<HttpResponse> {
    let (page, id, revision) = path.into_inner();
    let revision = section_revision(&app, &page, &id, revision).await?;
    Ok(private(HttpResponse::Ok().json(revision)))
}

/// Restore a revision of a page section
///
/// As `POST /sections/{id}/revisions/{revision}/restore`, on any page.
#[utoipa::path(
    tag = "history",
    operation_id = "restore_page_section_revision",
    params(
        ("id" = inline(PageIdSchema), Path, description = PAGE_ID),
        ("section" = String, Path, description = SECTION_ID),
        ("revision" = i64, Path, minimum = 1, description = "The revision to restore"),
        responses::WriteHeaders,
        InChangeSet,
    ),
    security(("bearer" = [])),
    responses(responses::WriteResponses),
)]
#[post("/pages/{id:.+}/sections/{section}/revisions/{revision}/restore")]
pub(super) async fn restore_page_section_revision(
    editor: Editor,
    req: HttpRequest,
    path: web::Path<(String, String, i64)>,
    app: App,
) -> Result<HttpResponse> {
    let (page, id, revision) = path.into_inner();
    restore_section(editor, req, app, &page, &id, revision, false).await
}
