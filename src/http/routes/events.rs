//! `GET /events`: the change feed as Server-Sent Events. One event per published change (a
//! section's new revision, a section removed, a page's metadata or body, a page created or
//! deleted), with the feed row's id as the event's `id`: a client that reconnects with
//! `Last-Event-ID` (as `EventSource` does by itself) gets exactly the changes after it, from
//! the database, across reconnects and server restarts; then the live ones. Comments keep idle
//! connections open through proxies. Public, like the content it announces.

use std::sync::Arc;
use std::time::Duration;

use actix_web::http::header::{self, HeaderValue};
use actix_web::web::Bytes;
use actix_web::{HttpRequest, HttpResponse, get};
use tokio::sync::{broadcast, mpsc};

use crate::content::Store;
use crate::content::feed::{self, FeedRow};
use crate::http::error::{ApiError, Result};
use crate::http::responses::events::{EventHeaders, EventResponses};
use crate::http::state::App;
use crate::http::streams::Slot;
use crate::ops::metrics::Metrics;

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

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(stream_events);
}
