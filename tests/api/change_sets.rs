//! Change sets: every kind of write into one instead of live, validated like a live write; its
//! view of the site readable with a `preview` token on every read, and never without one; a
//! publish that merges different fields, refuses the same field with every conflict, and
//! changes nothing when refused; live writes as change sets of one change.

use reqwest::Method;
use serde_json::{Value, json};

use gen3_content::auth::Scope;

use crate::helpers::{TestApp, change_set_document, json_of, token, within};

const PAGE: &str = "/pages/products%2Fworkspaces";
/// Text that appears nowhere in the site: found in a public answer, it leaked.
const MARK: &str = "UNPUBLISHED-7c1f";

/// A site with one change set that holds every kind of write: a section, the body and the
/// metadata of `PAGE` changed, a page created (`news/spring`), one deleted (`DELETED`); each
/// written with the view's `ETag` as `If-Match`. Live's validators from before it.
struct Drafted {
    app: TestApp,
    preview: String,
    set: i64,
    before: [String; 3],
}

const DELETED: &str = "/pages/community%2Fwebinars";

async fn every_kind_of_write_in_a_change_set() -> Drafted {
    let app = TestApp::builder()
        .site()
        // Many requests with an unknown token from one address: not a brute force here.
        .settings(|s| s.auth_failure_limit = u32::MAX)
        .spawn()
        .await;
    let preview = token(&app, "previewer", Scope::Preview).await;
    let before = [
        app.etag(PAGE).await,
        app.etag("/pages").await,
        app.etag("/site.tar").await,
    ];
    let set = app.create_change_set("Spring release").await;

    // A section, the body, the metadata; a page created, one deleted; a section added and the
    // order changed: each into the change set, each with the view's ETag as If-Match.
    let section = within(&format!("{PAGE}/sections/teaser"), set);
    let tag = app.etag_as(Some(&preview), &section).await;
    let r = app
        .send(
            Method::PATCH,
            &section,
            Some(&tag),
            Some(&json!({"title": format!("Workspaces {MARK}")})),
        )
        .await;
    let written = json_of(r, 200, "PATCH into the change set").await;
    assert_eq!(written["title"], format!("Workspaces {MARK}"));

    let body_path = within(&format!("{PAGE}/body"), set);
    let tag = app.etag_as(Some(&preview), &body_path).await;
    let body = app
        .with_token(Method::GET, &body_path, Some(&preview))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let r = app
        .with_token(Method::PUT, &body_path, Some(&app.editor))
        .header("If-Match", &tag)
        .header("Content-Type", "text/plain; charset=utf-8")
        .body(format!("{body}\n<!-- {MARK} -->\n"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status(),
        200,
        "PUT body into the change set: {}",
        r.text().await.unwrap()
    );

    let page_path = within(PAGE, set);
    let tag = app.etag_as(Some(&preview), &page_path).await;
    let r = app
        .send(
            Method::PATCH,
            &page_path,
            Some(&tag),
            Some(&json!({"description": MARK})),
        )
        .await;
    json_of(r, 200, "PATCH metadata into the change set").await;

    let new_page = json!({"path": "news/spring.md", "page": {"title": format!("Spring {MARK}"), "date": "2026-12-02"}, "body": "Spring is here.\n"});
    let r = app
        .send(Method::POST, &within("/pages", set), None, Some(&new_page))
        .await;
    json_of(r, 201, "POST /pages into the change set").await;

    let deleted = DELETED;
    let deleted_tag = app.etag(deleted).await;
    let r = app
        .send(
            Method::DELETE,
            &within(deleted, set),
            Some(&deleted_tag),
            None,
        )
        .await;
    assert_eq!(
        r.status(),
        204,
        "DELETE into the change set: {}",
        r.text().await.unwrap()
    );
    Drafted {
        app,
        preview,
        set,
        before,
    }
}

#[tokio::test]
async fn writes_into_a_change_set_leave_live_byte_for_byte_as_it_was() {
    let Drafted { app, before, .. } = every_kind_of_write_in_a_change_set().await;
    let deleted = DELETED;
    // Live: nothing changed, byte for byte.
    assert_eq!(app.etag(PAGE).await, before[0]);
    assert_eq!(app.etag("/pages").await, before[1]);
    assert_eq!(app.etag("/site.tar").await, before[2]);
    assert_eq!(app.get("/pages/news%2Fspring").await.status(), 404);
    assert_eq!(app.get(deleted).await.status(), 200);
    assert!(
        !app.get("/site.tar")
            .await
            .text()
            .await
            .unwrap()
            .contains(MARK)
    );
}

#[tokio::test]
async fn a_change_sets_view_shows_all_of_it_privately_and_exports_only_the_edited_lines() {
    let Drafted {
        app, preview, set, ..
    } = every_kind_of_write_in_a_change_set().await;
    let page_path = within(PAGE, set);
    // The change set's view: all of it, privately.
    let view = app
        .with_token(Method::GET, &page_path, Some(&preview))
        .send()
        .await
        .unwrap();
    assert_eq!(view.headers()["cache-control"], "private, no-cache");
    let view: Value = view.json().await.unwrap();
    assert_eq!(view["page"]["description"], MARK);
    assert_eq!(view["sections"][0]["title"], format!("Workspaces {MARK}"));
    let tar = app
        .with_token(Method::GET, &within("/site.tar", set), Some(&preview))
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    let tar = String::from_utf8_lossy(&tar);
    assert!(
        tar.contains(&format!("Spring {MARK}")),
        "the new page is in the view's site"
    );
    assert!(
        !tar.contains("content/community/webinars.md"),
        "the deleted page is not"
    );
    let export = app
        .with_token(
            Method::GET,
            &within(&format!("{PAGE}/export"), set),
            Some(&preview),
        )
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let live_export = app
        .get(&format!("{PAGE}/export"))
        .await
        .text()
        .await
        .unwrap();
    // Only the edited lines differ: the title changed, the description and a body line added.
    let added: Vec<&str> = export
        .lines()
        .filter(|l| !live_export.lines().any(|k| k == *l))
        .collect();
    let removed: Vec<&str> = live_export
        .lines()
        .filter(|l| !export.lines().any(|k| k == *l))
        .collect();
    assert_eq!(
        added,
        [
            format!("description: {MARK}"),
            format!("  title: Workspaces {MARK}"),
            format!("<!-- {MARK} -->")
        ]
    );
    assert_eq!(removed, ["  title: Workspaces"]);
    assert_eq!(export.lines().count(), live_export.lines().count() + 3);
}

#[tokio::test]
async fn a_change_set_says_what_it_changes_page_by_page_and_field_by_field() {
    let Drafted {
        app, preview, set, ..
    } = every_kind_of_write_in_a_change_set().await;
    // What it changes, per field.
    let doc = json_of(
        app.send_as(
            &preview,
            Method::GET,
            &format!("/changesets/{set}"),
            None,
            None,
        )
        .await,
        200,
        "GET change set",
    )
    .await;
    let pages: Vec<(&str, &str)> = doc["pages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["id"].as_str().unwrap(), p["action"].as_str().unwrap()))
        .collect();
    assert_eq!(
        pages,
        [
            ("community/webinars", "delete"),
            ("news/spring", "create"),
            ("products/workspaces", "edit")
        ]
    );
    let workspaces = &doc["pages"][2];
    let fields: Vec<(Option<&str>, &str)> = workspaces["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["section"].as_str(), c["pointer"].as_str().unwrap()))
        .collect();
    assert!(fields.contains(&(None, "/description")), "{fields:?}");
    assert!(fields.contains(&(None, "/body")), "{fields:?}");
    assert!(fields.contains(&(Some("teaser"), "/title")), "{fields:?}");
    let title = workspaces["changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["pointer"] == "/title")
        .unwrap();
    assert_eq!(title["change_set"], format!("Workspaces {MARK}"));
    assert_ne!(title["live"], title["change_set"]);
    assert_eq!(workspaces["conflicts"], json!([]));
}

#[tokio::test]
async fn publishing_makes_all_of_it_live_at_once_and_the_revisions_name_the_change_set() {
    let Drafted { app, set, .. } = every_kind_of_write_in_a_change_set().await;
    let deleted = DELETED;
    // Published: all of it at once, each page revision naming the change set.
    let doc = json_of(app.publish(set).await, 200, "publish").await;
    assert_eq!(doc["state"], "published");
    let live: Value = app.get_json(PAGE).await;
    assert_eq!(live["page"]["description"], MARK);
    assert_eq!(live["sections"][0]["title"], format!("Workspaces {MARK}"));
    assert_eq!(app.get("/pages/news%2Fspring").await.status(), 200);
    assert_eq!(app.get(deleted).await.status(), 404);
    let history = json_of(
        app.send_as(
            &app.reader,
            Method::GET,
            &format!("{PAGE}/revisions"),
            None,
            None,
        )
        .await,
        200,
        "history",
    )
    .await;
    assert_eq!(history["revisions"][0]["change_set"], set);
    let revision = doc["pages"][2]["revision"].as_i64().unwrap();
    assert_eq!(history["revisions"][0]["revision"], revision);
}

#[tokio::test]
async fn a_published_change_set_takes_no_more_writes_and_is_not_published_twice() {
    let Drafted { app, set, .. } = every_kind_of_write_in_a_change_set().await;
    json_of(app.publish(set).await, 200, "publish").await;
    let section = within(&format!("{PAGE}/sections/teaser"), set);
    // A published change set takes no more writes, and is gone from views.
    let r = app
        .send(
            Method::PATCH,
            &section,
            Some("*"),
            Some(&json!({"title": "x"})),
        )
        .await;
    let refused = json_of(r, 409, "a write into a published change set").await;
    assert!(
        refused["detail"].as_str().unwrap().contains("is published"),
        "{refused}"
    );
    let r = app.publish(set).await;
    assert_eq!(r.status(), 409, "published twice");
}

#[tokio::test]
async fn a_change_sets_view_needs_a_preview_or_write_token_and_is_never_cached_publicly() {
    let app = TestApp::builder()
        .site()
        // Many requests with an unknown token from one address: not a brute force here.
        .settings(|s| s.auth_failure_limit = u32::MAX)
        .spawn()
        .await;
    let preview = token(&app, "previewer", Scope::Preview).await;
    let set = app.create_change_set("Private").await;
    let path = within(PAGE, set);
    let status = |r: reqwest::Response| r.status().as_u16();
    assert_eq!(status(app.get(&path).await), 401, "no token");
    assert_eq!(
        status(
            app.with_token(Method::GET, &path, Some("g3c_nope"))
                .send()
                .await
                .unwrap()
        ),
        401
    );
    assert_eq!(
        status(
            app.with_token(Method::GET, &path, Some(&app.reader))
                .send()
                .await
                .unwrap()
        ),
        403,
        "a read token"
    );
    assert_eq!(
        status(
            app.with_token(Method::GET, &path, Some(&preview))
                .send()
                .await
                .unwrap()
        ),
        200
    );
    assert_eq!(
        status(
            app.with_token(Method::GET, &path, Some(&app.editor))
                .send()
                .await
                .unwrap()
        ),
        200
    );
    assert_eq!(
        status(
            app.with_token(Method::GET, &within(PAGE, 999), Some(&preview))
                .send()
                .await
                .unwrap()
        ),
        404
    );
    assert_eq!(
        status(
            app.with_token(Method::GET, &format!("{PAGE}?changeset=x"), Some(&preview))
                .send()
                .await
                .unwrap()
        ),
        400
    );
    // A preview token cannot write.
    let r = app
        .send_as(
            &preview,
            Method::PATCH,
            &within(&format!("{PAGE}/sections/teaser"), set),
            Some("*"),
            Some(&json!({"title": "x"})),
        )
        .await;
    assert_eq!(r.status(), 403);
    // A view with nothing in it is the live site, privately.
    let r = app
        .with_token(Method::GET, &path, Some(&preview))
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["cache-control"], "private, no-cache");
    assert_eq!(r.headers()["etag"], app.etag(PAGE).await.as_str());
}

#[tokio::test]
async fn writes_into_a_change_set_are_refused_exactly_as_live_writes_are() {
    let app = TestApp::builder()
        .site()
        // Many requests with an unknown token from one address: not a brute force here.
        .settings(|s| s.auth_failure_limit = u32::MAX)
        .spawn()
        .await;
    let set = app.create_change_set("Refusals").await;
    let path = format!("{PAGE}/sections/features");
    // Removing what the body uses: the same 422, live and into the change set.
    let mut removal: Value = app.get_json(&path).await;
    removal["items"].as_array_mut().unwrap().remove(0);
    let live = json_of(
        app.send(Method::PUT, &path, Some("*"), Some(&removal))
            .await,
        422,
        "live",
    )
    .await;
    let into = json_of(
        app.send(Method::PUT, &within(&path, set), Some("*"), Some(&removal))
            .await,
        422,
        "into",
    )
    .await;
    assert_eq!(live["errors"], into["errors"]);
    assert!(!into["errors"].as_array().unwrap().is_empty());
    // A stale If-Match: 412; a missing one: 428.
    let r = app
        .send(
            Method::PATCH,
            &within(&path, set),
            Some("\"0000\""),
            Some(&json!({})),
        )
        .await;
    assert_eq!(r.status(), 412);
    let r = app
        .send(Method::PATCH, &within(&path, set), None, Some(&json!({})))
        .await;
    assert_eq!(r.status(), 428);
    // Nothing went in.
    let doc = change_set_document(&app, set).await;
    assert_eq!(doc["pages"], json!([]));
}

/// `PATCH` the workspaces page's teaser with `patch`, in change set `set` or live, as the
/// editor; it must answer 200.
async fn patch_teaser(app: &TestApp, set: Option<i64>, patch: Value) {
    let section = format!("{PAGE}/sections/teaser");
    let path = set.map_or(section.clone(), |set| within(&section, set));
    let r = app
        .send(Method::PATCH, &path, Some("*"), Some(&patch))
        .await;
    json_of(r, 200, &format!("PATCH {path}")).await;
}

#[tokio::test]
async fn publishing_merges_a_change_set_with_live_changes_to_other_fields() {
    let app = TestApp::builder().site().spawn().await;
    let section = format!("{PAGE}/sections/teaser");
    let original: Value = app.get_json(&section).await;
    // The change set changes the title; live changes the detail meanwhile: both survive.
    let set = app.create_change_set("Merge").await;
    patch_teaser(&app, Some(set), json!({"title": "From the change set"})).await;
    patch_teaser(&app, None, json!({"detail": "From live"})).await;
    json_of(app.publish(set).await, 200, "publish").await;
    let merged: Value = app.get_json(&section).await;
    assert_eq!(merged["title"], "From the change set");
    assert_eq!(merged["detail"], "From live");
    assert_ne!(original["detail"], "From live");
}

#[tokio::test]
async fn publishing_refuses_the_same_field_changed_on_both_sides_and_changes_nothing() {
    let app = TestApp::builder().site().spawn().await;
    patch_teaser(&app, None, json!({"title": "From the change set"})).await;
    // Both change the title: 409 with the three values, and nothing changes.
    let set = app.create_change_set("Conflict").await;
    patch_teaser(
        &app,
        Some(set),
        json!({"title": "Change set title", "detail": "Change set detail"}),
    )
    .await;
    patch_teaser(
        &app,
        None,
        json!({"title": "Live title", "detail": "Live detail"}),
    )
    .await;
    let before = (app.etag("/site.tar").await, app.etag(PAGE).await);
    let r = app.publish(set).await;
    assert_eq!(r.headers()["content-type"], "application/problem+json");
    let problem = json_of(r, 409, "conflicting publish").await;
    let conflicts = problem["conflicts"].as_array().unwrap();
    assert_eq!(conflicts.len(), 2, "{problem}");
    assert_eq!(
        conflicts[0],
        json!({"page": "products/workspaces", "section": "teaser", "pointer": "/title",
               "base": "From the change set", "live": "Live title", "change_set": "Change set title"})
    );
    assert_eq!(conflicts[1]["pointer"], "/detail");
    assert_eq!(
        (app.etag("/site.tar").await, app.etag(PAGE).await),
        before,
        "nothing changed"
    );
    let doc = change_set_document(&app, set).await;
    assert_eq!(doc["state"], "open");
    assert_eq!(doc["pages"][0]["conflicts"].as_array().unwrap().len(), 2);

    // Resolved in the change set (its value made live's): publishable.
    patch_teaser(
        &app,
        Some(set),
        json!({"title": "Live title", "detail": "Live detail"}),
    )
    .await;
    let r = app.publish(set).await;
    json_of(r, 200, "publish after resolving").await;
}

#[tokio::test]
async fn a_live_write_is_a_change_set_of_one_change_published_at_once() {
    let app = TestApp::builder()
        .site()
        // Many requests with an unknown token from one address: not a brute force here.
        .settings(|s| s.auth_failure_limit = u32::MAX)
        .spawn()
        .await;
    let r = app
        .send(
            Method::PATCH,
            &format!("{PAGE}/sections/teaser"),
            Some("*"),
            Some(&json!({"title": "Live"})),
        )
        .await;
    json_of(r, 200, "live write").await;
    let history = json_of(
        app.send_as(
            &app.reader,
            Method::GET,
            &format!("{PAGE}/revisions"),
            None,
            None,
        )
        .await,
        200,
        "history",
    )
    .await;
    let set = history["revisions"][0]["change_set"]
        .as_i64()
        .expect("the revision names a change set");
    let doc = change_set_document(&app, set).await;
    assert_eq!(doc["state"], "published");
    assert_eq!(doc["pages"][0]["id"], "products/workspaces");
    assert_eq!(
        doc["pages"][0]["revision"],
        history["revisions"][0]["revision"]
    );
    // Lists show the change sets editors made, not those of live writes.
    let list = json_of(
        app.send(Method::GET, "/changesets", None, None).await,
        200,
        "list",
    )
    .await;
    assert_eq!(list["change_sets"], json!([]));
}

/// Every read path of the OpenAPI document (history aside), with every kind of token, change
/// set reference and cache validator, plain and compressed: only a `preview` or `write` token
/// naming the change set ever gets its unpublished bytes.
#[tokio::test]
async fn no_read_without_a_preview_token_ever_gets_unpublished_bytes() {
    let app = TestApp::builder()
        .site()
        // Many requests with an unknown token from one address: not a brute force here.
        .settings(|s| s.auth_failure_limit = u32::MAX)
        .spawn()
        .await;
    let preview = token(&app, "previewer", Scope::Preview).await;
    let set = app.create_change_set("Secret").await;
    // Unpublished text in a landing section, a page's section, metadata and body, a new page.
    let writes = [
        (
            Method::PATCH,
            "/sections/teaser".to_owned(),
            json!({"title": MARK}),
        ),
        (
            Method::PATCH,
            format!("{PAGE}/sections/teaser"),
            json!({"title": MARK}),
        ),
        (Method::PATCH, PAGE.to_owned(), json!({"description": MARK})),
    ];
    for (method, path, body) in writes {
        let r = app
            .send(method, &within(&path, set), Some("*"), Some(&body))
            .await;
        json_of(r, 200, &path).await;
    }
    let new_page = json!({"path": "news/secret.md", "page": {"title": MARK, "date": "2026-12-02"}, "body": format!("{MARK}\n")});
    json_of(
        app.send(Method::POST, &within("/pages", set), None, Some(&new_page))
            .await,
        201,
        "new page",
    )
    .await;

    let api = app.get_json("/openapi.json").await;
    let mut paths = Vec::new();
    for (template, item) in api["paths"].as_object().unwrap() {
        if item.get("get").is_none() || template.contains("/revisions") {
            continue;
        }
        let content = ["/sections", "/pages", "/export", "/site.tar"]
            .iter()
            .any(|p| template.starts_with(p));
        if !content {
            continue;
        }
        let ids: &[&str] = if template.contains("/pages/{id}") {
            &[
                "_index",
                "products%2Fworkspaces",
                "products/workspaces",
                "news%2Fsecret",
            ]
        } else {
            &[""]
        };
        for id in ids {
            let path = template
                .replace("/pages/{id}", &format!("/pages/{id}"))
                .replace("{section}", "teaser")
                .replace("/sections/{id}", "/sections/teaser");
            paths.push(path);
        }
    }
    paths.push("/pages?limit=2".to_owned());
    paths.push("/pages?limit=1000".to_owned());
    paths.sort();
    paths.dedup();
    assert!(paths.len() >= 18, "{paths:?}");

    // What the change set's view serves, by path: its ETags, where they differ from live's.
    let mut secret_tags = std::collections::HashSet::new();
    for path in &paths {
        let view = app.tag_of(Some(&preview), &within(path, set)).await;
        if let Some(tag) = view.clone()
            && view != app.tag_of(None, path).await
        {
            secret_tags.insert(tag.trim_matches('"').to_owned());
        }
    }
    assert!(
        secret_tags.len() >= 8,
        "the change set shows on most paths: {}",
        secret_tags.len()
    );

    let tokens: [(&str, Option<&str>); 5] = [
        ("none", None),
        (
            "unknown",
            Some("g3c_0000000000000000000000000000000000000000000000000000000000000000"),
        ),
        ("read", Some(&app.reader)),
        ("preview", Some(&preview)),
        ("write", Some(&app.editor)),
    ];
    let references = [
        None,
        Some(set.to_string()),
        Some("999".to_owned()),
        Some("x".to_owned()),
        Some(format!("{set}&changeset={set}")),
        Some(format!("{set}&changeset=999")),
        Some(format!("{set}&changeset=")),
    ];
    let (mut tried, mut shown) = (0, 0);
    for path in &paths {
        let secret = app.tag_of(Some(&preview), &within(path, set)).await;
        let live = app.tag_of(None, path).await;
        let validators: Vec<Option<(&str, String)>> = vec![
            None,
            secret.clone().map(|t| ("if-none-match", t)),
            live.clone().map(|t| ("if-none-match", t)),
            Some(("if-none-match", "*".to_owned())),
            Some((
                "if-modified-since",
                "Tue, 01 Jan 2036 00:00:00 GMT".to_owned(),
            )),
            Some((
                "if-modified-since",
                "Thu, 01 Jan 1970 00:00:00 GMT".to_owned(),
            )),
        ];
        for (token_name, token) in &tokens {
            for reference in &references {
                for validator in &validators {
                    for encoding in [None, Some("gzip"), Some("br")] {
                        let url = match reference {
                            Some(r) => {
                                let join = if path.contains('?') { '&' } else { '?' };
                                format!("{path}{join}changeset={r}")
                            }
                            None => path.clone(),
                        };
                        let mut request = app.with_token(Method::GET, &url, *token);
                        if let Some((name, value)) = validator {
                            request = request.header(*name, value);
                        }
                        if let Some(coding) = encoding {
                            request = request.header("accept-encoding", coding);
                        }
                        let response = request.send().await.unwrap_or_else(|e| {
                            panic!("GET {url} as {token_name} with {validator:?}, {encoding:?} after {tried}: {e}")
                        });
                        tried += 1;
                        let status = response.status().as_u16();
                        let tag = response
                            .headers()
                            .get("etag")
                            .map(|t| t.to_str().unwrap().trim_matches('"').to_owned());
                        let cache = response
                            .headers()
                            .get("cache-control")
                            .map(|c| c.to_str().unwrap().to_owned());
                        let body = response.bytes().await.unwrap();
                        let authorized = matches!(*token_name, "preview" | "write")
                            && reference.as_deref().is_some_and(|r| {
                                r == set.to_string() || *r == format!("{set}&changeset={set}")
                            });
                        let what = format!(
                            "GET {url} as {token_name} with {validator:?}, {encoding:?}: {status}"
                        );
                        let leaked_tag = tag.as_deref().is_some_and(|t| {
                            let base = t.split('-').next().unwrap_or(t);
                            secret_tags
                                .iter()
                                .any(|s| s.split('-').next() == Some(base))
                        });
                        let marked = String::from_utf8_lossy(&body).contains(MARK);
                        if authorized {
                            if status == 200 || status == 304 {
                                assert_eq!(cache.as_deref(), Some("private, no-cache"), "{what}");
                            }
                            shown += usize::from(marked || leaked_tag);
                        } else {
                            assert!(!marked, "unpublished text leaked: {what}");
                            assert!(!leaked_tag, "an unpublished representation leaked: {what}");
                            assert_ne!(cache.as_deref(), Some("private, no-cache"), "{what}");
                        }
                    }
                }
            }
        }
    }
    eprintln!(
        "{} paths, {tried} requests, {shown} showed the change set to its readers",
        paths.len()
    );
    assert!(shown > 0);
}

#[tokio::test]
async fn a_discarded_change_set_publishes_nothing_and_takes_no_more_writes() {
    let app = TestApp::builder()
        .site()
        // Many requests with an unknown token from one address: not a brute force here.
        .settings(|s| s.auth_failure_limit = u32::MAX)
        .spawn()
        .await;
    let set = app.create_change_set("Abandoned").await;
    let section = format!("{PAGE}/sections/teaser");
    let r = app
        .send(
            Method::PATCH,
            &within(&section, set),
            Some("*"),
            Some(&json!({"title": MARK})),
        )
        .await;
    json_of(r, 200, "into").await;
    let r = app
        .send(
            Method::POST,
            &format!("/changesets/{set}/discard"),
            None,
            None,
        )
        .await;
    assert_eq!(r.status(), 204);
    let doc = change_set_document(&app, set).await;
    assert_eq!(doc["state"], "discarded");
    assert_eq!(
        app.with_token(Method::GET, &within(&section, set), Some(&app.editor))
            .send()
            .await
            .unwrap()
            .status(),
        404
    );
    let r = app
        .send(
            Method::PATCH,
            &within(&section, set),
            Some("*"),
            Some(&json!({"title": "x"})),
        )
        .await;
    // Gone from view, but not unknown: a write into it is a conflict, and says why.
    let refused = json_of(r, 409, "a write into a discarded change set").await;
    assert!(
        refused["detail"].as_str().unwrap().contains("is discarded"),
        "{refused}"
    );
    let r = app.publish(set).await;
    assert_eq!(r.status(), 409);
    assert!(!app.get(&section).await.text().await.unwrap().contains(MARK));
}

#[tokio::test]
async fn a_change_set_with_no_changes_has_nothing_to_publish() {
    let app = crate::helpers::spawn_app().await;
    let id = app.create_change_set("empty").await;
    let problem = json_of(app.publish(id).await, 409, "publishing an empty change set").await;
    assert!(
        problem["detail"].as_str().unwrap().contains("no changes"),
        "{problem}"
    );
    let set = change_set_document(&app, id).await;
    assert_eq!(set["state"], "open", "it stays open, to be written into");
    app.stop().await;
}
