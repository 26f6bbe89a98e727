//! Every page of the site: the list of pages, a page, its sections, body and file, and the
//! writes that change a page as a whole (its metadata, its sections' list, the page itself).
//!
//! A page id contains `/` (`products/workspaces`). Routes take it as `{id:.+}` so that it works
//! as plain segments, and actix decodes a percent-encoded one (`products%2Fworkspaces`, as
//! generated clients send it) when the path is extracted. A plain id whose last segments spell a
//! sub-resource (`…/body`, `…/sections/x`) means that sub-resource: such an id is reached
//! percent-encoded.

use actix_web::guard::GuardContext;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post, put, web};
use serde::Deserialize;
use serde_json::{Map, Value};
use utoipa::{IntoParams, ToSchema};

use crate::content::read::documents::Section;
use crate::content::read::site::MAX_LISTING;
use crate::content::read::snapshot::{PAGE_FIELDS, PageSnapshot};
use crate::content::read::stored::Stored;
use crate::content::write::{Target, WriteError};
use crate::http::auth::Editor;
use crate::http::error::{ApiError, MERGE_PATCH_JSON, Result};
use crate::http::problem::excerpt;
use crate::http::responses;
use crate::http::routes::body::{read_json, read_text, typed};
use crate::http::routes::page_ids::{PAGE_ID, live_page, page_path};
use crate::http::routes::sections::{SECTION_ID, no_section};
use crate::http::routes::writes::{located, precondition, section_url, writer, written};
use crate::http::state::App;
use crate::http::view::SiteView;
use crate::hugo;
use crate::model::{Errors, FieldError, Model, Page, PageSection, Pointer};

/// Whether a `/pages/{id:.+}` route should take this request: not when the path ends in one of
/// the page's sub-resources, which have routes of their own (and their own `405`s).
fn whole_page(ctx: &GuardContext<'_>) -> bool {
    let path = ctx.head().uri.path();
    let rest = path.strip_prefix("/pages/").unwrap_or(path);
    // From the end: `…/x`, `…/sections/x`, `…/sections/x/revisions` (the id comes first).
    let mut segments = rest.rsplit('/');
    let last = segments.next().unwrap_or_default();
    let (second, third, fourth) = (segments.next(), segments.next(), segments.next());
    !(matches!(
        last,
        "body" | "export" | "order" | "sections" | "revisions" | "restore"
    ) || (matches!(second, Some("sections" | "revisions")) && third.is_some())
        || (third == Some("sections") && fourth.is_some()))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// How many pages to list (1 to 1000).
    #[param(minimum = 1, maximum = 1000, default = 100)]
    limit: Option<usize>,
    /// List the pages after this one: the `next` of the page before (opaque).
    cursor: Option<String>,
}

/// List the site's pages
///
/// Every page by id: `id`, `path` (its file under `content/`), `url` (where Hugo publishes it),
/// `title`, its section ids in page order, `updated_at`. Paged: `next` (and `Link: rel="next"`)
/// names the cursor of the next page. Cacheable like `/sections`.
#[utoipa::path(
    tag = "pages",
    operation_id = "list_pages",
    params(ListQuery, responses::ConditionalHeaders),
    responses(responses::reads::PagesRead)
)]
#[get("/pages")]
async fn list_pages(
    req: HttpRequest,
    query: web::Query<ListQuery>,
    site: SiteView,
    app: App,
) -> Result<HttpResponse> {
    let limit = super::limit(query.limit, 100, MAX_LISTING)?;
    let listing = site.listing(query.cursor.as_deref(), limit);
    let mut response = listing
        .representation
        .respond(&req, site.cache_control(&app));
    if let Some(next) = &listing.next {
        let link = format!(
            "</pages?limit={limit}&cursor={}>; rel=\"next\"",
            page_path(next).trim_start_matches("/pages/")
        );
        if let Ok(value) = HeaderValue::from_str(&link) {
            response.headers_mut().insert(header::LINK, value);
        }
    }
    Ok(response)
}

/// Get a page
///
/// The same document as `GET /sections`, for this page: `page` is its metadata with `id`,
/// `path` and `url` first, `sections` its sections in page order. Cacheable: its `ETag` changes
/// whenever anything on the page changes.
#[utoipa::path(
    tag = "pages",
    operation_id = "get_page",
    params(("id" = String, Path, description = PAGE_ID), responses::ConditionalHeaders),
    responses(responses::reads::PageRead)
)]
#[get("/pages/{id:.+}", guard = "whole_page")]
async fn get_page(
    req: HttpRequest,
    id: web::Path<String>,
    site: SiteView,
    app: App,
) -> Result<HttpResponse> {
    let page = live_page(&site, &id)?;
    Ok(page.document().respond(&req, site.cache_control(&app)))
}

