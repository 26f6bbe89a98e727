//! The floor under gen3-content's read path: actix-web with nothing of ours, serving the same
//! bytes (gzip when the request accepts it) and 304s for a fixed ETag, on one worker, with no
//! middleware and no logging. bench/run.sh runs it beside gen3-content and nginx, to tell the
//! framework's cost from ours.
//!
//! Usage: actix_floor BODY_FILE GZIP_FILE PORT   (listens on 127.0.0.1 only)

use actix_web::http::header;
use actix_web::web::Bytes;
use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};

const ETAG: &str = "\"floor\"";

struct Bodies {
    identity: Bytes,
    gzip: Bytes,
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
