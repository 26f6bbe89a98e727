//! Every way a write can be refused: the right status, a problem document, the checks in the
//! contract's order, and nothing changed afterwards (section, `ETag`s, history).

use std::time::Duration;

use reqwest::{Method, RequestBuilder};
use serde_json::{Value, json};

use crate::errors::problem;
use crate::helpers::{TestApp, create_token, spawn_app};

/// Sends `request`, expects `status` as a problem, and checks that section `id` is untouched.
async fn refused(app: &TestApp, id: &str, request: RequestBuilder, status: u16) -> Value {
    let before = app.state_of(id).await;
    let body = problem(request.send().await.unwrap(), status).await;
    assert_eq!(
        app.state_of(id).await,
        before,
        "a {status} changed something"
    );
    body
}

fn put(app: &TestApp, id: &str, token: Option<&str>) -> RequestBuilder {
    app.with_token(Method::PUT, &format!("/sections/{id}"), token)
}

fn valid_vision() -> Value {
    json!({"quote": "A valid new quote."})
}

#[tokio::test]
async fn malformed_json_or_invalid_utf8_is_400() {
    let app = spawn_app().await;
    let etag = app.etag("/sections/vision").await;
    for body in [&b"{\"quote\": "[..], b"\xff\xfe{}", b""] {
        let request = put(&app, "vision", Some(&app.editor))
            .header("If-Match", &etag)
            .header("Content-Type", "application/json")
            .body(body.to_vec());
        refused(&app, "vision", request, 400).await;
    }
    let request = app
        .with_token(Method::PATCH, "/sections/vision", Some(&app.editor))
        .header("If-Match", &etag)
        .header("Content-Type", "application/merge-patch+json")
        .body("{,}");
    refused(&app, "vision", request, 400).await;
}

#[tokio::test]
async fn missing_bad_revoked_or_expired_tokens_are_401_with_a_challenge() {
    let app = spawn_app().await;
    let etag = app.etag("/sections/vision").await;
    let pool = app.other_process().await;
    let store = app.store().await;
    let revoked = create_token(&store, "gone", gen3_content::auth::Scope::Write).await;
    gen3_content::auth::admin::revoke(&store, "gone")
        .await
        .unwrap();
    let expired = create_token(&store, "old", gen3_content::auth::Scope::Write).await;
    sqlx::query("UPDATE tokens SET expires_at = '2020-01-01T00:00:00Z' WHERE name = 'old'")
        .execute(&pool)
        .await
        .unwrap();
    // The server checks tokens against the database: no wait for a reload.

    let r = put(&app, "vision", None)
        .header("If-Match", &etag)
        .json(&valid_vision());
    let before = app.state_of("vision").await;
    let response = r.send().await.unwrap();
    assert_eq!(
        response.headers()["www-authenticate"],
        "Bearer realm=\"gen3-content\""
    );
    problem(response, 401).await;
    assert_eq!(app.state_of("vision").await, before);

    let forged = format!("g3c_{}", "0".repeat(64));
    for token in [forged.as_str(), "not-even-a-token", &revoked, &expired] {
        let response = put(&app, "vision", Some(token))
            .header("If-Match", &etag)
            .json(&valid_vision())
            .send()
            .await
            .unwrap();
        assert_eq!(
            response.headers()["www-authenticate"],
            "Bearer realm=\"gen3-content\", error=\"invalid_token\""
        );
        problem(response, 401).await;
    }
    let basic = put(&app, "vision", None)
        .header("Authorization", "Basic YWxpY2U6cHc=")
        .header("If-Match", &etag)
        .json(&valid_vision());
    refused(&app, "vision", basic, 401).await;
    assert_eq!(app.state_of("vision").await, before);
}