/// Get a section of a page
///
/// As `GET /sections/{id}`, on any page.
#[utoipa::path(
    tag = "pages",
    operation_id = "get_page_section",
    params(
        ("id" = String, Path, description = PAGE_ID),
        ("section" = String, Path, description = SECTION_ID),
        responses::ConditionalHeaders,
    ),
    responses(responses::reads::SectionRead)
)]
#[get("/pages/{id:.+}/sections/{section}")]
async fn get_page_section(
    req: HttpRequest,
    path: web::Path<(String, String)>,
    site: SiteView,
    app: App,
) -> Result<HttpResponse> {
    let (id, section) = path.into_inner();
    let page = live_page(&site, &id)?;
    let section = page.section(&section).ok_or_else(|| no_section(&section))?;
    Ok(section.respond(&req, site.cache_control(&app)))
}

/// Get a page's body
///
/// Everything after the front matter, byte for byte (HTML or Markdown with Hugo shortcodes),
/// as text. Its `ETag` changes only when the body does; send it in `If-Match` to replace it.
#[utoipa::path(
    tag = "pages",
    operation_id = "get_page_body",
    params(("id" = String, Path, description = PAGE_ID), responses::ConditionalHeaders),
    responses(responses::reads::BodyRead)
)]
#[get("/pages/{id:.+}/body")]
async fn get_page_body(
    req: HttpRequest,
    id: web::Path<String>,
    site: SiteView,
    app: App,
) -> Result<HttpResponse> {
    let page = live_page(&site, &id)?;
    Ok(page.body().respond(&req, site.cache_control(&app)))
}

/// A page as a Hugo page file
///
/// As `GET /export`, for any page: the file as the site keeps it, edited only where the content
/// changed.
#[utoipa::path(
    tag = "export",
    operation_id = "export_site_page",
    params(("id" = String, Path, description = PAGE_ID), responses::ConditionalHeaders),
    responses(responses::reads::PageExportRead)
)]
#[get("/pages/{id:.+}/export")]
async fn export_site_page(
    req: HttpRequest,
    id: web::Path<String>,
    site: SiteView,
    app: App,
) -> Result<HttpResponse> {
    let page = live_page(&site, &id)?;
    Ok(page.export().respond(&req, site.cache_control(&app)))
}

/// Every page file in one download
///
/// A tar archive of `content/`: every page's file as `GET /pages/{id}/export` serves it (what
/// `gen3-content export --site` writes), so that a CI job can fetch the site in one request
/// (`curl -s …/site.tar | tar -x`). Cacheable: its `ETag` changes when any page does.
#[utoipa::path(
    tag = "export",
    operation_id = "export_site",
    params(responses::ConditionalHeaders),
    responses(responses::reads::SiteExportRead)
)]
#[get("/site.tar")]
async fn export_site(req: HttpRequest, site: SiteView, app: App) -> HttpResponse {
    site.archive().respond(&req, site.cache_control(&app))
}

/// The response to a write of a page as a whole: the page document, with its new `ETag`.
fn page_written(req: &HttpRequest, snapshot: &PageSnapshot) -> HttpResponse {
    let url = page_path(&snapshot.stored().id);
    located(
        snapshot.document().respond_to_write(req),
        header::CONTENT_LOCATION,
        &url,
    )
}

/// Replace a page's body
///
/// The new body as `text/plain` (UTF-8), verbatim. Needs the `write` scope and `If-Match` (the
/// body's `ETag`). A body that asks for something the page does not have (a `param` key that is
/// missing) is a `422` at `/body` naming the line.
#[utoipa::path(
    tag = "editing",
    operation_id = "put_page_body",
    params(("id" = String, Path, description = PAGE_ID), responses::WriteHeaders),
    request_body(content = String, content_type = "text/plain"),
    security(("bearer" = [])),
    responses(responses::BodyWriteResponses),
)]
#[put("/pages/{id:.+}/body")]
async fn put_page_body(
    editor: Editor,
    req: HttpRequest,
    id: web::Path<String>,
    body: web::Payload,
    app: App,
) -> Result<HttpResponse> {
    let precondition = precondition(&req, &app, &id, Target::Body).await?;
    let text = read_text(&req, body, &app.http).await?;
    if text.contains('\0') {
        return Err(ApiError::InvalidFields(vec![FieldError {
            pointer: "/body".to_owned(),
            detail: "must not contain NUL characters".to_owned(),
        }]));
    }
    let snapshot = writer(&app, &req)?
        .write(
            &id,
            Target::Body,
            &precondition,
            &editor.0.name,
            |_, stored| {
                let mut next = stored.page.clone();
                next.body = text.clone();
                Ok::<_, ApiError>(next)
            },
        )
        .await?;
    let url = format!("{}/body", page_path(&id));
    Ok(located(
        snapshot.body().respond_to_write(&req),
        header::CONTENT_LOCATION,
        &url,
    ))
}

