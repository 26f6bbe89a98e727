//! History: every revision is kept, listed newest first, readable with any token, restorable.

use reqwest::Method;
use serde_json::{Value, json};

use crate::errors::problem;
use crate::helpers::spawn_app;

#[tokio::test]
async fn writes_are_listed_newest_first_with_their_authors() {
    let app = spawn_app().await;
    for quote in ["one", "two", "three"] {
        let r = app.put("vision", "*", &json!({"quote": quote})).await;
        assert_eq!(r.status(), 200);
    }
    let history = app.history("vision").await;
    let list = history["revisions"].as_array().unwrap();
    let revisions: Vec<i64> = list
        .iter()
        .map(|r| r["revision"].as_i64().unwrap())
        .collect();
    let authors: Vec<&str> = list.iter().map(|r| r["author"].as_str().unwrap()).collect();
    assert_eq!(revisions, [4, 3, 2, 1]);
    let editor = app.editor_name.as_str();
    assert_eq!(authors, [editor, editor, editor, "seed"]);
    assert!(
        list.iter()
            .all(|r| r["created_at"].as_str().unwrap().ends_with('Z'))
    );
}

#[tokio::test]
async fn history_pages_with_limit_before_and_a_next_link() {
    let app = spawn_app().await;
    for i in 0..4 {
        app.put("vision", "*", &json!({"quote": format!("q{i}")}))
            .await;
    }
    let get = |path: String| app.with_token(Method::GET, &path, Some(&app.reader)).send();
    let r = get("/sections/vision/revisions?limit=2".to_owned())
        .await
        .unwrap();
    assert_eq!(r.headers()["cache-control"], "private, no-store");
    let link = r.headers()["link"].to_str().unwrap().to_owned();
    assert_eq!(
        link,
        "</sections/vision/revisions?limit=2&before=4>; rel=\"next\""
    );
    let page: Value = r.json().await.unwrap();
    assert_eq!(page["revisions"][1]["revision"], 4);

    let next = link
        .trim_start_matches('<')
        .split('>')
        .next()
        .unwrap()
        .to_owned();
    let r = get(next).await.unwrap();
    let page: Value = r.json().await.unwrap();
    let revisions: Vec<i64> = page["revisions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["revision"].as_i64().unwrap())
        .collect();
    assert_eq!(revisions, [3, 2]);

    let r = get("/sections/vision/revisions?limit=2&before=2".to_owned())
        .await
        .unwrap();
    assert!(r.headers().get("link").is_none(), "revision 1 is the last");
    for bad in ["limit=0", "limit=501", "limit=x", "before=0"] {
        let r = get(format!("/sections/vision/revisions?{bad}"))
            .await
            .unwrap();
        problem(r, 400).await;
    }
}

#[tokio::test]
async fn a_revision_holds_the_content_as_a_put_body() {
    let app = spawn_app().await;
    let original: Value = app.get_json("/sections/teaser").await;
    app.patch("teaser", "*", &json!({"title": "Changed"})).await;
    let r = app
        .with_token(
            Method::GET,
            "/sections/teaser/revisions/1",
            Some(&app.reader),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let revision: Value = r.json().await.unwrap();
    assert_eq!(revision["author"], "seed");
    let content = &revision["content"];
    assert_eq!(content["type"], "teaser");
    assert_eq!(content["title"], original["title"]);
    assert!(content.get("revision").is_none() && content.get("id").is_none());
    // Sent back as is, it is a valid PUT body.
    assert_eq!(app.put("teaser", "*", content).await.status(), 200);
}

#[tokio::test]
async fn restore_makes_an_old_revision_current_as_a_new_one() {
    let app = spawn_app().await;
    let seeded: Value = app.get_json("/sections/vision").await;
    app.put("vision", "*", &json!({"quote": "A passing thought."}))
        .await;
    let etag = app.etag("/sections/vision").await;
    let r = app
        .with_token(
            Method::POST,
            "/sections/vision/revisions/1/restore",
            Some(&app.editor),
        )
        .header("If-Match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let new_etag = r.headers()["etag"].to_str().unwrap().to_owned();
    let restored: Value = r.json().await.unwrap();
    assert_eq!(restored["quote"], seeded["quote"]);
    assert_eq!(restored["revision"], 3);
    assert_eq!(app.etag("/sections/vision").await, new_etag);
    let history = app.history("vision").await;
    assert_eq!(
        history["revisions"].as_array().unwrap().len(),
        3,
        "nothing is deleted"
    );
    // Restoring what is already current changes nothing.
    let r = app
        .with_token(
            Method::POST,
            "/sections/vision/revisions/3/restore",
            Some(&app.editor),
        )
        .header("If-Match", &new_etag)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["etag"].to_str().unwrap(), new_etag);
}

#[tokio::test]
async fn history_needs_a_token_of_any_scope() {
    let app = spawn_app().await;
    for path in ["/sections/vision/revisions", "/sections/vision/revisions/1"] {
        let r = app.get(path).await;
        assert_eq!(
            r.headers()["www-authenticate"],
            "Bearer realm=\"gen3-content\""
        );
        problem(r, 401).await;
        for token in [&app.reader, &app.editor] {
            let r = app
                .with_token(Method::GET, path, Some(token))
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 200, "{path}");
        }
    }
    let r = app
        .with_token(
            Method::GET,
            "/sections/vision/revisions/2",
            Some(&app.reader),
        )
        .send()
        .await
        .unwrap();
    problem(r, 404).await;
}
