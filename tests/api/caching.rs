//! Conditional and compressed reads, as API.md's caching rules say.

use std::io::Read;
use std::time::Duration;

use reqwest::Method;
use serde_json::json;

use crate::helpers::{settings, spawn_app, spawn_with, write_revision};

#[tokio::test]
async fn reads_carry_validators_and_caching_headers() {
    let app = spawn_app().await;
    for path in ["/sections", "/sections/teaser"] {
        let r = app.get(path).await;
        assert_eq!(r.status(), 200);
        let h = r.headers();
        let etag = h["etag"].to_str().unwrap();
        assert!(
            etag.starts_with('"') && etag.ends_with('"') && !etag.starts_with("W/"),
            "{etag}"
        );
        assert_eq!(h["cache-control"], "public, max-age=0, must-revalidate");
        assert_eq!(h["vary"], "Accept-Encoding");
        assert_eq!(h["content-type"], "application/json");
        let date = h["last-modified"].to_str().unwrap();
        date.parse::<actix_web::http::header::HttpDate>()
            .expect("an HTTP date");
    }
}

#[tokio::test]
async fn if_none_match_gives_304_even_with_no_cache_and_in_lists() {
    let app = spawn_app().await;
    let r = app.get("/sections").await;
    let etag = r.headers()["etag"].to_str().unwrap().to_owned();
    let weak = format!("W/{etag}");
    let listed = format!("\"nope\", {etag}");
    for headers in [
        vec![("If-None-Match", etag.as_str())],
        vec![("If-None-Match", weak.as_str())],
        vec![("If-None-Match", listed.as_str())],
        vec![("If-None-Match", "*")],
        vec![
            ("If-None-Match", etag.as_str()),
            ("Cache-Control", "no-cache"),
        ],
    ] {
        let r = app.get_with("/sections", &headers).await;
        assert_eq!(r.status(), 304, "{headers:?}");
        assert_eq!(r.headers()["etag"], etag.as_str());
        assert_eq!(
            r.headers()["cache-control"],
            "public, max-age=0, must-revalidate"
        );
        assert!(r.bytes().await.unwrap().is_empty());
    }
    let r = app
        .get_with("/sections", &[("If-None-Match", "\"stale\"")])
        .await;
    assert_eq!(r.status(), 200);
}

#[tokio::test]
async fn if_modified_since_applies_only_without_if_none_match() {
    let app = spawn_app().await;
    let r = app.get("/sections/vision").await;
    let modified = r.headers()["last-modified"].to_str().unwrap().to_owned();
    let r = app
        .get_with("/sections/vision", &[("If-Modified-Since", &modified)])
        .await;
    assert_eq!(r.status(), 304);
    let r = app
        .get_with(
            "/sections/vision",
            &[("If-Modified-Since", "Thu, 01 Jan 2015 00:00:00 GMT")],
        )
        .await;
    assert_eq!(r.status(), 200);
    // If-None-Match wins: a stale tag gets 200 even though the date is current.
    let r = app
        .get_with(
            "/sections/vision",
            &[
                ("If-Modified-Since", &modified),
                ("If-None-Match", "\"old\""),
            ],
        )
        .await;
    assert_eq!(r.status(), 200);
}

#[tokio::test]
async fn head_has_the_headers_of_get_and_no_body() {
    let app = spawn_app().await;
    let get = app.get("/sections/commons").await;
    let head = app
        .request(Method::HEAD, "/sections/commons", Default::default())
        .await;
    assert_eq!(head.status(), 200);
    for name in [
        "etag",
        "last-modified",
        "content-length",
        "content-type",
        "cache-control",
        "vary",
    ] {
        assert_eq!(head.headers()[name], get.headers()[name], "{name}");
    }
    assert!(head.bytes().await.unwrap().is_empty());
}

