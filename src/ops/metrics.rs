//! Prometheus metrics, served at `/metrics` in the text exposition format.
//!
//! One registry per application (not the process-global default), so that every server in a
//! test process counts its own requests. Requests are labelled by route *pattern*
//! (`/sections/{id}`), never by raw path, so a client cannot create unbounded series.

use std::cell::RefCell;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use actix_web::HttpRequest;
use actix_web::http::{Method, StatusCode};
use prometheus::{
    Histogram, HistogramOpts, HistogramVec, IntCounter, IntCounterVec, IntGauge, IntGaugeVec, Opts,
    Registry, TextEncoder,
};

/// How many children a worker keeps before it starts again: more than this API has routes times
/// the statuses they answer, so that in practice each is looked up once.
const MAX_USED: usize = 256;

/// The request metrics' children for one route pattern, method and status.
struct Children {
    requests: IntCounter,
    latency: Histogram,
    not_modified: Option<IntCounter>,
}

/// Children that one worker has used, for one [`Metrics`], by route name, method and status.
struct Used {
    owner: u64,
    name: Option<String>,
    method: &'static str,
    status: u16,
    children: Children,
}

thread_local! {
    static USED: RefCell<Vec<Used>> = const { RefCell::new(Vec::new()) };
}

/// Tells the [`Metrics`] of different applications in one process (tests) apart.
static NEXT_ID: AtomicU64 = AtomicU64::new(0);

pub struct Metrics {
    /// Which [`Metrics`] a worker's [`Used`] entries belong to.
    id: u64,
    registry: Registry,
    requests: IntCounterVec,
    latency: HistogramVec,
    not_modified: IntCounterVec,
    writes: IntCounterVec,
    reloads: IntCounterVec,
    scheduled: IntCounterVec,
    deploy_reports: IntCounterVec,
    event_streams: IntGauge,
    events_sent: IntCounter,
    pool: IntGaugeVec,
    served: IntGaugeVec,
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    pub fn new() -> Self {
        let registry =
            Registry::new_custom(Some("gen3_content".to_owned()), None).expect("a valid prefix");
        let requests = IntCounterVec::new(
            Opts::new(
                "http_requests_total",
                "HTTP requests answered, by route pattern, method and status",
            ),
            &["route", "method", "status"],
        )
        .expect("valid metric");
        // From 50 µs (a read served from memory) to 2.5 s (a write waiting for the lock).
        let buckets = prometheus::exponential_buckets(0.000_05, 2.5, 13).expect("valid buckets");
        let latency = HistogramVec::new(
            HistogramOpts::new(
                "http_request_duration_seconds",
                "Time from the request's head to the response, by route pattern, method and status",
            )
            .buckets(buckets),
            &["route", "method", "status"],
        )
        .expect("valid metric");
        let not_modified = IntCounterVec::new(
            Opts::new(
                "conditional_get_hits_total",
                "Conditional GETs answered 304 Not Modified, by route pattern",
            ),
            &["route"],
        )
        .expect("valid metric");
        let writes = IntCounterVec::new(
            Opts::new(
                "writes_total",
                "Writes that passed every check, by section and outcome: `changed` stored a new \
                 revision, `unchanged` asked for the content already current",
            ),
            &["section", "outcome"],
        )
        .expect("valid metric");
        let reloads = IntCounterVec::new(
            Opts::new(
                "reloads_total",
                "Content that another process committed, read back and published, by part: \
                 `page` (one per page changed), or `everything` (the change log had been pruned \
                 past what this server had seen). The server's own writes never count here.",
            ),
            &["part"],
        )
        .expect("valid metric");
        let scheduled = IntCounterVec::new(
            Opts::new(
                "scheduled_publishes_total",
                "Scheduled change sets this server's scheduler published (`published`), or whose \
                 publish was refused (`refused`: conflicts or an invalid page; the schedule is \
                 cleared)",
            ),
            &["outcome"],
        )
        .expect("valid metric");
        let deploy_reports = IntCounterVec::new(
            Opts::new(
                "deploy_reports_total",
                "Reports from builds of the site on the change sets they deploy, by the state \
                 reported (`queued`, `building`, `live`, `failed`)",
            ),
            &["state"],
        )
        .expect("valid metric");
        let event_streams =
            IntGauge::new("event_streams", "`GET /events` streams open now").expect("valid metric");
        let events_sent = IntCounter::new(
            "events_sent_total",
            "Change events written to `GET /events` streams (one per stream per change)",
        )
        .expect("valid metric");
        let pool = IntGaugeVec::new(
            Opts::new(
                "db_pool_connections",
                "SQLite connections of the pool: `open`, `idle`, `in_use`, and the `max`",
            ),
            &["state"],
        )
        .expect("valid metric");
        let served = IntGaugeVec::new(
            Opts::new(
                "read_model",
                "What the read model serves from memory: `pages`, and the `bytes` of what it \
                 serves uncompressed (documents, sections, bodies, list pages, and page files \
                 and the archive once made)",
            ),
            &["measure"],
        )
        .expect("valid metric");
        for metric in [
            Box::new(requests.clone()) as Box<dyn prometheus::core::Collector>,
            Box::new(latency.clone()),
            Box::new(not_modified.clone()),
            Box::new(writes.clone()),
            Box::new(reloads.clone()),
            Box::new(scheduled.clone()),
            Box::new(deploy_reports.clone()),
            Box::new(event_streams.clone()),
            Box::new(events_sent.clone()),
            Box::new(pool.clone()),
            Box::new(served.clone()),
        ] {
            registry
                .register(metric)
                .expect("each metric is registered once");
        }
        Self {
            id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
            registry,
            requests,
            latency,
            not_modified,
            writes,
            reloads,
            scheduled,
            deploy_reports,
            event_streams,
            events_sent,
            pool,
            served,
        }
    }

