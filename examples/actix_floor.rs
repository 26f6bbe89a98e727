//! The floor under gen3-content's read path: actix-web with nothing of ours, serving the same
//! bytes (gzip when the request accepts it) and 304s for a fixed ETag, on one worker, with no
//! middleware and no logging. bench/run.sh runs it beside gen3-content and nginx, to tell the
//! framework's cost from ours.
//!
//! Usage: actix_floor BODY_FILE GZIP_FILE PORT   (listens on 127.0.0.1 only)
//!
//! With `ACTIX_FLOOR_HEADERS=1` it also sends every header gen3-content's reads carry (the
//! security headers, `Cache-Control`, `Vary`, `Last-Modified`, a request id), still with no
//! middleware and no logging: what those headers alone cost in actix-web (bench/reads.sh).

use actix_web::http::header;
use actix_web::web::Bytes;
use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};

const ETAG: &str = "\"floor\"";

struct Bodies {
    identity: Bytes,
    gzip: Bytes,
    all_headers: bool,
}

async fn sections(req: HttpRequest, bodies: web::Data<Bodies>) -> HttpResponse {
    let fresh = req
        .headers()
        .get(header::IF_NONE_MATCH)
        .is_some_and(|v| v.as_bytes() == ETAG.as_bytes());
    let mut response = if fresh {
        HttpResponse::NotModified()
    } else {
        HttpResponse::Ok()
    };
    response.insert_header((header::ETAG, ETAG));
    if bodies.all_headers {
        response
            .insert_header((
                header::CONTENT_SECURITY_POLICY,
                "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
            ))
            .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
            .insert_header((header::REFERRER_POLICY, "no-referrer"))
            .insert_header((header::CACHE_CONTROL, "public, max-age=0, must-revalidate"))
            .insert_header((header::VARY, "Accept-Encoding"))
            .insert_header((header::LAST_MODIFIED, "Tue, 01 Dec 2026 14:16:12 GMT"))
            .insert_header(("x-request-id", "0857a3fe-1805-414a-8000-0000001dfdb6"));
    }
    if fresh {
        return response.finish();
    }
    let gzip = req
        .headers()
        .get(header::ACCEPT_ENCODING)
        .is_some_and(|v| v.to_str().unwrap_or_default().contains("gzip"));
    response.content_type("application/json");
    if gzip {
        response.insert_header((header::CONTENT_ENCODING, "gzip"));
        return response.body(bodies.gzip.clone());
    }
    response.body(bodies.identity.clone())
}

#[actix_web::main]
async fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let (Some(identity), Some(gzip), Some(port)) = (args.next(), args.next(), args.next()) else {
        eprintln!("usage: actix_floor BODY_FILE GZIP_FILE PORT");
        std::process::exit(2);
    };
    let port: u16 = port.parse().expect("a port number");
    let bodies = web::Data::new(Bodies {
        identity: Bytes::from(std::fs::read(identity)?),
        gzip: Bytes::from(std::fs::read(gzip)?),
        all_headers: std::env::var_os("ACTIX_FLOOR_HEADERS").is_some(),
    });
    HttpServer::new(move || {
        App::new()
            .app_data(bodies.clone())
            .route("/sections", web::get().to(sections))
    })
    .workers(1)
    .bind(("127.0.0.1", port))?
    .run()
    .await
}
