//! Page paths and ids at and beyond their limits, and pages that Hugo would publish at one URL.

use proptest::prelude::*;
use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{TestApp, gen3, outputs, spawn_app};

/// A new page at `path` with the metadata the built-in model requires.
fn new_page(path: &str) -> Value {
    json!({"path": path, "page": {"title": "T", "date": "2026-12-01"}})
}

/// Page `id` as a path of the API, every byte but letters, digits and `-._~` percent-encoded.
fn page_url(id: &str) -> String {
    let mut url = String::from("/pages/");
    for byte in id.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            url.push(byte as char);
        } else {
            url.push_str(&format!("%{byte:02X}"));
        }
    }
    url
}

impl TestApp {
    async fn create_page(&self, body: &Value) -> reqwest::Response {
        self.send_as(&self.editor, Method::POST, "/pages", None, Some(body))
            .await
    }
}

#[tokio::test]
async fn a_long_id_is_created_and_written_live_and_a_longer_path_is_a_422() {
    let app = spawn_app().await;
    // 251 characters of id in two folders: the path is 254.
    let id = format!("{}/{}/{}", "a".repeat(100), "b".repeat(100), "c".repeat(49));
    let r = app.create_page(&new_page(&format!("{id}.md"))).await;
    assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
    // A live write is a change set named after the page: the name is cut, the write succeeds.
    let r = app
        .send(
            Method::PATCH,
            &page_url(&id),
            Some("*"),
            Some(&json!({"title": "Retitled"})),
        )
        .await;
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    let page: Value = app.get_json(&page_url(&id)).await;
    assert_eq!(page["page"]["title"], "Retitled");

    for (path, why) in [
        (format!("{}.md", "x".repeat(253)), "256 characters"),
        (format!("{}.md", "é".repeat(127)), "a name of 257 bytes"),
        ("a/.hidden.md".to_owned(), "a name starting with a dot"),
        ("a//b.md".to_owned(), "an empty name"),
    ] {
        let r = app.create_page(&new_page(&path)).await;
        assert_eq!(r.status(), 422, "{why}");
        let problem: Value = r.json().await.unwrap();
        assert_eq!(problem["errors"][0]["pointer"], "/path", "{why}");
    }
    app.stop().await;
}

#[tokio::test]
async fn a_page_at_a_url_another_page_has_is_a_409_naming_it() {
    let app = spawn_app().await;
    for path in ["community/news.md", "a/b.md"] {
        let r = app.create_page(&new_page(path)).await;
        assert_eq!(r.status(), 201, "{path}");
    }
    for (path, other) in [
        ("Community/News.md", "community/news"),
        ("a/b/index.md", "a/b"),
        ("a/b/_index.md", "a/b"),
    ] {
        let r = app.create_page(&new_page(path)).await;
        assert_eq!(r.status(), 409, "{path}");
        let problem: Value = r.json().await.unwrap();
        let detail = problem["detail"].as_str().unwrap();
        assert!(detail.contains(&format!("{other:?}")), "{path}: {detail}");
    }
    // A `slug` in the metadata renames the page's URL: onto another page's, refused too.
    let r = app.create_page(&new_page("community/other.md")).await;
    assert_eq!(r.status(), 201);
    let r = app
        .patch_json("/pages/community/other", &json!({"slug": "News"}))
        .await;
    assert_eq!(r.status(), 409, "{}", r.text().await.unwrap());
    let r = app
        .patch_json("/pages/community/other", &json!({"slug": "fresh"}))
        .await;
    assert_eq!(r.status(), 200, "a free URL");
    let r = app.create_page(&new_page("community/other/index.md")).await;
    assert_eq!(r.status(), 201, "/community/other/ is free now");
    app.stop().await;
}

