//! Extractors that authenticate a request before its handler runs: a handler that takes an
//! [`Editor`] or a [`Reader`] cannot be reached without the right token, and authentication is
//! checked before anything else about the request (its section, its body).

use std::future::Future;
use std::net::IpAddr;
use std::pin::Pin;
use std::time::Instant;

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest};

use crate::auth::{AuthError, Principal, Scope};
use crate::http::error::ApiError;
use crate::http::state::App;

/// A request made with a `write` token.
#[derive(Debug)]
pub struct Editor(pub Principal);

/// A request made with any token.
#[derive(Debug)]
pub struct Reader(pub Principal);

/// A request made with a `preview` (or `write`) token: one that may see unpublished content.
#[derive(Debug)]
pub struct Previewer(pub Principal);

impl FromRequest for Previewer {
    type Error = ApiError;
    type Future = Authorizing<Self>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let presented = Presented::of(req);
        Box::pin(async move { presented?.authorize(Scope::Preview).await.map(Self) })
    }
}

/// A request made with a `deploy` token: a build of the site reporting on itself.
#[derive(Debug)]
pub struct Deployer(pub Principal);

impl FromRequest for Deployer {
    type Error = ApiError;
    type Future = Authorizing<Self>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let presented = Presented::of(req);
        Box::pin(async move { presented?.authorize(Scope::Deploy).await.map(Self) })
    }
}

/// The future of an extractor that looks the token up.
type Authorizing<T> = Pin<Box<dyn Future<Output = Result<T, ApiError>>>>;

/// Everything a token check needs, taken from the request before the handler's future starts.
pub(crate) struct Presented {
    app: App,
    client: Option<IpAddr>,
    header: Result<Option<String>, ApiError>,
}

impl Presented {
    pub(crate) fn of(req: &HttpRequest) -> Result<Self, ApiError> {
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
            app: req.app_data::<App>().ok_or_else(missing)?.clone(),
            client: req.peer_addr().map(|addr| addr.ip()),
            header,
        })
    }

    pub(crate) async fn authorize(self, needed: Scope) -> Result<Principal, ApiError> {
        let header = self.header?;
        let now = Instant::now();
        let too_many = |wait: std::time::Duration| ApiError::TooManyRequests {
            retry_after: wait.as_secs() + u64::from(wait.subsec_nanos() > 0),
        };
        let throttle = Some(&self.app.throttle).zip(self.client);
        if let (Some((throttle, client)), Some(_)) = (throttle, &header) {
            throttle.check(client, now).map_err(too_many)?;
        }
        let result = self
            .app
            .tokens
            .authorize(&self.app.store, header.as_deref(), needed)
            .await;
        if let (Some((throttle, client)), Some(_)) = (throttle, &header) {
            match &result {
                Err(AuthError::Unauthorized {
                    token_sent: true, ..
                }) => throttle.failed(client, now).map_err(too_many)?,
                // Looked up while other requests of this client went over the limit: refused
                // all the same, so that no guess past the limit is ever confirmed.
                _ => throttle.check(client, now).map_err(too_many)?,
            }
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
