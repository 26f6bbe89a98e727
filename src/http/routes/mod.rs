//! The HTTP API: one file per resource, each with a `configure` that registers its handlers
//! (and so their OpenAPI operations).

mod body;
pub mod change_sets;
pub mod events;
pub mod export;
pub mod frontend;
pub mod history;
pub mod ops;
mod page_edits;
pub mod page_ids;
mod page_sections;
pub mod pages;
pub mod preview;
pub mod sections;
pub mod webhooks;
pub mod writes;

use actix_web::http::header::HeaderValue;
use actix_web::{HttpRequest, web};
use utoipa::openapi::OpenApi;

use crate::http::error::ApiError;
use crate::http::problem::excerpt;

/// What the handlers need to know about how to answer.
pub struct HttpSettings {
    pub cache_control: HeaderValue,
    /// Largest write body, in bytes.
    pub max_body: usize,
    /// How long a request's body may take to arrive (its head has the same limit, in actix).
    pub request_timeout: std::time::Duration,
    /// Largest request head, in bytes (see `http::limits::check_head`).
    pub max_header_bytes: usize,
}

/// A list's `limit` query parameter: `default` if absent, `400` unless it is 1 to `max`.
pub fn limit<N>(given: Option<N>, default: N, max: N) -> Result<N, ApiError>
where
    N: Copy + PartialOrd + From<u8> + std::fmt::Display,
{
    let limit = given.unwrap_or(default);
    if (N::from(1)..=max).contains(&limit) {
        Ok(limit)
    } else {
        Err(ApiError::BadRequest(format!("limit must be 1 to {max}")))
    }
}

/// Registers every documented operation.
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    sections::configure(cfg);
    writes::configure(cfg);
    history::configure(cfg);
    export::configure(cfg);
    ops::configure(cfg);
    change_sets::configure(cfg);
    webhooks::configure(cfg);
    events::configure(cfg);
    preview::configure(cfg);
    // Last: its `/pages/{id:.+}` routes would match the other modules' longer paths.
    pages::configure(cfg);
}

/// Each documented path with the methods it allows, read from the OpenAPI document that the
/// handlers themselves produce, so `Allow` can never disagree with what is served. HEAD is
/// allowed wherever GET is (see `http::edge`, which routes HEAD as GET).
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
    // A page id spans segments (`{id:.+}`), so `/pages/{id}` would also match the longer paths
    // of a page: those go first.
    let mut allowed: Vec<&(String, String)> = allowed.iter().collect();
    allowed.sort_by_key(|(path, _)| std::cmp::Reverse(path.matches('/').count()));
    for (path, allow) in allowed {
        let allow = allow.clone();
        let path = path.replacen("/pages/{id}", "/pages/{id:.+}", 1);
        cfg.route(
            &path,
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
