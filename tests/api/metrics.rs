//! `/metrics`: Prometheus counters of what the server did.

use reqwest::Method;
use serde_json::json;

use crate::helpers::{TestApp, spawn_app};

/// The value of the sample of `name` whose labels include all of `labels`.
fn sample(text: &str, name: &str, labels: &[(&str, &str)]) -> Option<f64> {
    text.lines()
        .filter(|line| !line.starts_with('#'))
        .filter(|line| {
            line.starts_with(&format!("{name}{{")) || line.starts_with(&format!("{name} "))
        })
        .find(|line| {
            labels
                .iter()
                .all(|(k, v)| line.contains(&format!("{k}=\"{v}\"")))
        })
        .and_then(|line| line.rsplit(' ').next())
        .and_then(|value| value.parse().ok())
}

async fn metrics(app: &TestApp) -> String {
    let r = app.get("/metrics").await;
    assert_eq!(r.status(), 200);
    assert_eq!(
        r.headers()["content-type"],
        "text/plain; version=0.0.4; charset=utf-8"
    );
    r.text().await.unwrap()
}

#[tokio::test]
async fn requests_revalidations_writes_and_the_pool_are_counted() {
    let app = spawn_app().await;
    let etag = app.etag("/sections").await;
    for _ in 0..3 {
        let r = app.get_with("/sections", &[("If-None-Match", &etag)]).await;
        assert_eq!(r.status(), 304);
    }
    app.get("/sections/teasr").await;
    app.get(&format!("/{}", "x".repeat(40))).await;
    app.request(
        Method::from_bytes(b"BREW").unwrap(),
        "/sections",
        Default::default(),
    )
    .await;
    let vision = app.etag("/sections/vision").await;
    let r = app
        .patch("vision", &vision, &json!({"quote": "Counted."}))
        .await;
    assert_eq!(r.status(), 200);
    let vision = r.headers()["etag"].to_str().unwrap().to_owned();
    let r = app
        .patch("vision", &vision, &json!({"quote": "Counted."}))
        .await;
    assert_eq!(
        r.status(),
        200,
        "the same content again: a write that changes nothing"
    );

    let text = metrics(&app).await;
    let requests = "gen3_content_http_requests_total";
    let get = |route: &str, status: &str| {
        sample(
            &text,
            requests,
            &[("route", route), ("method", "GET"), ("status", status)],
        )
    };
    assert_eq!(get("/sections", "200"), Some(1.0), "{text}");
    assert_eq!(get("/sections", "304"), Some(3.0));
    assert_eq!(
        get("/sections/{id}", "404"),
        Some(1.0),
        "the pattern, not the path"
    );
    assert_eq!(get("unmatched", "404"), Some(1.0));
    assert!(!text.contains("xxxxxxxx"), "raw paths never become labels");
    assert_eq!(
        sample(&text, requests, &[("method", "other"), ("status", "405")]),
        Some(1.0),
        "unknown methods share one label"
    );
    assert_eq!(
        sample(
            &text,
            "gen3_content_conditional_get_hits_total",
            &[("route", "/sections")]
        ),
        Some(3.0)
    );
    assert_eq!(
        sample(
            &text,
            "gen3_content_http_request_duration_seconds_count",
            &[("route", "/sections"), ("status", "304")]
        ),
        Some(3.0)
    );
    let writes = "gen3_content_writes_total";
    assert_eq!(
        sample(
            &text,
            writes,
            &[("section", "vision"), ("outcome", "changed")]
        ),
        Some(1.0)
    );
    assert_eq!(
        sample(
            &text,
            writes,
            &[("section", "vision"), ("outcome", "unchanged")]
        ),
        Some(1.0)
    );
    let pool = "gen3_content_db_pool_connections";
    assert_eq!(sample(&text, pool, &[("state", "max")]), Some(4.0));
    let open = sample(&text, pool, &[("state", "open")]).unwrap();
    let idle = sample(&text, pool, &[("state", "idle")]).unwrap();
    let in_use = sample(&text, pool, &[("state", "in_use")]).unwrap();
    assert!(
        open >= 1.0 && open == idle + in_use,
        "{open} {idle} {in_use}"
    );
}
