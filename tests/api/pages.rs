//! Every page of the site through the API: the list, a page by id (plain and percent-encoded),
//! its sections, body, metadata and file; writes on pages other than the landing page, each
//! changing only its lines of the exported file; references on every write; pages and sections
//! created, removed, reordered and restored from history.

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{SITE, TestApp, archive_files};

/// The lines of `after` that differ from `before` (they must have as many lines), 1-based.
fn changed_lines(before: &str, after: &str) -> Vec<usize> {
    let (a, b): (Vec<&str>, Vec<&str>) = (before.lines().collect(), after.lines().collect());
    assert_eq!(a.len(), b.len(), "same number of lines:\n{after}");
    (0..a.len())
        .filter(|&i| a[i] != b[i])
        .map(|i| i + 1)
        .collect()
}

/// The 1-based lines of `text` that contain `needle`.
fn lines_with(text: &str, needle: &str) -> Vec<usize> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| l.contains(needle))
        .map(|(n, _)| n + 1)
        .collect()
}

#[tokio::test]
async fn every_page_is_listed_in_id_order_paged_and_cached() {
    let app = TestApp::builder().site().spawn().await;
    // Every page, 10 at a time, in id order, following `next`.
    let mut ids = Vec::new();
    let mut path = "/pages?limit=10".to_owned();
    let mut pages = 0;
    loop {
        let r = app.get(&path).await;
        assert_eq!(r.status(), 200);
        let etag = r.headers()["etag"].to_str().unwrap().to_owned();
        let link = r
            .headers()
            .get("link")
            .map(|l| l.to_str().unwrap().to_owned());
        let list: Value = r.json().await.unwrap();
        pages += 1;
        for page in list["pages"].as_array().unwrap() {
            ids.push(page["id"].as_str().unwrap().to_owned());
        }
        // Cached like /sections.
        let again = app.get_with(&path, &[("If-None-Match", &etag)]).await;
        assert_eq!(again.status(), 304);
        match list["next"].as_str() {
            Some(cursor) => {
                assert!(link.unwrap().contains("rel=\"next\""));
                path = format!("/pages?limit=10&cursor={}", cursor.replace('/', "%2F"));
            }
            None => break,
        }
    }
    assert_eq!(pages, 5);
    assert_eq!(ids.len(), 46);
    let mut sorted = ids.clone();
    sorted.sort();
    assert_eq!(ids, sorted);
    let all = app.get_json("/pages?limit=1000").await;
    let workspaces = all["pages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == "products/workspaces")
        .unwrap()
        .clone();
    assert_eq!(workspaces["path"], "products/workspaces.md");
    assert_eq!(workspaces["url"], "/products/workspaces/");
    assert_eq!(workspaces["title"], "Gen3 - Products - Workspaces");
    assert_eq!(workspaces["sections"], json!(["teaser", "features"]));
    assert_eq!(app.get("/pages?limit=0").await.status(), 400);
    app.stop().await;
}

#[tokio::test]
async fn a_page_is_read_by_plain_or_encoded_id_with_its_sections_body_and_file() {
    let app = TestApp::builder().site().spawn().await;
    // A page, by plain and by encoded id: the same bytes and tag.
    let plain = app.get("/pages/products/workspaces").await;
    let encoded = app.get("/pages/products%2Fworkspaces").await;
    assert_eq!(plain.status(), 200);
    assert_eq!(plain.headers()["etag"], encoded.headers()["etag"]);
    let page: Value = plain.json().await.unwrap();
    assert_eq!(page, encoded.json::<Value>().await.unwrap());
    assert_eq!(page["page"]["id"], "products/workspaces");
    assert_eq!(page["page"]["path"], "products/workspaces.md");
    assert_eq!(page["page"]["url"], "/products/workspaces/");
    assert_eq!(page["page"]["title"], "Gen3 - Products - Workspaces");
    assert_eq!(page["sections"][1]["id"], "features");
    assert_eq!(page["sections"][1]["items"][2]["key"], "f3");
    let section = app
        .get_json("/pages/products%2Fworkspaces/sections/features")
        .await;
    assert_eq!(section, page["sections"][1]);

    // The landing page is page _index: the same sections as /sections.
    let landing = app.get_json("/pages/_index").await;
    assert_eq!(
        landing["sections"],
        app.get_json("/sections").await["sections"]
    );
    assert_eq!(landing["page"]["url"], "/");

    // Its body and its file.
    let body = app.text("/pages/products/workspaces/body").await;
    let file = app.text("/pages/products/workspaces/export").await;
    let original = std::fs::read_to_string(format!("{SITE}/products/workspaces.md")).unwrap();
    assert_eq!(file, original, "exported byte for byte");
    assert!(original.ends_with(&body));
    app.stop().await;
}

#[tokio::test]
async fn unknown_pages_and_sections_are_404_problems_and_other_methods_405() {
    let app = TestApp::builder().site().spawn().await;
    // Unknown pages and sections are 404 problems; other methods 405 with Allow.
    for path in [
        "/pages/nope",
        "/pages/products%2Fnope/body",
        "/pages/products/workspaces/sections/nope",
    ] {
        let r = app.get(path).await;
        assert_eq!(r.status(), 404, "{path}");
        assert_eq!(r.headers()["content-type"], "application/problem+json");
    }
    let r = app
        .send(
            Method::DELETE,
            "/pages/products/workspaces/body",
            Some("*"),
            None,
        )
        .await;
    assert_eq!(r.status(), 405);
    assert_eq!(r.headers()["allow"], "GET, HEAD, PUT");
    app.stop().await;
}

#[tokio::test]
async fn the_whole_site_downloads_byte_for_byte_and_the_model_in_force_is_served() {
    let app = TestApp::builder().site().spawn().await;
    // Every page file in one download: the site folder, byte for byte, in a tar of content/.
    let r = app.get("/site.tar").await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "application/x-tar");
    let tag = r.headers()["etag"].to_str().unwrap().to_owned();
    let bytes = r.bytes().await.unwrap();
    let mut files = 0;
    for (file, text) in archive_files(&bytes) {
        let original = std::fs::read_to_string(format!("{SITE}/{file}")).unwrap();
        assert!(text == original, "{file} is exported byte for byte");
        files += 1;
    }
    assert_eq!(files, 46);
    let again = app.get_with("/site.tar", &[("If-None-Match", &tag)]).await;
    assert_eq!(again.status(), 304);

    // The active model.
    let model = app.get_json("/model").await;
    assert_eq!(model["version"], 1);
    assert!(model["model"]["types"]["page-teaser"].is_object());
    app.stop().await;
}

