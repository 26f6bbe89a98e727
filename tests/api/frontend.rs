//! The example frontend, served by the binary at `/`. (It is rendered and checked in a real
//! browser by examples/frontend/e2e.mjs, which .ci/run runs.)

use crate::helpers::spawn_app;

#[tokio::test]
async fn the_page_its_script_and_its_styles_are_served_with_their_own_policy() {
    let app = spawn_app().await;
    for (path, content_type, needle) in [
        (
            "/",
            "text/html; charset=utf-8",
            "<script type=\"module\" src=\"/app.js\">",
        ),
        (
            "/app.js",
            "text/javascript; charset=utf-8",
            "load(`/pages/${encodeURIComponent(entry.id)}`)",
        ),
        ("/style.css", "text/css; charset=utf-8", ".section"),
    ] {
        let r = app.get(path).await;
        assert_eq!(r.status(), 200, "{path}");
        let h = r.headers().clone();
        assert_eq!(h["content-type"], content_type, "{path}");
        assert_eq!(h["cache-control"], "no-cache", "{path}");
        assert_eq!(h["x-content-type-options"], "nosniff", "{path}");
        let policy = h["content-security-policy"].to_str().unwrap();
        assert!(policy.contains("script-src 'self'"), "{path}: {policy}");
        assert!(policy.contains("connect-src 'self'"), "{path}: {policy}");
        assert!(!policy.contains("unsafe"), "{path}: {policy}");
        assert!(r.text().await.unwrap().contains(needle), "{path}");

        let etag = h["etag"].to_str().unwrap();
        let again = app.get_with(path, &[("If-None-Match", etag)]).await;
        assert_eq!(again.status(), 304, "{path}");
    }
    let r = app.get_with("/app.js", &[("Accept-Encoding", "br")]).await;
    assert_eq!(r.headers()["content-encoding"], "br");
}
