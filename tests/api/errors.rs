//! Every error is `application/problem+json`, with the right status.

use reqwest::Method;
use serde_json::Value;

use crate::helpers::spawn_app;

pub async fn problem(response: reqwest::Response, status: u16) -> Value {
    assert_eq!(response.status(), status);
    assert_eq!(
        response.headers()["content-type"],
        "application/problem+json"
    );
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["status"], status);
    assert!(
        body["type"].is_string() && body["title"].is_string(),
        "{body}"
    );
    body
}

#[tokio::test]
async fn an_unknown_section_is_a_404_problem() {
    let app = spawn_app().await;
    let body = problem(app.get("/sections/teasr").await, 404).await;
    assert_eq!(body["title"], "Not Found");
    assert_eq!(body["detail"], "there is no section named \"teasr\"");
    assert_eq!(body["instance"], "/sections/teasr");
}

#[tokio::test]
async fn unknown_routes_are_404_problems() {
    let app = spawn_app().await;
    for path in [
        "/nope",
        "/sections/teaser/extra",
        "/swagger-ui/no-such-file.js",
    ] {
        problem(app.get(path).await, 404).await;
    }
}

#[tokio::test]
async fn other_methods_are_405_with_allow() {
    let app = spawn_app().await;
    for (method, path, allow) in [
        (Method::DELETE, "/sections/teaser", "GET, HEAD, PUT, PATCH"),
        (Method::POST, "/sections", "GET, HEAD"),
        (Method::PUT, "/_status", "GET, HEAD"),
        (Method::PATCH, "/_version", "GET, HEAD"),
        (Method::DELETE, "/sections/teaser/revisions/1", "GET, HEAD"),
        (Method::GET, "/sections/teaser/revisions/1/restore", "POST"),
    ] {
        let r = app.request(method.clone(), path, Default::default()).await;
        assert_eq!(r.headers()["allow"], allow, "{method} {path}");
        let body = problem(r, 405).await;
        assert_eq!(
            body["detail"],
            format!("{method} is not allowed here; allowed: {allow}")
        );
    }
}

#[tokio::test]
async fn request_ids_are_echoed_or_made() {
    let app = spawn_app().await;
    let r = app
        .get_with("/sections/vision", &[("X-Request-Id", "abc-123")])
        .await;
    assert_eq!(r.headers()["x-request-id"], "abc-123");
    let r = app.get("/nope").await;
    let made = r.headers()["x-request-id"].to_str().unwrap().to_owned();
    assert_eq!(made.len(), 36, "UUID-shaped: {made}");
    let again = app.get("/nope").await.headers()["x-request-id"].clone();
    assert_ne!(again.to_str().unwrap(), made, "a new id per request");
    // A value that could forge log lines is replaced, not echoed.
    let r = app
        .get_with("/sections", &[("X-Request-Id", "a b\"c")])
        .await;
    assert_ne!(r.headers()["x-request-id"], "a b\"c");
}

#[tokio::test]
async fn errors_quote_client_input_only_briefly() {
    let app = spawn_app().await;
    // Long, but under the 16 KiB head limit (beyond it: 431, see limits.rs).
    let long = "a".repeat(12_000);
    for path in [format!("/sections/{long}"), format!("/{long}")] {
        let body = problem(app.get(&path).await, 404).await;
        let size = body.to_string().len();
        assert!(size < 600, "{size} bytes");
    }
}
