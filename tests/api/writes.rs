//! `PUT` and `PATCH`: editors change sections, conditionally, and readers see it at once.

use serde_json::{Value, json};

use crate::errors::problem;
use crate::helpers::spawn_app;

/// The section as GET returns it, and its ETag.
async fn fetch(app: &crate::helpers::TestApp, id: &str) -> (Value, String) {
    let response = app.get(&format!("/sections/{id}")).await;
    let etag = response.headers()["etag"].to_str().unwrap().to_owned();
    (response.json().await.unwrap(), etag)
}

#[tokio::test]
async fn get_edit_put_round_trips_on_every_section() {
    let app = spawn_app().await;
    let all = app.get_json("/sections").await;
    for original in all["sections"].as_array().unwrap() {
        let id = original["id"].as_str().unwrap();
        let (mut section, etag) = fetch(&app, id).await;
        // Change one text field somewhere in the section, as an editor would.
        let text = first_title(&mut section).expect("every section has a title or quote");
        *text = json!(format!("{} (edited)", text.as_str().unwrap()));

        let response = app.put(id, &etag, &section).await;
        assert_eq!(response.status(), 200, "PUT {id}");
        let new_etag = response.headers()["etag"].to_str().unwrap().to_owned();
        assert_ne!(new_etag, etag, "{id}");
        let written: Value = response.json().await.unwrap();
        assert_eq!(written["revision"], 2, "{id}");

        let (now, served_etag) = fetch(&app, id).await;
        assert_eq!(served_etag, new_etag, "{id}: readers see the write at once");
        assert_eq!(now, written);
        let mut expected = section.clone();
        for key in ["revision", "updated_at"] {
            expected[key] = now[key].clone();
        }
        assert_eq!(now, expected, "{id}: exactly the edit, nothing else");
    }
}

/// The first `title`, `quote` or `detail` string found, depth first.
fn first_title(value: &mut Value) -> Option<&mut Value> {
    match value {
        Value::Object(map) => {
            if map.contains_key("title") {
                return map.get_mut("title");
            }
            if map.contains_key("quote") {
                return map.get_mut("quote");
            }
            map.values_mut().find_map(first_title)
        }
        Value::Array(items) => items.iter_mut().find_map(first_title),
        _ => None,
    }
}

#[tokio::test]
async fn read_only_fields_are_ignored_but_a_different_id_or_type_is_422() {
    let app = spawn_app().await;
    let (mut section, etag) = fetch(&app, "vision").await;
    section["quote"] = json!("Data for all.");
    section["revision"] = json!(99);
    section["position"] = json!(1);
    section["updated_at"] = json!("1999-01-01T00:00:00Z");
    let response = app.put("vision", &etag, &section).await;
    assert_eq!(response.status(), 200);
    let written: Value = response.json().await.unwrap();
    assert_eq!(written["revision"], 2);
    assert_eq!(written["position"], 4);

    let etag = app.etag("/sections/vision").await;
    let body = json!({"id": "teaser", "type": "teaser", "quote": "x"});
    let problem = problem(app.put("vision", &etag, &body).await, 422).await;
    let pointers: Vec<&str> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["pointer"].as_str().unwrap())
        .collect();
    assert_eq!(pointers, ["/id", "/type"]);
}

#[tokio::test]
async fn writes_change_the_collection_etag_and_only_that_sections_etag() {
    let app = spawn_app().await;
    let collection = app.etag("/sections").await;
    let teaser = app.etag("/sections/teaser").await;
    let vision = app.etag("/sections/vision").await;
    let response = app.put("vision", &vision, &json!({"quote": "New"})).await;
    assert_eq!(response.status(), 200);
    assert_ne!(app.etag("/sections").await, collection);
    assert_eq!(app.etag("/sections/teaser").await, teaser);
    // The old tag no longer gives a 304; the new one does.
    let r = app
        .get_with("/sections", &[("If-None-Match", &collection)])
        .await;
    assert_eq!(r.status(), 200);
    let all: Value = r.json().await.unwrap();
    assert_eq!(all["sections"][3]["quote"], "New");
}

#[tokio::test]
async fn if_match_takes_any_codings_tag_or_a_list_or_star_but_never_a_weak_tag() {
    let app = spawn_app().await;
    let etag = app.etag("/sections/vision").await;
    let gzip_tag = format!("{}-gz\"", etag.trim_end_matches('"'));
    let weak = format!("W/{etag}");
    let r = app.put("vision", &weak, &json!({"quote": "weak"})).await;
    problem(r, 412).await;

    let list = format!("\"nope\", {gzip_tag}");
    let r = app.put("vision", &list, &json!({"quote": "one"})).await;
    assert_eq!(r.status(), 200);
    let r = app.put("vision", "*", &json!({"quote": "two"})).await;
    assert_eq!(r.status(), 200);
    let written: Value = r.json().await.unwrap();
    assert_eq!(
        (written["quote"].as_str(), written["revision"].as_i64()),
        (Some("two"), Some(3))
    );
}

