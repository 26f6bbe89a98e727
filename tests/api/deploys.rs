//! Is it live? A build reports on the change set it deploys with a `deploy` token; the change
//! set shows the newest report, and silence (after the publish, or after a report that is not
//! final) turns into `unknown` after the timeout, never into `live`.

use std::time::Duration;

use reqwest::Method;
use serde_json::{Value, json};

use gen3_content::auth::Scope;

use crate::helpers::{TestApp, change_set_document, json_of, token};

/// A change set with the teaser's title set to `title`, published unless `publish` is false.
async fn change_set(app: &TestApp, title: &str, publish: bool) -> i64 {
    let id = app.create_change_set(title).await;
    let path = format!("/sections/teaser?changeset={id}");
    let r = app
        .send(
            Method::PATCH,
            &path,
            Some("*"),
            Some(&json!({"title": title})),
        )
        .await;
    json_of(r, 200, "edit into it").await;
    if publish {
        json_of(app.publish(id).await, 200, "publish").await;
    }
    id
}

async fn report(app: &TestApp, token: &str, id: i64, body: &Value) -> reqwest::Response {
    let path = format!("/changesets/{id}/deploys");
    app.send_as(token, Method::POST, &path, None, Some(body))
        .await
}

/// The change set's `deploy`, as an editor sees it.
async fn deploy_of(app: &TestApp, id: i64) -> Value {
    change_set_document(app, id).await["deploy"].clone()
}

#[tokio::test]
async fn a_build_reports_queued_building_live_and_the_change_set_shows_it() {
    let app = TestApp::builder()
        .settings(move |s| s.deploy_report_timeout = Duration::from_secs(600))
        .spawn()
        .await;
    let ci = token(&app, "site-ci", Scope::Deploy).await;
    let preview = token(&app, "reviewer", Scope::Preview).await;

    // Nothing of an open change set can be deployed, and it shows no deploy.
    let open = change_set(&app, "Not yet", false).await;
    let refused = json_of(
        report(&app, &ci, open, &json!({"state": "live"})).await,
        409,
        "open",
    )
    .await;
    assert!(
        refused["detail"]
            .as_str()
            .unwrap()
            .contains("not published")
    );
    assert_eq!(deploy_of(&app, open).await, Value::Null);
    json_of(
        report(&app, &ci, 9999, &json!({"state": "live"})).await,
        404,
        "no such change set",
    )
    .await;

    let id = change_set(&app, "Spring", true).await;
    let deploy = deploy_of(&app, id).await;
    assert_eq!(deploy["state"], "pending", "{deploy}");
    assert!(deploy["unknown_after"].is_string(), "{deploy}");
    assert_eq!(deploy["reports"], json!([]));

    // Only a `deploy` token reports; editors and reviewers cannot claim a build went live.
    for (token, status) in [(&app.editor, 403), (&preview, 403), (&app.reader, 403)] {
        json_of(
            report(&app, token, id, &json!({"state": "live"})).await,
            status,
            "not a deploy token",
        )
        .await;
    }
    let anonymous = app
        .with_token(Method::POST, &format!("/changesets/{id}/deploys"), None)
        .json(&json!({"state": "live"}))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), 401);
    // And a deploy token does nothing else.
    let r = app
        .send_as(&ci, Method::GET, &format!("/changesets/{id}"), None, None)
        .await;
    assert_eq!(r.status(), 403);

    let log = "https://github.com/uc-cdis/gen3-site/actions/runs/42";
    for state in ["queued", "building", "live"] {
        let body = json!({"state": state, "build": "run-42", "log_url": log});
        let status = json_of(report(&app, &ci, id, &body).await, 200, state).await;
        assert_eq!(status["state"], state, "{status}");
    }
    let deploy = deploy_of(&app, id).await;
    assert_eq!(deploy["state"], "live");
    assert!(deploy.get("unknown_after").is_none(), "{deploy}");
    assert_eq!(deploy["report_count"], 3);
    let states: Vec<&str> = deploy["reports"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["state"].as_str().unwrap())
        .collect();
    assert_eq!(states, ["live", "building", "queued"], "newest first");
    assert_eq!(deploy["reports"][0]["log_url"], log);
    assert_eq!(deploy["reports"][0]["build"], "run-42");
    assert_eq!(deploy["reports"][0]["reported_by"], "site-ci");

    // Lists show where each published change set's deploy stands.
    let r = app
        .send_as(&preview, Method::GET, "/changesets", None, None)
        .await;
    let list = json_of(r, 200, "list").await;
    let sets = list["change_sets"].as_array().unwrap();
    let of = |id: i64| sets.iter().find(|s| s["id"] == id).unwrap();
    assert_eq!(of(id)["deploy_state"], "live");
    assert!(of(open).get("deploy_state").is_none());

    // A rerun after a failure: the newest report is what the change set shows.
    let failed = json!({"state": "failed", "build": "run-43", "detail": "hugo: template error\n\tat layouts/index.html"});
    json_of(report(&app, &ci, id, &failed).await, 200, "failed").await;
    assert_eq!(deploy_of(&app, id).await["state"], "failed");
    json_of(
        report(
            &app,
            &ci,
            id,
            &json!({"state": "queued", "build": "run-44"}),
        )
        .await,
        200,
        "rerun",
    )
    .await;
    let deploy = deploy_of(&app, id).await;
    assert_eq!(deploy["state"], "queued");
    assert_eq!(deploy["reports"][1]["detail"], failed["detail"]);
}