#[test]
fn check_site_reports_pages_that_share_a_url() {
    let dir = tempfile::tempdir().unwrap();
    let content = dir.path().join("content");
    let page = "---\ntitle: T\ndate: 2026-12-01\n---\nbody\n";
    let landing = include_str!("../../seed/about.md");
    for (file, text) in [
        ("_index.md", landing),
        ("community/news.md", page),
        ("Community/News.md", page),
        ("a/b.md", page),
        ("a/b/index.md", page),
    ] {
        let path = content.join(file);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    let database = dir.path().join("check.db");
    let out = gen3(&database, &["check", "--site", content.to_str().unwrap()]);
    let (stdout, stderr) = outputs(&out);
    assert!(!out.status.success(), "{stdout}");
    let errors: Vec<&str> = stdout.lines().filter(|l| l.starts_with("error:")).collect();
    assert_eq!(errors.len(), 2, "{stdout}");
    assert!(
        errors
            .iter()
            .any(|e| e.contains("a/b/index.md: url:") && e.contains("a/b.md")),
        "{stdout}"
    );
    assert!(
        errors
            .iter()
            .any(|e| e.contains("/community/news/") && e.contains("Community/News.md")),
        "{stdout}"
    );
    assert!(stderr.contains("2 errors"), "{stderr}");
    // And nothing of it is imported.
    let out = gen3(&database, &["import", "--site", content.to_str().unwrap()]);
    assert!(!out.status.success());
}

/// The classes of characters a path can hold, the ones it must not among them: each case of the
/// property draws a path's names from one class, with a few characters of any class mixed in.
fn class() -> impl Strategy<Value = Vec<char>> {
    proptest::sample::select(vec![
        ('a'..='z').collect::<Vec<char>>(),
        ('A'..='Z')
            .chain('0'..='9')
            .chain(['-', '_', ' '])
            .collect(),
        vec![
            '%', '\\', '#', '?', '&', '+', '~', ':', '.', '\'', '"', '<', '>',
        ],
        ('\u{0}'..='\u{1f}').chain(['\u{7f}', '\u{85}']).collect(),
        ('\u{e0}'..='\u{ff}')
            .chain(['\u{a0}', '\u{200b}', '\u{feff}'])
            .collect(),
        ('\u{4e00}'..='\u{4e40}').collect(),
        vec!['😀', '𝄞', '🦀'],
    ])
}

/// A path of one to four names of up to 130 characters each (so up to and beyond the limits of
/// 255 characters and 255 bytes a name), usually with a page extension.
fn any_path() -> impl Strategy<Value = String> {
    let name = (class(), 1..130usize, any::<u64>()).prop_map(|(chars, len, seed)| {
        (0..len)
            .map(|i| chars[(seed.rotate_left(i as u32 * 7) as usize + i * 31) % chars.len()])
            .collect::<String>()
    });
    (
        proptest::collection::vec(name, 1..5),
        proptest::sample::select(vec![".md", ".md", ".adoc", ".html", "", ".txt"]),
    )
        .prop_map(|(names, ext)| names.join("/") + ext)
}

#[test]
fn no_page_path_or_id_reaches_a_5xx() {
    use proptest::test_runner::{Config, TestCaseError, TestRunner};
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let app = runtime.block_on(spawn_app());
    let statuses = std::cell::RefCell::new(std::collections::BTreeMap::<u16, usize>::new());
    let mut runner = TestRunner::new(Config {
        cases: 400,
        failure_persistence: None,
        ..Config::default()
    });
    let outcome = runner.run(&any_path(), |path| {
        runtime.block_on(async {
            let created = app.create_page(&new_page(&path)).await.status().as_u16();
            let id = path
                .rsplit_once('.')
                .map_or(path.as_str(), |(stem, _)| stem);
            let read = app.get(&page_url(id)).await.status().as_u16();
            let patch = json!({"title": "U"});
            let written = app
                .send(Method::PATCH, &page_url(id), Some("*"), Some(&patch))
                .await
                .status()
                .as_u16();
            *statuses.borrow_mut().entry(created).or_default() += 1;
            if created >= 500 || read >= 500 || written >= 500 {
                return Err(TestCaseError::fail(format!(
                    "{path:?}: POST {created}, GET {read}, PATCH {written}"
                )));
            }
            if created == 201 && (read != 200 || written != 200) {
                return Err(TestCaseError::fail(format!(
                    "{path:?} was created: GET {read}, PATCH {written}"
                )));
            }
            Ok(())
        })
    });
    runtime.block_on(app.stop());
    let statuses = statuses.into_inner();
    println!("page paths tried, by the status of their POST: {statuses:?}");
    outcome.unwrap();
    assert!(statuses.get(&201).is_some_and(|n| *n > 20), "{statuses:?}");
    assert!(statuses.get(&422).is_some_and(|n| *n > 20), "{statuses:?}");
}
