//! The HTTP API: one file per resource, each with a `configure` that registers its handlers
//! (and so their OpenAPI operations).

pub mod ops;
pub mod sections;

use actix_web::http::header::HeaderValue;
use actix_web::{HttpRequest, web};
use utoipa::IntoParams;

use crate::error::{ApiError, excerpt};

/// What the handlers need to know about how to answer.
pub struct HttpSettings {
    pub cache_control: HeaderValue,
}

/// Conditional request headers of the cacheable reads.
#[derive(IntoParams)]
#[into_params(parameter_in = Header)]
#[allow(dead_code, non_snake_case)]
pub struct ConditionalHeaders {
    /// Entity tags of copies the client holds (weak comparison; `*` matches any). Any coding's
    /// tag of the current version gives `304`.
    #[param(rename = "If-None-Match", nullable = false)]
    if_none_match: Option<String>,
    /// An HTTP date; `304` if nothing changed since. Ignored when `If-None-Match` is sent.
    #[param(rename = "If-Modified-Since", nullable = false)]
    if_modified_since: Option<String>,
    /// `gzip` and `br` are served precompressed.
    #[param(rename = "Accept-Encoding", nullable = false)]
    accept_encoding: Option<String>,
}

/// Every path the API serves and the methods it allows there: the one list behind `405`'s
/// `Allow`. HEAD is served wherever GET is.
const RESOURCES: &[(&str, &str)] = &[
    ("/sections", "GET, HEAD"),
    ("/sections/{id}", "GET, HEAD"),
    ("/_status", "GET, HEAD"),
    ("/_version", "GET, HEAD"),
];

/// Registers every documented operation, then a `405` for other methods on the same paths.
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    sections::configure(cfg);
    ops::configure(cfg);
    for &(path, allow) in RESOURCES {
        // Routes are not collected into the OpenAPI document; they only answer what the
        // services above did not.
        cfg.route(
            path,
            web::route().to(move |req: HttpRequest| async move {
                Err::<actix_web::HttpResponse, _>(ApiError::MethodNotAllowed {
                    method: req.method().to_string(),
                    allow,
                })
            }),
        );
    }
}

/// Anything that matched no route.
pub async fn not_found(req: HttpRequest) -> Result<actix_web::HttpResponse, ApiError> {
    let path = excerpt(req.path());
    Err(ApiError::NotFound(format!("nothing is served at {path}")))
}
