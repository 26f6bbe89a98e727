//! A write that would leave the body asking for what no longer exists is refused; references
//! that already dangle are not the write's doing and do not stop it.

use serde_json::{Value, json};

use crate::helpers::{SEED, TestApp, spawn_app};

/// A section as a `PUT` body (what `GET` serves, without the system fields).
async fn body_of(app: &TestApp, id: &str) -> Value {
    let mut section = app.get_json(&format!("/sections/{id}")).await;
    let object = section.as_object_mut().unwrap();
    for system in ["id", "position", "revision", "updated_at", "updated_by"] {
        object.remove(system);
    }
    section
}

/// The lines of the seed that hold `needle` (1-based).
fn lines_with(needle: &str) -> Vec<usize> {
    SEED.lines()
        .enumerate()
        .filter(|(_, line)| line.contains(needle))
        .map(|(n, _)| n + 1)
        .collect()
}

#[tokio::test]
async fn removing_a_logo_the_body_shows_is_refused_with_the_body_lines_and_nothing_changes() {
    let app = spawn_app().await;
    let before = app.get("/sections/commons").await;
    let etag = before.headers()["etag"].to_str().unwrap().to_owned();
    let stored: Value = before.json().await.unwrap();
    let export = app.get("/export").await.text().await.unwrap();

    let mut commons = body_of(&app, "commons").await;
    let items = commons["items"].as_array_mut().unwrap();
    assert_eq!(items[0]["key"], "c2");
    items.remove(0);
    let r = app.put("commons", &etag, &commons).await;
    assert_eq!(r.status(), 422);
    assert_eq!(r.headers()["content-type"], "application/problem+json");
    let problem: Value = r.json().await.unwrap();
    let errors = problem["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1, "{problem}");
    assert_eq!(
        errors[0]["pointer"], "/items/0",
        "the item the write removes"
    );
    let detail = errors[0]["detail"].as_str().unwrap();
    let lines = lines_with("param \"g3Commons.c2.");
    assert!(!lines.is_empty());
    for line in &lines {
        assert!(
            detail.contains(&format!("line {line}: g3Commons.c2.")),
            "{detail} {lines:?}"
        );
    }
    assert!(detail.contains("g3Commons.c2.title"), "{detail}");

    // Nothing changed: the same section, the same tag, the same file.
    let after = app.get("/sections/commons").await;
    assert_eq!(after.headers()["etag"].to_str().unwrap(), etag);
    assert_eq!(after.json::<Value>().await.unwrap(), stored);
    assert_eq!(app.get("/export").await.text().await.unwrap(), export);
    app.stop().await;
}

#[tokio::test]
async fn removing_one_field_the_body_shows_points_at_that_field() {
    let app = spawn_app().await;
    let etag = app.etag("/sections/teaser").await;
    let mut teaser = body_of(&app, "teaser").await;
    teaser["button1"].as_object_mut().unwrap().remove("target");
    let r = app.put("teaser", &etag, &teaser).await;
    assert_eq!(r.status(), 422);
    let problem: Value = r.json().await.unwrap();
    assert_eq!(
        problem["errors"][0]["pointer"], "/button1/target",
        "{problem}"
    );
    let line = lines_with("param \"g3Teaser.button1.target\"")[0];
    assert!(
        problem["errors"][0]["detail"]
            .as_str()
            .unwrap()
            .contains(&format!("line {line}: g3Teaser.button1.target")),
        "{problem}"
    );
    app.stop().await;
}

#[tokio::test]
async fn references_that_already_dangle_do_not_stop_a_write() {
    let app = spawn_app().await;
    // The seed's body asks for g3Commons.c12, which it never had: the commons stay editable.
    let etag = app.etag("/sections/commons").await;
    let r = app
        .patch("commons", &etag, &json!({"items": body_of(&app, "commons").await["items"].as_array().unwrap().iter().map(|item| {
            let mut item = item.clone();
            if item["key"] == "c3" { item["title"] = json!("Renamed"); }
            item
        }).collect::<Vec<_>>()}))
        .await;
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    app.stop().await;
}
