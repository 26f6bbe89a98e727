//! History: every revision of a page (each change to it) and of each of its sections, newest
//! first; any one of them; restoring one. The landing page's sections also have theirs under
//! `/sections/{id}`.

use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use utoipa::{IntoParams, ToSchema};

use crate::content::history;
use crate::content::read::representation::IfMatch;
use crate::content::read::stored::LANDING;
use crate::content::write::Target;
use crate::http::auth::{Editor, Reader};
use crate::http::error::{ApiError, Result};
use crate::http::responses;
use crate::http::routes::page_ids::{PAGE_ID, page_path};
use crate::http::routes::sections::{SECTION_ID, no_section};
use crate::http::routes::writes::{located, precondition, section_url, writer, written};
use crate::http::schemas::SectionContentSchema;
use crate::http::state::App;
use crate::model::{Page, SectionContent, Timestamp};

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

impl HistoryQuery {
    fn bounds(&self) -> Result<(i64, i64)> {
        let limit = self.limit.unwrap_or(50);
        if !(1..=MAX_LIMIT).contains(&limit) || self.before.is_some_and(|b| b < 1) {
            return Err(ApiError::BadRequest(format!(
                "limit must be 1 to {MAX_LIMIT} and before at least 1"
            )));
        }
        Ok((limit, self.before.unwrap_or(i64::MAX)))
    }
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

/// A page revision without its content: what it changed.
#[derive(Debug, Serialize, ToSchema)]
pub struct PageRevisionSummary {
    #[schema(minimum = 1)]
    revision: i64,
    created_at: Timestamp,
    #[schema(examples("editor"))]
    author: String,
    /// What it changed: `created`, `deleted`, `restored`, `/page` (the metadata), `/body`,
    /// `/sections` (sections added, removed or moved), `/sections/{id}` (a section's content).
    #[schema(examples(json!(["/sections/teaser"])))]
    changes: Vec<String>,
    /// The change set that published it (a live write is a change set of one change); absent
    /// for revisions from an import, a seed, or before change sets.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false, minimum = 1)]
    change_set: Option<i64>,
}

/// One page of a page's history, newest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct PageRevisionList {
    revisions: Vec<PageRevisionSummary>,
}

/// A section of a page revision, at the revision it then had.
#[derive(Debug, Serialize, ToSchema)]
pub struct PageRevisionSection {
    id: String,
    #[schema(minimum = 1)]
    revision: i64,
    #[schema(value_type = SectionContentSchema)]
    content: SectionContent,
}

/// The page as it was at a revision.
#[derive(Debug, Serialize, ToSchema)]
pub struct PageRevision {
    #[schema(minimum = 1)]
    revision: i64,
    created_at: Timestamp,
    author: String,
    changes: Vec<String>,
    /// The change set that published it, as in the list of revisions.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false, minimum = 1)]
    change_set: Option<i64>,
    /// Whether the page was deleted at this revision.
    deleted: bool,
    /// Its metadata.
    #[schema(value_type = Object)]
    page: Map<String, Value>,
    sections: Vec<PageRevisionSection>,
    body: String,
}

/// History is private to token holders and changes with every write.
fn private(mut response: HttpResponse) -> HttpResponse {
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    response
}

/// `Link: <…>; rel="next"` for a page of the history of `url` that was full (`count` revisions,
/// the oldest `last`) and did not reach revision 1.
fn next_page(
    response: &mut actix_web::HttpResponseBuilder,
    url: &str,
    query: &HistoryQuery,
    count: usize,
    last: Option<i64>,
) {
    let limit = query.limit.unwrap_or(50);
    if let Some(last) = last.filter(|&last| count as i64 == limit && last > 1) {
        let next = format!("<{url}/revisions?limit={limit}&before={last}>; rel=\"next\"");
        response.insert_header((header::LINK, next));
    }
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

impl From<history::PageSummary> for PageRevisionSummary {
    fn from(s: history::PageSummary) -> Self {
        Self {
            revision: s.summary.revision,
            created_at: s.summary.created_at,
            author: s.summary.author,
            changes: s.changes,
            change_set: s.change_set,
        }
    }
}

async fn section_history(
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
async fn section_revision(app: &App, page: &str, id: &str, revision: i64) -> Result<Revision> {
    let model = app.read.load().model().clone();
    let found = history::section_revision(&app.store, &model, page, id, revision).await?;
    Ok(Revision {
        revision: found.summary.revision,
        created_at: found.summary.created_at,
        author: found.summary.author,
        content: found.content,
    })
}

async fn restore_section(
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
async fn list_revisions(
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
async fn get_revision(
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
    ),
    security(("bearer" = [])),
    responses(responses::WriteResponses),
)]
#[post("/sections/{id}/revisions/{revision}/restore")]
async fn restore_revision(
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
        ("id" = String, Path, description = PAGE_ID),
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
async fn list_page_section_revisions(
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
        ("id" = String, Path, description = PAGE_ID),
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
async fn get_page_section_revision(
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
        ("id" = String, Path, description = PAGE_ID),
        ("section" = String, Path, description = SECTION_ID),
        ("revision" = i64, Path, minimum = 1, description = "The revision to restore"),
        responses::WriteHeaders,
    ),
    security(("bearer" = [])),
    responses(responses::WriteResponses),
)]
#[post("/pages/{id:.+}/sections/{section}/revisions/{revision}/restore")]
async fn restore_page_section_revision(
    editor: Editor,
    req: HttpRequest,
    path: web::Path<(String, String, i64)>,
    app: App,
) -> Result<HttpResponse> {
    let (page, id, revision) = path.into_inner();
    restore_section(editor, req, app, &page, &id, revision, false).await
}

/// List a page's revisions
///
/// Every change to the page, newest first: each revision says what it changed (metadata, body,
/// a section's content, sections added, removed or moved, the page deleted or restored) and
/// holds the whole page as it then was. Also for a deleted page. Needs a token of any scope.
#[utoipa::path(
    tag = "history",
    operation_id = "list_page_revisions",
    params(("id" = String, Path, description = PAGE_ID), HistoryQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Revisions, newest first", body = PageRevisionList, headers(
            ("Link" = String, description = "`rel=\"next\"`: the next page, when there is one"),
            ("Cache-Control" = String, description = "`private, no-store`"))),
        responses::HistoryProblems,
    )
)]
#[get("/pages/{id:.+}/revisions")]
async fn list_page_revisions(
    _reader: Reader,
    id: web::Path<String>,
    query: web::Query<HistoryQuery>,
    app: App,
) -> Result<HttpResponse> {
    let (limit, before) = query.bounds()?;
    let revisions = history::page_revisions(&app.store, &id, before, limit).await?;
    let mut response = HttpResponse::Ok();
    let last = revisions.last().map(|r| r.summary.revision);
    next_page(
        &mut response,
        &page_path(&id),
        &query,
        revisions.len(),
        last,
    );
    let revisions = revisions
        .into_iter()
        .map(PageRevisionSummary::from)
        .collect();
    Ok(private(response.json(PageRevisionList { revisions })))
}

