//! Proof with the real Hugo: the minimal site in `tests/hugo-site` (goldmark with raw HTML kept,
//! a layout that renders the page, and a `param` shortcode that prints nothing for a missing
//! key, as the Gen3 site's does) renders the seed and `GET /export` to the same bytes.
//!
//! These tests need `hugo` on the PATH (or `GEN3_CONTENT_HUGO`). `cargo test` lists them as
//! ignored; `.ci/run` installs Hugo, runs them with `--include-ignored`, and fails if they did
//! not run and pass.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::json;

use crate::helpers::{SEED, spawn_app};

const SITE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/hugo-site");

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// The `index.html` Hugo renders from the site with `page` as its content.
fn render(page: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let site: PathBuf = dir.path().join("site");
    copy_dir(Path::new(SITE), &site);
    std::fs::create_dir_all(site.join("content")).unwrap();
    std::fs::write(site.join("content/about.md"), page).unwrap();
    let hugo = std::env::var_os("GEN3_CONTENT_HUGO").unwrap_or_else(|| "hugo".into());
    let out = Command::new(&hugo)
        .arg("--source")
        .arg(&site)
        .args(["--quiet", "--panicOnWarning"])
        .output()
        .unwrap_or_else(|e| {
            panic!("cannot run {hugo:?} (install Hugo, or set GEN3_CONTENT_HUGO): {e}")
        });
    assert!(
        out.status.success(),
        "hugo failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    std::fs::read_to_string(site.join("public/about/index.html")).expect("Hugo rendered the page")
}

#[tokio::test]
#[ignore = "needs Hugo: .ci/run installs it and runs this"]
async fn hugo_renders_the_export_exactly_as_it_renders_the_seed() {
    let app = spawn_app().await;
    let export = app.get("/export").await.text().await.unwrap();
    let seed = render(SEED);
    assert_eq!(render(&export), seed, "byte-identical index.html");

    // The page really went through the templates: every section's text is there, and the
    // dangling `c12` references render as an empty logo slot, which `check` warns about.
    assert!(seed.contains("<title>Welcome to Gen3</title>"));
    assert!(
        seed.contains("Gen3 is a data platform for building data commons and data ecosystems.")
    );
    assert!(seed.contains("https://gen3.theanvil.io"));
    assert!(!seed.contains("{{"), "no shortcode left unrendered");
    assert_eq!(seed.matches(r#"href="" title="""#).count(), 1);
}

#[tokio::test]
#[ignore = "needs Hugo: .ci/run installs it and runs this"]
async fn after_an_edit_the_rendered_page_changes_only_where_the_text_did() {
    let app = spawn_app().await;
    let before = render(&app.get("/export").await.text().await.unwrap());

    let old = "Gen3 is a data platform for building data commons and data ecosystems.";
    let new = "Gen3 builds data commons, edited through the API.";
    let etag = app.etag("/sections/teaser").await;
    let r = app.patch("teaser", &etag, &json!({"title": new})).await;
    assert_eq!(r.status(), 200);
    let after = render(&app.get("/export").await.text().await.unwrap());

    assert_eq!(before.matches(old).count(), 1);
    assert_eq!(after, before.replace(old, new), "only the title changed");
}