#[tokio::test]
async fn a_write_that_changes_nothing_keeps_revision_and_etag() {
    let app = spawn_app().await;
    let (section, etag) = fetch(&app, "teaser").await;
    let r = app.put("teaser", &etag, &section).await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["etag"].to_str().unwrap(), etag);
    let written: Value = r.json().await.unwrap();
    assert_eq!(written["revision"], 1);
    let r = app.patch("teaser", &etag, &json!({})).await;
    assert_eq!(r.headers()["etag"].to_str().unwrap(), etag);
    assert_eq!(
        app.history("teaser").await["revisions"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

#[tokio::test]
async fn patch_merges_removes_with_null_and_replaces_arrays() {
    let app = spawn_app().await;
    // `g3User.button.target` is one of the fields the body never shows, so it may go.
    let (before, etag) = fetch(&app, "users").await;
    assert_eq!(before["button"]["target"], "_self");
    let patch = json!({"title": "Patched", "button": {"target": null, "caption": "Try it"}});
    let r = app.patch("users", &etag, &patch).await;
    assert_eq!(r.status(), 200);
    let after: Value = r.json().await.unwrap();
    assert_eq!(after["title"], "Patched");
    assert_eq!(
        after["button"],
        json!({"caption": "Try it", "link": before["button"]["link"]})
    );
    assert_eq!(after["detail"], before["detail"]);

    // An array is replaced whole, never merged element by element.
    let (features, etag) = fetch(&app, "features").await;
    let mut items = features["items"].as_array().unwrap().clone();
    items.reverse();
    items[0] = json!({"key": items[0]["key"], "title": "Only one", "detail": "Now."});
    let items = Value::Array(items);
    let r = app.patch("features", &etag, &json!({"items": items})).await;
    assert_eq!(r.status(), 200);
    let after: Value = r.json().await.unwrap();
    assert_eq!(after["items"], items);
}

#[tokio::test]
async fn patch_errors_point_into_the_merged_result() {
    let app = spawn_app().await;
    let etag = app.etag("/sections/commons").await;
    // Replacing `items` whole: the pointers are indexes into the new array.
    let patch = json!({"items": [
        {"key": "c2", "title": "A", "fig": "figs/a.png", "link": "https://a.example"},
        {"key": "c2", "title": "B", "fig": "../b.png", "link": "ftp://b.example"},
    ]});
    let body = problem(app.patch("commons", &etag, &patch).await, 422).await;
    let errors: Vec<(String, String)> = body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["pointer"].as_str().unwrap().to_owned(),
                e["detail"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let pointers: Vec<&str> = errors.iter().map(|(p, _)| p.as_str()).collect();
    assert_eq!(
        pointers,
        ["/items/1/key", "/items/1/fig", "/items/1/link"],
        "{errors:?}"
    );
    // Removing a required field with null is reported at that field.
    let body = problem(
        app.patch(
            "users",
            &app.etag("/sections/users").await,
            &json!({"quote": null}),
        )
        .await,
        422,
    )
    .await;
    assert_eq!(
        body["errors"],
        json!([{"pointer": "/quote", "detail": "is required"}])
    );
}

#[tokio::test]
async fn every_content_rule_is_a_422_with_one_pointer_per_field() {
    let app = spawn_app().await;
    let (mut roles, etag) = fetch(&app, "roles").await;
    roles["title"] = json!("   ");
    roles["items"][0]["name"] = json!("x".repeat(201));
    roles["items"][0]["detial"] = json!("typo");
    roles["items"][1]["fig"] = json!(42);
    roles["items"][1]["button"]["link"] = json!("javascript:alert(1)");
    roles["items"][1]["button"]["target"] = json!("_new");
    roles["items"][2]["key"] = json!("r1");
    roles["items"][2].as_object_mut().unwrap().remove("detail");
    let body = problem(app.put("roles", &etag, &roles).await, 422).await;
    let mut pointers: Vec<&str> = body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["pointer"].as_str().unwrap())
        .collect();
    pointers.sort_unstable();
    assert_eq!(
        pointers,
        [
            "/items/0/detial",
            "/items/0/name",
            "/items/1/button/link",
            "/items/1/button/target",
            "/items/1/fig",
            "/items/2/detail",
            "/items/2/key",
            "/title",
        ]
    );

    let too_many: Vec<Value> = (1..=101)
        .map(|i| json!({"key": format!("f{i}"), "title": "t", "detail": "d"}))
        .collect();
    let etag = app.etag("/sections/features").await;
    let body = problem(
        app.put("features", &etag, &json!({"items": too_many}))
            .await,
        422,
    )
    .await;
    assert_eq!(body["errors"][0]["pointer"], "/items");
    let body = problem(app.put("features", &etag, &json!({"items": []})).await, 422).await;
    assert_eq!(body["errors"][0]["pointer"], "/items");
    let body = problem(
        app.put("features", &etag, &json!(["not", "an object"]))
            .await,
        422,
    )
    .await;
    assert_eq!(body["errors"][0]["pointer"], "");
}

#[tokio::test]
async fn items_may_be_added_removed_and_reordered() {
    let app = spawn_app().await;
    let (mut commons, etag) = fetch(&app, "commons").await;
    let items = commons["items"].as_array_mut().unwrap();
    items.reverse();
    items.push(json!({"key": "c25", "title": "New commons", "fig": "figs/new.png", "link": "https://new.example.org"}));
    let expected = items.clone();
    let r = app.put("commons", &etag, &commons).await;
    assert_eq!(r.status(), 200);
    let written: Value = r.json().await.unwrap();
    assert_eq!(written["items"], Value::Array(expected));

    // Removed again (the body never asks for c25; removing what it asks for is refused, see
    // `references`).
    let (mut commons, etag) = fetch(&app, "commons").await;
    let items = commons["items"].as_array_mut().unwrap();
    items.retain(|item| item["key"] != "c25");
    let expected = items.clone();
    let r = app.put("commons", &etag, &commons).await;
    assert_eq!(r.status(), 200);
    let written: Value = r.json().await.unwrap();
    assert_eq!(written["items"], Value::Array(expected));
}