/// Change a page's metadata
///
/// A JSON Merge Patch (RFC 7396) of the page's metadata (`title`, `date`, `draft`, …: the
/// `page` of `GET /pages/{id}` without `id`, `path` and `url`); `null` removes an optional key.
/// The result is checked against the content model; error pointers are into the merged
/// metadata. Needs the `write` scope and `If-Match` (the page's `ETag`).
#[utoipa::path(
    tag = "editing",
    operation_id = "patch_page",
    params(("id" = String, Path, description = PAGE_ID), responses::WriteHeaders),
    request_body(content = MetadataPatch, content_type = "application/merge-patch+json"),
    security(("bearer" = [])),
    responses(responses::PageWriteResponses),
)]
#[patch("/pages/{id:.+}", guard = "whole_page")]
async fn patch_page(
    editor: Editor,
    req: HttpRequest,
    id: web::Path<String>,
    body: web::Payload,
    app: App,
) -> Result<HttpResponse> {
    let precondition = precondition(&req, &app, &id, Target::Page).await?;
    let patch = read_json(&req, body, MERGE_PATCH_JSON, &app.http).await?;
    if !patch.is_object() {
        return Err(ApiError::InvalidFields(vec![FieldError {
            pointer: String::new(),
            detail: "must be an object of metadata keys".to_owned(),
        }]));
    }
    let snapshot = writer(&app, &req)?
        .write(
            &id,
            Target::Page,
            &precondition,
            &editor.0.name,
            |_, stored| {
                let mut merged = Value::Object(stored.page.meta.clone());
                let mut patch = patch.clone();
                // The page's system fields are not metadata: sent back as read, they are ignored.
                if let Value::Object(members) = &mut patch {
                    members.retain(|key, _| !PAGE_FIELDS.contains(&key.as_str()));
                }
                json_patch::merge(&mut merged, &patch);
                let mut next = stored.page.clone();
                next.meta = match merged {
                    Value::Object(map) => map,
                    _ => Map::new(),
                };
                Ok::<_, ApiError>(next)
            },
        )
        .await?;
    Ok(page_written(&req, &snapshot))
}

/// A merge patch of a page's metadata.
#[derive(ToSchema)]
#[schema(as = MetadataPatch, value_type = std::collections::HashMap<String, serde_json::Value>, example = json!({"title": "Gen3 Workspaces"}))]
pub struct MetadataPatch(#[allow(dead_code)] Value);

/// A new page.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewPage {
    /// Its file under `content/` (`community/news.md`); the page's id is this path without the
    /// extension. `.md`, `.adoc` or `.html`; at most 255 characters, each folder or file name at
    /// most 255 bytes of UTF-8, none starting with a dot. Hugo must publish it at a URL no other
    /// page has (`409` names the page that has it: paths that differ only in case, or `a/b.md`
    /// and `a/b/index.md`, share one).
    #[schema(
        examples("community/news.md"),
        min_length = 4,
        max_length = 255,
        // `hugo::path::PATTERN`, which the server checks (a test keeps the two equal).
        pattern = "^(?:[^/.\\\\%\\u0000-\\u001f\\u007f-\\u009f][^/\\\\%\\u0000-\\u001f\\u007f-\\u009f]*/)*[^/.\\\\%\\u0000-\\u001f\\u007f-\\u009f][^/\\\\%\\u0000-\\u001f\\u007f-\\u009f]*\\.(?:md|adoc|html)$"
    )]
    path: String,
    /// Its metadata, as the content model has it for this page.
    #[serde(default)]
    #[schema(value_type = Object)]
    page: Map<String, Value>,
    /// Its sections in page order, each as a `POST /pages/{id}/sections` body (with `id` and
    /// `type`).
    #[serde(default)]
    #[schema(value_type = Vec<Object>)]
    sections: Vec<Value>,
    /// Its body, verbatim.
    #[serde(default)]
    body: String,
    /// The format its front matter is written in, and kept in through every edit: `yaml`
    /// (the default), `toml` or `json`.
    #[serde(default)]
    #[schema(nullable = false)]
    format: Option<hugo::Format>,
}

