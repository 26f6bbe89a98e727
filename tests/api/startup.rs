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
