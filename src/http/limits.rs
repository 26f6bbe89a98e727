//! What a client may send: the size of a request's head. (The body's size and the time a
//! request may take are checked where the body is read, `http::routes::body`; connection limits and
//! the head's timeout are actix's, set in `app::startup`.)

use actix_web::dev::ServiceRequest;

use crate::http::error::ApiError;

/// `431` for a request whose head (request line and header fields, as sent) is larger than
/// `max_header_bytes` (`HttpSettings::max_header_bytes`). actix refuses heads over 128 KiB or with more than 96
/// fields itself, with a bare 431 before any of our code runs; this lower, configurable limit
/// answers with a problem document. Checked by `http::edge`, first thing.
pub fn check_head(req: &ServiceRequest, max_header_bytes: usize) -> Result<(), ApiError> {
    if head_size(req) > max_header_bytes {
        return Err(ApiError::HeadersTooLarge(max_header_bytes));
    }
    Ok(())
}

/// The bytes of the request line and header fields, counted as HTTP/1.1 sends them.
fn head_size(req: &ServiceRequest) -> usize {
    // "GET /path?query HTTP/1.1\r\n" (the target as sent, without allocating a copy of it)
    let target = req
        .uri()
        .path_and_query()
        .map_or(req.uri().path().len(), |pq| pq.as_str().len());
    let line = req.method().as_str().len() + target + 11;
    let fields: usize = req
        .headers()
        .iter()
        .map(|(name, value)| name.as_str().len() + value.len() + 4) // "name: value\r\n"
        .sum();
    line + fields + 2
}
