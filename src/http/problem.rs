//! The RFC 9457 problem document every error response carries, and its completion at the edge
//! (the request's path and id).

use actix_web::HttpResponse;
use serde::Serialize;
use utoipa::ToSchema;

use crate::model::FieldError;
use crate::model::merge::FieldChange;

pub const PROBLEM_JSON: &str = "application/problem+json";

/// Client input quoted in an error detail, cut short: an error must not echo a 40 kB path.
pub fn excerpt(input: &str) -> String {
    const MAX: usize = 80;
    match input.char_indices().nth(MAX) {
        Some((cut, _)) => format!("{}…", &input[..cut]),
        None => input.to_owned(),
    }
}

/// An RFC 9457 problem: what every error response carries.
#[derive(Debug, Serialize, ToSchema)]
pub struct Problem {
    /// A URI reference naming the problem type; `about:blank` when the status says it all.
    #[serde(rename = "type")]
    #[schema(examples("about:blank"))]
    pub problem_type: String,
    /// A short summary of the problem type.
    #[schema(examples("Not Found"))]
    pub title: String,
    /// The HTTP status code.
    #[schema(examples(404), minimum = 400, maximum = 599)]
    pub status: u16,
    /// What went wrong this time.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false, examples("there is no section named \"teasr\""))]
    pub detail: Option<String>,
    /// The request path that failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false, examples("/sections/teasr"))]
    pub instance: Option<String>,
    /// On a 500: the id of the request, as in its log line and `X-Request-Id`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub request_id: Option<String>,
    /// On a 422: one entry per offending field (for PATCH, pointers refer to the merged
    /// result). On a 400 for a member name sent twice: that member.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
    /// On a 409 for a change set's publish: one entry per field both the change set and live
    /// changed since it took its copy.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub conflicts: Vec<FieldChange>,
}

/// A problem document still missing what only the edge of the application knows: the path of
/// the request it answers (`instance`) and, on a 5xx, the request's id. `error_response` leaves
/// it in the response's extensions, with no body yet; `edge` completes it, writes it as the body
/// and logs a 5xx's cause with the request id. So no request pays for carrying its path and id
/// around in case it fails.
pub struct PendingProblem {
    pub(crate) problem: Problem,
    /// On a 5xx: what failed, for the log.
    pub(crate) cause: Option<String>,
}

impl PendingProblem {
    /// Takes the pending problem out of `response`, if it has one, and makes it its body, as the
    /// answer to the request for `path` with id `request_id`.
    pub fn complete<B>(
        response: &mut HttpResponse<B>,
        path: Option<&str>,
        request_id: &str,
    ) -> Option<Vec<u8>> {
        let Self { mut problem, cause } = response.extensions_mut().remove::<Self>()?;
        if let Some(cause) = cause {
            tracing::error!(error = %cause, request_id, "request failed");
            problem.request_id = Some(request_id.to_owned());
        }
        problem.instance = path.map(excerpt);
        Some(serde_json::to_vec(&problem).expect("a problem always serialises"))
    }
}
