//! `GET /events`: the change feed as Server-Sent Events. One event per published change (a
//! section's new revision, a section removed, a page's metadata or body, a page created or
//! deleted), with the feed row's id as the event's `id`: a client that reconnects with
//! `Last-Event-ID` (as `EventSource` does by itself) gets exactly the changes after it, from
//! the database, across reconnects and server restarts; then the live ones. Comments keep idle
//! connections open through proxies. Public, like the content it announces.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use actix_web::http::header::{self, HeaderValue};
use actix_web::web::Bytes;
use actix_web::{HttpRequest, HttpResponse, get};
use tokio::sync::{broadcast, mpsc};
use utoipa::IntoResponses;
use utoipa::openapi::response::{Response, ResponseBuilder};
use utoipa::openapi::{RefOr, content::ContentBuilder};

use crate::content::Store;
use crate::content::feed::{self, FeedRow};
use crate::http::error::{ApiError, Result};
use crate::http::state::App;
use crate::ops::metrics::Metrics;

/// The open streams, in all and by client address, and how they are kept.
pub struct Streams {
    open: Arc<Mutex<Open>>,
    pub max: usize,
    pub max_per_client: usize,
    pub heartbeat: Duration,
}

#[derive(Default)]
struct Open {
    all: usize,
    by_client: HashMap<Option<IpAddr>, usize>,
}

impl Streams {
    pub fn new(max: usize, max_per_client: usize, heartbeat: Duration) -> Self {
        Self {
            open: Arc::default(),
            max,
            max_per_client,
            heartbeat,
        }
    }

    /// Counts a stream of `client` as open, unless that is one too many in all (`503`) or for
    /// the one address (`429`: one client cannot hold every slot).
    fn open(&self, client: Option<IpAddr>, metrics: &Arc<Metrics>) -> Result<Slot> {
        let mut open = lock(&self.open);
        if open.all >= self.max {
            return Err(ApiError::TooManyStreams(self.max));
        }
        let mine = open.by_client.entry(client).or_default();
        if *mine >= self.max_per_client {
            return Err(ApiError::TooManyStreamsFromClient(self.max_per_client));
        }
        *mine += 1;
        open.all += 1;
        metrics.event_stream(1);
        Ok(Slot {
            open: self.open.clone(),
            client,
            metrics: metrics.clone(),
        })
    }
}

fn lock(open: &Mutex<Open>) -> std::sync::MutexGuard<'_, Open> {
    // Counts only: a panic elsewhere cannot leave them half-changed.
    open.lock().unwrap_or_else(|e| e.into_inner())
}

/// A stream counted as open until dropped.
struct Slot {
    open: Arc<Mutex<Open>>,
    client: Option<IpAddr>,
    metrics: Arc<Metrics>,
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut open = lock(&self.open);
        open.all -= 1;
        if let Some(mine) = open.by_client.get_mut(&self.client) {
            *mine -= 1;
            if *mine == 0 {
                open.by_client.remove(&self.client);
            }
        }
        self.metrics.event_stream(-1);
    }
}

/// How often a stream writes a byte to learn whether its client is still there: a client that
/// closes its connection is noticed by the second write after it, so its slot is free within
/// about two of these (the HTTP server does not tell a handler that the client went).
const PROBE: Duration = Duration::from_secs(1);

/// Stream published changes
///
/// Server-Sent Events (`text/event-stream`): one `change` event per published change, its
/// `data` a JSON object (`page`, `section` (absent for the page itself), `change`: `changed`,
/// `removed`, `created` or `deleted`, `revision`, `etag` of the new representation, `change_set`,
/// `at`) and its `id` the change's number. Send `Last-Event-ID` (browsers' `EventSource` does
/// on reconnecting) to get every change after that one first, without a gap or a repeat;
/// without it the stream starts with the next change. A comment every 15 s keeps it open.
/// `503` with `Retry-After` when the server has as many streams open as it allows, `429` when
/// the client's address has as many as one address may.
#[utoipa::path(
    tag = "events",
    operation_id = "stream_events",
    params(EventHeaders),
    responses(EventResponses)
)]
#[get("/events")]
async fn stream_events(req: HttpRequest, app: App) -> Result<HttpResponse> {
    // An empty Last-Event-ID means no last event, as the SSE specification has it.
    let header = req
        .headers()
        .get("last-event-id")
        .filter(|v| !v.as_bytes().iter().all(u8::is_ascii_whitespace));
    let after = match header {
        None => None,
        Some(value) => Some(
            value
                .to_str()
                .ok()
                .and_then(|v| v.trim().parse::<i64>().ok())
                .filter(|id| *id >= 0)
                .ok_or_else(|| {
                    ApiError::BadRequest(
                        "Last-Event-ID must be the id of an event of this feed (a number)"
                            .to_owned(),
                    )
                })?,
        ),
    };
    let streams = &app.events;
    let slot = streams.open(req.peer_addr().map(|a| a.ip()), &app.metrics)?;
    // Subscribed before the database is read: nothing committed meanwhile is missed.
    let live = app.read.feed.subscribe();
    let after = match after {
        Some(after) => after,
        None => feed::last(&app.store).await?,
    };
    let (sender, receiver) = mpsc::channel::<Bytes>(64);
    tokio::spawn(stream(
        app.store.clone(),
        live,
        after,
        sender,
        streams.heartbeat,
        slot,
        app.metrics.clone(),
    ));
    let body = futures_util::stream::unfold(receiver, |mut receiver| async move {
        receiver
            .recv()
            .await
            .map(|bytes| (Ok::<_, std::convert::Infallible>(bytes), receiver))
    });
    Ok(HttpResponse::Ok()
        .insert_header((
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/event-stream"),
        ))
        .insert_header((header::CACHE_CONTROL, HeaderValue::from_static("no-store")))
        // Proxies such as nginx buffer responses unless told not to.
        .insert_header(("x-accel-buffering", HeaderValue::from_static("no")))
        .streaming(body))
}

