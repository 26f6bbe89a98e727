//! The Gen3 services' operational endpoints: `/_status` and `/_version`.

use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpResponse, get};
use serde::Serialize;
use utoipa::ToSchema;

use crate::http::error::{ApiError, Result};
use crate::http::problem::Problem;
use crate::http::state::App;

#[derive(Serialize, ToSchema)]
pub struct Status {
    #[schema(examples("OK"))]
    status: String,
}

#[derive(Serialize, ToSchema)]
pub struct VersionInfo {
    /// The crate version.
    #[schema(examples("0.1.0"))]
    version: String,
    /// The git commit it was built from, when the build could see one.
    commit: Option<String>,
}

/// Health check
///
/// `200 {"status": "OK"}` while the database answers and takes writes; `503` when it does not
/// answer, or when the last write failed because the disk is full or the file cannot be written
/// (until a write succeeds again: while such a fault stands, a probe tries one small write at
/// most once a second).
#[utoipa::path(
    tag = "operations",
    operation_id = "get_status",
    responses(
        (status = 200, description = "Healthy", body = Status),
        (status = 503, description = "The database is unreachable or cannot be written", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/_status")]
async fn get_status(app: App) -> Result<HttpResponse> {
    if let Some(fault) = app.store.fault().await {
        return Err(ApiError::Unwritable(fault));
    }
    app.store.ping().await.map_err(ApiError::Unavailable)?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, HeaderValue::from_static("no-store")))
        .json(Status {
            status: "OK".to_owned(),
        }))
}

/// Version
#[utoipa::path(
    tag = "operations",
    operation_id = "get_version",
    responses((status = 200, description = "What is running", body = VersionInfo))
)]
#[get("/_version")]
async fn get_version() -> HttpResponse {
    HttpResponse::Ok().json(VersionInfo {
        version: env!("CARGO_PKG_VERSION").to_owned(),
        commit: option_env!("GEN3_CONTENT_COMMIT").map(str::to_owned),
    })
}

/// Metrics
///
/// Prometheus text format: requests and latency by route pattern, method and status;
/// conditional GETs answered 304; writes by section and outcome; database pool connections.
#[utoipa::path(
    tag = "operations",
    operation_id = "get_metrics",
    responses(
        (status = 200, description = "The metrics, in the Prometheus text exposition format", body = String,
            content_type = "text/plain; version=0.0.4; charset=utf-8"),
    )
)]
#[get("/metrics")]
async fn get_metrics(app: App) -> HttpResponse {
    // Summed over the pages now: a scrape pays for it, a write does not.
    let site = app.read.load();
    let read_model = (site.pages().len(), site.served_bytes());
    HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, HeaderValue::from_static("no-store")))
        .content_type("text/plain; version=0.0.4; charset=utf-8")
        .body(app.metrics.render(app.store.connections(), read_model))
}

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(get_status)
        .service(get_version)
        .service(get_metrics);
}
