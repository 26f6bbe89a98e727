//! `GET /export`: the page as a Hugo page file, for the site's build.

use actix_web::{HttpRequest, HttpResponse, get, web};

use crate::error::Problem;
use crate::routes::HttpSettings;
use crate::snapshot::ReadModel;

/// The page as a Hugo page
///
/// The whole page rebuilt from the stored content: YAML front matter with the original keys
/// (numbered maps such as `f1`..`f6` restored from the items' keys) and the HTML body byte for
/// byte, so that Hugo builds the site from edited content with its templates unchanged.
/// Cacheable like the sections: its `ETag` changes whenever any section or the page changes.
#[utoipa::path(
    tag = "export",
    operation_id = "export_page",
    params(super::ConditionalHeaders),
    responses(
        (status = 200, description = "The Hugo page file", body = String,
            content_type = "text/markdown; charset=utf-8",
            headers(
                ("ETag" = String, description = "Strong validator of this version in this content coding"),
                ("Last-Modified" = String, description = "When anything on the page last changed (one-second resolution)"),
                ("Cache-Control" = String, description = "Caching policy, configurable"),
                ("Vary" = String, description = "Accept-Encoding"),
            )),
        (status = 304, description = "Not modified", headers(
                ("ETag" = String, description = "The current validator"),
                ("Cache-Control" = String, description = "Caching policy, configurable"),
            )),
        (status = 500, description = "Unexpected error", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/export")]
async fn export_page(
    req: HttpRequest,
    read: web::Data<ReadModel>,
    http: web::Data<HttpSettings>,
) -> HttpResponse {
    read.load().export().respond(&req, &http.cache_control)
}

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(export_page);
}
