//! `PUT` and `PATCH` of a section, on any page (`/pages/{id}/sections/{section}`) and on the
//! landing page (`/sections/{id}`): editors' writes.

use std::sync::Arc;

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, patch, put, web};
use serde_json::Value;
use utoipa::ToSchema;

use crate::content::read::documents::Section;
use crate::content::read::representation::IfMatch;
use crate::content::read::site::Site;
use crate::content::read::snapshot::PageSnapshot;
use crate::content::read::stored::LANDING;
use crate::content::write::{self, Destination, Target, Writer};
use crate::http::auth::Editor;
use crate::http::error::{ApiError, MERGE_PATCH_JSON, Result};
use crate::http::responses;
use crate::http::responses::InChangeSet;
use crate::http::routes::body::read_json;
use crate::http::routes::page_ids::{PAGE_ID, PageIdSchema, live_page, page_path};
use crate::http::routes::sections::{SECTION_ID, no_section};
use crate::http::schemas::SectionContentSchema;
use crate::http::state::App;
use crate::http::view;
use crate::model::{Model, Page, SectionContent};

/// A JSON Merge Patch (RFC 7396) of a section: members to set, `null` to remove an optional
/// one (`target`). Arrays such as `items` are replaced whole. The patch is merged onto the
/// current content and the result is validated exactly like a `PUT` body; error pointers refer
/// to that merged result.
#[derive(ToSchema)]
#[schema(as = SectionPatch, value_type = std::collections::HashMap<String, serde_json::Value>, example = json!({"title": "A new headline"}))]
pub struct SectionPatch(#[allow(dead_code)] Value);

/// The writer of the application, writing where the request says (live, or into the change set
/// `?changeset=` names).
pub fn writer<'a>(app: &'a App, req: &HttpRequest) -> Result<Writer<'a>> {
    Ok(Writer {
        store: &app.store,
        read: &app.read,
        metrics: &app.metrics,
        into: view::destination(req)?,
    })
}

/// The site a write goes to as readers see it now: live, or the change set's view (`409` if
/// the change set was published or discarded, `404` if there is none).
pub async fn written_site(req: &HttpRequest, app: &App) -> Result<Arc<Site>> {
    let live = app.read.load_full();
    match view::destination(req)? {
        Destination::Live => Ok(live),
        Destination::ChangeSet(id) => match app.read.change_sets.view(id, &live)? {
            Some(view) => Ok(view),
            None => Err(view::not_open(app, id, true).await),
        },
    }
}

/// The `If-Match` a write needs, checked against what readers are served now (live, or in the
/// change set written into): `428` without one, `404` for an unknown page or section, `412` if
/// it is stale. The write checks it again inside its transaction.
pub async fn precondition(
    req: &HttpRequest,
    app: &App,
    page: &str,
    target: Target<'_>,
) -> Result<IfMatch> {
    let site = written_site(req, app).await?;
    let snapshot = live_page(&site, page)?;
    if let Target::Section(id) = target
        && snapshot.section(id).is_none()
    {
        return Err(no_section(id));
    }
    let precondition = IfMatch::from_request(req).ok_or(ApiError::PreconditionRequired)?;
    write::check(snapshot, target, &precondition)?;
    Ok(precondition)
}

/// Where a section is served: `/sections/{id}` on the landing page (as it always was),
/// `/pages/{page}/sections/{id}` on every page.
pub fn section_url(page: &str, id: &str, landing_alias: bool) -> String {
    if landing_alias && page == LANDING {
        format!("/sections/{id}")
    } else {
        format!("{}/sections/{id}", page_path(page))
    }
}

/// The response to a write: the section as it now is, with its new `ETag`.
pub fn written(
    req: &HttpRequest,
    snapshot: &PageSnapshot,
    id: &str,
    url: &str,
) -> Result<HttpResponse> {
    let section = snapshot.section(id).ok_or_else(|| no_section(id))?;
    Ok(located(
        section.respond_to_write(req),
        header::CONTENT_LOCATION,
        url,
    ))
}

/// `response` with the header `name` (`Content-Location`, `Location`) naming `url`.
pub fn located(mut response: HttpResponse, name: header::HeaderName, url: &str) -> HttpResponse {
    if let Ok(url) = header::HeaderValue::from_str(url) {
        response.headers_mut().insert(name, url);
    }
    response
}

/// Replace a section
///
/// The body is the section as `GET` returns it, edited: read-only fields (`id`, `position`,
/// `revision`, `updated_at`) may be left out and are ignored when present, except that an `id`
/// or `type` other than the section's is a `422`. Unknown fields are errors. Needs the `write`
/// scope and `If-Match` (an `ETag` of the version edited, or `*`). A body equal to the current
/// content changes nothing: same revision, same `ETag`.
#[utoipa::path(
    tag = "editing",
    operation_id = "put_section",
    params(("id" = String, Path, description = SECTION_ID), responses::WriteHeaders, InChangeSet),
    request_body(content = SectionContentSchema, content_type = "application/json"),
    security(("bearer" = [])),
    responses(responses::WriteResponses),
)]
#[put("/sections/{id}")]
async fn put_section(
    editor: Editor,
    req: HttpRequest,
    id: web::Path<String>,
    body: web::Payload,
    app: App,
) -> Result<HttpResponse> {
    let edit = Edit::put(LANDING, &id, true);
    edit.apply(editor, req, body, app).await
}

