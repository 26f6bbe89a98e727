//! Reading a write's JSON body, after authentication and preconditions have passed (API.md's
//! order of checks), so that no body is read for a request that would be refused anyway.

use actix_web::http::header;
use actix_web::mime;
use actix_web::{HttpMessage, HttpRequest, web};
use serde_json::Value;

use crate::error::{ApiError, Result};

/// The body as JSON, if it is of media type `accept` and at most `limit` bytes.
/// 413 over the limit, 415 for another media type, 400 for anything that is not JSON.
pub async fn read_json(
    req: &HttpRequest,
    payload: web::Payload,
    accept: &'static str,
    limit: usize,
) -> Result<Value> {
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
    let bytes = payload
        .to_bytes_limited(limit)
        .await
        .map_err(|_| ApiError::PayloadTooLarge(limit))?
        .map_err(|e| ApiError::BadRequest(format!("the body could not be read: {e}")))?;
    serde_json::from_slice(&bytes)
        .map_err(|e| ApiError::BadRequest(format!("the body is not valid JSON: {e}")))
}