#[tokio::test]
async fn a_read_token_cannot_write_403() {
    let app = spawn_app().await;
    let etag = app.etag("/sections/vision").await;
    let request = put(&app, "vision", Some(&app.reader))
        .header("If-Match", &etag)
        .json(&valid_vision());
    let before = app.state_of("vision").await;
    let response = request.send().await.unwrap();
    assert_eq!(
        response.headers()["www-authenticate"],
        "Bearer realm=\"gen3-content\", error=\"insufficient_scope\", scope=\"write\""
    );
    problem(response, 403).await;
    assert_eq!(app.state_of("vision").await, before);
    let restore = app
        .with_token(
            Method::POST,
            "/sections/vision/revisions/1/restore",
            Some(&app.reader),
        )
        .header("If-Match", "*");
    refused(&app, "vision", restore, 403).await;
}

#[tokio::test]
async fn unknown_sections_and_revisions_are_404_after_authentication() {
    let app = spawn_app().await;
    let r = put(&app, "visoin", Some(&app.editor))
        .header("If-Match", "*")
        .json(&valid_vision());
    refused(&app, "vision", r, 404).await;
    let r = app
        .with_token(
            Method::POST,
            "/sections/vision/revisions/7/restore",
            Some(&app.editor),
        )
        .header("If-Match", "*");
    refused(&app, "vision", r, 404).await;
    let r = app
        .with_token(
            Method::POST,
            "/sections/vision/revisions/x/restore",
            Some(&app.editor),
        )
        .header("If-Match", "*");
    refused(&app, "vision", r, 404).await;
    // Authentication comes first: without a token the unknown section is a 401.
    let r = put(&app, "visoin", None)
        .header("If-Match", "*")
        .json(&valid_vision());
    refused(&app, "vision", r, 401).await;
}

#[tokio::test]
async fn other_methods_on_a_section_are_405_even_with_a_token() {
    let app = spawn_app().await;
    let r = app
        .with_token(Method::DELETE, "/sections/vision", Some(&app.editor))
        .header("If-Match", "*");
    refused(&app, "vision", r, 405).await;
    let r = app.with_token(Method::POST, "/sections/vision", Some(&app.editor));
    refused(&app, "vision", r, 405).await;
}

#[tokio::test]
async fn a_stale_if_match_is_412_and_is_checked_before_the_body() {
    let app = spawn_app().await;
    let stale = app.etag("/sections/vision").await;
    assert_eq!(
        app.put("vision", &stale, &json!({"quote": "first"}))
            .await
            .status(),
        200
    );
    let r = put(&app, "vision", Some(&app.editor))
        .header("If-Match", &stale)
        .json(&valid_vision());
    refused(&app, "vision", r, 412).await;
    // A bad body behind a stale precondition: the precondition answers.
    let r = put(&app, "vision", Some(&app.editor))
        .header("If-Match", &stale)
        .json(&json!({"quote": ""}));
    refused(&app, "vision", r, 412).await;
    let r = app
        .with_token(
            Method::POST,
            "/sections/vision/revisions/1/restore",
            Some(&app.editor),
        )
        .header("If-Match", &stale);
    refused(&app, "vision", r, 412).await;
    let r = put(&app, "vision", Some(&app.editor))
        .header("If-Match", "garbage")
        .json(&valid_vision());
    refused(&app, "vision", r, 412).await;
}

#[tokio::test]
async fn a_body_over_the_limit_is_413() {
    let app = spawn_app().await;
    let etag = app.etag("/sections/vision").await;
    let huge = json!({"quote": "x".repeat(70 * 1024)});
    let r = put(&app, "vision", Some(&app.editor))
        .header("If-Match", &etag)
        .json(&huge);
    let body = refused(&app, "vision", r, 413).await;
    assert_eq!(
        body["detail"],
        "the body is larger than the limit of 65536 bytes"
    );
    // Without a Content-Length (chunked), the limit holds while reading.
    let chunks = (0..2).map(|_| Ok::<_, std::io::Error>(vec![b' '; 40 * 1024]));
    let stream = reqwest::Body::wrap_stream(futures_util::stream::iter(chunks));
    let r = put(&app, "vision", Some(&app.editor))
        .header("If-Match", &etag)
        .header("Content-Type", "application/json")
        .body(stream);
    refused(&app, "vision", r, 413).await;
}

