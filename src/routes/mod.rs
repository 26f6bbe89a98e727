//! The HTTP API: one file per resource, each with a `configure` that registers its handlers
//! (and so their OpenAPI operations).

pub mod documents;
pub mod ops;
pub mod sections;

use actix_web::http::header::HeaderValue;
use actix_web::{HttpRequest, web};
use utoipa::IntoParams;
use utoipa::openapi::OpenApi;

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

/// Registers every documented operation.
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    sections::configure(cfg);
    ops::configure(cfg);
}

/// Each documented path with the methods it allows, read from the OpenAPI document that the
/// handlers themselves produce, so `Allow` can never disagree with what is served. HEAD is
/// allowed wherever GET is (see `startup::head_as_get`).
pub fn allowed_methods(api: &OpenApi) -> Vec<(String, String)> {
    api.paths
        .paths
        .iter()
        .map(|(path, item)| {
            let operations = [
                (&item.get, "GET, HEAD"),
                (&item.post, "POST"),
                (&item.put, "PUT"),
                (&item.patch, "PATCH"),
                (&item.delete, "DELETE"),
            ];
            let allow: Vec<&str> = operations
                .into_iter()
                .filter_map(|(operation, methods)| operation.as_ref().map(|_| methods))
                .collect();
            (path.clone(), allow.join(", "))
        })
        .collect()
}

/// A `405` with `Allow` for any other method on a documented path. Register after the handlers:
/// routes are tried in order, so these only answer what no handler took.
pub fn method_not_allowed(cfg: &mut web::ServiceConfig, allowed: &[(String, String)]) {
    for (path, allow) in allowed {
        let allow = allow.clone();
        cfg.route(
            path,
            web::route().to(move |req: HttpRequest| {
                let error = ApiError::MethodNotAllowed {
                    method: req.method().to_string(),
                    allow: allow.clone(),
                };
                async move { Err::<actix_web::HttpResponse, _>(error) }
            }),
        );
    }
}

/// Anything that matched no route.
pub async fn not_found(req: HttpRequest) -> Result<actix_web::HttpResponse, ApiError> {
    let path = excerpt(req.path());
    Err(ApiError::NotFound(format!("nothing is served at {path}")))
}