/// A section of a request body (with `id` and `type`) as it goes on page `page` under `model`,
/// errors pointing under `at`.
fn new_section(
    model: &Model,
    page: &str,
    body: &Value,
    at: &Pointer,
    errors: &mut Vec<FieldError>,
) -> Option<PageSection> {
    let mut push = |pointer: Pointer, detail: String| {
        errors.push(FieldError {
            pointer: pointer.as_str().to_owned(),
            detail,
        })
    };
    let Some(fields) = body.as_object() else {
        push(
            at.clone(),
            "must be an object: a section with `id` and `type`".to_owned(),
        );
        return None;
    };
    let Some(id) = fields.get("id").and_then(Value::as_str) else {
        push(
            at.child("id"),
            "is required: the id of the section to add".to_owned(),
        );
        return None;
    };
    let Some((key, rule)) = model.section_key(page, id) else {
        push(
            at.child("id"),
            format!(
                "the content model has no section {:?} for this page",
                excerpt(id)
            ),
        );
        return None;
    };
    let mut content = fields.clone();
    content.remove("position");
    match Section::parse_body(model, id, &rule.type_name, &Value::Object(content)) {
        Ok(content) => Some(PageSection {
            key: key.to_owned(),
            id: id.to_owned(),
            content,
        }),
        Err(found) => {
            errors.extend(found.into_iter().map(|e| FieldError {
                pointer: format!("{}{}", at.as_str(), e.pointer),
                detail: e.detail,
            }));
            None
        }
    }
}

/// Create a page
///
/// A new page of the site, from its file path, metadata, sections and body, checked like any
/// write. `201` with `Location`. A page that was deleted comes back this way, its history kept.
/// Needs the `write` scope.
#[utoipa::path(
    tag = "editing",
    operation_id = "create_page",
    request_body(content = NewPage, content_type = "application/json"),
    security(("bearer" = [])),
    responses(responses::CreateResponses),
)]
#[post("/pages")]
async fn create_page(
    editor: Editor,
    req: HttpRequest,
    body: web::Payload,
    app: App,
) -> Result<HttpResponse> {
    let body = read_json(&req, body, "application/json", &app.http).await?;
    let input: NewPage = typed(body, "a new page")?;
    let id = hugo::path::page_id(&input.path).map_err(|detail| {
        ApiError::InvalidFields(vec![FieldError {
            pointer: "/path".to_owned(),
            detail: detail.to_owned(),
        }])
    })?;
    let model = app.read.load().model().clone();
    let mut errors = Vec::new();
    let mut sections = Vec::new();
    for (at, section) in input.sections.iter().enumerate() {
        let at = Pointer::root().child("sections").child(at);
        if let Some(section) = new_section(&model, id, section, &at, &mut errors) {
            if sections.iter().any(|s: &PageSection| s.id == section.id) {
                errors.push(FieldError {
                    pointer: at.child("id").as_str().to_owned(),
                    detail: "names a section already on the page".to_owned(),
                });
            }
            sections.push(section);
        }
    }
    let mut meta_errors = Errors::default();
    model.check_metadata(id, &input.page, &mut meta_errors);
    errors.extend(meta_errors.into_vec().into_iter().map(|e| FieldError {
        pointer: format!("/page{}", e.pointer),
        detail: e.detail,
    }));
    if !errors.is_empty() {
        return Err(ApiError::InvalidFields(errors));
    }
    let page = Page::new(input.page, input.body, sections);
    let writer = writer(&app, &req)?;
    let snapshot = writer
        .create(id, &input.path, &page, input.format, &editor.0.name)
        .await?;
    let mut response = page_written(&req, &snapshot);
    *response.status_mut() = actix_web::http::StatusCode::CREATED;
    Ok(located(response, header::LOCATION, &page_path(id)))
}