const WORKSPACES: &str = "/pages/products%2Fworkspaces";

/// The site imported, and the workspaces page's file as exported.
async fn workspaces() -> (TestApp, String) {
    let app = TestApp::builder().site().spawn().await;
    let file = app.text(&format!("{WORKSPACES}/export")).await;
    (app, file)
}

/// `PATCH` the teaser's title of the workspaces page; the answer.
async fn retitle_teaser(app: &TestApp) -> reqwest::Response {
    let page = WORKSPACES;
    let tag = app.etag(&format!("{page}/sections/teaser")).await;
    app.send(
        Method::PATCH,
        &format!("{page}/sections/teaser"),
        Some(&tag),
        Some(&json!({"title": "Workspaces: for everyone"})),
    )
    .await
}

/// `PATCH` the workspaces page's title; the answer.
async fn retitle_page(app: &TestApp) -> reqwest::Response {
    let tag = app.etag(WORKSPACES).await;
    app.send(
        Method::PATCH,
        WORKSPACES,
        Some(&tag),
        Some(&json!({"title": "Gen3 Workspaces"})),
    )
    .await
}

/// `PUT` the workspaces page's body as `text` with `If-Match: tag`.
async fn put_body(app: &TestApp, tag: &str, text: &str) -> reqwest::Response {
    app.with_token(
        Method::PUT,
        "/pages/products/workspaces/body",
        Some(&app.editor),
    )
    .header("If-Match", tag)
    .header("Content-Type", "text/plain; charset=utf-8")
    .body(text.to_owned())
    .send()
    .await
    .unwrap()
}

