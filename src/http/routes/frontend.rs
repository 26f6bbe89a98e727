//! The example frontend (`examples/frontend/public`), built into the binary and served at `/`:
//! the landing page rendered from `GET /sections` by a page anyone can open. Not part of the
//! API, so not in the OpenAPI document.

use std::sync::LazyLock;
use std::time::SystemTime;

use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpRequest, HttpResponse, web};

use crate::content::read::representation::Representation;

/// The page's own scripts, styles and API calls, from this server only; images from here or
/// any https site (the Gen3 figures are links); nothing inline.
const POLICY: &str = "default-src 'none'; script-src 'self'; style-src 'self'; \
     img-src 'self' https: data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; \
     form-action 'none'";

struct Asset {
    path: &'static str,
    representation: LazyLock<Representation>,
}

macro_rules! asset {
    ($path:literal, $file:literal, $content_type:literal) => {
        Asset {
            path: $path,
            representation: LazyLock::new(|| {
                let body = include_bytes!(concat!("../../../examples/frontend/public/", $file));
                Representation::new($content_type, body.to_vec(), SystemTime::UNIX_EPOCH)
            }),
        }
    };
}

static ASSETS: [Asset; 3] = [
    asset!("/", "index.html", "text/html; charset=utf-8"),
    asset!("/app.js", "app.js", "text/javascript; charset=utf-8"),
    asset!("/style.css", "style.css", "text/css; charset=utf-8"),
];

/// Served like the API's reads (strong ETag, 304, gzip and br), always revalidated: the files
/// change with the binary.
async fn serve(req: HttpRequest) -> HttpResponse {
    let asset = ASSETS
        .iter()
        .find(|a| a.path == req.path())
        .expect("routed paths only");
    let mut response = asset
        .representation
        .respond(&req, &HeaderValue::from_static("no-cache"));
    // The Last-Modified of a file built into the binary means nothing: ETags decide.
    response.headers_mut().remove(header::LAST_MODIFIED);
    response.headers_mut().insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(POLICY),
    );
    response
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    for asset in &ASSETS {
        cfg.route(asset.path, web::get().to(serve));
    }
}
