//! Prometheus metrics, served at `/metrics` in the text exposition format.
//!
//! One registry per application (not the process-global default), so that every server in a
//! test process counts its own requests. Requests are labelled by route *pattern*
//! (`/sections/{id}`), never by raw path, so a client cannot create unbounded series.

use std::time::Duration;

use actix_web::http::{Method, StatusCode};
use prometheus::{
    HistogramOpts, HistogramVec, IntCounterVec, IntGaugeVec, Opts, Registry, TextEncoder,
};
use sqlx::SqlitePool;

use crate::domain::SectionId;

pub struct Metrics {
    registry: Registry,
    requests: IntCounterVec,
    latency: HistogramVec,
    not_modified: IntCounterVec,
    writes: IntCounterVec,
    reloads: IntCounterVec,
    pool: IntGaugeVec,
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
                 `section` (one per section), `page` (metadata and body), or `everything` (the \
                 change log had been pruned past what this server had seen). The server's own \
                 writes never count here.",
            ),
            &["part"],
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
        for metric in [
            Box::new(requests.clone()) as Box<dyn prometheus::core::Collector>,
            Box::new(latency.clone()),
            Box::new(not_modified.clone()),
            Box::new(writes.clone()),
            Box::new(reloads.clone()),
            Box::new(pool.clone()),
        ] {
            registry
                .register(metric)
                .expect("each metric is registered once");
        }
        Self {
            registry,
            requests,
            latency,
            not_modified,
            writes,
            reloads,
            pool,
        }
    }

    /// Counts a part of the content reloaded because another process changed it.
    pub fn reloaded(&self, part: &str) {
        self.reloads.with_label_values(&[part]).inc();
    }

    /// Counts a write that reached the database.
    pub fn write(&self, section: SectionId, changed: bool) {
        let outcome = if changed { "changed" } else { "unchanged" };
        self.writes
            .with_label_values(&[section.as_str(), outcome])
            .inc();
    }

    /// Counts and times an answered request (`telemetry::request_log` calls this), by the route
    /// pattern it matched (`unmatched` for none).
    pub fn request(
        &self,
        route: Option<&str>,
        method: &Method,
        status: StatusCode,
        elapsed: Duration,
    ) {
        let route = route.unwrap_or("unmatched");
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
        let seconds = elapsed.as_secs_f64();
        let status = status.as_str();
        self.requests
            .with_label_values(&[route, method, status])
            .inc();
        self.latency
            .with_label_values(&[route, method, status])
            .observe(seconds);
        if status == "304" {
            self.not_modified.with_label_values(&[route]).inc();
        }
    }

    /// Everything, in the Prometheus text format; the pool gauges are read now.
    pub fn render(&self, pool: &SqlitePool) -> String {
        let open = i64::from(pool.size());
        let idle = pool.num_idle() as i64;
        for (state, value) in [
            ("open", open),
            ("idle", idle),
            ("in_use", open - idle),
            ("max", i64::from(pool.options().get_max_connections())),
        ] {
            self.pool.with_label_values(&[state]).set(value);
        }
        TextEncoder::new()
            .encode_to_string(&self.registry.gather())
            .expect("metrics always encode")
    }
}