#[tokio::test]
async fn the_wrong_content_type_is_415_naming_the_right_one() {
    let app = spawn_app().await;
    let etag = app.etag("/sections/vision").await;
    let before = app.state_of("vision").await;
    let cases = [
        (Method::PUT, "text/plain", "application/json"),
        (
            Method::PUT,
            "application/json; charset=latin1",
            "application/json",
        ),
        (
            Method::PATCH,
            "application/json",
            "application/merge-patch+json",
        ),
    ];
    for (method, sent, accepted) in cases {
        let response = app
            .with_token(method.clone(), "/sections/vision", Some(&app.editor))
            .header("If-Match", &etag)
            .header("Content-Type", sent)
            .body(valid_vision().to_string())
            .send()
            .await
            .unwrap();
        assert_eq!(response.headers()["accept"], accepted, "{method} {sent}");
        problem(response, 415).await;
    }
    let r = put(&app, "vision", Some(&app.editor))
        .header("If-Match", &etag)
        .body("{}");
    refused(&app, "vision", r, 415).await;
    assert_eq!(app.state_of("vision").await, before);
}

#[tokio::test]
async fn invalid_fields_are_422_and_store_nothing() {
    let app = spawn_app().await;
    let etag = app.etag("/sections/vision").await;
    let r = put(&app, "vision", Some(&app.editor))
        .header("If-Match", &etag)
        .json(&json!({"quote": "", "qoute": "typo"}));
    let body = refused(&app, "vision", r, 422).await;
    assert_eq!(
        body["errors"],
        json!([
            {"pointer": "/quote", "detail": "must not be blank"},
            {"pointer": "/qoute", "detail": "is not a known field"},
        ])
    );
}

#[tokio::test]
async fn a_write_without_if_match_is_428_before_its_body_is_judged() {
    let app = spawn_app().await;
    let r = put(&app, "vision", Some(&app.editor)).json(&valid_vision());
    let body = refused(&app, "vision", r, 428).await;
    assert!(body["detail"].as_str().unwrap().contains("If-Match"));
    let r = put(&app, "vision", Some(&app.editor))
        .header("Content-Type", "text/plain")
        .body("{");
    refused(&app, "vision", r, 428).await;
    let r = app.with_token(
        Method::POST,
        "/sections/vision/revisions/1/restore",
        Some(&app.editor),
    );
    refused(&app, "vision", r, 428).await;
}

/// The published snapshot may lag behind another process's commit (here: it is never reloaded);
/// the write's transaction checks `If-Match` against the database itself.
#[tokio::test]
async fn if_match_is_checked_against_the_database_not_the_published_copy() {
    let dir = tempfile::tempdir().unwrap();
    let mut settings = crate::helpers::settings(&dir.path().join("c.db"));
    settings.reload_interval = Duration::from_secs(3600);
    let app = crate::helpers::spawn_with(Some(dir), settings).await;
    let served = app.etag("/sections/vision").await;
    let other = app.other_process().await;
    crate::helpers::write_revision(
        &other,
        "vision",
        &json!({"type": "vision", "quote": "Elsewhere."}),
    )
    .await;
    assert_eq!(
        app.etag("/sections/vision").await,
        served,
        "not reloaded yet"
    );

    let r = app.put("vision", &served, &valid_vision()).await;
    problem(r, 412).await;
    // With `*` the write goes on top of the other process's revision, and what is then served
    // is the database's state.
    let r = app.put("vision", "*", &valid_vision()).await;
    assert_eq!(r.status(), 200);
    let written: Value = r.json().await.unwrap();
    assert_eq!(written["revision"], 3);
    let history = app.history("vision").await;
    assert_eq!(history["revisions"][1]["author"], "test");
}

