//! Every page of the site: the list of pages, a page, its sections, body and file, and the
//! routes of the writes that change a page (`page_edits.rs`, `page_sections.rs`).
//!
//! A page id contains `/` (`products/workspaces`). Routes take it as `{id:.+}` so that it works
//! as plain segments, and actix decodes a percent-encoded one (`products%2Fworkspaces`, as
//! generated clients send it) when the path is extracted. A plain id whose last segments spell a
//! sub-resource (`…/body`, `…/sections/x`) means that sub-resource: such an id is reached
//! percent-encoded.

use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpRequest, HttpResponse, get, web};
use serde::Deserialize;
use utoipa::IntoParams;

use super::page_edits::{create_page, delete_page, patch_page, put_page_body};
use super::page_sections::{add_page_section, remove_page_section, reorder_page_sections};
use crate::content::read::site::MAX_LISTING;
use crate::http::error::Result;
use crate::http::responses;
use crate::http::responses::InChangeSet;
use crate::http::routes::page_ids::{PAGE_ID, PageIdSchema, live_page, page_path, whole_page};
use crate::http::routes::sections::{SECTION_ID, no_section};
use crate::http::state::App;
use crate::http::view::SiteView;

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
    params(ListQuery, responses::ConditionalHeaders, InChangeSet),
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
    params(("id" = inline(PageIdSchema), Path, description = PAGE_ID), responses::ConditionalHeaders, InChangeSet),
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
        ("id" = inline(PageIdSchema), Path, description = PAGE_ID),
        ("section" = String, Path, description = SECTION_ID),
        responses::ConditionalHeaders,
        InChangeSet,
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
    params(("id" = inline(PageIdSchema), Path, description = PAGE_ID), responses::ConditionalHeaders, InChangeSet),
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
    params(("id" = inline(PageIdSchema), Path, description = PAGE_ID), responses::ConditionalHeaders, InChangeSet),
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
    params(responses::ConditionalHeaders, InChangeSet),
    responses(responses::reads::SiteExportRead)
)]
#[get("/site.tar")]
async fn export_site(req: HttpRequest, site: SiteView, app: App) -> HttpResponse {
    site.archive().respond(&req, site.cache_control(&app))
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
