//! Hugo's three front-matter formats (YAML, TOML, JSON) everywhere: import and export of a site
//! and of one page, check, model infer, the API (a page's format kept and reported), and edits
//! that change only the lines of the edited values, in the file's own format and quoting.

use std::path::Path;

use gen3_content::hugo::{Format, PageFile, write_file};
use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{SEED, TestApp, gen3, outputs, settings, spawn_with};

/// A content folder with pages in all three formats (`tests/fixtures/formats/content`).
pub const MIXED: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/formats/content"
);

fn fixture(page: &str) -> String {
    std::fs::read_to_string(Path::new(MIXED).join(page)).unwrap()
}

/// The lines that differ between two texts of the same number of lines, as (old, new).
fn changed_lines<'a>(old: &'a str, new: &'a str) -> Vec<(&'a str, &'a str)> {
    assert_eq!(old.lines().count(), new.lines().count(), "{new}");
    old.lines()
        .zip(new.lines())
        .filter(|(a, b)| a != b)
        .collect()
}

impl TestApp {
    /// A merge patch of `path` as the editor, overwriting whatever is current (`If-Match: *`).
    pub(crate) async fn patch_json(&self, path: &str, patch: &Value) -> reqwest::Response {
        self.send_as(&self.editor, Method::PATCH, path, Some("*"), Some(patch))
            .await
    }

    async fn export_of(&self, page: &str) -> String {
        let r = self.get(&format!("/pages/{page}/export")).await;
        assert_eq!(r.status(), 200);
        r.text().await.unwrap()
    }
}

#[test]
fn a_folder_mixing_the_three_formats_round_trips_byte_for_byte() {
    let dir = tempfile::tempdir().unwrap();
    let database = dir.path().join("mixed.db");
    let exported = dir.path().join("exported");
    let out = gen3(&database, &["check", "--site", MIXED]);
    let (stdout, stderr) = outputs(&out);
    assert!(out.status.success(), "{stdout}{stderr}");
    assert!(stdout.contains("checked 4 pages"), "{stdout}");
    for args in [
        vec!["import", "--site", MIXED],
        vec!["export", "--site", exported.to_str().unwrap()],
    ] {
        let out = gen3(&database, &args);
        assert!(out.status.success(), "{args:?}: {}", outputs(&out).1);
    }
    for page in [
        "_index.md",
        "news/forum.md",
        "news/commons.md",
        "news/yaml.md",
    ] {
        let back = std::fs::read_to_string(exported.join(page)).unwrap();
        assert!(back == fixture(page), "{page} differs:\n{back}");
    }
    // A second import of the export changes nothing.
    let out = gen3(&database, &["import", "--site", exported.to_str().unwrap()]);
    let (stdout, _) = outputs(&out);
    assert!(
        stdout.contains("(0 new, 0 changed, 4 unchanged)"),
        "{stdout}"
    );
}

