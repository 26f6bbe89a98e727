//! The OpenAPI document: info, tags and shared schemas here; every operation comes from the
//! `#[utoipa::path]` beside its handler, collected by the same `configure` the server runs.

use utoipa::OpenApi;
use utoipa_actix_web::AppExt;

use crate::domain::FieldError;
use crate::error::Problem;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "gen3-content",
        description = "The Gen3 data-platform landing page as typed sections. Reads are public and \
                       cacheable (strong ETags, 304, gzip and br). Every error is an RFC 9457 \
                       `application/problem+json` document."
    ),
    tags(
        (name = "sections", description = "The landing page's nine sections"),
        (name = "operations", description = "Health and version, as every Gen3 service has them"),
    ),
    components(schemas(Problem, FieldError))
)]
pub struct ApiDoc;

/// The document exactly as the server serves it at `/openapi.json`.
pub fn openapi() -> utoipa::openapi::OpenApi {
    let (_, api) = actix_web::App::new()
        .into_utoipa_app()
        .openapi(ApiDoc::openapi())
        .configure(crate::routes::configure)
        .split_for_parts();
    api
}