/// Change part of a section
///
/// A JSON Merge Patch (RFC 7396, `Content-Type: application/merge-patch+json`) merged onto the
/// section's current content; the result is validated exactly like a `PUT` body, and error
/// pointers refer to that merged result. Needs the `write` scope and `If-Match`.
#[utoipa::path(
    tag = "editing",
    operation_id = "patch_section",
    params(("id" = String, Path, description = SECTION_ID), responses::WriteHeaders, InChangeSet),
    request_body(content = SectionPatch, content_type = "application/merge-patch+json"),
    security(("bearer" = [])),
    responses(responses::WriteResponses),
)]
#[patch("/sections/{id}")]
async fn patch_section(
    editor: Editor,
    req: HttpRequest,
    id: web::Path<String>,
    body: web::Payload,
    app: App,
) -> Result<HttpResponse> {
    let edit = Edit::patch(LANDING, &id, true);
    edit.apply(editor, req, body, app).await
}

/// Replace a section of a page
///
/// As `PUT /sections/{id}`, on any page.
#[utoipa::path(
    tag = "editing",
    operation_id = "put_page_section",
    params(
        ("id" = inline(PageIdSchema), Path, description = PAGE_ID),
        ("section" = String, Path, description = SECTION_ID),
        responses::WriteHeaders,
        InChangeSet,
    ),
    request_body(content = SectionContentSchema, content_type = "application/json"),
    security(("bearer" = [])),
    responses(responses::WriteResponses),
)]
#[put("/pages/{id:.+}/sections/{section}")]
async fn put_page_section(
    editor: Editor,
    req: HttpRequest,
    path: web::Path<(String, String)>,
    body: web::Payload,
    app: App,
) -> Result<HttpResponse> {
    let (page, id) = path.into_inner();
    Edit::put(&page, &id, false)
        .apply(editor, req, body, app)
        .await
}

/// Change part of a section of a page
///
/// As `PATCH /sections/{id}`, on any page.
#[utoipa::path(
    tag = "editing",
    operation_id = "patch_page_section",
    params(
        ("id" = inline(PageIdSchema), Path, description = PAGE_ID),
        ("section" = String, Path, description = SECTION_ID),
        responses::WriteHeaders,
        InChangeSet,
    ),
    request_body(content = SectionPatch, content_type = "application/merge-patch+json"),
    security(("bearer" = [])),
    responses(responses::WriteResponses),
)]
#[patch("/pages/{id:.+}/sections/{section}")]
async fn patch_page_section(
    editor: Editor,
    req: HttpRequest,
    path: web::Path<(String, String)>,
    body: web::Payload,
    app: App,
) -> Result<HttpResponse> {
    let (page, id) = path.into_inner();
    Edit::patch(&page, &id, false)
        .apply(editor, req, body, app)
        .await
}

/// A section write whose new content is `document(body, current content)`, validated as a
/// `PUT` body.
struct Edit<'a> {
    page: &'a str,
    id: &'a str,
    media_type: &'static str,
    landing_alias: bool,
    document: fn(Value, &SectionContent) -> Value,
}

impl<'a> Edit<'a> {
    /// The body is the whole new content.
    fn put(page: &'a str, id: &'a str, landing_alias: bool) -> Self {
        Self {
            page,
            id,
            media_type: "application/json",
            landing_alias,
            document: |body, _| body,
        }
    }

    /// The body is merged onto the current content.
    fn patch(page: &'a str, id: &'a str, landing_alias: bool) -> Self {
        Self {
            page,
            id,
            media_type: MERGE_PATCH_JSON,
            landing_alias,
            document: |patch, current| {
                let mut merged = current.to_value();
                json_patch::merge(&mut merged, &patch);
                merged
            },
        }
    }

    /// The checks in the contract's order, then one conditional transaction. The document is
    /// made inside the transaction, from the content as it is there.
    async fn apply(
        self,
        editor: Editor,
        req: HttpRequest,
        body: web::Payload,
        app: App,
    ) -> Result<HttpResponse> {
        let (page, id) = (self.page, self.id);
        let target = Target::Section(id);
        let precondition = precondition(&req, &app, page, target).await?;
        let body = read_json(&req, body, self.media_type, &app.http).await?;
        let document = self.document;
        let change = |model: &Model, stored: &crate::content::read::stored::Stored| {
            let current = stored.section(id).ok_or_else(|| no_section(id))?;
            let type_name = current.type_name().to_owned();
            let content =
                Section::parse_body(model, id, &type_name, &document(body.clone(), current))
                    .map_err(ApiError::InvalidFields)?;
            let mut next: Page = stored.page.clone();
            next.replace_section(id, content);
            Ok::<_, ApiError>(next)
        };
        let snapshot = writer(&app, &req)?
            .write(page, target, &precondition, &editor.0.name, change)
            .await?;
        written(
            &req,
            &snapshot,
            id,
            &section_url(page, id, self.landing_alias),
        )
    }
}

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(put_section)
        .service(patch_section)
        .service(put_page_section)
        .service(patch_page_section);
}
