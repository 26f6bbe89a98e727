//! Headers every response carries, and which origins may call the API from a browser.

use actix_web::HttpResponse;
use actix_web::dev::ServiceRequest;
use actix_web::http::Method;
use actix_web::http::header::{self, HeaderMap, HeaderValue};

use crate::http::error::ApiError;

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

/// `X-Content-Type-Options: nosniff`, `Referrer-Policy: no-referrer`, and a
/// `Content-Security-Policy`: the response's own if it has one (the example frontend's pages),
/// Swagger UI's under `/swagger-ui/`, the locked-down one elsewhere.
///
/// The values are constants: `HeaderValue::from_static` checks every byte when it runs, which on
/// a read served from memory showed in the profile; evaluated at compile time it costs nothing.
pub fn secure(headers: &mut HeaderMap, swagger: bool) {
    const NOSNIFF: HeaderValue = HeaderValue::from_static("nosniff");
    const NO_REFERRER: HeaderValue = HeaderValue::from_static("no-referrer");
    const LOCKED_DOWN_VALUE: HeaderValue = HeaderValue::from_static(LOCKED_DOWN);
    const SWAGGER_UI_VALUE: HeaderValue = HeaderValue::from_static(SWAGGER_UI);
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, NOSNIFF);
    headers.insert(header::REFERRER_POLICY, NO_REFERRER);
    if !headers.contains_key(header::CONTENT_SECURITY_POLICY) {
        let policy = if swagger {
            SWAGGER_UI_VALUE
        } else {
            LOCKED_DOWN_VALUE
        };
        headers.insert(header::CONTENT_SECURITY_POLICY, policy);
    }
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
                .map(|o| o.trim_end_matches('/').to_owned())
                .collect(),
        }
    }

    fn trusts(&self, origin: &str) -> bool {
        self.origins.iter().any(|o| o.eq_ignore_ascii_case(origin))
    }
}

/// The answer to a CORS preflight (`OPTIONS` with `Access-Control-Request-Method`) from
/// `origin`: `None` if the request is not one, else `204` with what it may do, or a refusal.
pub fn preflight(
    req: &ServiceRequest,
    origin: &str,
    policy: &Cors,
) -> Option<Result<HttpResponse, ApiError>> {
    if req.method() != Method::OPTIONS {
        return None;
    }
    let method = header_str(req, header::ACCESS_CONTROL_REQUEST_METHOD)?;
    let headers = header_str(req, header::ACCESS_CONTROL_REQUEST_HEADERS).unwrap_or("");
    let asked: Vec<String> = headers
        .split(',')
        .map(|h| h.trim().to_ascii_lowercase())
        .filter(|h| !h.is_empty())
        .collect();
    if let Some(unknown) = asked
        .iter()
        .find(|h| !ALLOWED_HEADERS.contains(&h.as_str()))
    {
        let detail = format!(
            "the header {:?} may not be sent cross-origin",
            crate::http::problem::excerpt(unknown)
        );
        return Some(Err(ApiError::CrossOrigin(detail)));
    }
    let reading = public_read(method, asked.iter().any(|h| h == "authorization"));
    if !reading && !policy.trusts(origin) {
        let detail = format!(
            "the origin {:?} may only read; writes and history need an origin listed in \
             --cors-origin",
            crate::http::problem::excerpt(origin)
        );
        return Some(Err(ApiError::CrossOrigin(detail)));
    }
    let mut res = HttpResponse::NoContent();
    if reading {
        res.insert_header((header::ACCESS_CONTROL_ALLOW_ORIGIN, "*"))
            .insert_header((header::ACCESS_CONTROL_ALLOW_METHODS, READ_METHODS));
    } else {
        res.insert_header((header::ACCESS_CONTROL_ALLOW_ORIGIN, origin))
            .insert_header((header::VARY, "Origin"))
            .insert_header((header::ACCESS_CONTROL_ALLOW_METHODS, ALL_METHODS));
    }
    if !asked.is_empty() {
        res.insert_header((header::ACCESS_CONTROL_ALLOW_HEADERS, asked.join(", ")));
    }
    res.insert_header((header::ACCESS_CONTROL_MAX_AGE, "600"));
    Some(Ok(res.finish()))
}

/// What any origin may do: read (`GET`, `HEAD`) without a token.
fn public_read(method: &str, token: bool) -> bool {
    (method == "GET" || method == "HEAD") && !token
}

/// How an ordinary (not preflight) cross-origin request is answered.
pub enum CrossOrigin {
    /// A read without a token: readable by every origin, one copy for all.
    Anyone,
    /// A request with a token, from a listed origin: readable by that origin only.
    Trusted(HeaderValue),
    /// Anything else: no CORS headers, so the browser withholds the answer from the page.
    Nobody,
}

impl CrossOrigin {
    pub fn of(req: &ServiceRequest, origin: HeaderValue, policy: &Cors) -> Self {
        let token = req.headers().contains_key(header::AUTHORIZATION);
        if public_read(req.method().as_str(), token) {
            Self::Anyone
        } else if origin.to_str().is_ok_and(|o| policy.trusts(o)) {
            Self::Trusted(origin)
        } else {
            Self::Nobody
        }
    }

    pub fn annotate(self, headers: &mut HeaderMap) {
        match self {
            Self::Anyone => {
                headers.insert(
                    header::ACCESS_CONTROL_ALLOW_ORIGIN,
                    HeaderValue::from_static("*"),
                );
            }
            Self::Trusted(origin) => {
                headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
                headers.append(header::VARY, HeaderValue::from_static("Origin"));
            }
            Self::Nobody => return,
        }
        headers.insert(
            header::ACCESS_CONTROL_EXPOSE_HEADERS,
            HeaderValue::from_static(EXPOSED_HEADERS),
        );
    }
}

fn header_str(req: &ServiceRequest, name: header::HeaderName) -> Option<&str> {
    req.headers().get(name).and_then(|v| v.to_str().ok())
}
