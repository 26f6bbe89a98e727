//! `gen3-content check` and `gen3-content import`: a Hugo page file checked, then stored.

use std::time::Duration;

use serde_json::Value;

use crate::helpers::{SEED, TestApp, gen3, outputs, spawn_app};

/// The lines `check` prints for the seed: the body's dangling `c12` references and the three
/// fields no template shows.
fn seed_warnings() -> Vec<String> {
    let lines: Vec<&str> = SEED.lines().collect();
    let line = |needle: &str, after: &str| {
        let start = lines.iter().position(|l| *l == after).unwrap();
        start
            + lines[start..]
                .iter()
                .position(|l| l.contains(needle))
                .unwrap()
            + 1
    };
    let unused = |path: &str, line: usize| {
        format!("warning: {path} (line {line}): in the front matter, never used by the body")
    };
    vec![
        "warning: g3Commons.c12.link: referenced by the body, missing from the front matter".into(),
        "warning: g3Commons.c12.title: referenced by the body, missing from the front matter"
            .into(),
        "warning: g3Commons.c12.fig: referenced by the body, missing from the front matter".into(),
        unused("g3Roles.r2.button.target", line("target:", "  r2:")),
        unused("g3Roles.r3.button.target", line("target:", "  r3:")),
        unused("g3User.button.target", line("target:", "g3User:")),
    ]
}

fn write_page(dir: &tempfile::TempDir, name: &str, text: &str) -> String {
    let path = dir.path().join(name);
    std::fs::write(&path, text).unwrap();
    path.to_str().unwrap().to_owned()
}

#[test]
fn check_warns_about_the_seeds_dangling_references_and_unused_fields() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("unused.db");
    let out = gen3(&db, &["check", "seed/about.md"]);
    let (stdout, stderr) = outputs(&out);
    assert!(out.status.success(), "warnings alone exit 0: {stderr}");
    assert_eq!(stdout.lines().collect::<Vec<_>>(), seed_warnings());
    assert!(!db.exists(), "check touches no database");

    let out = gen3(&db, &["check", "--strict", "seed/about.md"]);
    let (stdout, stderr) = outputs(&out);
    assert!(!out.status.success());
    let as_errors: Vec<String> = seed_warnings()
        .iter()
        .map(|w| w.replacen("warning: ", "error: ", 1))
        .collect();
    assert_eq!(stdout.lines().collect::<Vec<_>>(), as_errors);
    assert_eq!(
        stderr,
        "gen3-content: seed/about.md is not a valid page: 6 errors\n"
    );
}

#[test]
fn check_reports_broken_yaml_with_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let text = SEED.replace("g3RLG:\n", "g3RLG: [\n");
    let file = write_page(&dir, "broken.md", &text);
    let out = gen3(&dir.path().join("x.db"), &["check", &file]);
    let (stdout, stderr) = outputs(&out);
    assert!(!out.status.success());
    let line = text.lines().position(|l| l == "g3User:").unwrap() + 1;
    assert_eq!(stdout.lines().count(), 1, "{stdout}");
    assert!(
        stdout.starts_with(&format!(
            "error: front matter (line {line}): invalid YAML: "
        )),
        "{stdout}"
    );
    assert_eq!(stderr.lines().count(), 1);
}

#[test]
fn check_reports_a_type_error_at_its_yaml_path_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let text = SEED
        .replace("g3Company: In good company...", "g3Company: [1, 2]")
        .replace(
            "    link: https://data.bloodpac.org",
            "    link: javascript:alert(1)",
        );
    let file = write_page(&dir, "typed.md", &text);
    let out = gen3(&dir.path().join("x.db"), &["check", &file]);
    let (stdout, stderr) = outputs(&out);
    assert!(!out.status.success());
    let line = |needle: &str| text.lines().position(|l| l.contains(needle)).unwrap() + 1;
    let errors: Vec<&str> = stdout
        .lines()
        .filter(|l| l.starts_with("error: "))
        .collect();
    assert_eq!(
        errors,
        [
            format!(
                "error: g3Company (line {}): must be a string, not an array",
                line("g3Company:")
            ),
            format!(
                "error: g3Commons.c5.link (line {}): must be an http(s) URL, a site path starting with /, a #fragment or mailto:",
                line("javascript:alert(1)")
            ),
        ]
    );
    // The warnings still come, after the errors.
    assert_eq!(stdout.lines().count(), 2 + seed_warnings().len());
    assert!(
        stderr.ends_with("is not a valid page: 2 errors\n"),
        "{stderr}"
    );
}

/// Every section's current revision and `ETag`.
async fn versions(app: &TestApp) -> Vec<(String, i64, String)> {
    let mut versions = Vec::new();
    for section in app.get_json("/sections").await["sections"]
        .as_array()
        .unwrap()
    {
        let id = section["id"].as_str().unwrap().to_owned();
        let etag = app.etag(&format!("/sections/{id}")).await;
        versions.push((id, section["revision"].as_i64().unwrap(), etag));
    }
    versions
}

