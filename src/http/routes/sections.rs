//! `GET /sections` and `GET /sections/{id}`: the landing page, as it always was served.

use crate::http::error::{ApiError, Result};
use crate::http::problem::excerpt;
use crate::http::responses;
use crate::http::responses::InChangeSet;
use crate::http::state::App;
use crate::http::view::SiteView;

use actix_web::{HttpRequest, HttpResponse, get, web};

/// List every section, in page order
///
/// The page's sections with their system fields, in page order, plus the page's metadata. Cacheable: send the
/// `ETag` back in `If-None-Match` to get a `304`.
#[utoipa::path(
    tag = "sections",
    operation_id = "list_sections",
    params(responses::ConditionalHeaders, InChangeSet),
    responses(responses::reads::SectionsRead)
)]
#[get("/sections")]
async fn list_sections(req: HttpRequest, site: SiteView, app: App) -> HttpResponse {
    site.landing()
        .collection()
        .respond(&req, site.cache_control(&app))
}

/// Get one section
///
/// Same shape as an element of `GET /sections`; its `ETag` changes only when this section does.
#[utoipa::path(
    tag = "sections",
    operation_id = "get_section",
    params(("id" = String, Path, description = SECTION_ID), responses::ConditionalHeaders, InChangeSet),
    responses(responses::reads::SectionRead)
)]
#[get("/sections/{id}")]
async fn get_section(
    req: HttpRequest,
    id: web::Path<String>,
    site: SiteView,
    app: App,
) -> Result<HttpResponse> {
    let section = site.landing().section(&id).ok_or_else(|| no_section(&id))?;
    Ok(section.respond(&req, site.cache_control(&app)))
}

/// The description of a section id in a path.
pub const SECTION_ID: &str =
    "The section's id on the page, as the content model names it (`teaser`, `features`, …)";

/// `404` for a section the page does not have.
pub fn no_section(name: &str) -> ApiError {
    ApiError::NotFound(format!("there is no section named {:?}", excerpt(name)))
}

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list_sections).service(get_section);
}
