//! Extractors that authenticate a request before its handler runs: a handler that takes an
//! [`Editor`] or a [`Reader`] cannot be reached without the right token, and authentication is
//! checked before anything else about the request (its section, its body).

use std::future::Future;
use std::net::IpAddr;
use std::pin::Pin;
use std::time::Instant;

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest, web};
use sqlx::SqlitePool;

use crate::auth::{AuthError, Principal, Scope, Throttle, Tokens};
use crate::http::error::ApiError;

/// A request made with a `write` token.
#[derive(Debug)]
pub struct Editor(pub Principal);

/// A request made with any token.
#[derive(Debug)]
pub struct Reader(pub Principal);

/// The future of an extractor that looks the token up.
type Authorizing<T> = Pin<Box<dyn Future<Output = Result<T, ApiError>>>>;

/// Everything a token check needs, taken from the request before the handler's future starts.
struct Presented {
    tokens: web::Data<Tokens>,
    pool: web::Data<SqlitePool>,
    throttle: Option<web::Data<Throttle>>,
    client: Option<IpAddr>,
    header: Result<Option<String>, ApiError>,
}

impl Presented {
    fn of(req: &HttpRequest) -> Result<Self, ApiError> {
        let missing = || anyhow::anyhow!("the token store is not configured");
        let header = match req.headers().get(header::AUTHORIZATION) {
            None => Ok(None),
            Some(value) => {
                value
                    .to_str()
                    .map(|v| Some(v.to_owned()))
                    .map_err(|_| ApiError::Unauthorized {
                        detail: "the Authorization header is not ASCII".to_owned(),
                        token_sent: true,
                    })
            }
        };
        Ok(Self {
            tokens: req
                .app_data::<web::Data<Tokens>>()
                .ok_or_else(missing)?
                .clone(),
            pool: req
                .app_data::<web::Data<SqlitePool>>()
                .ok_or_else(missing)?
                .clone(),
            throttle: req.app_data::<web::Data<Throttle>>().cloned(),
            client: req.peer_addr().map(|addr| addr.ip()),
            header,
        })
    }

    async fn authorize(self, needed: Scope) -> Result<Principal, ApiError> {
        let header = self.header?;
        let now = Instant::now();
        let throttle = self.throttle.as_deref().zip(self.client);
        if let (Some((throttle, client)), Some(_)) = (throttle, &header) {
            throttle
                .check(client, now)
                .map_err(|wait| ApiError::TooManyRequests {
                    retry_after: wait.as_secs() + u64::from(wait.subsec_nanos() > 0),
                })?;
        }
        let mut conn = self.pool.acquire().await?;
        let result = self
            .tokens
            .authorize(&mut conn, header.as_deref(), needed)
            .await;
        if let (
            Some((throttle, client)),
            Err(AuthError::Unauthorized {
                token_sent: true, ..
            }),
        ) = (throttle, &result)
        {
            throttle.failed(client, now);
        }
        Ok(result?)
    }
}

impl FromRequest for Editor {
    type Error = ApiError;
    type Future = Authorizing<Self>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let presented = Presented::of(req);
        Box::pin(async move { presented?.authorize(Scope::Write).await.map(Self) })
    }
}

impl FromRequest for Reader {
    type Error = ApiError;
    type Future = Authorizing<Self>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let presented = Presented::of(req);
        Box::pin(async move { presented?.authorize(Scope::Read).await.map(Self) })
    }
}