#[tokio::test]
async fn each_page_keeps_its_format_and_an_edit_changes_only_its_lines() {
    let app = TestApp::builder().import(MIXED).spawn().await;
    let list = app.get_json("/pages").await;
    let formats: Vec<(&str, &str)> = list["pages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["id"].as_str().unwrap(), p["format"].as_str().unwrap()))
        .collect();
    assert_eq!(
        formats,
        [
            ("_index", "yaml"),
            ("news/commons", "json"),
            ("news/forum", "toml"),
            ("news/yaml", "yaml")
        ]
    );
    let forum = app.get_json("/pages/news/forum").await;
    assert_eq!(forum["page"]["format"], "toml");
    assert_eq!(forum["page"]["date"], "2019-03-01T10:00:00-05:00");
    assert_eq!(
        forum["sections"][1]["items"][0]["Description"],
        "Talks & demos"
    );

    // TOML: a section's field, metadata (a literal string, a date) and a list entry.
    let r = app
        .patch_json(
            "/pages/news/forum/sections/teaser",
            &json!({"title": "The forum, edited"}),
        )
        .await;
    assert_eq!(r.status(), 200);
    let r = app
        .patch_json(
            "/pages/news/forum",
            &json!({"linktitle": "Forums", "date": "2019-03-02T10:00:00-05:00"}),
        )
        .await;
    assert_eq!(r.status(), 200);
    let old = fixture("news/forum.md");
    let new = app.export_of("news/forum").await;
    assert_eq!(
        changed_lines(&old, &new),
        [
            (
                "date = 2019-03-01T10:00:00-05:00",
                "date = 2019-03-02T10:00:00-05:00"
            ),
            (
                "linktitle = 'Forum'   # the menu's name",
                "linktitle = 'Forums'   # the menu's name"
            ),
            (
                "title = \"Join the Gen3 forum\"",
                "title = \"The forum, edited\""
            ),
        ]
    );
    let events = app
        .get_json("/pages/news/forum/sections/upcoming-events")
        .await;
    let mut items = events["items"].clone();
    items
        .as_array_mut()
        .unwrap()
        .push(json!({"Title": "Winter forum", "Date": "2019-12-04"}));
    let r = app
        .patch_json(
            "/pages/news/forum/sections/upcoming-events",
            &json!({ "items": items }),
        )
        .await;
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    let added = app.export_of("news/forum").await;
    // The new entry is lines of its own after the last; every other line is as it was.
    let end = new.find("+++\n\n<h1>").unwrap();
    assert_eq!(
        added,
        format!(
            "{}\n[[g3Upcoming]]\nTitle = \"Winter forum\"\nDate = \"2019-12-04\"\n{}",
            &new[..end],
            &new[end..]
        )
    );

    // JSON: a section's field and a metadata flag, each on its own line.
    let r = app
        .patch_json(
            "/pages/news/commons/sections/teaser",
            &json!({"title": "Commons on \"Gen3\""}),
        )
        .await;
    assert_eq!(r.status(), 200);
    let r = app
        .patch_json("/pages/news/commons", &json!({"draft": true}))
        .await;
    assert_eq!(r.status(), 200);
    let old = fixture("news/commons.md");
    let new = app.export_of("news/commons").await;
    assert_eq!(
        changed_lines(&old, &new),
        [
            ("    \"draft\": false,", "    \"draft\": true,"),
            (
                "        \"title\": \"Commons \\\"powered by\\\" Gen3\",",
                "        \"title\": \"Commons on \\\"Gen3\\\"\","
            ),
        ]
    );

    // YAML: the single-quoted string stays single-quoted.
    let r = app
        .patch_json(
            "/pages/news/yaml/sections/teaser",
            &json!({"title": "It's YAML"}),
        )
        .await;
    assert_eq!(r.status(), 200);
    let old = fixture("news/yaml.md");
    let new = app.export_of("news/yaml").await;
    assert_eq!(
        changed_lines(&old, &new),
        [("  title: 'A YAML page'", "  title: 'It''s YAML'")]
    );
    app.stop().await;
}

#[tokio::test]
async fn a_page_is_created_in_the_format_asked_for_and_stays_in_it() {
    let app = TestApp::builder().import(MIXED).spawn().await;
    for (format, opening) in [("toml", "+++\n"), ("json", "{\n"), ("yaml", "---\n")] {
        let id = format!("news/new-{format}");
        let page = json!({
            "path": format!("{id}.md"),
            "format": format,
            "page": {"title": "New", "date": "2026-12-07"},
            "sections": [{"id": "teaser", "type": "page-teaser", "title": "Hello", "detail": "World."}],
            "body": "\n<h1>{{< param \"g3Teaser.title\" >}}</h1>\n",
        });
        let r = app.send(Method::POST, "/pages", None, Some(&page)).await;
        assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
        let page = app.get_json(&format!("/pages/{id}")).await;
        assert_eq!(page["page"]["format"], format);
        let file = app.export_of(&id).await;
        assert!(file.starts_with(opening), "{format}: {file}");
        let r = app
            .patch_json(
                &format!("/pages/{id}/sections/teaser"),
                &json!({"title": "Hi"}),
            )
            .await;
        assert_eq!(r.status(), 200);
        let edited = app.export_of(&id).await;
        assert_eq!(changed_lines(&file, &edited).len(), 1, "{format}: {edited}");
        let read = PageFile::read(&edited).unwrap();
        assert_eq!(read.format, Format::of(&file));
        assert_eq!(read.data["g3Teaser"]["title"], "Hi");
    }
    let r = app
        .send(
            Method::POST,
            "/pages",
            None,
            Some(&json!({"path": "x.md", "format": "xml", "page": {"title": "T", "date": "D"}})),
        )
        .await;
    assert_eq!(r.status(), 422, "an unknown format");

    // In a change set: previewed in its format, and published in it.
    let set = app.create_change_set("TOML").await;
    let page = json!({"path": "news/drafted.md", "format": "toml",
        "page": {"title": "Drafted", "date": "2026-12-07"}});
    let r = app
        .send(
            Method::POST,
            &format!("/pages?changeset={set}"),
            None,
            Some(&page),
        )
        .await;
    assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
    let preview = app
        .with_token(
            Method::GET,
            &format!("/pages/news/drafted?changeset={set}"),
            Some(&app.editor),
        )
        .send()
        .await
        .unwrap()
        .json::<Value>()
        .await
        .unwrap();
    assert_eq!(preview["page"]["format"], "toml");
    let r = app.publish(set).await;
    assert_eq!(r.status(), 200);
    assert!(
        app.export_of("news/drafted")
            .await
            .starts_with("+++\ntitle = \"Drafted\"\n")
    );
    app.stop().await;
}

#[test]
fn one_page_in_toml_or_json_imports_exports_and_checks_like_yaml() {
    let seed = PageFile::read(SEED).unwrap();
    for format in [Format::Toml, Format::Json] {
        let text = write_file(format, &seed.data, seed.body);
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("about.md");
        std::fs::write(&file, &text).unwrap();
        let database = dir.path().join("one.db");
        let file = file.to_str().unwrap();
        for args in [vec!["check", file], vec!["import", file]] {
            let out = gen3(&database, &args);
            assert!(
                out.status.success(),
                "{format:?} {args:?}: {}",
                outputs(&out).1
            );
        }
        let out = gen3(&database, &["export"]);
        assert_eq!(outputs(&out).0, text, "{format:?}: exported as imported");

        // A finding names the line of the bad value, in either format.
        let bad = text.replace("https://data.bloodpac.org", "javascript:alert(1)");
        let line = bad.lines().position(|l| l.contains("javascript:")).unwrap() + 1;
        let bad_file = dir.path().join("bad.md");
        std::fs::write(&bad_file, &bad).unwrap();
        let out = gen3(&database, &["check", bad_file.to_str().unwrap()]);
        let (stdout, _) = outputs(&out);
        assert!(!out.status.success(), "{format:?}");
        assert!(
            stdout.contains(&format!("g3Commons.c5.link (line {line})")),
            "{format:?}: {stdout}"
        );
    }
}

#[test]
fn model_infer_reads_every_format() {
    let dir = tempfile::tempdir().unwrap();
    let database = dir.path().join("infer.db");
    let out = gen3(&database, &["model", "infer", "--site", MIXED]);
    let (model, stderr) = outputs(&out);
    assert!(out.status.success(), "{stderr}");
    let model_file = dir.path().join("model.yaml");
    std::fs::write(&model_file, &model).unwrap();
    // The inferred model holds every page of the folder losslessly.
    let exported = dir.path().join("exported");
    for args in [
        vec![
            "import",
            "--site",
            MIXED,
            "--model",
            model_file.to_str().unwrap(),
        ],
        vec!["export", "--site", exported.to_str().unwrap()],
    ] {
        let out = gen3(&database, &args);
        assert!(out.status.success(), "{args:?}: {}", outputs(&out).1);
    }
    for page in ["news/forum.md", "news/commons.md"] {
        assert_eq!(
            std::fs::read_to_string(exported.join(page)).unwrap(),
            fixture(page)
        );
    }
}

fn strip_nulls(value: &mut Value) {
    match value {
        Value::Object(map) => {
            map.retain(|_, v| !v.is_null());
            map.values_mut().for_each(strip_nulls);
        }
        Value::Array(items) => items.iter_mut().for_each(strip_nulls),
        _ => {}
    }
}

/// Every page of the bundled site, its front matter rewritten in `format` (as gen3.org kept its
/// pages in TOML until 2019), is imported, checked and exported byte for byte, and reads as the
/// same pages as the YAML files.
#[tokio::test]
async fn the_whole_site_in_toml_or_json_imports_and_exports_byte_for_byte() {
    let site = Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/site/gen3.org-d819f2a/content"
    ));
    let folder = gen3_content::hugo::site::read_dir(site).unwrap();
    let yaml_db = tempfile::tempdir().unwrap();
    let yaml_db = yaml_db.path().join("yaml.db");
    let out = gen3(&yaml_db, &["import", "--site", site.to_str().unwrap()]);
    assert!(out.status.success());
    let yaml = spawn_with(None, settings(&yaml_db)).await;
    for format in [Format::Toml, Format::Json] {
        let dir = tempfile::tempdir().unwrap();
        let content = dir.path().join("content");
        for page in &folder.pages {
            let read = PageFile::read(&page.text).unwrap();
            let path = content.join(&page.file);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, write_file(format, &read.data, read.body)).unwrap();
        }
        let database = dir.path().join("site.db");
        let exported = dir.path().join("exported");
        for args in [
            vec!["check", "--site", content.to_str().unwrap()],
            vec!["import", "--site", content.to_str().unwrap()],
            vec!["export", "--site", exported.to_str().unwrap()],
        ] {
            let out = gen3(&database, &args);
            assert!(
                out.status.success(),
                "{format:?} {args:?}: {}",
                outputs(&out).1
            );
        }
        for page in &folder.pages {
            let written = std::fs::read_to_string(content.join(&page.file)).unwrap();
            let back = std::fs::read_to_string(exported.join(&page.file)).unwrap();
            assert!(back == written, "{format:?}: {} differs", page.file);
        }
        // The same pages as from the YAML files: metadata and sections alike. (In TOML a
        // section that is a bare value, `g3Company = "…"`, stands before every table, as TOML
        // requires of a table's own values: it is first in page order there.)
        let app = spawn_with(Some(dir), settings(&database)).await;
        for page in &folder.pages {
            let path = format!("/pages/{}", page.id);
            let (mut a, mut b) = (app.get_json(&path).await, yaml.get_json(&path).await);
            for doc in [&mut a, &mut b] {
                doc["page"].as_object_mut().unwrap().remove("format");
                let sections = doc["sections"].as_array_mut().unwrap();
                for section in sections.iter_mut() {
                    let section = section.as_object_mut().unwrap();
                    section.remove("updated_at");
                    section.remove("position");
                }
                sections.sort_by_key(|s| s["id"].as_str().unwrap().to_owned());
                // TOML has no null: a key with none is left out, and a section that is null
                // (an empty list, `g3Upcoming:` in YAML) is not there.
                if format == Format::Toml {
                    strip_nulls(doc);
                    let sections = doc["sections"].as_array_mut().unwrap();
                    sections.retain(|s| s.as_object().unwrap().len() > 3);
                }
            }
            assert_eq!(a, b, "{format:?}: {}", page.id);
        }
        app.stop().await;
    }
    yaml.stop().await;
}
