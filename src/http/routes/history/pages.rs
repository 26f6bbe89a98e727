//! The history of a page: each change to it, the page as it was, restoring it.

use actix_web::http::header::{self};
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use serde::Serialize;
use serde_json::{Map, Value};
use utoipa::ToSchema;

use super::query::{HistoryQuery, next_page, private};
use crate::content::history;
use crate::content::read::representation::IfMatch;
use crate::content::write::Target;
use crate::http::auth::{Editor, Reader};
use crate::http::error::{ApiError, Result};
use crate::http::responses;
use crate::http::responses::InChangeSet;
use crate::http::routes::page_ids::{PAGE_ID, PageIdSchema, page_path};
use crate::http::routes::writes::{located, precondition, writer};
use crate::http::schemas::SectionContentSchema;
use crate::http::state::App;
use crate::model::{Page, SectionContent, Timestamp};

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

/// List a page's revisions
///
/// Every change to the page, newest first: each revision says what it changed (metadata, body,
/// a section's content, sections added, removed or moved, the page deleted or restored) and
/// holds the whole page as it then was. Also for a deleted page. Needs a token of any scope.
#[utoipa::path(
    tag = "history",
    operation_id = "list_page_revisions",
    params(("id" = inline(PageIdSchema), Path, description = PAGE_ID), HistoryQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Revisions, newest first", body = PageRevisionList, headers(
            ("Link" = String, description = "`rel=\"next\"`: the next page, when there is one"),
            ("Cache-Control" = String, description = "`private, no-store`"))),
        responses::HistoryProblems,
    )
)]
#[get("/pages/{id:.+}/revisions")]
pub(super) async fn list_page_revisions(
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
pub(super) async fn page_revision(
    app: &App,
    id: &str,
    revision: i64,
) -> Result<history::PageRevision> {
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
        ("id" = inline(PageIdSchema), Path, description = PAGE_ID),
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
pub(super) async fn get_page_revision(
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
        ("id" = inline(PageIdSchema), Path, description = PAGE_ID),
        ("revision" = i64, Path, minimum = 1, description = "The revision to restore"),
        responses::WriteHeaders,
        InChangeSet,
    ),
    security(("bearer" = [])),
    responses(responses::PageWriteResponses),
)]
#[post("/pages/{id:.+}/revisions/{revision}/restore")]
pub(super) async fn restore_page_revision(
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
