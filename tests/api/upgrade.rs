//! A database made by an earlier release opens in place with everything in it.
//!
//! `tests/fixtures/release-0.db` was made by `tests/fixtures/make-release-db.sh` with the release
//! build of 5f50552 (the last release with one page): revisions by PUT, PATCH, a restore and an
//! import, tokens of both scopes and one revoked, their secrets in `release-0.tokens`. When the
//! schema changes, this is the test that shows nothing an earlier release stored is lost.

use std::collections::HashMap;

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{TestApp, settings, spawn_with};

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");

/// The fixture's tokens by name: `editor` (write), `reader` (read), `former` (revoked).
fn fixture_tokens(fixture: &str) -> HashMap<String, String> {
    std::fs::read_to_string(format!("{FIXTURES}/{fixture}.tokens"))
        .expect("the fixture's tokens")
        .lines()
        .filter_map(|line| line.split_once(' '))
        .map(|(name, secret)| (name.to_owned(), secret.to_owned()))
        .collect()
}

/// Starts the current server on a copy of the fixture (the committed file stays as it is).
async fn open_fixture(fixture: &str) -> TestApp {
    let dir = tempfile::tempdir().expect("temp dir");
    let database = dir.path().join("content.db");
    std::fs::copy(format!("{FIXTURES}/{fixture}.db"), &database).expect("copy of the fixture");
    spawn_with(Some(dir), settings(&database)).await
}

fn section<'a>(collection: &'a Value, id: &str) -> &'a Value {
    collection["sections"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == id)
        .unwrap_or_else(|| panic!("section {id} is served"))
}

#[tokio::test]
async fn a_database_from_the_release_before_page_files_keeps_its_content_revisions_and_tokens() {
    let app = keeps_everything("release-0").await;
    // That release stored no page file: the export is written from the content.
    let export = app.get("/export").await.text().await.unwrap();
    assert!(
        export.contains("caption: Get started (imported)"),
        "{export}"
    );
    assert!(export.contains("quote: after the upgrade"), "{export}");
    app.stop().await;
}

#[tokio::test]
async fn a_database_from_the_release_before_the_whole_site_keeps_everything_and_its_page_file() {
    let file = std::fs::read_to_string(format!("{FIXTURES}/release-1.md")).unwrap();
    let app = keeps_everything("release-1").await;
    // The file imported last, exported as it was but for the line edited after the upgrade.
    let export = app.get("/export").await.text().await.unwrap();
    let differ: Vec<(&str, &str)> = file
        .lines()
        .zip(export.lines())
        .filter(|(a, b)| a != b)
        .collect();
    assert_eq!(file.lines().count(), export.lines().count());
    assert_eq!(differ.len(), 1, "{differ:?}");
    assert_eq!(differ[0].1, "  quote: after the upgrade");
    app.stop().await;
}

/// Opens `fixture` (made by `make-release-db.sh`) with the current server, checks that the
/// content, the revisions, their authors and the tokens are all there, and writes once with an
/// old token (the vision's quote becomes `after the upgrade`).
async fn keeps_everything(fixture: &str) -> TestApp {
    let app = open_fixture(fixture).await;
    let tokens = fixture_tokens(fixture);

    // The content as the earlier release left it, not the seed.
    let collection = app.get_json("/sections").await;
    let vision = section(&collection, "vision");
    assert_eq!(
        vision["quote"],
        "Data commons for everyone, edited before the upgrade"
    );
    assert_eq!(vision["revision"], 4);
    let teaser = section(&collection, "teaser");
    assert_eq!(
        teaser["title"],
        "Gen3 is a data platform, before the upgrade."
    );
    assert_eq!(teaser["button2"]["caption"], "Get started (imported)");
    assert_eq!(teaser["revision"], 3);

    // Every revision, with its author.
    let history = app.history("vision").await;
    let list: Vec<(i64, &str)> = history["revisions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["revision"].as_i64().unwrap(),
                r["author"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        list,
        [(4, "editor"), (3, "editor"), (2, "editor"), (1, "seed")]
    );
    let history = app.history("teaser").await;
    let authors: Vec<&str> = history["revisions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["author"].as_str().unwrap())
        .collect();
    assert_eq!(authors, ["import", "editor", "seed"]);
    let old = app
        .with_token(
            Method::GET,
            "/sections/vision/revisions/3",
            Some(&tokens["reader"]),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(old.status(), 200, "a token made before the upgrade reads");
    let old: Value = old.json().await.unwrap();
    assert_eq!(old["content"]["quote"], "yes", "an old revision's content");

    // The tokens made before the upgrade: write still writes (as its name), revoked stays out.
    let etag = app.etag("/sections/vision").await;
    let write = |token: &str| {
        app.with_token(Method::PATCH, "/sections/vision", Some(token))
            .header("If-Match", etag.clone())
            .header("Content-Type", "application/merge-patch+json")
            .body(json!({"quote": "after the upgrade"}).to_string())
    };
    let refused = write(&tokens["former"]).send().await.unwrap();
    assert_eq!(refused.status(), 401, "a revoked token stays revoked");
    let written = write(&tokens["editor"]).send().await.unwrap();
    assert_eq!(written.status(), 200);
    let history = app.history("vision").await;
    assert_eq!(history["revisions"][0]["revision"], 5);
    assert_eq!(history["revisions"][0]["author"], "editor");

    // Every reference between the rebuilt tables holds.
    let pool = app.other_process().await;
    let broken: Vec<(String, i64, String, i64)> = sqlx::query_as("PRAGMA foreign_key_check")
        .fetch_all(&pool)
        .await
        .unwrap();
    assert!(broken.is_empty(), "{broken:?}");
    // The built-in content model is stored on the first start, as version 1.
    let models: Vec<(i64, String)> = sqlx::query_as("SELECT version, author FROM models")
        .fetch_all(&pool)
        .await
        .unwrap();
    assert_eq!(models, [(1, "seed".to_owned())]);
    app
}

#[tokio::test]
async fn a_new_database_serves_the_landing_page_byte_for_byte_as_the_previous_release_did() {
    // What release-1 (the typed landing page) stored for the seed: revision 1 of each section,
    // the JSON it served. The content model must give the same content, key order included.
    let fixture = open_fixture("release-1").await;
    let pool = fixture.other_process().await;
    let seeded: Vec<(String, String)> = sqlx::query_as(
        "SELECT section_id, content FROM section_revisions WHERE page_id = '_index' AND revision = 1",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    fixture.stop().await;
    assert_eq!(seeded.len(), 9);
    let app = crate::helpers::spawn_app().await;
    for (id, content) in seeded {
        let served = app
            .get(&format!("/sections/{id}"))
            .await
            .text()
            .await
            .unwrap();
        let mut section: serde_json::Map<String, Value> = serde_json::from_str(&served).unwrap();
        for system in ["id", "position", "revision", "updated_at"] {
            section.shift_remove(system);
        }
        assert_eq!(serde_json::to_string(&section).unwrap(), content, "{id}");
    }
    app.stop().await;
}