#[tokio::test]
async fn import_writes_a_revision_only_for_sections_that_changed() {
    let app = spawn_app().await;
    let before = versions(&app).await;
    let collection = app.etag("/sections").await;
    let dir = tempfile::tempdir().unwrap();
    let text = SEED
        .replace(
            "title: Gen3 is a data platform for building data commons and data ecosystems.",
            "title: Gen3 builds data commons, imported.",
        )
        .replace("    title: AnVIL\n", "    title: AnVIL, imported\n");
    let file = write_page(&dir, "edited.md", &text);

    let out = gen3(&app.database, &["import", &file]);
    let (stdout, stderr) = outputs(&out);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stdout.starts_with(&seed_warnings().join("\n")),
        "import prints check's warnings"
    );
    assert!(
        stdout.ends_with(
            "new revision of 2 sections (teaser, commons), 7 unchanged; page metadata and body unchanged\n"
        ),
        "{stdout}"
    );

    // The running server publishes what another process committed, within a second.
    let changed = app
        .wait_for_change("/sections", &collection, Duration::from_secs(1))
        .await
        .expect("the import is served within a second");
    let after = versions(&app).await;
    for ((id, revision, etag), (_, new_revision, new_etag)) in before.iter().zip(&after) {
        if id == "teaser" || id == "commons" {
            assert_eq!(*new_revision, revision + 1, "{id}");
            assert_ne!(new_etag, etag, "{id}");
        } else {
            assert_eq!(
                (new_revision, new_etag),
                (revision, etag),
                "{id} is untouched"
            );
        }
    }
    assert_eq!(
        changed["sections"][0]["title"],
        "Gen3 builds data commons, imported."
    );
    let history = app.history("teaser").await;
    assert_eq!(history["revisions"][0]["author"], "import");
    assert_eq!(history["revisions"].as_array().unwrap().len(), 2);

    // The same file again changes nothing.
    let out = gen3(&app.database, &["import", &file]);
    assert!(out.status.success());
    assert!(
        outputs(&out)
            .0
            .ends_with("no section changed; page metadata and body unchanged\n")
    );
    assert_eq!(versions(&app).await, after);
    assert_eq!(app.history("teaser").await, history);
}

#[tokio::test]
async fn import_replaces_the_body_and_metadata_too() {
    let app = spawn_app().await;
    let collection = app.etag("/sections").await;
    let dir = tempfile::tempdir().unwrap();
    let text = SEED
        .replace(
            "title: Welcome to Gen3\n",
            "title: Welcome to Gen3, again\n",
        )
        .replacen(
            "<section class=\"g3-bg__solight\">",
            "<section class=\"g3-bg__new\">",
            1,
        );
    let file = write_page(&dir, "body.md", &text);
    let out = gen3(&app.database, &["import", &file]);
    assert!(out.status.success(), "{}", outputs(&out).1);
    assert!(
        outputs(&out)
            .0
            .ends_with("no section changed; page metadata and body changed\n")
    );

    // The collection carries the page's metadata, so it changes too.
    app.wait_for_change("/sections", &collection, Duration::from_secs(1))
        .await
        .expect("the import is served within a second");
    let served = app.get("/export").await.text().await.unwrap();
    assert!(served.contains("title: Welcome to Gen3, again\n"));
    assert!(served.contains("<section class=\"g3-bg__new\">"));
    let page = app.get_json("/sections").await["page"].clone();
    assert_eq!(page["title"], "Welcome to Gen3, again");
}

#[tokio::test]
async fn a_file_with_an_error_imports_nothing() {
    let app = spawn_app().await;
    let before = versions(&app).await;
    let export = app.get("/export").await.text().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    // One valid change and one invalid one: neither is stored.
    let text = SEED
        .replace(
            "title: Gen3 is a data platform",
            "title: Changed, Gen3 is a data platform",
        )
        .replace("    link: /get-started", "    link: javascript:alert(1)");
    let file = write_page(&dir, "bad.md", &text);
    let out = gen3(&app.database, &["import", &file]);
    let (stdout, stderr) = outputs(&out);
    assert!(!out.status.success());
    let line = text
        .lines()
        .position(|l| l.contains("javascript:"))
        .unwrap()
        + 1;
    assert_eq!(
        stdout.lines().next().unwrap(),
        format!(
            "error: g3Teaser.button2.link (line {line}): must be an http(s) URL, a site path starting with /, a #fragment or mailto:"
        )
    );
    assert_eq!(
        stderr.trim_end(),
        format!("gen3-content: {file} is not a valid page: 1 error; nothing was imported")
    );

    let broken = write_page(&dir, "broken.md", "---\ng3Teaser: [\n---\n");
    let out = gen3(&app.database, &["import", &broken]);
    assert!(!out.status.success());

    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(versions(&app).await, before);
    assert_eq!(app.get("/export").await.text().await.unwrap(), export);
    let history: Value = app.history("teaser").await;
    assert_eq!(history["revisions"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn import_into_a_new_database_stores_revision_one_by_import() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("new.db");
    let out = gen3(&db, &["import", "seed/about.md"]);
    let (stdout, stderr) = outputs(&out);
    assert!(out.status.success(), "{stderr}");
    assert!(stdout.ends_with("stored the page and its 9 sections as revision 1\n"));
    let out = gen3(&db, &["export"]);
    let model = gen3_content::model::Model::built_in();
    let parse = |text: &str| gen3_content::hugo::parse_page(text, &model, "_index").unwrap();
    assert_eq!(parse(&outputs(&out).0), parse(SEED));
}

#[tokio::test]
async fn import_refuses_control_characters_with_the_yaml_path_and_line() {
    let app = spawn_app().await;
    let before = versions(&app).await;
    let dir = tempfile::tempdir().unwrap();
    // YAML itself has no raw control characters; an escape in a double-quoted scalar does.
    // The old quote stays in the file as a comment.
    let text = SEED.replacen(
        "  quote: Our vision is",
        "  quote: \"a\\0b\\ec\"\n# Our vision is",
        1,
    );
    let file = write_page(&dir, "controls.md", &text);
    let out = gen3(&app.database, &["import", &file]);
    let (stdout, _) = outputs(&out);
    assert!(!out.status.success());
    let line = text.lines().position(|l| l.contains("a\\0b")).unwrap() + 1;
    assert_eq!(
        stdout.lines().next().unwrap(),
        format!(
            "error: g3RLG.quote (line {line}): must not contain control characters other than tab and line feed"
        )
    );
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(versions(&app).await, before);
}
