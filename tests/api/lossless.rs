//! The export starts from the file the page was seeded or imported from: unchanged, it is that
//! file byte for byte; after an edit, only the lines of the edited values differ.

use serde_json::{Value, json};

use std::time::Duration;

use crate::helpers::{SEED, TestApp, gen3, outputs, spawn_app};

/// The one hunk where `after` differs from `before`: (lines removed, lines added), found as
/// what is left between the longest common prefix and suffix.
fn hunk(before: &str, after: &str) -> (Vec<String>, Vec<String>) {
    let b: Vec<&str> = before.lines().collect();
    let a: Vec<&str> = after.lines().collect();
    let prefix = b.iter().zip(&a).take_while(|(x, y)| x == y).count();
    let suffix = b[prefix..]
        .iter()
        .rev()
        .zip(a[prefix..].iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    let own = |lines: &[&str]| {
        lines[prefix..lines.len() - suffix]
            .iter()
            .map(|l| l.to_string())
            .collect()
    };
    (own(&b), own(&a))
}

async fn export(app: &TestApp) -> String {
    app.get("/export").await.text().await.unwrap()
}

/// Imports `text` with the command line, as the site team would, and waits until the running
/// server serves it.
async fn import(app: &TestApp, text: &str) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("about.md");
    std::fs::write(&file, text).unwrap();
    let etag = app.etag("/export").await;
    let out = gen3(&app.database, &["import", file.to_str().unwrap()]);
    assert!(out.status.success(), "{}", outputs(&out).1);
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    while app.etag("/export").await == etag && tokio::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// The features section as a `PUT` body, its items changed by `change`.
async fn put_features(app: &TestApp, change: impl FnOnce(&mut Vec<Value>)) {
    let mut section = app.get_json("/sections/features").await;
    let object = section.as_object_mut().unwrap();
    for system in ["id", "position", "revision", "updated_at", "updated_by"] {
        object.remove(system);
    }
    change(object["items"].as_array_mut().unwrap());
    let etag = app.etag("/sections/features").await;
    let r = app.put("features", &etag, &section).await;
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
}

#[tokio::test]
async fn an_unchanged_page_is_exported_as_the_seed_byte_for_byte() {
    let app = spawn_app().await;
    assert_eq!(export(&app).await, SEED);
}

#[tokio::test]
async fn an_edited_value_changes_only_its_own_line() {
    let app = spawn_app().await;
    let etag = app.etag("/sections/company").await;
    let r = app
        .patch("company", &etag, &json!({"title": "In very good company"}))
        .await;
    assert_eq!(r.status(), 200);
    let after = export(&app).await;
    assert_eq!(
        hunk(SEED, &after),
        (
            vec!["g3Company: In good company...".to_owned()],
            vec!["g3Company: In very good company".to_owned()]
        )
    );

    // A value that YAML 1.1 would read as a boolean is quoted, on its line only.
    let etag = app.etag("/sections/vision").await;
    let r = app.patch("vision", &etag, &json!({"quote": "yes"})).await;
    assert_eq!(r.status(), 200);
    let (removed, added) = hunk(&after, &export(&app).await);
    assert_eq!(removed.len(), 1);
    assert!(
        removed[0].starts_with("  quote: Our vision is"),
        "{removed:?}"
    );
    assert_eq!(added, ["  quote: 'yes'"]);
}

#[tokio::test]
async fn an_item_added_to_a_numbered_map_is_its_own_lines_and_removing_it_restores_the_file() {
    let app = spawn_app().await;
    put_features(&app, |items| {
        items.push(json!({"key": "f7", "title": "Seven: new", "detail": "on"}));
    })
    .await;
    let added = export(&app).await;
    assert_eq!(
        hunk(SEED, &added),
        (
            vec![],
            vec![
                "  f7:".to_owned(),
                "    title: 'Seven: new'".to_owned(),
                "    detail: 'on'".to_owned()
            ]
        )
    );
    // Right after the last item, f6.
    let lines: Vec<&str> = added.lines().collect();
    let at = lines.iter().position(|l| *l == "  f7:").unwrap();
    assert_eq!(lines[at - 3], "  f6:");

    put_features(&app, |items| {
        items.pop();
    })
    .await;
    assert_eq!(
        export(&app).await,
        SEED,
        "removed again, the file is the seed's"
    );

    // An item of the seed removed: exactly its lines go. The body must stop asking for it
    // first (else the write is refused, see `references`): a file without those references is
    // imported, then the item removed.
    let body_at = SEED.find("\n---\n").unwrap() + 5;
    let (front, body) = SEED.split_at(body_at);
    let unused = format!(
        "{front}{}",
        body.lines()
            .filter(|line| !line.contains("g3Feature.f3."))
            .map(|line| format!("{line}\n"))
            .collect::<String>()
    );
    import(&app, &unused).await;
    assert_eq!(export(&app).await, unused);
    put_features(&app, |items| {
        items.retain(|item| item["key"] != "f3");
    })
    .await;
    let (removed, added) = hunk(&unused, &export(&app).await);
    assert!(added.is_empty(), "{added:?}");
    assert_eq!(removed.len(), 3, "{removed:?}");
    assert_eq!(removed[0], "  f3:");
    assert!(removed[1].starts_with("    title: Security & Tiered Data Access"));
    assert!(removed[2].starts_with("    detail: With Gen3, you can finely control"));
}

#[tokio::test]
async fn an_imported_file_is_what_the_export_gives_back_byte_for_byte() {
    let app = spawn_app().await;
    // The site team's own edit, in their own style: a comment and a value that YAML would read
    // as a number, left as they wrote them.
    let edited = SEED.replace(
        "g3Company: In good company...",
        "g3Company: In good company, 24 commons # counted by hand",
    );
    assert_ne!(edited, SEED);
    import(&app, &edited).await;
    assert_eq!(export(&app).await, edited);
    let out = gen3(&app.database, &["export"]);
    assert_eq!(outputs(&out).0, edited, "the command gives the same bytes");
}

#[tokio::test]
async fn every_sections_text_fields_edit_as_one_line_each() {
    let app = spawn_app().await;
    let collection = app.get_json("/sections").await;
    let mut edited = 0;
    for section in collection["sections"].as_array().unwrap() {
        let id = section["id"].as_str().unwrap();
        let fields: Vec<String> = section
            .as_object()
            .unwrap()
            .iter()
            .filter(|(k, v)| {
                v.is_string()
                    && !["id", "type", "updated_at", "updated_by", "target"].contains(&k.as_str())
            })
            .map(|(k, _)| k.clone())
            .collect();
        for field in fields {
            let before = export(&app).await;
            let value = format!("Edited {id} {field}");
            let value = if field == "link" || field == "fig" {
                format!("/edited/{id}/{field}")
            } else {
                value
            };
            let etag = app.etag(&format!("/sections/{id}")).await;
            let r = app
                .patch(id, &etag, &json!({ field.as_str(): value }))
                .await;
            assert_eq!(r.status(), 200, "{id}.{field}: {}", r.text().await.unwrap());
            let (removed, added) = hunk(&before, &export(&app).await);
            assert_eq!(
                (removed.len(), added.len()),
                (1, 1),
                "{id}.{field}: {removed:?} -> {added:?}"
            );
            assert!(added[0].ends_with(&value), "{id}.{field}: {added:?}");
            edited += 1;
        }
    }
    // The seed's 14 top-level text fields, in sections whose keys the file orders its own way.
    assert_eq!(edited, 14);
}