/// Page `id` at revision `revision`, or `404`.
async fn page_revision(app: &App, id: &str, revision: i64) -> Result<history::PageRevision> {
    let model = app.read.load().model().clone();
    Ok(history::page_revision(&app.store, &model, id, revision).await?)
}

impl From<history::PageRevision> for PageRevision {
    fn from(r: history::PageRevision) -> Self {
        Self {
            revision: r.summary.summary.revision,
            created_at: r.summary.summary.created_at,
            author: r.summary.summary.author,
            changes: r.summary.changes,
            change_set: r.summary.change_set,
            deleted: r.deleted,
            page: r.meta,
            sections: r
                .sections
                .into_iter()
                .map(|(section, revision)| PageRevisionSection {
                    id: section.id,
                    revision,
                    content: section.content,
                })
                .collect(),
            body: r.body,
        }
    }
}

/// Get one revision of a page
///
/// The whole page as it was: metadata, sections (each at its revision then, with its content)
/// and body. Needs a token of any scope.
#[utoipa::path(
    tag = "history",
    operation_id = "get_page_revision",
    params(
        ("id" = String, Path, description = PAGE_ID),
        ("revision" = i64, Path, minimum = 1, description = "The revision's number"),
    ),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The page at that revision", body = PageRevision, headers(
            ("Cache-Control" = String, description = "`private, no-store`"))),
        responses::HistoryProblems,
    )
)]
#[get("/pages/{id:.+}/revisions/{revision}")]
async fn get_page_revision(
    _reader: Reader,
    path: web::Path<(String, i64)>,
    app: App,
) -> Result<HttpResponse> {
    let (id, revision) = path.into_inner();
    let revision = PageRevision::from(page_revision(&app, &id, revision).await?);
    Ok(private(HttpResponse::Ok().json(revision)))
}

/// Restore a page revision
///
/// Makes the page as it was at that revision (metadata, body, its sections in that order with
/// that content) current again, as a new revision, checked like any write. A deleted page comes
/// back this way (with `If-Match: *`: it has no current `ETag`). No body. Needs the `write`
/// scope and `If-Match` (the page's `ETag`). Answers with the page.
#[utoipa::path(
    tag = "history",
    operation_id = "restore_page_revision",
    params(
        ("id" = String, Path, description = PAGE_ID),
        ("revision" = i64, Path, minimum = 1, description = "The revision to restore"),
        responses::WriteHeaders,
    ),
    security(("bearer" = [])),
    responses(responses::PageWriteResponses),
)]
#[post("/pages/{id:.+}/revisions/{revision}/restore")]
async fn restore_page_revision(
    editor: Editor,
    req: HttpRequest,
    path: web::Path<(String, i64)>,
    app: App,
) -> Result<HttpResponse> {
    let (id, revision) = path.into_inner();
    let live = app.read.load().page(&id).is_some();
    let revision = page_revision(&app, &id, revision).await?;
    let sections = revision.sections.into_iter().map(|(s, _)| s).collect();
    let page = Page::new(revision.meta, revision.body, sections);
    let snapshot = if live {
        let precondition = precondition(&req, &app, &id, Target::Page).await?;
        writer(&app, &req)?
            .write(&id, Target::Page, &precondition, &editor.0.name, |_, _| {
                Ok::<_, ApiError>(page.clone())
            })
            .await?
    } else {
        match IfMatch::from_request(&req) {
            None => return Err(ApiError::PreconditionRequired),
            Some(IfMatch::Any) => {}
            Some(IfMatch::Tags(_)) => {
                return Err(ApiError::PreconditionFailed(format!(
                    "page {id} is deleted: it has no current ETag; send If-Match: * to bring it back"
                )));
            }
        }
        let file = history::file_of(&app.store, &id).await?;
        writer(&app, &req)?
            .create(&id, &file, &page, None, &editor.0.name)
            .await?
    };
    let response = snapshot.document().respond_to_write(&req);
    Ok(located(response, header::CONTENT_LOCATION, &page_path(&id)))
}

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list_revisions)
        .service(get_revision)
        .service(restore_revision)
        .service(list_page_section_revisions)
        .service(get_page_section_revision)
        .service(restore_page_section_revision)
        .service(list_page_revisions)
        .service(get_page_revision)
        .service(restore_page_revision);
}
