//! Extractors that authenticate a request before its handler runs: a handler that takes an
//! [`Editor`] or a [`Reader`] cannot be reached without the right token, and authentication is
//! checked before anything else about the request (its section, its body).

use std::future::{Ready, ready};
use std::time::Instant;

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest, web};

use super::{Principal, Scope, Throttle, Tokens};
use crate::error::ApiError;

/// A request made with a `write` token.
#[derive(Debug)]
pub struct Editor(pub Principal);

/// A request made with any token.
#[derive(Debug)]
pub struct Reader(pub Principal);

fn authorize(req: &HttpRequest, needed: Scope) -> Result<Principal, ApiError> {
    let tokens = req
        .app_data::<web::Data<Tokens>>()
        .ok_or_else(|| anyhow::anyhow!("the token store is not configured"))?;
    let header = match req.headers().get(header::AUTHORIZATION) {
        None => None,
        Some(value) => Some(value.to_str().map_err(|_| ApiError::Unauthorized {
            detail: "the Authorization header is not ASCII".to_owned(),
            token_sent: true,
        })?),
    };
    let throttle = req.app_data::<web::Data<Throttle>>();
    let client = req.peer_addr().map(|addr| addr.ip());
    let now = Instant::now();
    if let (Some(throttle), Some(client), Some(_)) = (throttle, client, header) {
        throttle
            .check(client, now)
            .map_err(|wait| ApiError::TooManyRequests {
                retry_after: wait.as_secs() + u64::from(wait.subsec_nanos() > 0),
            })?;
    }
    let result = tokens.authorize(header, needed);
    if let (Some(throttle), Some(client)) = (throttle, client)
        && matches!(
            result,
            Err(ApiError::Unauthorized {
                token_sent: true,
                ..
            })
        )
    {
        throttle.failed(client, now);
    }
    result
}

impl FromRequest for Editor {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(authorize(req, Scope::Write).map(Self))
    }
}

impl FromRequest for Reader {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(authorize(req, Scope::Read).map(Self))
    }
}
