//! `GET /sections` and `GET /sections/{id}`.

use crate::http::error::{ApiError, Result, excerpt};
use crate::http::state::App;
use crate::model::SectionId;

use actix_web::{HttpRequest, HttpResponse, get, web};

/// List every section, in page order
///
/// The nine sections with their system fields, plus the page's metadata. Cacheable: send the
/// `ETag` back in `If-None-Match` to get a `304`.
#[utoipa::path(
    tag = "sections",
    operation_id = "list_sections",
    params(super::ConditionalHeaders),
    responses(super::SectionsRead)
)]
#[get("/sections")]
async fn list_sections(req: HttpRequest, app: App) -> HttpResponse {
    app.read
        .load()
        .collection()
        .respond(&req, &app.http.cache_control)
}

/// Get one section
///
/// Same shape as an element of `GET /sections`; its `ETag` changes only when this section does.
#[utoipa::path(
    tag = "sections",
    operation_id = "get_section",
    params(("id" = SectionId, Path, description = "The section's id"), super::ConditionalHeaders),
    responses(super::SectionRead)
)]
#[get("/sections/{id}")]
async fn get_section(req: HttpRequest, id: web::Path<String>, app: App) -> Result<HttpResponse> {
    let id = parse_id(&id)?;
    Ok(app
        .read
        .load()
        .section(id)
        .respond(&req, &app.http.cache_control))
}

pub fn parse_id(name: &str) -> Result<SectionId> {
    SectionId::from_name(name)
        .ok_or_else(|| ApiError::NotFound(format!("there is no section named {:?}", excerpt(name))))
}

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list_sections).service(get_section);
}