#[tokio::test]
async fn gzip_and_brotli_are_their_own_representations_of_the_same_bytes() {
    let app = spawn_app().await;
    let plain = app.get("/sections").await;
    let tag = plain.headers()["etag"]
        .to_str()
        .unwrap()
        .trim_matches('"')
        .to_owned();
    let plain = plain.bytes().await.unwrap();

    let gz = app
        .get_with("/sections", &[("Accept-Encoding", "gzip")])
        .await;
    assert_eq!(gz.headers()["content-encoding"], "gzip");
    assert_eq!(gz.headers()["etag"], format!("\"{tag}-gz\"").as_str());
    let compressed = gz.bytes().await.unwrap();
    assert!(
        compressed.len() * 2 < plain.len(),
        "gzip {} of {}",
        compressed.len(),
        plain.len()
    );
    let mut unzipped = Vec::new();
    flate2::read::GzDecoder::new(&compressed[..])
        .read_to_end(&mut unzipped)
        .unwrap();
    assert_eq!(unzipped, plain);

    let br = app
        .get_with("/sections", &[("Accept-Encoding", "gzip, deflate, br")])
        .await;
    assert_eq!(br.headers()["content-encoding"], "br");
    assert_eq!(br.headers()["etag"], format!("\"{tag}-br\"").as_str());
    let compressed = br.bytes().await.unwrap();
    let mut unbrotli = Vec::new();
    brotli::BrotliDecompress(&mut &compressed[..], &mut unbrotli).unwrap();
    assert_eq!(unbrotli, plain);

    // q-values are honoured, and any coding's tag validates any other coding.
    let r = app
        .get_with("/sections", &[("Accept-Encoding", "br;q=0.1, gzip")])
        .await;
    assert_eq!(r.headers()["content-encoding"], "gzip");
    // `*` gets gzip, which every client decodes; br only when named.
    let r = app.get_with("/sections", &[("Accept-Encoding", "*")]).await;
    assert_eq!(r.headers()["content-encoding"], "gzip");
    let gz_tag = format!("\"{tag}-gz\"");
    let r = app
        .get_with(
            "/sections",
            &[("If-None-Match", &gz_tag), ("Accept-Encoding", "br")],
        )
        .await;
    assert_eq!(r.status(), 304);
    assert_eq!(r.headers()["etag"], format!("\"{tag}-br\"").as_str());
}

#[tokio::test]
async fn a_change_moves_its_section_tag_and_the_collection_tag_only() {
    let app = spawn_app().await;
    let before_all = app.get("/sections").await.headers()["etag"].clone();
    let before_vision = app.get("/sections/vision").await.headers()["etag"].clone();
    let before_teaser = app.get("/sections/teaser").await.headers()["etag"].clone();

    let pool = app.other_process().await;
    write_revision(
        &pool,
        "vision",
        &json!({"type": "vision", "quote": "A new vision."}),
    )
    .await;
    let vision = app
        .wait_for_change(
            "/sections/vision",
            before_vision.to_str().unwrap(),
            Duration::from_secs(1),
        )
        .await
        .expect("another process's write is served within one second");
    assert_eq!(vision["quote"], "A new vision.");
    assert_eq!(vision["revision"], 2);

    assert_ne!(app.get("/sections").await.headers()["etag"], before_all);
    assert_eq!(
        app.get("/sections/teaser").await.headers()["etag"],
        before_teaser
    );
    let r = app
        .get_with(
            "/sections/vision",
            &[("If-None-Match", before_vision.to_str().unwrap())],
        )
        .await;
    assert_eq!(r.status(), 200, "the old tag no longer matches");
}

#[tokio::test]
async fn cache_control_is_configurable() {
    let dir = tempfile::tempdir().unwrap();
    let mut settings = settings(&dir.path().join("content.db"));
    settings.cache_control = "public, max-age=60".parse().unwrap();
    let app = spawn_with(Some(dir), settings).await;
    assert_eq!(
        app.get("/sections").await.headers()["cache-control"],
        "public, max-age=60"
    );
    assert_eq!(
        app.get("/_status").await.headers()["cache-control"],
        "no-store"
    );
}
