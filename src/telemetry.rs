//! Logging: one line per request (method, path, status, latency, request id), written off the
//! request path in batches (see `log_output`) so that logging never dominates a fast read.

use std::io::{IsTerminal, Write};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use actix_web::web;

use actix_web::Error;
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::Next;
use tracing_subscriber::EnvFilter;

use crate::config::LogFormat;
use crate::log_output::{self, Flusher};
use crate::metrics::Metrics;

pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// What an error response may say about the request it answers.
#[derive(Debug, Clone)]
pub struct RequestContext {
    pub id: String,
    pub path: String,
}

tokio::task_local! {
    static REQUEST: RequestContext;
}

/// Runs `future` as the handling of the request `context`.
pub async fn scope<F: std::future::Future>(context: RequestContext, future: F) -> F::Output {
    REQUEST.scope(context, future).await
}

/// The request being handled, if any.
pub fn current_request() -> Option<RequestContext> {
    REQUEST.try_with(Clone::clone).ok()
}

/// Installs the global subscriber. The server logs to stdout; the other commands to stderr, so that their stdout holds only
/// their output (`token create` prints the token and nothing else). Keep the returned guard
/// alive: dropping it writes out what is still buffered.
pub fn init(filter: &str, format: LogFormat, to_stderr: bool) -> anyhow::Result<Flusher> {
    let filter = EnvFilter::try_new(filter)
        .map_err(|e| anyhow::anyhow!("bad --log filter {filter:?}: {e}"))?;
    let (out, tty): (Box<dyn Write + Send>, bool) = if to_stderr {
        (Box::new(std::io::stderr()), std::io::stderr().is_terminal())
    } else {
        (Box::new(std::io::stdout()), std::io::stdout().is_terminal())
    };
    let (writer, guard) = log_output::batched(out)?;
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(tty)
        .with_writer(move || writer.clone());
    let result = match format {
        LogFormat::Text => builder.try_init(),
        LogFormat::Json => builder.json().flatten_event(true).try_init(),
    };
    result.map_err(|e| anyhow::anyhow!("cannot install the logger: {e}"))?;
    Ok(guard)
}

/// Takes `X-Request-Id` from the request when it is a sane token, else makes one; echoes it in
/// the response; logs the request once it is answered, and counts it in the metrics (one
/// middleware observes each request once: another layer would cost every read).
pub async fn request_log(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let start = Instant::now();
    let id = req
        .headers()
        .get(&REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .filter(|v| is_token(v))
        .map_or_else(new_request_id, str::to_owned);
    let context = RequestContext {
        id: id.clone(),
        path: req.path().to_owned(),
    };
    let method = req.method().clone();
    let path = context.path.clone();
    let metrics = req.app_data::<web::Data<Metrics>>().cloned();

    let result = scope(context, next.call(req)).await;
    let (status, route) = match &result {
        Ok(res) => (res.status(), res.request().match_pattern()),
        Err(e) => (e.as_response_error().status_code(), None),
    };
    if let Some(metrics) = metrics {
        metrics.request(route.as_deref(), &method, status, start.elapsed());
    }
    tracing::info!(
        target: "gen3_content::request",
        method = %method,
        path = %path,
        status = status.as_u16(),
        latency_us = start.elapsed().as_micros() as u64,
        request_id = %id,
        "request"
    );
    let mut res = result?;
    if let Ok(value) = HeaderValue::from_str(&id) {
        res.headers_mut().insert(REQUEST_ID, value);
    }
    Ok(res)
}

/// A new request id: a version-4-shaped UUID made of 64 random bits drawn once per process and a
/// counter. Unique (across restarts too), and unlike `Uuid::new_v4` it costs no `getrandom`
/// system call per request, which showed in the read benchmark's profile.
fn new_request_id() -> String {
    static PREFIX: OnceLock<[u8; 8]> = OnceLock::new();
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let prefix = PREFIX.get_or_init(|| {
        let mut bytes = [0u8; 8];
        if getrandom::fill(&mut bytes).is_err() {
            // Only uniqueness matters here: the start time will do.
            let nanos = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos() as u64);
            bytes = nanos.to_be_bytes();
        }
        bytes
    });
    let mut bytes = [0u8; 16];
    bytes[..8].copy_from_slice(prefix);
    bytes[8..].copy_from_slice(&COUNTER.fetch_add(1, Ordering::Relaxed).to_be_bytes());
    uuid::Builder::from_random_bytes(bytes)
        .into_uuid()
        .hyphenated()
        .to_string()
}

/// Request ids come from clients: accept only short visible tokens, so they cannot forge log lines.
fn is_token(value: &str) -> bool {
    (1..=128).contains(&value.len())
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.:".contains(&b))
}
