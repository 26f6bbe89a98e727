//! Start-up: seeding only an empty database, keeping what is stored, refusing a bad seed.

use serde_json::json;

use crate::helpers::{settings, spawn_with, write_revision};

#[tokio::test]
async fn a_second_start_on_the_same_file_keeps_what_is_stored() {
    let dir = tempfile::tempdir().unwrap();
    let database = dir.path().join("content.db");
    let first = spawn_with(None, settings(&database)).await;
    let pool = first.other_process().await;
    write_revision(
        &pool,
        "company",
        &json!({"type": "company", "title": "In the best company"}),
    )
    .await;
    pool.close().await;
    first.stop().await;

    let second = spawn_with(None, settings(&database)).await;
    let company = second.get_json("/sections/company").await;
    assert_eq!(company["title"], "In the best company");
    assert_eq!(company["revision"], 2);
    let teaser = second.get_json("/sections/teaser").await;
    assert_eq!(teaser["revision"], 1);
}

#[tokio::test]
async fn a_bad_seed_refuses_to_start_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let seed = dir.path().join("bad.md");
    let text = include_str!("../../seed/about.md")
        .replace("link: https://caninedc.org", "link: javascript:void(0)");
    std::fs::write(&seed, text).unwrap();
    let database = dir.path().join("content.db");
    let mut settings = settings(&database);
    settings.seed = Some(seed);
    let error = match gen3_content::app::startup::Application::build(settings).await {
        Ok(_) => panic!("started with a bad seed"),
        Err(e) => format!("{e:#}"),
    };
    assert!(error.contains("bad.md is not a valid page"), "{error}");
    assert!(error.contains("g3Commons.c6.link (line "), "{error}");
    assert!(!database.exists(), "the database file was created");
}

/// The ids of every page `app` lists (one listing of up to 1000).
async fn page_ids(app: &crate::helpers::TestApp) -> Vec<String> {
    let list = app.get_json("/pages?limit=1000").await;
    list["pages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn a_new_database_gets_the_whole_bundled_site_or_what_the_flags_name() {
    let dir = tempfile::tempdir().unwrap();
    // No flag: every page of the bundled revision, as `import --site` of it stores them.
    let app = spawn_with(None, settings(&dir.path().join("bundled.db"))).await;
    let ids = page_ids(&app).await;
    assert_eq!(ids.len(), 46, "{ids:?}");
    for id in [
        "_index",
        "products/workspaces",
        "community/events/Gen3workshop",
    ] {
        assert!(ids.iter().any(|i| i == id), "{id} in {ids:?}");
    }
    let export = app.get("/pages/products/workspaces/export").await;
    let bundled = include_str!("../../site/gen3.org-d819f2a/content/products/workspaces.md");
    assert_eq!(
        export.text().await.unwrap(),
        bundled,
        "exported byte for byte"
    );
    let history = app
        .with_token(
            reqwest::Method::GET,
            "/pages/products/workspaces/revisions",
            Some(&app.editor),
        )
        .send()
        .await
        .unwrap()
        .json::<serde_json::Value>()
        .await
        .unwrap();
    assert_eq!(history["revisions"][0]["author"], "seed");
    app.stop().await;

    // `--seed-site DIR`: that folder.
    let content = dir.path().join("content");
    std::fs::create_dir_all(content.join("news")).unwrap();
    std::fs::write(
        content.join("_index.md"),
        include_str!("../../seed/about.md"),
    )
    .unwrap();
    std::fs::write(
        content.join("news/first.md"),
        "---\ntitle: First\ndate: 2026-12-01\n---\nHello.\n",
    )
    .unwrap();
    let mut folder = settings(&dir.path().join("folder.db"));
    folder.seed_site = Some(content.clone());
    let app = spawn_with(None, folder).await;
    assert_eq!(page_ids(&app).await, ["_index", "news/first"]);
    app.stop().await;

    // A folder with a bad page starts nothing and writes nothing.
    std::fs::write(content.join("news/bad.md"), "---\ntitle: [\n---\n").unwrap();
    let bad_db = dir.path().join("bad.db");
    let mut bad = settings(&bad_db);
    bad.seed_site = Some(content);
    let error = match gen3_content::app::startup::Application::build(bad).await {
        Ok(_) => panic!("started with a bad seed site"),
        Err(e) => format!("{e:#}"),
    };
    assert!(error.contains("news/bad.md"), "{error}");
    assert!(!bad_db.exists(), "the database file was created");

    // `--seed FILE`: one page.
    let mut one = settings(&dir.path().join("one.db"));
    one.seed = Some(std::path::PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/seed/about.md"
    )));
    let app = spawn_with(None, one).await;
    assert_eq!(page_ids(&app).await, ["_index"]);
    app.stop().await;
}
