//! One error type for the whole API, always answered as RFC 9457 `application/problem+json`.

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::ServiceResponse;
use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpResponse, ResponseError};

use crate::auth::{AuthError, Scope};
use crate::content::write::{PublishError, WriteError};
use crate::content::{Failure, Fault, Missing, StorageError};
use crate::http::problem::{PROBLEM_JSON, PendingProblem, Problem, excerpt};
use crate::model::merge::FieldChange;
use crate::model::{FieldError, Pointer};

pub type Result<T, E = ApiError> = std::result::Result<T, E>;

/// The media type of a JSON Merge Patch (RFC 7396), the body of `PATCH`.
pub const MERGE_PATCH_JSON: &str = "application/merge-patch+json";

/// The problem type of a 422: its `errors` member lists the offending fields.
pub const INVALID_FIELDS_TYPE: &str = "tag:gen3-content,2026:problems/invalid-fields";

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("{0}")]
    NotFound(String),
    #[error("{method} is not allowed here; allowed: {allow}")]
    MethodNotAllowed { method: String, allow: String },
    #[error("{0}")]
    BadRequest(String),
    /// A JSON object of the body names the member at this pointer twice (RFC 7493 §2.3).
    #[error(
        "the body names the member {:?} twice in one object (at {:?}); member names must be \
         unique (I-JSON, RFC 7493)", .0.last_token(), .0.as_str()
    )]
    DuplicateMember(Pointer),
    /// No usable token; `token_sent` says whether one was presented (RFC 6750 `invalid_token`).
    #[error("{detail}")]
    Unauthorized { detail: String, token_sent: bool },
    #[error("this needs a token with the {} scope", .0.as_str())]
    Forbidden(Scope),
    /// A CORS preflight asking for what its origin may not do.
    #[error("{0}")]
    CrossOrigin(String),
    #[error(
        "this request needs If-Match: send the ETag of the version you edited, or * to \
         overwrite whatever is current"
    )]
    PreconditionRequired,
    #[error("{0}")]
    PreconditionFailed(String),
    /// The request conflicts with the site as it is (a page that already exists).
    #[error("{0}")]
    Conflict(String),
    /// A change set's publish refused: fields both it and live changed, one entry each.
    #[error(
        "{} field(s) were changed both live and in the change set since it took its copy: \
         make the change set's value what it should be (or live's), then publish again",
        .0.len()
    )]
    Conflicts(Vec<FieldChange>),
    /// Too many failed authentications from this client; it may try again in `retry_after` s.
    #[error("too many requests with a bad token from this address: try again in {retry_after} s")]
    TooManyRequests { retry_after: u64 },
    /// The request (its head or its body) did not arrive in time.
    #[error("the request did not arrive within {0} ms")]
    RequestTimeout(u64),
    #[error("the request's header fields are larger than the limit of {0} bytes")]
    HeadersTooLarge(usize),
    #[error("the body is larger than the limit of {0} bytes")]
    PayloadTooLarge(usize),
    /// `accept` is the one media type this request may carry.
    #[error("the body must be {accept}")]
    UnsupportedMediaType { accept: &'static str },
    #[error("{}", invalid_count(.0))]
    InvalidFields(Vec<FieldError>),
    #[error("the database is unavailable")]
    Unavailable(#[source] StorageError),
    /// The database cannot take a write now (a full disk, a file it may not write): nothing was
    /// stored, and the same request can succeed once an operator has made room.
    #[error("{}: nothing was stored; try again later", .0.describe())]
    StorageFault(Fault, #[source] StorageError),
    /// `/_status` while the last write failed with this fault.
    #[error("writes fail: {}", .0.describe())]
    Unwritable(Fault),
    /// Hugo failed to build a change set's preview (its first lines of error).
    #[error("Hugo could not build the preview: {0}")]
    PreviewFailed(String),
    /// `GET /events` with as many streams open as allowed.
    #[error("{0} event streams are open, as many as this server allows: try again shortly")]
    TooManyStreams(usize),
    /// `GET /events` from an address with as many streams open as one may have.
    #[error(
        "{0} event streams are open from this address, as many as one address may have: close one, or try again shortly"
    )]
    TooManyStreamsFromClient(usize),
    /// Any other status, for errors that arise outside our handlers (see `problem_fallback`).
    #[error("{}", .0.canonical_reason().unwrap_or("error"))]
    Status(StatusCode),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

/// The detail of a 422: how many fields are invalid, or that there are more than are listed.
fn invalid_count(errors: &[FieldError]) -> String {
    use crate::model::parse::MAX_LISTED;
    if errors.len() > MAX_LISTED {
        format!("more than {MAX_LISTED} fields are invalid; the first {MAX_LISTED} are listed")
    } else {
        format!("{} field(s) are invalid", errors.len())
    }
}

impl From<StorageError> for ApiError {
    /// A database that stays locked (another process holding the write lock past the busy
    /// timeout) or a pool with no free connection is a temporary condition, not a bug; so is a
    /// full disk or a file that cannot be written.
    fn from(e: StorageError) -> Self {
        match e {
            StorageError::NotFound(missing) => Self::NotFound(not_found(&missing)),
            StorageError::Stale => Self::Conflict(format!(
                "{e}, three times in a row while this write was made: send it again"
            )),
            StorageError::Internal(why) => Self::Internal(anyhow::anyhow!(why)),
            StorageError::Database(_) => match e.failure() {
                Some(Failure::Fault(fault)) => Self::StorageFault(fault, e),
                Some(Failure::Busy) => Self::Unavailable(e),
                _ => Self::Internal(e.into()),
            },
        }
    }
}

/// The detail of a 404 for what storage did not find, quoting the client's input cut short.
fn not_found(missing: &Missing) -> String {
    match missing {
        Missing::Page(id) => format!("there is no page {:?}", excerpt(id)),
        Missing::Section(id) => format!("there is no section named {:?}", excerpt(id)),
        Missing::Token(name) => format!("there is no token named {:?}", excerpt(name)),
        Missing::Delivery(id) => format!("there is no delivery {:?}", excerpt(id)),
        other => other.to_string(),
    }
}

impl From<AuthError> for ApiError {
    fn from(e: AuthError) -> Self {
        match e {
            AuthError::Unauthorized { detail, token_sent } => Self::Unauthorized {
                detail: detail.to_owned(),
                token_sent,
            },
            AuthError::Forbidden(scope) => Self::Forbidden(scope),
            AuthError::Storage(e) => e.into(),
            AuthError::Internal(e) => Self::Internal(e),
        }
    }
}

impl From<PublishError> for ApiError {
    fn from(e: PublishError) -> Self {
        match e {
            PublishError::Conflicts(conflicts) => Self::Conflicts(conflicts),
            PublishError::Write(e) => e.into(),
        }
    }
}

impl From<WriteError> for ApiError {
    fn from(e: WriteError) -> Self {
        match e {
            stale @ WriteError::Stale(_) => Self::PreconditionFailed(stale.to_string()),
            WriteError::References(errors) | WriteError::Invalid(errors) => {
                Self::InvalidFields(errors)
            }
            WriteError::Conflict(detail) => Self::Conflict(detail),
            WriteError::Storage(e) => e.into(),
            WriteError::Internal(e) => Self::Internal(e),
        }
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            Self::NotFound(_) => StatusCode::NOT_FOUND,
            Self::MethodNotAllowed { .. } => StatusCode::METHOD_NOT_ALLOWED,
            Self::BadRequest(_) | Self::DuplicateMember(_) => StatusCode::BAD_REQUEST,
            Self::Unauthorized { .. } => StatusCode::UNAUTHORIZED,
            Self::Forbidden(_) | Self::CrossOrigin(_) => StatusCode::FORBIDDEN,
            Self::PreconditionRequired => StatusCode::PRECONDITION_REQUIRED,
            Self::PreconditionFailed(_) => StatusCode::PRECONDITION_FAILED,
            Self::Conflict(_) | Self::Conflicts(_) => StatusCode::CONFLICT,
            Self::TooManyRequests { .. } | Self::TooManyStreamsFromClient(_) => {
                StatusCode::TOO_MANY_REQUESTS
            }
            Self::RequestTimeout(_) => StatusCode::REQUEST_TIMEOUT,
            Self::HeadersTooLarge(_) => StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            Self::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            Self::UnsupportedMediaType { .. } => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::InvalidFields(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Self::Unavailable(_) | Self::TooManyStreams(_) => StatusCode::SERVICE_UNAVAILABLE,
            Self::StorageFault(Fault::Full, _) => StatusCode::INSUFFICIENT_STORAGE,
            Self::StorageFault(..) | Self::Unwritable(_) => StatusCode::SERVICE_UNAVAILABLE,
            Self::Status(status) => *status,
            Self::Internal(_) | Self::PreviewFailed(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The problem document, to be completed by `edge` (see [`PendingProblem`]).
    fn error_response(&self) -> HttpResponse {
        let status = self.status_code();
        let server_error = status.is_server_error();
        let (problem_type, errors) = match self {
            Self::InvalidFields(errors) => (
                INVALID_FIELDS_TYPE,
                crate::model::parse::listed(errors.clone(), 0),
            ),
            Self::DuplicateMember(at) => (
                "about:blank",
                vec![FieldError {
                    pointer: at.as_str().to_owned(),
                    detail: "is a duplicate member name".to_owned(),
                }],
            ),
            _ => ("about:blank", Vec::new()),
        };
        let problem = Problem {
            problem_type: problem_type.to_owned(),
            title: status.canonical_reason().unwrap_or("Error").to_owned(),
            status: status.as_u16(),
            detail: match self {
                Self::Internal(_) | Self::Status(_) => None,
                other => Some(other.to_string()),
            },
            instance: None,
            request_id: None,
            errors,
            conflicts: match self {
                Self::Conflicts(conflicts) => conflicts.clone(),
                _ => Vec::new(),
            },
        };
        let mut response = HttpResponse::build(status);
        response.insert_header((header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON)));
        response.insert_header((header::CACHE_CONTROL, HeaderValue::from_static("no-store")));
        for (name, value) in self.headers() {
            response.insert_header((name, value));
        }
        if matches!(self, Self::RequestTimeout(_) | Self::HeadersTooLarge(_)) {
            // The rest of the request may still be on its way: close rather than read it.
            response.force_close();
        }
        let mut response = response.finish();
        if let Self::StorageFault(fault, _) = self {
            // For `edge`, which keeps the last write's outcome for `/_status`.
            response.extensions_mut().insert(*fault);
        }
        response.extensions_mut().insert(PendingProblem {
            problem,
            // The cause goes to the log, never to the client.
            cause: server_error.then(|| format!("{self:?}")),
        });
        response
    }
}

impl ApiError {
    /// The headers RFC 9110 and RFC 6750 ask for with this status.
    fn headers(&self) -> Vec<(header::HeaderName, HeaderValue)> {
        const CHALLENGE: &str = r#"Bearer realm="gen3-content""#;
        let value = |v: String| HeaderValue::from_str(&v).ok();
        let pairs = match self {
            Self::MethodNotAllowed { allow, .. } => vec![(header::ALLOW, value(allow.clone()))],
            Self::TooManyStreams(_) | Self::TooManyStreamsFromClient(_) => {
                vec![(header::RETRY_AFTER, value("5".to_owned()))]
            }
            Self::Unauthorized { token_sent, .. } => {
                let error = if *token_sent {
                    r#", error="invalid_token""#
                } else {
                    ""
                };
                vec![(
                    header::WWW_AUTHENTICATE,
                    value(format!("{CHALLENGE}{error}")),
                )]
            }
            Self::Forbidden(scope) => vec![(
                header::WWW_AUTHENTICATE,
                value(format!(
                    r#"{CHALLENGE}, error="insufficient_scope", scope="{}""#,
                    scope.as_str()
                )),
            )],
            Self::UnsupportedMediaType { accept } => {
                let mut pairs = vec![(header::ACCEPT, value((*accept).to_owned()))];
                if *accept == MERGE_PATCH_JSON {
                    pairs.push((
                        header::HeaderName::from_static("accept-patch"),
                        value((*accept).to_owned()),
                    ));
                }
                pairs
            }
            Self::Unavailable(_) => vec![(header::RETRY_AFTER, value("1".to_owned()))],
            // Room is made by a person, not in a second.
            Self::StorageFault(..) | Self::Unwritable(_) => {
                vec![(header::RETRY_AFTER, value("30".to_owned()))]
            }
            Self::TooManyRequests { retry_after } => {
                vec![(header::RETRY_AFTER, value(retry_after.to_string()))]
            }
            _ => Vec::new(),
        };
        pairs
            .into_iter()
            .filter_map(|(name, value)| Some((name, value?)))
            .collect()
    }
}

/// Whatever produced an error response without going through [`ApiError`] (actix's own
/// extractors, Swagger UI's file service), the client still gets a problem document with the
/// same status and the headers that matter. Called by `edge` on every answer.
pub fn problem_fallback<B: MessageBody + 'static>(
    res: ServiceResponse<B>,
) -> ServiceResponse<EitherBody<B>> {
    let status = res.status();
    let is_problem = res
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v == PROBLEM_JSON);
    if is_problem || !(status.is_client_error() || status.is_server_error()) {
        return res.map_into_left_body();
    }
    let (req, original) = res.into_parts();
    let mut problem = ApiError::Status(status).error_response();
    for name in [header::ALLOW, header::WWW_AUTHENTICATE, header::RETRY_AFTER] {
        if let Some(value) = original.headers().get(&name) {
            problem.headers_mut().insert(name, value.clone());
        }
    }
    ServiceResponse::new(req, problem).map_into_right_body()
}

#[cfg(test)]
mod tests {
    use super::*;
    /// Renders `error` as `edge` completes it for the request `req-42` to `/sections`.
    async fn render(error: ApiError) -> serde_json::Value {
        let mut response = error.error_response();
        assert_eq!(
            response.headers().get(header::CONTENT_TYPE).unwrap(),
            PROBLEM_JSON
        );
        let body = PendingProblem::complete(&mut response, Some("/sections"), "req-42").unwrap();
        serde_json::from_slice(&body).unwrap()
    }

    #[actix_web::test]
    async fn a_500_names_the_request_and_hides_the_cause() {
        let body = render(ApiError::Internal(anyhow::anyhow!("secret table name"))).await;
        assert_eq!(body["status"], 500);
        assert_eq!(body["title"], "Internal Server Error");
        assert_eq!(body["request_id"], "req-42");
        assert_eq!(body["instance"], "/sections");
        assert!(body.get("detail").is_none());
        assert!(!body.to_string().contains("secret"));
    }

    #[actix_web::test]
    async fn a_422_lists_its_fields_and_a_404_has_no_request_id() {
        let field = FieldError {
            pointer: "/items/3/link".to_owned(),
            detail: "bad".to_owned(),
        };
        let body = render(ApiError::InvalidFields(vec![field])).await;
        assert_eq!(body["type"], INVALID_FIELDS_TYPE);
        assert_eq!(body["errors"][0]["pointer"], "/items/3/link");
        let body = render(ApiError::NotFound("gone".to_owned())).await;
        assert!(body.get("request_id").is_none());
        assert_eq!(body["detail"], "gone");
    }
}
