//! `GET /sections` and `GET /sections/{id}`.

use crate::domain::SectionId;
use crate::error::{ApiError, Problem, Result, excerpt};
use crate::routes::HttpSettings;
use crate::routes::documents::{Section, SectionsDocument};
use crate::snapshot::ReadModel;
use actix_web::{HttpRequest, HttpResponse, get, web};

/// List every section, in page order
///
/// The nine sections with their system fields, plus the page's metadata. Cacheable: send the
/// `ETag` back in `If-None-Match` to get a `304`.
#[utoipa::path(
    tag = "sections",
    operation_id = "list_sections",
    params(super::ConditionalHeaders),
    responses(
        (status = 200, description = "The page's sections", body = SectionsDocument,
            headers(
                ("ETag" = String, description = "Strong validator of this version in this content coding"),
                ("Last-Modified" = String, description = "When it last changed (one-second resolution)"),
                ("Cache-Control" = String, description = "Caching policy, configurable"),
                ("Vary" = String, description = "Accept-Encoding"),
            )),
        (status = 304, description = "Not modified: the copy named in `If-None-Match` (or newer than `If-Modified-Since`) is current",
            headers(
                ("ETag" = String, description = "The current validator"),
                ("Cache-Control" = String, description = "Caching policy, configurable"),
            )),
        (status = 500, description = "Unexpected error", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/sections")]
async fn list_sections(
    req: HttpRequest,
    read: web::Data<ReadModel>,
    http: web::Data<HttpSettings>,
) -> HttpResponse {
    read.load().collection().respond(&req, &http.cache_control)
}

/// Get one section
///
/// Same shape as an element of `GET /sections`; its `ETag` changes only when this section does.
#[utoipa::path(
    tag = "sections",
    operation_id = "get_section",
    params(("id" = SectionId, Path, description = "The section's id"), super::ConditionalHeaders),
    responses(
        (status = 200, description = "The section", body = Section,
            headers(
                ("ETag" = String, description = "Strong validator of this version in this content coding"),
                ("Last-Modified" = String, description = "When it last changed (one-second resolution)"),
                ("Cache-Control" = String, description = "Caching policy, configurable"),
                ("Vary" = String, description = "Accept-Encoding"),
            )),
        (status = 304, description = "Not modified", headers(
                ("ETag" = String, description = "The current validator"),
                ("Cache-Control" = String, description = "Caching policy, configurable"),
            )),
        (status = 404, description = "No section has this id", body = Problem, content_type = "application/problem+json"),
        (status = 500, description = "Unexpected error", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/sections/{id}")]
async fn get_section(
    req: HttpRequest,
    id: web::Path<String>,
    read: web::Data<ReadModel>,
    http: web::Data<HttpSettings>,
) -> Result<HttpResponse> {
    let id = parse_id(&id)?;
    Ok(read.load().section(id).respond(&req, &http.cache_control))
}

pub fn parse_id(name: &str) -> Result<SectionId> {
    SectionId::from_name(name)
        .ok_or_else(|| ApiError::NotFound(format!("there is no section named {:?}", excerpt(name))))
}

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list_sections).service(get_section);
}
