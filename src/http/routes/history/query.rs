//! What every history listing shares: its paging and its caching.

use actix_web::HttpResponse;
use actix_web::http::header::{self, HeaderValue};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::http::error::{ApiError, Result};

/// The most revisions one page of history holds.
const MAX_LIMIT: i64 = 500;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct HistoryQuery {
    /// How many revisions to list (1 to 500).
    #[param(minimum = 1, maximum = 500, default = 50)]
    limit: Option<i64>,
    /// List only revisions older than this one (the `revision` of the last one seen).
    #[param(minimum = 1)]
    before: Option<i64>,
}

impl HistoryQuery {
    pub(super) fn bounds(&self) -> Result<(i64, i64)> {
        let limit = self.limit.unwrap_or(50);
        if !(1..=MAX_LIMIT).contains(&limit) || self.before.is_some_and(|b| b < 1) {
            return Err(ApiError::BadRequest(format!(
                "limit must be 1 to {MAX_LIMIT} and before at least 1"
            )));
        }
        Ok((limit, self.before.unwrap_or(i64::MAX)))
    }
}

/// History is private to token holders and changes with every write.
pub(super) fn private(mut response: HttpResponse) -> HttpResponse {
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    response
}

/// `Link: <…>; rel="next"` for a page of the history of `url` that was full (`count` revisions,
/// the oldest `last`) and did not reach revision 1.
pub(super) fn next_page(
    response: &mut actix_web::HttpResponseBuilder,
    url: &str,
    query: &HistoryQuery,
    count: usize,
    last: Option<i64>,
) {
    let limit = query.limit.unwrap_or(50);
    if let Some(last) = last.filter(|&last| count as i64 == limit && last > 1) {
        let next = format!("<{url}/revisions?limit={limit}&before={last}>; rel=\"next\"");
        response.insert_header((header::LINK, next));
    }
}