/// The workspaces page's body with an attribute added to its heading (one line changed).
async fn edited_body(app: &TestApp) -> String {
    let body = app.text(&format!("{WORKSPACES}/body")).await;
    body.replacen("<h1 class", "<h1 data-edited class", 1)
}

#[tokio::test]
async fn a_section_edit_on_another_page_changes_only_its_line_in_the_file_and_the_site() {
    let (app, file0) = workspaces().await;
    let page = WORKSPACES;
    let r = retitle_teaser(&app).await;
    assert_eq!(r.status(), 200);
    assert_eq!(
        r.headers()["content-location"],
        "/pages/products%2Fworkspaces/sections/teaser"
    );
    let file1 = app.text(&format!("{page}/export")).await;
    assert_eq!(
        changed_lines(&file0, &file1),
        lines_with(&file0, "  title: Workspaces")
    );
    // The whole-site download has the edit.
    let bytes = app.get("/site.tar").await.bytes().await.unwrap();
    let files = archive_files(&bytes);
    assert_eq!(files["products/workspaces.md"], file1);
    assert!(
        file1.contains("  title: 'Workspaces: for everyone'\n"),
        "quoted as YAML needs"
    );
    app.stop().await;
}

#[tokio::test]
async fn a_metadata_edit_changes_only_its_line() {
    let (app, file0) = workspaces().await;
    let r = retitle_page(&app).await;
    assert_eq!(r.status(), 200);
    let document: Value = r.json().await.unwrap();
    assert_eq!(document["page"]["title"], "Gen3 Workspaces");
    let file1 = app.text(&format!("{WORKSPACES}/export")).await;
    assert_eq!(
        changed_lines(&file0, &file1),
        lines_with(&file0, "title: Gen3 - Products")
    );
    app.stop().await;
}

#[tokio::test]
async fn a_body_edit_needs_the_bodys_own_tag_and_changes_only_its_line() {
    let (app, file0) = workspaces().await;
    let page = WORKSPACES;
    let body_tag = app.etag(&format!("{page}/body")).await;
    let edited = edited_body(&app).await;
    let r = put_body(&app, "\"stale\"", &edited).await;
    assert_eq!(r.status(), 412);
    let r = put_body(&app, &body_tag, &edited).await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.text().await.unwrap(), edited);
    let file1 = app.text(&format!("{page}/export")).await;
    assert_eq!(
        changed_lines(&file0, &file1),
        lines_with(&file0, "<h1 class")
            .into_iter()
            .take(1)
            .collect::<Vec<_>>()
    );
    app.stop().await;
}

#[tokio::test]
async fn a_body_that_asks_for_a_key_the_page_lacks_is_refused_at_its_line() {
    let (app, file0) = workspaces().await;
    let page = WORKSPACES;
    let tag = app.etag(&format!("{page}/body")).await;
    let body = app.text(&format!("{page}/body")).await;
    let broken = body.replacen(
        "</section>",
        "{{< param \"g3Teaser.subtitle\" >}}</section>",
        1,
    );
    let r = put_body(&app, &tag, &broken).await;
    assert_eq!(r.status(), 422);
    let problem: Value = r.json().await.unwrap();
    assert_eq!(problem["errors"][0]["pointer"], "/body", "{problem}");
    // The line in the page's file: the body's line after the front matter.
    let line = broken
        .lines()
        .position(|l| l.contains("g3Teaser.subtitle"))
        .unwrap()
        + file0.lines().count()
        - body.lines().count()
        + 1;
    let detail = problem["errors"][0]["detail"].as_str().unwrap();
    assert!(
        detail.contains(&format!("line {line}: g3Teaser.subtitle")),
        "{detail} {line}"
    );
    assert_eq!(app.etag(&format!("{page}/body")).await, tag);
    assert_eq!(app.text(&format!("{page}/export")).await, file0);
    app.stop().await;
}

