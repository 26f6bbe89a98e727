//! In a real browser (headless Chromium): Swagger UI works under the Content-Security-Policy
//! the server sends with it.
//!
//! Needs `chromium` on the PATH (or `GEN3_CONTENT_CHROMIUM`): ignored by a plain `cargo test`,
//! run by `.ci/run`, which installs Debian's package.

use std::process::Command;

use crate::helpers::spawn_app;

/// The page's DOM after its scripts ran, and what the browser logged, as headless Chromium
/// renders `url`.
pub fn render(url: &str) -> (String, String) {
    let profile = tempfile::tempdir().unwrap();
    let chromium = std::env::var_os("GEN3_CONTENT_CHROMIUM").unwrap_or_else(|| "chromium".into());
    let out = Command::new(&chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--enable-logging=stderr",
            "--v=0",
            "--virtual-time-budget=10000",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(["--dump-dom", url])
        .output()
        .unwrap_or_else(|e| {
            panic!("cannot run {chromium:?} (install chromium, or set GEN3_CONTENT_CHROMIUM): {e}")
        });
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[tokio::test]
#[ignore = "needs Chromium: .ci/run installs it and runs this"]
async fn swagger_ui_renders_every_operation_under_its_content_security_policy() {
    let app = spawn_app().await;
    let document = app.get_json("/openapi.json").await;
    let operations: usize = document["paths"]
        .as_object()
        .unwrap()
        .values()
        .map(|item| item.as_object().unwrap().len())
        .sum();
    let url = format!("{}/swagger-ui/", app.address);
    let (dom, log) = tokio::task::spawn_blocking(move || render(&url))
        .await
        .unwrap();

    // Each operation is one `opblock`: the bundle ran, the initializer ran, and the document
    // was fetched (connect-src 'self'), all under the policy.
    let rendered = dom.matches("class=\"opblock opblock-").count();
    assert_eq!(rendered, operations, "operations Swagger UI rendered");
    assert!(
        dom.contains("gen3-content"),
        "the document's title is shown"
    );
    let refused: Vec<&str> = log.lines().filter(|l| l.contains("Refused to")).collect();
    assert!(
        refused.is_empty(),
        "the policy blocked something: {refused:#?}"
    );
}
