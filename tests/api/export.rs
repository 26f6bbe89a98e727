//! `GET /export` and `gen3-content export`: the page handed back to Hugo.

use gen3_content::hugo::{PageFile, split};
use serde_json::json;

use crate::helpers::{SEED, gen3, outputs, spawn_app};

#[tokio::test]
async fn the_export_is_the_seed_as_data_with_its_body_byte_for_byte() {
    let app = spawn_app().await;
    let response = app.get("/export").await;
    assert_eq!(response.status(), 200);
    let headers = response.headers().clone();
    assert_eq!(headers["content-type"], "text/markdown; charset=utf-8");
    assert_eq!(
        headers["cache-control"],
        "public, max-age=0, must-revalidate"
    );
    assert_eq!(headers["vary"], "Accept-Encoding");
    assert!(headers.contains_key("last-modified"));
    let text = response.text().await.unwrap();

    let exported = PageFile::read(&text).expect("the export is a Hugo page");
    let seed = PageFile::read(SEED).unwrap();
    assert_eq!(exported.data, seed.data, "the front matter, as data");
    let top = |file: &PageFile| -> Vec<String> {
        file.data.as_object().unwrap().keys().cloned().collect()
    };
    assert_eq!(top(&exported), top(&seed), "top-level key order");
    let commons = |file: &PageFile| -> Vec<String> {
        file.data["g3Commons"]
            .as_object()
            .unwrap()
            .keys()
            .cloned()
            .collect()
    };
    assert_eq!(commons(&exported), commons(&seed), "numbered map order");
    assert!(!commons(&exported).contains(&"c12".to_owned()));
    assert_eq!(exported.body, split(SEED).unwrap().1, "the body, verbatim");

    // Cacheable like the sections.
    let etag = headers["etag"].to_str().unwrap();
    let again = app.get_with("/export", &[("If-None-Match", etag)]).await;
    assert_eq!(again.status(), 304);
    let gzip = app
        .get_with("/export", &[("Accept-Encoding", "gzip")])
        .await;
    assert_eq!(gzip.headers()["content-encoding"], "gzip");
    assert_ne!(gzip.headers()["etag"], etag);
}

#[tokio::test]
async fn an_edit_shows_in_the_export_at_once_with_a_new_etag() {
    let app = spawn_app().await;
    let before = app.etag("/export").await;
    let etag = app.etag("/sections/vision").await;
    let r = app
        .patch(
            "vision",
            &etag,
            &json!({"quote": "Data commons for everyone: edited."}),
        )
        .await;
    assert_eq!(r.status(), 200);

    let response = app.get("/export").await;
    assert_ne!(response.headers()["etag"], before.as_str());
    let text = response.text().await.unwrap();
    let file = PageFile::read(&text).unwrap();
    assert_eq!(
        file.data["g3RLG"],
        json!({"quote": "Data commons for everyone: edited."})
    );
    // The old copy is stale now.
    let stale = app.get_with("/export", &[("If-None-Match", &before)]).await;
    assert_eq!(stale.status(), 200);
}

#[tokio::test]
async fn the_command_writes_what_the_server_serves() {
    let app = spawn_app().await;
    let etag = app.etag("/sections/company").await;
    let r = app
        .patch("company", &etag, &json!({"title": "In very good company"}))
        .await;
    assert_eq!(r.status(), 200);
    let served = app.get("/export").await.text().await.unwrap();

    let out = gen3(&app.database, &["export"]);
    let (stdout, stderr) = outputs(&out);
    assert!(out.status.success(), "{stderr}");
    assert_eq!(stdout, served);

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("about.md");
    std::fs::write(&file, "an older export").unwrap();
    let out = gen3(
        &app.database,
        &["export", "--output", file.to_str().unwrap()],
    );
    assert!(out.status.success(), "{}", outputs(&out).1);
    assert_eq!(std::fs::read_to_string(&file).unwrap(), served);
    assert!(
        outputs(&out).0.is_empty(),
        "nothing on stdout with --output"
    );
}

#[test]
fn exporting_from_a_missing_database_fails_without_creating_it() {
    let dir = tempfile::tempdir().unwrap();
    let database = dir.path().join("none.db");
    let out = gen3(&database, &["export"]);
    assert!(!out.status.success());
    let (stdout, stderr) = outputs(&out);
    assert!(stdout.is_empty());
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("there is no database at"), "{stderr}");
    assert!(!database.exists());
}
