//! `GET /preview/{changeset}/{url}`: a change set's view of the site, built by Hugo with the
//! site's own checkout (`--hugo-site`) and served as the site would be. For `preview` and
//! `write` tokens; never cached, never indexed.

use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpResponse, get, web};

use crate::content::change_sets::preview::PreviewError;
use crate::http::auth::Previewer;
use crate::http::error::{ApiError, Result};
use crate::http::state::App;
use crate::http::view::not_open;

/// Preview a change set as the real site
///
/// The page Hugo publishes at `/{url}` (`products/workspaces/`; empty for the home page),
/// built from the change set's view of every page with the site's own Hugo checkout (the
/// server's `--hugo-site`); its links and assets point into the same preview. A build is
/// reused until the change set or the live site changes. Needs the `preview` or `write` scope.
/// `404` when the server has no `--hugo-site`.
#[utoipa::path(
    tag = "change sets",
    operation_id = "preview_change_set",
    params(
        ("id" = i64, Path, description = "The change set's id", minimum = 1),
        ("url" = String, Path, description = "The page's URL path under the site, as Hugo publishes it (`products/workspaces/`)"),
    ),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The page (or asset) as Hugo built it", content_type = "text/html"),
        (status = 400, description = "The id is not a change set's", body = crate::http::problem::Problem, content_type = "application/problem+json"),
        (status = 401, description = "No token, or an unknown, expired or revoked one", body = crate::http::problem::Problem, content_type = "application/problem+json"),
        (status = 403, description = "The token lacks the `preview` scope", body = crate::http::problem::Problem, content_type = "application/problem+json"),
        (status = 404, description = "No open change set of that id, no such page in the preview, or no `--hugo-site`", body = crate::http::problem::Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many requests with a bad token from this address", body = crate::http::problem::Problem, content_type = "application/problem+json"),
        (status = 500, description = "Hugo could not build the preview (its first lines of error in `detail`)", body = crate::http::problem::Problem, content_type = "application/problem+json"),
    ),
)]
#[get("/preview/{id}/{url:.*}")]
async fn preview_change_set(
    _previewer: Previewer,
    path: web::Path<(i64, String)>,
    app: App,
) -> Result<HttpResponse> {
    let (id, url) = path.into_inner();
    let Some(previews) = &app.previews else {
        return Err(ApiError::NotFound(
            "previews need the server's --hugo-site (a checkout of the Hugo site)".to_owned(),
        ));
    };
    let live = app.read.load_full();
    let Some(view) = app.read.change_sets.view(id, &live)? else {
        return Err(not_open(&app, id, false).await);
    };
    let file = previews.file(id, &view, &url).await.map_err(|e| match e {
        PreviewError::Build(detail) => ApiError::PreviewFailed(detail),
        PreviewError::Io(e) => ApiError::Internal(e.into()),
    })?;
    let Some((bytes, path)) = file else {
        return Err(ApiError::NotFound(format!(
            "the preview of change set {id} has no page at /{}",
            crate::http::problem::excerpt(&url)
        )));
    };
    let media = mime_guess::from_path(&path).first_or_octet_stream();
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, media.essence_str().to_owned()))
        .insert_header((header::CACHE_CONTROL, HeaderValue::from_static("no-store")))
        .insert_header(("x-robots-tag", HeaderValue::from_static("noindex")))
        .body(bytes))
}

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(preview_change_set);
}
