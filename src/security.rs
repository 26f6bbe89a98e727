//! Headers every response carries, and which origins may call the API from a browser.

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::Method;
use actix_web::http::header::{self, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{HttpResponse, web};

use crate::error::ApiError;

/// For JSON, problem documents, Markdown: nothing may be loaded, run, framed or submitted.
/// Browsers apply it if a response is ever opened as a page (a user following a link to
/// `/sections`), so that no content can turn into script.
const LOCKED_DOWN: &str =
    "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/// Swagger UI: its own scripts and styles, from this server only. The inline styles and
/// `data:` images are Swagger UI's own (React style attributes, icons in its CSS); scripts
/// are never inline. `connect-src 'self'` lets "Try it out" call this API and nothing else.
const SWAGGER_UI: &str = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
     img-src 'self' data:; font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; \
     base-uri 'none'; form-action 'none'";

/// Adds `X-Content-Type-Options: nosniff`, `Referrer-Policy: no-referrer` and a
/// `Content-Security-Policy` to every response that passes through the application, errors
/// included: the response's own if it has one (the example frontend's pages), Swagger UI's
/// under `/swagger-ui/`, the locked-down one elsewhere.
pub async fn security_headers(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let swagger = req.path().starts_with("/swagger-ui");
    let mut res = next.call(req).await?;
    let headers = res.headers_mut();
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    if !headers.contains_key(header::CONTENT_SECURITY_POLICY) {
        let policy = if swagger { SWAGGER_UI } else { LOCKED_DOWN };
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(policy),
        );
    }
    Ok(res)
}

/// Which browser origins may do what (CORS, the Fetch standard).
///
/// Reads of the content (`GET`, `HEAD` without a token) are open to every origin and answered
/// with `Access-Control-Allow-Origin: *`, so that the answer does not depend on the origin and a
/// shared cache keeps one copy for all frontends (`Vary` stays `Accept-Encoding`). Anything that
/// carries a token (writes, history) is allowed only from the configured origins, answered with
/// that origin and `Vary: Origin`. (actix-cors applies one origin policy to every method and
/// always varies on `Origin`, which is why this is written out here.)
pub struct Cors {
    origins: Vec<String>,
}

const READ_METHODS: &str = "GET, HEAD";
const ALL_METHODS: &str = "GET, HEAD, PUT, PATCH, POST";
const ALLOWED_HEADERS: [&str; 6] = [
    "authorization",
    "content-type",
    "if-match",
    "if-none-match",
    "if-modified-since",
    "x-request-id",
];
const EXPOSED_HEADERS: &str = "ETag, Last-Modified, Location, Content-Location, Retry-After, \
     Link, WWW-Authenticate, X-Request-Id";

impl Cors {
    pub fn new(origins: &[String]) -> Self {
        Self {
            origins: origins
                .iter()
                .map(|o| o.trim_end_matches('/').to_ascii_lowercase())
                .collect(),
        }
    }

    fn trusts(&self, origin: &str) -> bool {
        self.origins.iter().any(|o| o.eq_ignore_ascii_case(origin))
    }
}

/// Answers preflight requests, and marks other cross-origin answers as readable (or not).
pub async fn cors(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let Some(origin) = header_str(&req, header::ORIGIN).map(str::to_owned) else {
        return Ok(next.call(req).await?.map_into_boxed_body());
    };
    let policy = req.app_data::<web::Data<Cors>>().cloned();
    let trusted = policy.as_ref().is_some_and(|p| p.trusts(&origin));
    let requested = header_str(&req, header::ACCESS_CONTROL_REQUEST_METHOD).map(str::to_owned);

    if req.method() == Method::OPTIONS
        && let Some(method) = requested
    {
        let headers = header_str(&req, header::ACCESS_CONTROL_REQUEST_HEADERS).unwrap_or("");
        let asked: Vec<String> = headers
            .split(',')
            .map(|h| h.trim().to_ascii_lowercase())
            .filter(|h| !h.is_empty())
            .collect();
        if let Some(unknown) = asked
            .iter()
            .find(|h| !ALLOWED_HEADERS.contains(&h.as_str()))
        {
            let detail = format!("the header {unknown:?} may not be sent cross-origin");
            return Err(ApiError::CrossOrigin(detail).into());
        }
        let reading =
            (method == "GET" || method == "HEAD") && !asked.iter().any(|h| h == "authorization");
        if !reading && !trusted {
            let detail = format!(
                "the origin {:?} may only read; writes and history need an origin listed in \
                 --cors-origin",
                crate::error::excerpt(&origin)
            );
            return Err(ApiError::CrossOrigin(detail).into());
        }
        let mut res = HttpResponse::NoContent();
        if reading {
            res.insert_header((header::ACCESS_CONTROL_ALLOW_ORIGIN, "*"))
                .insert_header((header::ACCESS_CONTROL_ALLOW_METHODS, READ_METHODS));
        } else {
            res.insert_header((header::ACCESS_CONTROL_ALLOW_ORIGIN, origin.as_str()))
                .insert_header((header::VARY, "Origin"))
                .insert_header((header::ACCESS_CONTROL_ALLOW_METHODS, ALL_METHODS));
        }
        if !asked.is_empty() {
            res.insert_header((header::ACCESS_CONTROL_ALLOW_HEADERS, asked.join(", ")));
        }
        res.insert_header((header::ACCESS_CONTROL_MAX_AGE, "600"));
        return Ok(req.into_response(res.finish()));
    }

    let reading = (req.method() == Method::GET || req.method() == Method::HEAD)
        && !req.headers().contains_key(header::AUTHORIZATION);
    let mut res = next.call(req).await?.map_into_boxed_body();
    let headers = res.headers_mut();
    if reading {
        headers.insert(
            header::ACCESS_CONTROL_ALLOW_ORIGIN,
            HeaderValue::from_static("*"),
        );
    } else if trusted {
        if let Ok(value) = HeaderValue::from_str(&origin) {
            headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, value);
        }
        headers.append(header::VARY, HeaderValue::from_static("Origin"));
    } else {
        // Not readable by that origin's page: the browser withholds the answer.
        return Ok(res);
    }
    headers.insert(
        header::ACCESS_CONTROL_EXPOSE_HEADERS,
        HeaderValue::from_static(EXPOSED_HEADERS),
    );
    Ok(res)
}

fn header_str(req: &ServiceRequest, name: header::HeaderName) -> Option<&str> {
    req.headers().get(name).and_then(|v| v.to_str().ok())
}