#[tokio::test]
async fn control_characters_in_text_are_422_at_the_field() {
    let app = spawn_app().await;
    let etag = app.etag("/sections/users").await;
    // NUL and ESC (what Hugo turned into U+FFFD and a raw ESC byte), CR, a vertical tab, DEL;
    // a second field with one too, and a nested one: one entry each.
    let body = json!({
        "quote": "a\u{0}b\u{1b}c",
        "title": "carriage\r\nreturn",
        "detail": "del\u{7f}",
        "button": {"caption": "vertical\u{b}tab", "link": "/x"},
    });
    let request = app
        .with_token(Method::PATCH, "/sections/users", Some(&app.editor))
        .header("If-Match", &etag)
        .header("Content-Type", "application/merge-patch+json")
        .body(body.to_string());
    let problem = refused(&app, "users", request, 422).await;
    let mut pointers: Vec<&str> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            assert_eq!(
                e["detail"],
                "must not contain control characters other than tab and line feed"
            );
            e["pointer"].as_str().unwrap()
        })
        .collect();
    pointers.sort_unstable();
    assert_eq!(pointers, ["/button/caption", "/detail", "/quote", "/title"]);

    // Tab and line feed are text.
    let r = app
        .patch("users", &etag, &json!({"quote": "one\ttwo\nthree"}))
        .await;
    assert_eq!(r.status(), 200);
}

#[tokio::test]
async fn a_member_name_sent_twice_is_400_naming_it() {
    let app = spawn_app().await;
    let etag = app.etag("/sections/vision").await;
    let cases = [
        (r#"{"quote": "a", "quote": "b"}"#, "/quote"),
        (
            r#"{"type": "vision", "quote": "a", "type": "vision"}"#,
            "/type",
        ),
    ];
    for (body, pointer) in cases {
        for (method, media_type) in [
            (Method::PUT, "application/json"),
            (Method::PATCH, "application/merge-patch+json"),
        ] {
            let request = app
                .with_token(method.clone(), "/sections/vision", Some(&app.editor))
                .header("If-Match", &etag)
                .header("Content-Type", media_type)
                .body(body);
            let problem = refused(&app, "vision", request, 400).await;
            assert_eq!(problem["errors"][0]["pointer"], pointer, "{method} {body}");
            let name = pointer.trim_start_matches('/');
            assert!(
                problem["detail"]
                    .as_str()
                    .unwrap()
                    .contains(&format!("\"{name}\" twice")),
                "{problem}"
            );
        }
    }
    // Deeper down, too: the pointer names the duplicate inside its object.
    let etag = app.etag("/sections/entrance").await;
    let mut entrance = app.get_json("/sections/entrance").await;
    entrance["items"][1]["title"] = json!("DUPLICATE");
    let text = entrance.to_string().replacen(
        "\"title\":\"DUPLICATE\"",
        "\"title\":\"x\",\"title\":\"y\"",
        1,
    );
    let request = put(&app, "entrance", Some(&app.editor))
        .header("If-Match", &etag)
        .header("Content-Type", "application/json")
        .body(text);
    let problem = refused(&app, "entrance", request, 400).await;
    assert_eq!(problem["errors"][0]["pointer"], "/items/1/title");
    // Equal names in different objects are fine.
    let r = app
        .put("entrance", &etag, &app.get_json("/sections/entrance").await)
        .await;
    assert_eq!(r.status(), 200);
}

#[tokio::test]
async fn thousands_of_bad_fields_list_the_first_hundred_and_count_the_rest() {
    let app = spawn_app().await;
    let patch: serde_json::Map<String, Value> =
        (0..5000).map(|n| (format!("k{n}"), json!(1))).collect();
    for path in ["/sections/vision", "/pages/_index"] {
        let r = app
            .send(
                Method::PATCH,
                path,
                Some("*"),
                Some(&Value::Object(patch.clone())),
            )
            .await;
        assert_eq!(r.status(), 422, "{path}");
        let problem: Value = r.json().await.unwrap();
        let errors = problem["errors"].as_array().unwrap();
        assert_eq!(errors.len(), 101, "{path}");
        assert_eq!(errors[0]["pointer"], "/k0");
        assert_eq!(errors[100]["pointer"], "");
        assert!(
            errors[100]["detail"]
                .as_str()
                .unwrap()
                .starts_with("and 4900 more"),
            "{path}: {}",
            errors[100]
        );
    }
    app.stop().await;
}