/// Delete a page
///
/// The page is no longer part of the site (reads answer `404`, the export leaves it out); its
/// history stays, and restoring one of its revisions (or creating it again) brings it back.
/// Needs the `write` scope and `If-Match` (the page's `ETag`). The landing page cannot be
/// deleted (`409`).
#[utoipa::path(
    tag = "editing",
    operation_id = "delete_page",
    params(("id" = String, Path, description = PAGE_ID), responses::WriteHeaders),
    security(("bearer" = [])),
    responses(responses::DeleteResponses),
)]
#[delete("/pages/{id:.+}", guard = "whole_page")]
async fn delete_page(
    editor: Editor,
    req: HttpRequest,
    id: web::Path<String>,
    app: App,
) -> Result<HttpResponse> {
    let precondition = precondition(&req, &app, &id, Target::Page).await?;
    writer(&app, &req)?
        .delete(&id, &precondition, &editor.0.name)
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// A section to add: the section as `GET` returns it (with `id` and `type`), and where.
#[derive(ToSchema)]
#[schema(as = NewSection, value_type = std::collections::HashMap<String, serde_json::Value>, example = json!({"id": "teaser", "type": "page-teaser", "position": 1, "title": "…"}))]
pub struct NewSection(#[allow(dead_code)] Value);

/// Add a section to a page
///
/// The body is the section (with `id`, one the content model has for this page, and its
/// `type`), and optionally `position` (1-based; default, or past the last: last). `201` with
/// `Location`. Needs the `write` scope and `If-Match` (the page's `ETag`).
#[utoipa::path(
    tag = "editing",
    operation_id = "add_page_section",
    params(("id" = String, Path, description = PAGE_ID), responses::WriteHeaders),
    request_body(content = NewSection, content_type = "application/json"),
    security(("bearer" = [])),
    responses(responses::AddSectionResponses),
)]
#[post("/pages/{id:.+}/sections")]
async fn add_page_section(
    editor: Editor,
    req: HttpRequest,
    id: web::Path<String>,
    body: web::Payload,
    app: App,
) -> Result<HttpResponse> {
    let precondition = precondition(&req, &app, &id, Target::Page).await?;
    let body = read_json(&req, body, "application/json", &app.http).await?;
    let mut added = String::new();
    let snapshot = writer(&app, &req)?
        .write(
            &id,
            Target::Page,
            &precondition,
            &editor.0.name,
            |model, stored| {
                let mut errors = Vec::new();
                let section = new_section(model, &id, &body, &Pointer::root(), &mut errors);
                let count = stored.page.sections().len();
                // Past the end is the end: where a section goes is the page's to say, so a
                // position is a request, as its schema can state it (a whole number from 1).
                let position = match body.get("position") {
                    None => Some(count + 1),
                    Some(p) => p
                        .as_u64()
                        .filter(|p| *p >= 1)
                        .map(|p| usize::try_from(p).unwrap_or(usize::MAX).min(count + 1)),
                };
                let Some(position) = position else {
                    errors.push(FieldError {
                        pointer: "/position".to_owned(),
                        detail: "must be a whole number from 1 (past the last section: last)"
                            .to_owned(),
                    });
                    return Err(ApiError::InvalidFields(errors));
                };
                let Some(section) = section.filter(|_| errors.is_empty()) else {
                    return Err(ApiError::InvalidFields(errors));
                };
                added = section.id.clone();
                let mut next = stored.page.clone();
                if !next.insert_section(position - 1, section) {
                    return Err(WriteError::Conflict(format!(
                        "the page already has section {added}: write to it instead"
                    ))
                    .into());
                }
                Ok(next)
            },
        )
        .await?;
    let url = section_url(&id, &added, false);
    let mut response = written(&req, &snapshot, &added, &url)?;
    *response.status_mut() = actix_web::http::StatusCode::CREATED;
    Ok(located(response, header::LOCATION, &url))
}

