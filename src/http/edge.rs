//! The one middleware every request passes, on its way in and on its way out.
//!
//! In: a request id (the client's `X-Request-Id` when it is a sane token, else a new one), `HEAD`
//! routed as `GET`, the head size limit, CORS preflights answered before routing. Out: a problem
//! document for any error that is not one yet, CORS and security headers on every answer
//! (refusals included), the request id echoed, the request counted in the metrics and logged.
//!
//! These were four `from_fn` layers; each cost every request a boxed future, a reference-counted
//! service handle and a dispatch, which on a read served from memory was a measurable share of
//! the time (bench/RESULTS.md). As one hand-written `Service` they cost one boxed future.

use std::future::{Future, Ready, ready};
use std::pin::Pin;
use std::rc::Rc;
use std::time::Instant;

use actix_web::body::{BoxBody, EitherBody, MessageBody};
use actix_web::dev::{Service, ServiceRequest, ServiceResponse, Transform, forward_ready};
use actix_web::error::InternalError;
use actix_web::http::header;
use actix_web::http::{Method, StatusCode};
use actix_web::{Error, HttpRequest};

use crate::content::{Fault, Health};
use crate::http::error::problem_fallback;
use crate::http::limits;
use crate::http::problem::PendingProblem;
use crate::http::security::{self, CrossOrigin};
use crate::http::state::App;
use crate::ops::metrics::Metrics;
use crate::ops::telemetry::{self, REQUEST_ID, RequestId};

/// Wraps the application (`App::wrap(Edge::new(..))`). It holds what it needs itself rather
/// than finding it in the application's data on every request.
#[derive(Clone)]
pub struct Edge {
    app: App,
}

impl Edge {
    pub fn new(app: App) -> Self {
        Self { app }
    }
}

impl<S, B> Transform<S, ServiceRequest> for Edge
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error> + 'static,
    B: MessageBody + 'static,
{
    type Response = ServiceResponse<EitherBody<B>>;
    type Error = Error;
    type Transform = EdgeService<S>;
    type InitError = ();
    type Future = Ready<Result<Self::Transform, Self::InitError>>;

    fn new_transform(&self, service: S) -> Self::Future {
        ready(Ok(EdgeService {
            service: Rc::new(service),
            edge: self.clone(),
        }))
    }
}

pub struct EdgeService<S> {
    service: Rc<S>,
    edge: Edge,
}

impl<S, B> Service<ServiceRequest> for EdgeService<S>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error> + 'static,
    B: MessageBody + 'static,
{
    type Response = ServiceResponse<EitherBody<B>>;
    type Error = Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, Error>>>>;

    forward_ready!(service);

    fn call(&self, mut req: ServiceRequest) -> Self::Future {
        let start = Instant::now();
        let id = RequestId::of(req.headers());
        let method = req.method().clone();
        // HEAD is GET without the body (RFC 9110 §9.3.2): routed as GET, every readable resource
        // has HEAD with identical headers, and the HTTP layer leaves the body out.
        if method == Method::HEAD {
            req.head_mut().method = Method::GET;
        }
        let origin = req.headers().get(header::ORIGIN).cloned();
        let early = match limits::check_head(&req, self.edge.app.http.max_header_bytes) {
            Err(refused) => Some(Err(refused)),
            Ok(()) => origin
                .as_ref()
                .and_then(|o| o.to_str().ok())
                .and_then(|o| security::preflight(&req, o, &self.edge.app.cors)),
        };
        let cors = origin.map(|origin| CrossOrigin::of(&req, origin, &self.edge.app.cors));
        let service = self.service.clone();
        let app = self.edge.app.clone();
        Box::pin(async move {
            let res = match early {
                Some(Ok(answer)) => req.into_response(answer).map_into_right_body(),
                Some(Err(refused)) => req.error_response(refused).map_into_right_body(),
                None => {
                    let res = match service.call(req).await {
                        Ok(res) => res,
                        Err(e) => {
                            // From a layer inside (none is, today): answered as the error
                            // renders itself, for an `ApiError` a problem document, and counted
                            // and logged all the same.
                            let mut answer = e.error_response();
                            if let Some(body) =
                                PendingProblem::complete(&mut answer, None, id.as_str())
                            {
                                answer = answer.set_body(BoxBody::new(body));
                            }
                            observe(&app.metrics, None, answer.status(), &id, &method, start);
                            return Err(InternalError::from_response(e, answer).into());
                        }
                    };
                    let mut res = problem_fallback(res);
                    if let Some(cors) = cors {
                        cors.annotate(res.headers_mut());
                    }
                    res
                }
            };
            record_write(app.store.health(), &method, &res);
            Ok(finish(res, &app.metrics, &id, &method, start))
        })
    }
}

/// What every answer gets on its way out: its problem document completed (if it is one), the
/// security headers, the request id, its count in the metrics and its log line.
fn finish<B: MessageBody>(
    mut res: ServiceResponse<EitherBody<B>>,
    metrics: &Metrics,
    id: &RequestId,
    method: &Method,
    start: Instant,
) -> ServiceResponse<EitherBody<B>> {
    if res.response().extensions().contains::<PendingProblem>() {
        let (req, mut response) = res.into_parts();
        if let Some(body) = PendingProblem::complete(&mut response, Some(req.path()), id.as_str()) {
            response = response.set_body(EitherBody::right(BoxBody::new(body)));
        }
        res = ServiceResponse::new(req, response);
    }
    let swagger = res.request().path().starts_with("/swagger-ui");
    security::secure(res.headers_mut(), swagger);
    res.headers_mut().insert(REQUEST_ID, id.header_value());
    observe(
        metrics,
        Some(res.request()),
        res.status(),
        id,
        method,
        start,
    );
    res
}

/// Keeps a write's outcome for `/_status`: a storage fault (the disk is full), or a success.
fn record_write<B>(health: &Health, method: &Method, res: &ServiceResponse<B>) {
    if method.is_safe() {
        return;
    }
    if let Some(fault) = res.response().extensions().get::<Fault>() {
        health.failed(*fault);
    } else if res.status().is_success() {
        health.succeeded();
    }
}

/// Counts the answered request `req` (`None` when it is gone) in the metrics and logs it.
fn observe(
    metrics: &Metrics,
    req: Option<&HttpRequest>,
    status: StatusCode,
    id: &RequestId,
    method: &Method,
    start: Instant,
) {
    let end = Instant::now();
    let elapsed = end.saturating_duration_since(start);
    metrics.request(req, method, status, elapsed);
    let path = req.map_or("", HttpRequest::path);
    telemetry::log_request(method, path, status.as_u16(), elapsed, end, id);
}