    /// Counts an event stream opened (`1`) or closed (`-1`).
    pub fn event_stream(&self, delta: i64) {
        self.event_streams.add(delta);
    }

    /// Counts an event written to a stream.
    pub fn event_sent(&self) {
        self.events_sent.inc();
    }

    /// Counts a build's report on a change set, by the state it reported.
    pub fn deploy_report(&self, state: &str) {
        self.deploy_reports.with_label_values(&[state]).inc();
    }

    /// Counts a scheduled publish, by outcome.
    pub fn scheduled(&self, outcome: &str) {
        self.scheduled.with_label_values(&[outcome]).inc();
    }

    /// Counts a part of the content reloaded because another process changed it.
    pub fn reloaded(&self, part: &str) {
        self.reloads.with_label_values(&[part]).inc();
    }

    /// Counts a write that reached the database.
    pub fn write(&self, section: &str, changed: bool) {
        let outcome = if changed { "changed" } else { "unchanged" };
        self.writes.with_label_values(&[section, outcome]).inc();
    }

    /// Counts and times an answered request (`edge` calls this), by the route pattern `req`
    /// matched (`unmatched` for none, or without a request).
    ///
    /// Finding a labelled child of a metric family hashes its label values and takes a lock;
    /// each worker thread keeps the children it has used, found by comparing the route's name
    /// (a string the router already has) and the status, so that a request costs neither that
    /// nor the allocation of its route pattern.
    pub fn request(
        &self,
        req: Option<&HttpRequest>,
        method: &Method,
        status: StatusCode,
        elapsed: Duration,
    ) {
        // Any token is a method to HTTP: only the ones this API knows become label values.
        let method = match *method {
            Method::GET => "GET",
            Method::HEAD => "HEAD",
            Method::PUT => "PUT",
            Method::PATCH => "PATCH",
            Method::POST => "POST",
            Method::DELETE => "DELETE",
            Method::OPTIONS => "OPTIONS",
            _ => "other",
        };
        let name = req.and_then(HttpRequest::match_name);
        let status = status.as_u16();
        USED.with_borrow_mut(|used| {
            let found = used.iter().position(|c| {
                c.owner == self.id
                    && c.status == status
                    && c.method == method
                    && c.name.as_deref() == name
            });
            let children = match found {
                // Resources without a name (Swagger UI's files) are looked up by pattern.
                Some(at) if name.is_some() => &used[at].children,
                _ => {
                    let route = req.and_then(HttpRequest::match_pattern);
                    if used.len() >= MAX_USED {
                        used.clear();
                    }
                    used.push(Used {
                        owner: self.id,
                        name: name.map(str::to_owned),
                        method,
                        status,
                        children: self.children(route.as_deref(), method, status),
                    });
                    &used.last().expect("just pushed").children
                }
            };
            children.requests.inc();
            children.latency.observe(elapsed.as_secs_f64());
            if let Some(hits) = &children.not_modified {
                hits.inc();
            }
        });
    }

    /// The children of the request metrics for one route pattern, method and status.
    fn children(&self, route: Option<&str>, method: &str, status: u16) -> Children {
        let route = route.unwrap_or("unmatched");
        let status_text = status.to_string();
        let labels = [route, method, status_text.as_str()];
        Children {
            requests: self.requests.with_label_values(&labels),
            latency: self.latency.with_label_values(&labels),
            not_modified: (status == 304).then(|| self.not_modified.with_label_values(&[route])),
        }
    }

    /// Everything, in the Prometheus text format; the pool gauges are read now, and the read
    /// model's size is the `(pages, bytes)` given.
    pub fn render(&self, pool: crate::storage::Connections, read_model: (usize, usize)) -> String {
        self.served
            .with_label_values(&["pages"])
            .set(read_model.0 as i64);
        self.served
            .with_label_values(&["bytes"])
            .set(read_model.1 as i64);
        let open = i64::from(pool.open);
        let idle = pool.idle as i64;
        for (state, value) in [
            ("open", open),
            ("idle", idle),
            ("in_use", open - idle),
            ("max", i64::from(pool.max)),
        ] {
            self.pool.with_label_values(&[state]).set(value);
        }
        TextEncoder::new()
            .encode_to_string(&self.registry.gather())
            .expect("metrics always encode")
    }
}