#[tokio::test]
async fn bad_reports_name_each_field_and_store_nothing() {
    let app = TestApp::builder()
        .settings(move |s| s.deploy_report_timeout = Duration::from_secs(600))
        .spawn()
        .await;
    let ci = token(&app, "site-ci", Scope::Deploy).await;
    let id = change_set(&app, "Spring", true).await;
    for (body, pointers) in [
        (json!({"state": "done"}), vec!["/state"]),
        (json!({}), vec![""]),
        (
            json!({"state": "live", "url": "https://x.org"}),
            vec!["/url"],
        ),
        (
            json!({"state": "live", "log_url": "javascript:alert(1)"}),
            vec!["/log_url"],
        ),
        (
            json!({"state": "live", "log_url": "https://ci:hunter2@ci.example.org/runs/1", "build": ""}),
            vec!["/build", "/log_url"],
        ),
        (
            json!({"state": "failed", "detail": "x".repeat(2001)}),
            vec!["/detail"],
        ),
        (json!(["live"]), vec![""]),
    ] {
        let problem = json_of(report(&app, &ci, id, &body).await, 422, &body.to_string()).await;
        let got: Vec<&str> = problem["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["pointer"].as_str().unwrap())
            .collect();
        assert_eq!(got, pointers, "{body}: {problem}");
    }
    let deploy = deploy_of(&app, id).await;
    assert_eq!(deploy["report_count"], 0);
    assert_eq!(deploy["state"], "pending");
}

#[tokio::test]
async fn silence_turns_unknown_never_live() {
    let timeout = Duration::from_millis(1500);
    let app = TestApp::builder()
        .settings(move |s| s.deploy_report_timeout = timeout)
        .spawn()
        .await;
    let ci = token(&app, "site-ci", Scope::Deploy).await;

    // Published, and no build ever reports.
    let id = change_set(&app, "Nobody listens", true).await;
    assert_eq!(deploy_of(&app, id).await["state"], "pending");
    tokio::time::sleep(timeout + Duration::from_millis(1100)).await;
    let deploy = deploy_of(&app, id).await;
    assert_eq!(deploy["state"], "unknown", "{deploy}");
    assert!(deploy.get("unknown_after").is_none());

    // A build that says it is building, then goes quiet.
    let r = report(
        &app,
        &ci,
        id,
        &json!({"state": "building", "build": "run-1"}),
    )
    .await;
    let status = json_of(r, 200, "building").await;
    assert_eq!(status["state"], "building");
    tokio::time::sleep(timeout + Duration::from_millis(200)).await;
    assert_eq!(deploy_of(&app, id).await["state"], "unknown");

    // A final report stays, however long nothing more comes.
    json_of(
        report(&app, &ci, id, &json!({"state": "live"})).await,
        200,
        "live",
    )
    .await;
    tokio::time::sleep(timeout + Duration::from_millis(200)).await;
    assert_eq!(deploy_of(&app, id).await["state"], "live");

    // A live write is a change set too: its build reports on it the same way.
    let r = app
        .send(
            Method::PATCH,
            "/sections/teaser",
            Some("*"),
            Some(&json!({"title": "Live"})),
        )
        .await;
    json_of(r, 200, "live write").await;
    let r = app
        .send_as(
            &app.reader,
            Method::GET,
            "/pages/_index/revisions",
            None,
            None,
        )
        .await;
    let history = json_of(r, 200, "history").await;
    let live = history["revisions"][0]["change_set"].as_i64().unwrap();
    assert_eq!(deploy_of(&app, live).await["state"], "pending");
    let r = report(&app, &ci, live, &json!({"state": "live"})).await;
    assert_eq!(json_of(r, 200, "live write's build").await["state"], "live");
}
