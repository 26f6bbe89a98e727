//! Reading a write's JSON body, after authentication and preconditions have passed (API.md's
//! order of checks), so that no body is read for a request that would be refused anyway.

use actix_web::http::header;
use actix_web::mime;
use actix_web::{HttpMessage, HttpRequest, web};
use serde_json::Value;

use crate::error::{ApiError, Result};
use crate::routes::HttpSettings;

/// The body as JSON, if it is of media type `accept`, at most `http.max_body` bytes, and all
/// there within `http.request_timeout`. 413 over the limit, 415 for another media type, 408
/// for a body that trickles in too slowly, 400 for anything that is not JSON.
pub async fn read_json(
    req: &HttpRequest,
    payload: web::Payload,
    accept: &'static str,
    http: &HttpSettings,
) -> Result<Value> {
    let limit = http.max_body;
    // A declared length over the limit is refused before a byte is read.
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|length| length > limit as u64) {
        return Err(ApiError::PayloadTooLarge(limit));
    }
    let media_type = req.mime_type().ok().flatten();
    let utf8 = media_type
        .as_ref()
        .and_then(|m| m.get_param(mime::CHARSET))
        .is_none_or(|charset| charset == mime::UTF_8);
    if media_type.as_ref().map(|m| m.essence_str()) != Some(accept) || !utf8 {
        return Err(ApiError::UnsupportedMediaType { accept });
    }
    // actix times out a slow request head, but not a slow body: without this, a client could
    // hold a connection (and a worker's attention) forever by sending one byte a minute.
    let timeout = http.request_timeout;
    let bytes = tokio::time::timeout(timeout, payload.to_bytes_limited(limit))
        .await
        .map_err(|_| ApiError::RequestTimeout(timeout.as_millis() as u64))?
        .map_err(|_| ApiError::PayloadTooLarge(limit))?
        .map_err(|e| ApiError::BadRequest(format!("the body could not be read: {e}")))?;
    serde_json::from_slice(&bytes)
        .map_err(|e| ApiError::BadRequest(format!("the body is not valid JSON: {e}")))
}
