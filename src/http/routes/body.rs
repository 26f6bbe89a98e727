//! Reading a write's body (JSON, or a page body's text), after authentication and preconditions have passed (API.md's
//! order of checks), so that no body is read for a request that would be refused anyway.

use actix_web::http::header;
use actix_web::mime;
use actix_web::{HttpMessage, HttpRequest, web};
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

use crate::http::error::{ApiError, Result};
use crate::http::routes::HttpSettings;
use crate::model::Pointer;

/// The body as JSON, if it is of media type `accept`, at most `http.max_body` bytes, and all
/// there within `http.request_timeout`. 413 over the limit, 415 for another media type, 408
/// for a body that trickles in too slowly, 400 for anything that is not JSON.
/// A JSON body as `T` (its fields named by the type: unknown ones refused): `422` at the root,
/// saying it is not `what`, when it is JSON of another shape.
pub fn typed<T: serde::de::DeserializeOwned>(body: Value, what: &str) -> Result<T> {
    if !body.is_object() {
        // serde would take a struct from an array of its fields in order, too: not what the
        // OpenAPI document describes.
        return Err(crate::http::error::ApiError::InvalidFields(vec![
            crate::model::FieldError {
                pointer: String::new(),
                detail: format!("is not {what}: it must be a JSON object"),
            },
        ]));
    }
    serde_path_to_error::deserialize(body).map_err(|e| {
        let pointer = pointer_of(e.path());
        let detail = if pointer.is_empty() {
            format!("is not {what}: {}", e.inner())
        } else {
            e.inner().to_string()
        };
        crate::http::error::ApiError::InvalidFields(vec![crate::model::FieldError {
            pointer,
            detail,
        }])
    })
}

/// The RFC 6901 JSON Pointer of where deserializing stopped (`""`: the document itself, as
/// for a missing field, which serde reports on the object that lacks it).
fn pointer_of(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut pointer = Pointer::root();
    for segment in path.iter() {
        pointer = match segment {
            Segment::Seq { index } => pointer.child(index),
            Segment::Map { key } | Segment::Enum { variant: key } => pointer.child(key),
            Segment::Unknown => break,
        };
    }
    pointer.as_str().to_owned()
}

pub async fn read_json(
    req: &HttpRequest,
    payload: web::Payload,
    accept: &'static str,
    http: &HttpSettings,
) -> Result<Value> {
    parse_i_json(&read_bytes(req, payload, accept, http).await?)
}

/// The body as text, if it is `text/plain` in UTF-8, with the same limits as [`read_json`].
pub async fn read_text(
    req: &HttpRequest,
    payload: web::Payload,
    http: &HttpSettings,
) -> Result<String> {
    let bytes = read_bytes(req, payload, TEXT_PLAIN, http).await?;
    String::from_utf8(bytes.to_vec())
        .map_err(|e| ApiError::BadRequest(format!("the body is not UTF-8: {e}")))
}

/// The media type of a page body.
pub const TEXT_PLAIN: &str = "text/plain";

async fn read_bytes(
    req: &HttpRequest,
    payload: web::Payload,
    accept: &'static str,
    http: &HttpSettings,
) -> Result<web::Bytes> {
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
    Ok(bytes)
}

/// Parses a body as I-JSON (RFC 7493): JSON whose objects never name a member twice. serde_json
/// keeps the last of two equal names, another parser may keep the first; a body that two
/// parsers can read differently is refused (400, naming the member) rather than guessed at.
pub fn parse_i_json(bytes: &[u8]) -> Result<Value> {
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let mut duplicate = None;
    let value = UniqueMembers {
        at: Pointer::root(),
        duplicate: &mut duplicate,
    }
    .deserialize(&mut deserializer)
    .and_then(|value| deserializer.end().map(|()| value));
    match (value, duplicate) {
        (_, Some(pointer)) => Err(ApiError::DuplicateMember(pointer)),
        (Ok(value), None) => Ok(value),
        (Err(e), None) => Err(ApiError::BadRequest(format!(
            "the body is not valid JSON: {e}"
        ))),
    }
}

/// Builds a `Value` as serde_json does, but stops at the first member name that its object
/// already has, recording where it is.
struct UniqueMembers<'d> {
    at: Pointer,
    duplicate: &'d mut Option<Pointer>,
}

impl<'de> DeserializeSeed<'de> for UniqueMembers<'_> {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for UniqueMembers<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element_seed(UniqueMembers {
            at: self.at.child(items.len()),
            duplicate: &mut *self.duplicate,
        })? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut members = Map::new();
        while let Some(name) = map.next_key::<String>()? {
            let at = self.at.child(&name);
            if members.contains_key(&name) {
                *self.duplicate = Some(at);
                return Err(de::Error::custom("duplicate member name"));
            }
            let value = map.next_value_seed(UniqueMembers {
                at,
                duplicate: &mut *self.duplicate,
            })?;
            members.insert(name, value);
        }
        Ok(Value::Object(members))
    }
}

#[cfg(test)]
mod typed_tests {
    use serde_json::json;

    use super::typed;
    use crate::http::error::ApiError;

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Body {
        state: Kind,
        items: Option<Vec<u8>>,
        #[serde(rename = "a/b")]
        odd: Option<u8>,
    }

    #[derive(Debug, serde::Deserialize)]
    #[serde(rename_all = "snake_case")]
    enum Kind {
        Live,
    }

    fn pointer(body: serde_json::Value) -> String {
        match typed::<Body>(body, "a body") {
            Err(ApiError::InvalidFields(errors)) => {
                assert_eq!(errors.len(), 1);
                errors[0].pointer.clone()
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_field_that_does_not_deserialize_is_pointed_at() {
        assert_eq!(pointer(json!({"state": "done"})), "/state");
        assert_eq!(
            pointer(json!({"state": "live", "items": [1, "x"]})),
            "/items/1"
        );
        assert_eq!(pointer(json!({"state": "live", "a/b": -1})), "/a~1b");
        assert_eq!(pointer(json!({"items": []})), "");
        assert_eq!(pointer(json!({"state": "live", "extra": 1})), "/extra");
        assert_eq!(pointer(json!(["live"])), "");
    }
}