/// Remove a section from a page
///
/// The section is taken off the page (its history stays; restoring a page revision that had
/// it, or adding it again, brings it back). Refused with `422` if the body uses it, or if the
/// content model requires it on this page. Needs the `write` scope and `If-Match` (the
/// section's `ETag`).
#[utoipa::path(
    tag = "editing",
    operation_id = "remove_page_section",
    params(
        ("id" = String, Path, description = PAGE_ID),
        ("section" = String, Path, description = SECTION_ID),
        responses::WriteHeaders,
    ),
    security(("bearer" = [])),
    responses(responses::DeleteResponses),
)]
#[delete("/pages/{id:.+}/sections/{section}")]
async fn remove_page_section(
    editor: Editor,
    req: HttpRequest,
    path: web::Path<(String, String)>,
    app: App,
) -> Result<HttpResponse> {
    let (id, section) = path.into_inner();
    let target = Target::Section(&section);
    let precondition = precondition(&req, &app, &id, target).await?;
    writer(&app, &req)?
        .write(&id, target, &precondition, &editor.0.name, |_, stored| {
            let mut next = stored.page.clone();
            next.remove_section(&section);
            Ok::<_, ApiError>(next)
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Reorder a page's sections
///
/// The body is every section id of the page, once each, in the new order. Needs the `write`
/// scope and `If-Match` (the page's `ETag`). Answers with the page.
#[utoipa::path(
    tag = "editing",
    operation_id = "reorder_page_sections",
    params(("id" = String, Path, description = PAGE_ID), responses::WriteHeaders),
    request_body(content = Vec<String>, content_type = "application/json", example = json!(["teaser", "features"])),
    security(("bearer" = [])),
    responses(responses::PageWriteResponses),
)]
#[put("/pages/{id:.+}/order")]
async fn reorder_page_sections(
    editor: Editor,
    req: HttpRequest,
    id: web::Path<String>,
    body: web::Payload,
    app: App,
) -> Result<HttpResponse> {
    let precondition = precondition(&req, &app, &id, Target::Page).await?;
    let body = read_json(&req, body, "application/json", &app.http).await?;
    let snapshot = writer(&app, &req)?
        .write(
            &id,
            Target::Page,
            &precondition,
            &editor.0.name,
            |_, stored: &Stored| {
                let ids = order_of(&body, &stored.page)?;
                let mut next = stored.page.clone();
                next.reorder(&ids);
                Ok::<_, ApiError>(next)
            },
        )
        .await?;
    Ok(page_written(&req, &snapshot))
}

/// The section ids of a reorder body: each of the page's sections once, or `422` per problem.
fn order_of<'b>(body: &'b Value, page: &Page) -> Result<Vec<&'b str>> {
    let invalid = |pointer: String, detail: String| {
        ApiError::InvalidFields(vec![FieldError { pointer, detail }])
    };
    let Some(items) = body.as_array() else {
        return Err(invalid(
            String::new(),
            "must be an array of the page's section ids".to_owned(),
        ));
    };
    let mut ids: Vec<&str> = Vec::with_capacity(items.len());
    let mut errors = Vec::new();
    for (at, item) in items.iter().enumerate() {
        let pointer = Pointer::root().child(at).as_str().to_owned();
        match item.as_str() {
            Some(id) if ids.contains(&id) => errors.push(FieldError {
                pointer,
                detail: "names a section twice".to_owned(),
            }),
            Some(id) if page.section(id).is_some() => ids.push(id),
            _ => errors.push(FieldError {
                pointer,
                detail: "is not a section id of this page".to_owned(),
            }),
        }
    }
    if errors.is_empty() && ids.len() != page.sections().len() {
        let missing: Vec<&str> = page
            .sections()
            .iter()
            .map(|s| s.id.as_str())
            .filter(|id| !ids.contains(id))
            .collect();
        errors.push(FieldError {
            pointer: String::new(),
            detail: format!(
                "must name every section of the page; missing: {}",
                missing.join(", ")
            ),
        });
    }
    if errors.is_empty() {
        Ok(ids)
    } else {
        Err(ApiError::InvalidFields(errors))
    }
}

/// The active content model
///
/// The model every page is read, checked and written under (the format is `docs/model.md`, its
/// JSON Schema `docs/model.schema.json`), with its version. Cacheable.
#[utoipa::path(
    tag = "pages",
    operation_id = "get_model",
    params(responses::ConditionalHeaders),
    responses(responses::reads::ModelRead)
)]
#[get("/model")]
async fn get_model(req: HttpRequest, app: App) -> HttpResponse {
    app.model.respond(&req, &app.http.cache_control)
}

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list_pages)
        .service(create_page)
        .service(get_model)
        .service(export_site)
        .service(get_page_section)
        .service(remove_page_section)
        .service(add_page_section)
        .service(get_page_body)
        .service(put_page_body)
        .service(export_site_page)
        .service(reorder_page_sections)
        .service(get_page)
        .service(patch_page)
        .service(delete_page);
}

#[cfg(test)]
mod tests {
    use utoipa::PartialSchema;

    use super::*;

    #[test]
    fn the_document_states_the_path_rule_the_server_checks() {
        let schema = serde_json::to_value(NewPage::schema()).unwrap();
        let path = &schema["properties"]["path"];
        assert_eq!(path["pattern"], hugo::path::PATTERN);
        assert_eq!(path["maxLength"], hugo::path::PATH_MAX);
    }
}