#[tokio::test]
async fn an_item_added_to_a_numbered_map_is_its_lines_and_removed_gives_the_file_back() {
    let (app, file0) = workspaces().await;
    let page = WORKSPACES;
    let tag = app.etag(&format!("{page}/sections/features")).await;
    let mut features = app.get_json(&format!("{page}/sections/features")).await;
    let items = features["items"].as_array_mut().unwrap();
    items.push(
        json!({"key": "f4", "title": "Shiny", "fig": "/figs/features/new.svg", "detail": "New."}),
    );
    let r = app
        .send(
            Method::PUT,
            &format!("{page}/sections/features"),
            Some(&tag),
            Some(&features),
        )
        .await;
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    let file1 = app.text(&format!("{page}/export")).await;
    let added: Vec<&str> = file1
        .lines()
        .filter(|l| !file0.lines().any(|o| o == *l))
        .collect();
    assert_eq!(
        added,
        [
            "  f4:",
            "    title: Shiny",
            "    fig: /figs/features/new.svg",
            "    detail: New."
        ]
    );
    let tag = app.etag(&format!("{page}/sections/features")).await;
    let items = features["items"].as_array_mut().unwrap();
    items.pop();
    let r = app
        .send(
            Method::PUT,
            &format!("{page}/sections/features"),
            Some(&tag),
            Some(&features),
        )
        .await;
    assert_eq!(r.status(), 200);
    assert_eq!(
        app.text(&format!("{page}/export")).await,
        file0,
        "removed again: the file as before"
    );
    app.stop().await;
}

#[tokio::test]
async fn removing_what_the_body_uses_is_refused_pointing_at_it_and_changes_nothing() {
    let (app, file0) = workspaces().await;
    let page = WORKSPACES;
    let tag = app.etag(&format!("{page}/sections/features")).await;
    let mut features = app.get_json(&format!("{page}/sections/features")).await;
    let items = features["items"].as_array_mut().unwrap();
    items.remove(0);
    let r = app
        .send(
            Method::PUT,
            &format!("{page}/sections/features"),
            Some(&tag),
            Some(&features),
        )
        .await;
    assert_eq!(r.status(), 422);
    let problem: Value = r.json().await.unwrap();
    assert_eq!(problem["errors"][0]["pointer"], "/items/0", "{problem}");
    assert!(
        problem["errors"][0]["detail"]
            .as_str()
            .unwrap()
            .contains("g3Feature.f1.fig")
    );
    assert_eq!(app.etag(&format!("{page}/sections/features")).await, tag);
    let r = app
        .send(
            Method::DELETE,
            &format!("{page}/sections/teaser"),
            Some("*"),
            None,
        )
        .await;
    assert_eq!(r.status(), 422, "the body uses the teaser");
    assert_eq!(app.text(&format!("{page}/export")).await, file0);
    app.stop().await;
}

