//! `GET /export`: the page as a Hugo page file, for the site's build.

use actix_web::{HttpRequest, HttpResponse, get};

use crate::http::responses;
use crate::http::responses::InChangeSet;
use crate::http::state::App;
use crate::http::view::SiteView;

/// The page as a Hugo page
///
/// The whole page rebuilt from the stored content: YAML front matter with the original keys
/// (numbered maps such as `f1`..`f6` restored from the items' keys) and the HTML body byte for
/// byte, so that Hugo builds the site from edited content with its templates unchanged.
/// Cacheable like the sections: its `ETag` changes whenever any section or the page changes.
#[utoipa::path(
    tag = "export",
    operation_id = "export_page",
    params(responses::ConditionalHeaders, InChangeSet),
    responses(responses::reads::ExportRead)
)]
#[get("/export")]
async fn export_page(req: HttpRequest, site: SiteView, app: App) -> HttpResponse {
    site.landing()
        .export()
        .respond(&req, site.cache_control(&app))
}

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(export_page);
}
