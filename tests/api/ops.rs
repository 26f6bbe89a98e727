//! `/_status`, `/_version`, `/openapi.json` and Swagger UI.

use crate::helpers::spawn_app;

#[tokio::test]
async fn status_is_ok_and_never_cached() {
    let app = spawn_app().await;
    let r = app.get("/_status").await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["cache-control"], "no-store");
    assert_eq!(
        r.json::<serde_json::Value>().await.unwrap(),
        serde_json::json!({"status": "OK"})
    );
}

#[tokio::test]
async fn version_names_the_crate_version() {
    let app = spawn_app().await;
    let body = app.get_json("/_version").await;
    assert_eq!(body["version"], env!("CARGO_PKG_VERSION"));
    assert!(
        body["commit"].is_null() || body["commit"].as_str().is_some_and(|c| c.len() == 40),
        "{body}"
    );
}

#[tokio::test]
async fn swagger_ui_is_served_from_the_binary() {
    let app = spawn_app().await;
    let r = app.get("/swagger-ui").await;
    assert!(r.status().is_redirection());
    assert_eq!(r.headers()["location"], "/swagger-ui/");
    let r = app.get("/swagger-ui/").await;
    assert_eq!(r.status(), 200);
    assert!(r.text().await.unwrap().contains("swagger-ui"));
    let r = app.get("/swagger-ui/swagger-initializer.js").await;
    assert_eq!(r.status(), 200);
    let initializer = r.text().await.unwrap();
    assert!(initializer.contains(r#""url": "/openapi.json""#));
    // "Authorize" keeps the token across page loads.
    assert!(initializer.contains(r#""persistAuthorization": true"#));
}

/// What Swagger UI sends for "Try it out" on PUT after "Authorize": the bearer header and the
/// If-Match parameter the document declares. The browser adds an Origin of the same site.
#[tokio::test]
async fn a_write_as_swagger_ui_sends_it_works() {
    let app = spawn_app().await;
    let r = app
        .with_token(reqwest::Method::PUT, "/sections/vision", None)
        .header("Authorization", format!("Bearer {}", app.editor))
        .header("If-Match", "*")
        .header("accept", "application/json")
        .header("Content-Type", "application/json")
        .header("Origin", &app.address)
        .body(r#"{"type":"vision","quote":"From Swagger UI"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
}

#[tokio::test]
async fn the_healthcheck_command_asks_status() {
    let app = spawn_app().await;
    let url = format!("{}/_status", app.address);
    let timeout = std::time::Duration::from_secs(3);
    let ok =
        tokio::task::spawn_blocking(move || gen3_content::ops::healthcheck::check(&url, timeout));
    ok.await.unwrap().expect("a healthy server passes");
    let url = format!("{}/nope", app.address);
    let bad =
        tokio::task::spawn_blocking(move || gen3_content::ops::healthcheck::check(&url, timeout));
    assert!(bad.await.unwrap().is_err(), "a 404 fails the check");
}