#[tokio::test]
async fn a_pages_history_lists_every_change_and_restoring_the_first_gives_the_file_back() {
    let (app, file0) = workspaces().await;
    let page = WORKSPACES;
    assert_eq!(retitle_teaser(&app).await.status(), 200);
    assert_eq!(retitle_page(&app).await.status(), 200);
    let tag = app.etag(&format!("{page}/body")).await;
    let edited = edited_body(&app).await;
    assert_eq!(put_body(&app, &tag, &edited).await.status(), 200);
    // Refused writes leave no revision.
    let r = app
        .send(
            Method::DELETE,
            &format!("{page}/sections/teaser"),
            Some("*"),
            None,
        )
        .await;
    assert_eq!(r.status(), 422);

    // Every change, newest first, with what it changed.
    let history: Value = app
        .with_token(Method::GET, &format!("{page}/revisions"), Some(&app.reader))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let changes: Vec<Value> = history["revisions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["changes"].clone())
        .collect();
    assert_eq!(
        changes,
        [
            json!(["/body"]),
            json!(["/page"]),
            json!(["/sections/teaser"]),
            json!(["created"]),
        ]
    );
    // Restoring the first revision gives the imported file back, byte for byte.
    let tag = app.etag(page).await;
    let r = app
        .send(
            Method::POST,
            &format!("{page}/revisions/1/restore"),
            Some(&tag),
            None,
        )
        .await;
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    assert_eq!(app.text(&format!("{page}/export")).await, file0);
    app.stop().await;
}

#[tokio::test]
async fn an_event_added_to_a_list_is_its_own_lines_and_removing_it_restores_the_file() {
    let app = TestApp::builder().site().spawn().await;
    let page = "/pages/community/events";
    let file0 = app.text(&format!("{page}/export")).await;
    let document = app.get_json(page).await;
    let past = document["sections"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["items"].as_array().is_some_and(|items| items.len() > 1))
        .unwrap()
        .clone();
    let id = past["id"].as_str().unwrap();
    let section = format!("{page}/sections/{id}");
    let items = past["items"].as_array().unwrap().clone();
    let mut event = items[0].clone();
    event["Title"] = json!("Gen3 Forum: Next Steps");
    let mut added = items.clone();
    added.insert(0, event);
    let tag = app.etag(&section).await;
    let r = app
        .send(
            Method::PATCH,
            &section,
            Some(&tag),
            Some(&json!({"items": added})),
        )
        .await;
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    let file1 = app.text(&format!("{page}/export")).await;
    let old: Vec<&str> = file0.lines().collect();
    let new: Vec<&str> = file1.lines().collect();
    // The old file with the new event's lines before the first event, nothing else.
    let at = old
        .iter()
        .position(|l| l.starts_with("- Title: Gen3 Development Roadmap"))
        .unwrap();
    let lines = new.len() - old.len();
    assert_eq!(lines, 5, "{file1}");
    assert_eq!(new[..at], old[..at]);
    assert_eq!(new[at + lines..], old[at..]);
    assert_eq!(new[at], "- Title: 'Gen3 Forum: Next Steps'");

    // Removed again: the file as it was.
    let tag = app.etag(&section).await;
    let r = app
        .send(
            Method::PATCH,
            &section,
            Some(&tag),
            Some(&json!({"items": items})),
        )
        .await;
    assert_eq!(r.status(), 200);
    assert_eq!(app.text(&format!("{page}/export")).await, file0);
    app.stop().await;
}

/// A new page, `community/news`, with one section (`teaser`) and a body that uses it.
fn news() -> Value {
    json!({
        "path": "community/news.md",
        "page": {"title": "Gen3 News", "date": "2026-12-01"},
        "sections": [{"id": "teaser", "type": "page-teaser", "title": "News", "detail": "What is new."}],
        "body": "\n<h1>{{< param \"g3Teaser.title\" >}}</h1>\n",
    })
}

/// The ids of a page document's sections, in order.
fn section_ids(doc: &Value) -> Vec<Value> {
    doc["sections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].clone())
        .collect()
}

#[tokio::test]
async fn a_page_is_created_once_with_its_file_and_refused_with_pointers() {
    let app = TestApp::builder().site().spawn().await;
    // A new page: 201, Location, listed, its file exported.
    let new = news();
    let r = app.send(Method::POST, "/pages", None, Some(&new)).await;
    assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
    let r = app.send(Method::POST, "/pages", None, Some(&new)).await;
    assert_eq!(r.status(), 409, "it exists now");
    let page = app.get("/pages/community/news").await;
    assert_eq!(page.status(), 200);
    let file = app.text("/pages/community/news/export").await;
    assert!(file.starts_with("---\ntitle: Gen3 News\n"), "{file}");
    assert!(file.contains("g3Teaser:\n  title: News\n"), "{file}");
    assert!(
        file.ends_with("---\n\n<h1>{{< param \"g3Teaser.title\" >}}</h1>\n"),
        "{file}"
    );

    // A body that asks for what the page lacks, and an unknown section, are 422s.
    let mut bad = new.clone();
    bad["path"] = json!("community/bad.md");
    bad["body"] = json!("{{< param \"g3Nothing.here\" >}}");
    let r = app.send(Method::POST, "/pages", None, Some(&bad)).await;
    assert_eq!(r.status(), 422);
    bad["body"] = json!("");
    bad["sections"][0]["id"] = json!("nonsense");
    let r = app.send(Method::POST, "/pages", None, Some(&bad)).await;
    assert_eq!(r.status(), 422);
    let problem: Value = r.json().await.unwrap();
    assert_eq!(problem["errors"][0]["pointer"], "/sections/0/id");
    app.stop().await;
}

#[tokio::test]
async fn a_section_is_added_at_a_position_reordered_and_removed() {
    let app = TestApp::builder().site().spawn().await;
    let r = app.send(Method::POST, "/pages", None, Some(&news())).await;
    assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
    let ids = section_ids;
    // Add a section at the top, reorder, remove it.
    let tag = app.etag("/pages/community/news").await;
    let features = json!({"id": "features", "type": "features", "position": 1,
        "items": [{"key": "f1", "title": "One", "detail": "First."}]});
    let r = app
        .send(
            Method::POST,
            "/pages/community/news/sections",
            Some(&tag),
            Some(&features),
        )
        .await;
    assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
    assert_eq!(
        ids(&app.get_json("/pages/community/news").await),
        ["features", "teaser"]
    );
    let tag = app.etag("/pages/community/news").await;
    let r = app
        .send(
            Method::PUT,
            "/pages/community/news/order",
            Some(&tag),
            Some(&json!(["teaser", "features"])),
        )
        .await;
    assert_eq!(r.status(), 200);
    assert_eq!(
        ids(&r.json::<Value>().await.unwrap()),
        ["teaser", "features"]
    );
    let tag = app.etag("/pages/community/news").await;
    let r = app
        .send(
            Method::PUT,
            "/pages/community/news/order",
            Some(&tag),
            Some(&json!(["teaser"])),
        )
        .await;
    assert_eq!(r.status(), 422, "every section once");
    let tag = app.etag("/pages/community/news/sections/features").await;
    let r = app
        .send(
            Method::DELETE,
            "/pages/community/news/sections/features",
            Some(&tag),
            None,
        )
        .await;
    assert_eq!(r.status(), 204);
    assert_eq!(
        ids(&app.get_json("/pages/community/news").await),
        ["teaser"]
    );
    app.stop().await;
}

#[tokio::test]
async fn a_deleted_page_leaves_reads_and_the_list_keeps_its_history_and_comes_back() {
    let app = TestApp::builder().site().spawn().await;
    let r = app.send(Method::POST, "/pages", None, Some(&news())).await;
    assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
    let file = app.text("/pages/community/news/export").await;
    // Delete the page: gone from reads and the list; its history stays; it comes back.
    let tag = app.etag("/pages/community/news").await;
    let r = app
        .send(Method::DELETE, "/pages/community/news", Some(&tag), None)
        .await;
    assert_eq!(r.status(), 204);
    assert_eq!(app.get("/pages/community/news").await.status(), 404);
    let list = app.get_json("/pages?limit=1000").await;
    assert!(
        !list["pages"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["id"] == "community/news")
    );
    let history: Value = app
        .with_token(
            Method::GET,
            "/pages/community/news/revisions",
            Some(&app.reader),
        )
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let revisions = history["revisions"].as_array().unwrap();
    assert_eq!(revisions[0]["changes"], json!(["deleted"]));
    let before = revisions[1]["revision"].as_i64().unwrap();
    let path = format!("/pages/community/news/revisions/{before}/restore");
    assert_eq!(
        app.send(Method::POST, &path, Some("\"x\""), None)
            .await
            .status(),
        412
    );
    let r = app.send(Method::POST, &path, Some("*"), None).await;
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    assert_eq!(app.text("/pages/community/news/export").await, file);
    // The landing page cannot be deleted.
    let r = app
        .send(Method::DELETE, "/pages/_index", Some("*"), None)
        .await;
    assert_eq!(r.status(), 409);
    app.stop().await;
}

#[tokio::test]
async fn a_page_another_page_links_to_cannot_be_deleted_until_the_link_goes() {
    let app = TestApp::builder().site().spawn().await;
    let linking = json!({
        "path": "community/links.md",
        "page": {"title": "Links", "date": "2026-12-01"},
        "body": "\n<a href=\"{{< ref \"products/workspaces.md\" >}}\">Workspaces</a>\n",
    });
    let r = app.send(Method::POST, "/pages", None, Some(&linking)).await;
    assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
    let tag = app.etag("/pages/products/workspaces").await;
    let r = app
        .send(
            Method::DELETE,
            "/pages/products/workspaces",
            Some(&tag),
            None,
        )
        .await;
    assert_eq!(r.status(), 422);
    let problem: Value = r.json().await.unwrap();
    let detail = problem["errors"][0]["detail"].as_str().unwrap();
    assert!(
        detail.contains("page community/links (community/links.md) links to this page (line 6)"),
        "{detail}"
    );
    assert_eq!(
        app.etag("/pages/products/workspaces").await,
        tag,
        "nothing changed"
    );

    // Without the link, the page goes.
    let body_tag = app.etag("/pages/community/links/body").await;
    let r = app
        .with_token(
            Method::PUT,
            "/pages/community/links/body",
            Some(&app.editor),
        )
        .header("If-Match", body_tag)
        .header("Content-Type", "text/plain")
        .body("\n<p>No links.</p>\n")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let r = app
        .send(
            Method::DELETE,
            "/pages/products/workspaces",
            Some(&tag),
            None,
        )
        .await;
    assert_eq!(r.status(), 204);
    app.stop().await;
}

#[tokio::test]
async fn removing_metadata_the_body_shows_is_refused_with_its_line() {
    let app = TestApp::builder().site().spawn().await;
    let page = json!({
        "path": "community/about-us.md",
        "page": {"title": "About us", "date": "2026-12-01", "description": "Who we are."},
        "body": "\n<p>{{< param \"description\" >}}</p>\n",
    });
    let r = app.send(Method::POST, "/pages", None, Some(&page)).await;
    assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
    let file = app.text("/pages/community/about-us/export").await;
    let tag = app.etag("/pages/community/about-us").await;
    let r = app
        .send(
            Method::PATCH,
            "/pages/community%2Fabout-us",
            Some(&tag),
            Some(&json!({"description": null})),
        )
        .await;
    assert_eq!(r.status(), 422);
    let problem: Value = r.json().await.unwrap();
    assert_eq!(problem["errors"][0]["pointer"], "/description", "{problem}");
    let detail = problem["errors"][0]["detail"].as_str().unwrap();
    let line = lines_with(&file, "param \"description\"")[0];
    assert!(
        detail.contains(&format!("line {line}: description")),
        "{detail}"
    );
    assert_eq!(
        app.etag("/pages/community/about-us").await,
        tag,
        "nothing changed"
    );
    assert_eq!(app.text("/pages/community/about-us/export").await, file);
    // An unknown metadata key is named too.
    let r = app
        .send(
            Method::PATCH,
            "/pages/community%2Fabout-us",
            Some(&tag),
            Some(&json!({"titel": "About"})),
        )
        .await;
    assert_eq!(r.status(), 422);
    let problem: Value = r.json().await.unwrap();
    assert_eq!(problem["errors"][0]["pointer"], "/titel", "{problem}");
    app.stop().await;
}
