//! Security headers on every response, and CORS: reads from anywhere, writes from the
//! configured origins only.

use reqwest::Method;
use serde_json::json;

use crate::helpers::{TestApp, spawn_app};

const LOCKED_DOWN: &str =
    "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

fn assert_secured(response: &reqwest::Response, what: &str) {
    let h = response.headers();
    assert_eq!(h["x-content-type-options"], "nosniff", "{what}");
    assert_eq!(h["referrer-policy"], "no-referrer", "{what}");
    assert!(h.contains_key("content-security-policy"), "{what}");
}

#[tokio::test]
async fn every_kind_of_response_carries_the_security_headers() {
    let app = spawn_app().await;
    let etag = app.etag("/sections").await;
    let responses = [
        ("200 JSON", app.get("/sections").await),
        (
            "304",
            app.get_with("/sections", &[("If-None-Match", &etag)]).await,
        ),
        ("export", app.get("/export").await),
        ("404 problem", app.get("/nowhere").await),
        (
            "405 problem",
            app.request(Method::DELETE, "/sections", Default::default())
                .await,
        ),
        (
            "401 problem",
            app.with_token(Method::PUT, "/sections/vision", None)
                .send()
                .await
                .unwrap(),
        ),
        ("status", app.get("/_status").await),
        ("openapi", app.get("/openapi.json").await),
    ];
    for (what, response) in &responses {
        assert_secured(response, what);
        assert_eq!(
            response.headers()["content-security-policy"],
            LOCKED_DOWN,
            "{what}"
        );
    }

    // Swagger UI runs its own scripts and styles, from this server only.
    let ui = app.get("/swagger-ui/").await;
    assert_eq!(ui.status(), 200);
    assert_secured(&ui, "swagger-ui");
    let policy = ui.headers()["content-security-policy"].to_str().unwrap();
    assert!(policy.contains("script-src 'self';"), "{policy}");
    assert!(policy.contains("connect-src 'self'"), "{policy}");
    assert!(!policy.contains("unsafe-eval"), "{policy}");
}

fn preflight(
    app: &TestApp,
    path: &str,
    origin: &str,
    method: &str,
    headers: &str,
) -> reqwest::RequestBuilder {
    let mut request = app
        .client
        .request(Method::OPTIONS, format!("{}{path}", app.address))
        .header("Origin", origin)
        .header("Access-Control-Request-Method", method);
    if !headers.is_empty() {
        request = request.header("Access-Control-Request-Headers", headers);
    }
    request
}

#[tokio::test]
async fn any_origin_may_read_and_the_answer_stays_one_cacheable_copy() {
    let app = TestApp::builder()
        .settings(|s| s.cors_origins = vec!["https://editor.example".to_owned()])
        .spawn()
        .await;
    let r = app
        .get_with("/sections", &[("Origin", "https://frontend.example")])
        .await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["access-control-allow-origin"], "*");
    assert_eq!(
        r.headers()["vary"],
        "Accept-Encoding",
        "no Vary: Origin on reads"
    );
    let exposed = r.headers()["access-control-expose-headers"]
        .to_str()
        .unwrap();
    assert!(exposed.contains("ETag"), "{exposed}");

    let r = preflight(
        &app,
        "/sections",
        "https://frontend.example",
        "GET",
        "If-None-Match",
    )
    .send()
    .await
    .unwrap();
    assert_eq!(r.status(), 204);
    assert_eq!(r.headers()["access-control-allow-origin"], "*");
    assert_eq!(r.headers()["access-control-allow-methods"], "GET, HEAD");
    assert_eq!(r.headers()["access-control-allow-headers"], "if-none-match");
}

#[tokio::test]
async fn only_configured_origins_may_write_or_send_a_token() {
    let app = TestApp::builder()
        .settings(|s| s.cors_origins = vec!["https://editor.example".to_owned()])
        .spawn()
        .await;
    // An unknown origin's preflight for a write, or for a read with a token, is refused.
    for (method, headers) in [
        ("PUT", "authorization, content-type, if-match"),
        ("GET", "authorization"),
    ] {
        let r = preflight(
            &app,
            "/sections/vision",
            "https://evil.example",
            method,
            headers,
        )
        .send()
        .await
        .unwrap();
        assert_eq!(r.status(), 403, "{method}");
        assert_eq!(r.headers()["content-type"], "application/problem+json");
        assert_secured(&r, "a refused preflight");
        assert!(!r.headers().contains_key("access-control-allow-origin"));
    }
    // The editor's origin may.
    let r = preflight(
        &app,
        "/sections/vision",
        "https://editor.example",
        "PATCH",
        "authorization, content-type, if-match",
    )
    .send()
    .await
    .unwrap();
    assert_eq!(r.status(), 204);
    assert_eq!(
        r.headers()["access-control-allow-origin"],
        "https://editor.example"
    );
    assert_eq!(r.headers()["vary"], "Origin");
    let methods = r.headers()["access-control-allow-methods"]
        .to_str()
        .unwrap();
    assert!(methods.contains("PATCH") && methods.contains("PUT") && methods.contains("POST"));
    assert_eq!(r.headers()["access-control-max-age"], "600");

    // Headers outside the list are refused even for the editor's origin.
    let r = preflight(
        &app,
        "/sections/vision",
        "https://editor.example",
        "PUT",
        "x-secret",
    )
    .send()
    .await
    .unwrap();
    assert_eq!(r.status(), 403);

    // The write itself: readable by the editor's page, not by another's.
    let etag = app.etag("/sections/vision").await;
    let write = |origin: &'static str, etag: String| {
        app.with_token(Method::PATCH, "/sections/vision", Some(&app.editor))
            .header("Origin", origin)
            .header("If-Match", etag)
            .header("Content-Type", "application/merge-patch+json")
            .body(json!({"quote": format!("From {origin}.")}).to_string())
            .send()
    };
    let r = write("https://editor.example", etag).await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(
        r.headers()["access-control-allow-origin"],
        "https://editor.example"
    );
    let vary: Vec<_> = r
        .headers()
        .get_all("vary")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .collect();
    assert!(vary.iter().any(|v| v.contains("Origin")), "{vary:?}");
    let etag = r.headers()["etag"].to_str().unwrap().to_owned();
    let r = write("https://evil.example", etag).await.unwrap();
    assert!(!r.headers().contains_key("access-control-allow-origin"));
}