/// Writes the changes after `after` to `out` until the client goes: from the database first,
/// then as they are broadcast (from the database again if the stream fell behind).
async fn stream(
    store: Store,
    mut live: broadcast::Receiver<Arc<FeedRow>>,
    mut after: i64,
    out: mpsc::Sender<Bytes>,
    heartbeat: Duration,
    _slot: Slot,
    metrics: Arc<Metrics>,
) {
    let send = |bytes: Vec<u8>| {
        let out = out.clone();
        async move { out.send(Bytes::from(bytes)).await.is_ok() }
    };
    // Tells a reconnecting EventSource to wait 2 s, and flushes the head at once.
    if !send(b"retry: 2000\n: connected\n\n".to_vec()).await {
        return;
    }
    let mut catch_up = true;
    let mut ticker = tokio::time::interval(heartbeat);
    ticker.tick().await;
    let mut probe = tokio::time::interval(PROBE.min(heartbeat));
    probe.tick().await;
    loop {
        if catch_up {
            loop {
                let Ok(rows) = feed::after(&store, after, 1000).await else {
                    return;
                };
                let more = rows.len() == 1000;
                for row in rows {
                    after = row.id;
                    metrics.event_sent();
                    if !send(event(&row)).await {
                        return;
                    }
                }
                if !more {
                    break;
                }
            }
            catch_up = false;
        }
        tokio::select! {
            received = live.recv() => match received {
                Ok(row) if row.id <= after => {}
                // The next one: sent; a later one means some were not seen here (the follower
                // reads in pages): from the database.
                Ok(row) if row.id == after + 1 => {
                    after = row.id;
                    metrics.event_sent();
                    if !send(event(&row)).await {
                        return;
                    }
                }
                Ok(_) | Err(broadcast::error::RecvError::Lagged(_)) => catch_up = true,
                Err(broadcast::error::RecvError::Closed) => return,
            },
            _ = ticker.tick() => {
                if !send(b": heartbeat\n\n".to_vec()).await {
                    return;
                }
            }
            // An empty comment line, which clients ignore.
            _ = probe.tick() => {
                if !send(b":\n".to_vec()).await {
                    return;
                }
            }
            // The client went away: the stream is counted out at once, not at the next write.
            () = out.closed() => return,
        }
    }
}

/// One change as an event.
fn event(row: &FeedRow) -> Vec<u8> {
    let data = serde_json::json!({
        "page": row.page,
        "section": row.section,
        "change": row.change,
        "revision": row.revision,
        "etag": row.etag,
        "change_set": row.change_set,
        "at": row.created_at,
    });
    format!("id: {}\nevent: change\ndata: {data}\n\n", row.id).into_bytes()
}

#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Header)]
#[allow(dead_code, non_snake_case)]
struct EventHeaders {
    /// The `id` of the last event received: the stream starts after it (empty: as if absent).
    #[param(rename = "Last-Event-ID", nullable = false, pattern = "^[0-9]{0,18}$")]
    last_event_id: Option<String>,
}

struct EventResponses;

impl IntoResponses for EventResponses {
    fn responses() -> std::collections::BTreeMap<String, RefOr<Response>> {
        let mut responses = super::problems(&[
            ("400", "`Last-Event-ID` is not a number"),
            (
                "429",
                "This client address has as many streams open as one address may (`Retry-After`)",
            ),
            ("500", super::UNEXPECTED),
            (
                "503",
                "As many streams are open as the server allows (`Retry-After`), or the database is unavailable",
            ),
        ]);
        responses.insert(
            "200".to_owned(),
            ResponseBuilder::new()
                .description("The stream, until the client closes it")
                .content(
                    "text/event-stream",
                    ContentBuilder::new()
                        .schema(Some(<String as utoipa::PartialSchema>::schema()))
                        .build(),
                )
                .build()
                .into(),
        );
        responses
    }
}

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(stream_events);
}
