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
    // The read model: the bundled site's 46 pages, and at least the bytes of the landing page's
    // document and sections.
    let model = "gen3_content_read_model";
    assert_eq!(sample(&text, model, &[("measure", "pages")]), Some(46.0));
    let bytes = sample(&text, model, &[("measure", "bytes")]).unwrap();
    let document = app.get("/pages/_index").await.bytes().await.unwrap().len() as f64;
    assert!(
        bytes > 2.0 * document,
        "{bytes} bytes for a document of {document}"
    );
}

/// The reloads of content another process committed, by part (`None`: never counted).
async fn reloads(app: &TestApp) -> [Option<f64>; 2] {
    let text = metrics(app).await;
    ["page", "everything"]
        .map(|part| sample(&text, "gen3_content_reloads_total", &[("part", part)]))
}

/// The server never reloads what it committed itself: a stream of writes, while the change
/// watcher looks every 50 ms, causes no reload. Another process's commit is reloaded, and only
/// the page it changed (whose unchanged sections keep their representation).
#[tokio::test]
async fn only_other_processes_commits_are_reloaded_and_only_what_they_changed() {
    let app = spawn_app().await;
    let started = std::time::Instant::now();
    let mut n = 0;
    while started.elapsed() < std::time::Duration::from_millis(1500) {
        for id in ["vision", "users"] {
            n += 1;
            let r = app
                .patch(id, "*", &json!({"quote": format!("Write {n}.")}))
                .await;
            assert_eq!(r.status(), 200);
        }
    }
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    assert_eq!(
        reloads(&app).await,
        [None; 2],
        "{n} writes of its own reloaded nothing"
    );

    // Another process changes one section: its page is reloaded, the other sections keep their
    // representations.
    let users = app.etag("/sections/users").await;
    let other = app.other_process().await;
    let changed = json!({"type": "vision", "quote": "From another process."});
    crate::helpers::write_revision(&other, "vision", &changed).await;
    let limit = std::time::Duration::from_secs(1);
    app.wait_for_change(
        "/sections/vision",
        &app.etag("/sections/vision").await,
        limit,
    )
    .await;
    let vision = app.get_json("/sections/vision").await;
    assert_eq!(vision["quote"], "From another process.");
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    assert_eq!(reloads(&app).await, [Some(1.0), None]);
    assert_eq!(app.etag("/sections/users").await, users, "untouched");

    // An import that changes only the page's title reloads the page once more.
    let export = app.get("/export").await.text().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("page.md");
    std::fs::write(
        &file,
        export.replacen("title: Welcome to Gen3", "title: Welcome back", 1),
    )
    .unwrap();
    let out = crate::helpers::gen3(&app.database, &["import", file.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let deadline = std::time::Instant::now() + limit;
    while app.get_json("/sections").await["page"]["title"] != "Welcome back" {
        assert!(
            std::time::Instant::now() < deadline,
            "the import is served within a second"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    assert_eq!(reloads(&app).await, [Some(2.0), None]);
}
