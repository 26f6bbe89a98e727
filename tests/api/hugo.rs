//! Proof with the real Hugo: the minimal site in `tests/hugo-site` (goldmark with raw HTML kept,
//! a layout that renders the page, and a `param` shortcode that prints nothing for a missing
//! key, as the Gen3 site's does) renders the seed and `GET /export` to the same bytes.
//!
//! The whole site, too: `site.toml` there renders every page of the Gen3 content folder with the
//! project's own shortcodes for what the bodies call (`param`, `events`, `webinar`, `makelist`,
//! `markdownwrapper`, `agenda`, `youtube`) and asciidoctor for the AsciiDoc page, from the files
//! and from `export --site`.
//!
//! These tests need `hugo` on the PATH (or `GEN3_CONTENT_HUGO`), and `asciidoctor`. `cargo test` lists them as
//! ignored; `.ci/run` installs Hugo, runs them with `--include-ignored`, and fails if they did
//! not run and pass.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{Value, json};

use crate::helpers::{SEED, gen3, outputs, settings, spawn_app, spawn_with};

const SITE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/hugo-site");

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// The `index.html` Hugo renders from the site with `page` as its content.
fn render(page: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let site: PathBuf = dir.path().join("site");
    copy_dir(Path::new(SITE), &site);
    std::fs::create_dir_all(site.join("content")).unwrap();
    std::fs::write(site.join("content/about.md"), page).unwrap();
    let hugo = std::env::var_os("GEN3_CONTENT_HUGO").unwrap_or_else(|| "hugo".into());
    let out = Command::new(&hugo)
        .arg("--source")
        .arg(&site)
        .args(["--quiet", "--panicOnWarning"])
        .output()
        .unwrap_or_else(|e| {
            panic!("cannot run {hugo:?} (install Hugo, or set GEN3_CONTENT_HUGO): {e}")
        });
    assert!(
        out.status.success(),
        "hugo failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    std::fs::read_to_string(site.join("public/about/index.html")).expect("Hugo rendered the page")
}

#[tokio::test]
#[ignore = "needs Hugo: .ci/run installs it and runs this"]
async fn hugo_renders_the_export_exactly_as_it_renders_the_seed() {
    let app = spawn_app().await;
    let export = app.get("/export").await.text().await.unwrap();
    let seed = render(SEED);
    assert_eq!(render(&export), seed, "byte-identical index.html");

    // The page really went through the templates: every section's text is there, and the
    // dangling `c12` references render as an empty logo slot, which `check` warns about.
    assert!(seed.contains("<title>Welcome to Gen3</title>"));
    assert!(
        seed.contains("Gen3 is a data platform for building data commons and data ecosystems.")
    );
    assert!(seed.contains("https://gen3.theanvil.io"));
    assert!(!seed.contains("{{"), "no shortcode left unrendered");
    assert_eq!(seed.matches(r#"href="" title="""#).count(), 1);
}

#[tokio::test]
#[ignore = "needs Hugo: .ci/run installs it and runs this"]
async fn after_an_edit_the_rendered_page_changes_only_where_the_text_did() {
    let app = spawn_app().await;
    let before = render(&app.get("/export").await.text().await.unwrap());

    let old = "Gen3 is a data platform for building data commons and data ecosystems.";
    let new = "Gen3 builds data commons, edited through the API.";
    let etag = app.etag("/sections/teaser").await;
    let r = app.patch("teaser", &etag, &json!({"title": new})).await;
    assert_eq!(r.status(), 200);
    let after = render(&app.get("/export").await.text().await.unwrap());

    assert_eq!(before.matches(old).count(), 1);
    assert_eq!(after, before.replace(old, new), "only the title changed");
}

/// Text that YAML 1.1 (Hugo) or YAML 1.2 would read as something else, or whose syntax could
/// cut it short, if it were written unquoted: every value must come out on the page as typed.
const CORPUS: &[&str] = &[
    "yes",
    "no",
    "on",
    "off",
    "y",
    "n",
    "Y",
    "N",
    "No",
    "NO",
    "ON",
    "Off",
    "true",
    "False",
    "~",
    "null",
    "Null",
    "0123",
    "0o17",
    "0x1F",
    "0b101",
    "1_000",
    "+1",
    "1e3",
    ".inf",
    "-.inf",
    ".NaN",
    "1:20",
    "2018-09-04",
    "2018-09-04T22:16:21-05:00",
    " leading space",
    "trailing space ",
    "a # not a comment",
    "#start",
    "key: value",
    "- not a list",
    "'single'",
    "\"double\"",
    "it's \"both\"",
    "line one\nline two",
    "“Gen3’s” – é 数据 🧬",
    "<b>&amp;</b>",
    "=",
    "<<",
    "@at",
    "`tick`",
    "%pct",
    "!tag",
    "&anchor",
    "*alias",
    "|",
    ">",
    "[flow]",
    "{map}",
    "?",
    "tab\there",
    "ends with a colon:",
];

/// What Go's html/template makes of text (its `htmlEscaper`), which is how Hugo prints a
/// front-matter string through the `param` shortcode.
fn go_html_escape(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&#34;"),
            '\'' => out.push_str("&#39;"),
            '+' => out.push_str("&#43;"),
            '\0' => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

/// The front matter key of each section, as API.md's table has it.
fn front_matter_key(section: &str) -> &'static str {
    match section {
        "teaser" => "g3Teaser",
        "features" => "g3Feature",
        "roles" => "g3Roles",
        "vision" => "g3RLG",
        "users" => "g3User",
        "company" => "g3Company",
        "commons" => "g3Commons",
        "contributor" => "g3Contributor",
        "entrance" => "g3Entrance",
        other => panic!("unknown section {other}"),
    }
}

/// Puts the next corpus value into every free-text field under `value`, recording the `param`
/// path of each (`g3Feature.f1.title`) with the value it holds.
fn fill(
    value: &mut Value,
    path: &str,
    next: &mut impl FnMut() -> String,
    out: &mut Vec<(String, String)>,
) {
    match value {
        Value::Object(fields) => {
            for (name, field) in fields.iter_mut() {
                let text_field =
                    ["title", "detail", "quote", "name", "caption", "by"].contains(&name.as_str());
                match field {
                    Value::String(s) if text_field => {
                        *s = next();
                        out.push((format!("{path}.{name}"), s.clone()));
                    }
                    Value::Object(_) => fill(field, &format!("{path}.{name}"), next, out),
                    Value::Array(items) if name == "items" => {
                        for item in items {
                            let key = item["key"].as_str().unwrap().to_owned();
                            fill(item, &format!("{path}.{key}"), next, out);
                        }
                    }
                    _ => {}
                }
            }
        }
        _ => unreachable!("sections are objects"),
    }
}

#[tokio::test]
#[ignore = "needs Hugo: .ci/run installs it and runs this"]
async fn hugo_shows_every_edited_value_exactly_as_typed() {
    let app = spawn_app().await;
    let mut values = CORPUS.iter().cycle().map(|s| (*s).to_owned());
    let mut fields = Vec::new();
    let sections = app.get_json("/sections").await["sections"]
        .as_array()
        .unwrap()
        .clone();
    for mut section in sections {
        let id = section["id"].as_str().unwrap().to_owned();
        let key = front_matter_key(&id);
        fill(
            &mut section,
            key,
            &mut || values.next().unwrap(),
            &mut fields,
        );
        let r = app.put(&id, "*", &section).await;
        assert_eq!(r.status(), 200, "PUT {id}: {}", r.text().await.unwrap());
    }
    // The company is a bare string in the front matter: its param is the key itself.
    for (path, _) in &mut fields {
        if path == "g3Company.title" {
            *path = "g3Company".to_owned();
        }
    }
    assert!(fields.len() >= CORPUS.len(), "every corpus value is used");

    // The exported front matter, with a body that shows each field in an element of its own.
    let export = app.get("/export").await.text().await.unwrap();
    let front_end = export[4..].find("\n---\n").unwrap() + 4 + 5;
    let mut page = export[..front_end].to_owned();
    for (n, (path, _)) in fields.iter().enumerate() {
        page.push_str(&format!(
            "\n<div id=\"f{n}\">{{{{< param \"{path}\" >}}}}</div>\n"
        ));
    }
    let html = render(&page);
    let mut wrong = Vec::new();
    for (n, (path, value)) in fields.iter().enumerate() {
        let expected = format!("<div id=\"f{n}\">{}</div>", go_html_escape(value));
        if !html.contains(&expected) {
            let start = html.find(&format!("<div id=\"f{n}\">")).unwrap();
            let shown = &html[start..html[start..].find("</div>").unwrap() + start + 6];
            wrong.push(format!("{path} = {value:?}: Hugo showed {shown:?}"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

const CONTENT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/site/gen3.org-d819f2a/content");

fn hugo() -> std::ffi::OsString {
    std::env::var_os("GEN3_CONTENT_HUGO").unwrap_or_else(|| "hugo".into())
}

/// Every HTML file Hugo renders from the content folder `content` with the whole-site
/// configuration (`tests/hugo-site/site.toml`, drafts included), by its path under `public/`.
fn render_site(content: &Path) -> std::collections::BTreeMap<String, String> {
    let dir = tempfile::tempdir().unwrap();
    let site: PathBuf = dir.path().join("site");
    copy_dir(Path::new(SITE), &site);
    copy_dir(content, &site.join("content"));
    let out = Command::new(hugo())
        .arg("--source")
        .arg(&site)
        .args([
            "--config",
            "site.toml",
            "--buildDrafts",
            "--quiet",
            "--panicOnWarning",
        ])
        .output()
        .unwrap_or_else(|e| panic!("cannot run Hugo (install it, or set GEN3_CONTENT_HUGO): {e}"));
    assert!(
        out.status.success(),
        "hugo failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let public = site.join("public");
    let mut pages = std::collections::BTreeMap::new();
    let mut dirs = vec![public.clone()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "html") {
                let name = path
                    .strip_prefix(&public)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned();
                pages.insert(name, std::fs::read_to_string(&path).unwrap());
            }
        }
    }
    pages
}

#[tokio::test]
#[ignore = "needs Hugo and asciidoctor: .ci/run installs them and runs this"]
async fn hugo_renders_every_page_of_the_site_from_the_export_as_from_the_imported_files() {
    // The AsciiDoc page needs asciidoctor; without it Hugo would warn, and this must not pass.
    let asciidoctor = Command::new("asciidoctor").arg("--version").output();
    assert!(
        asciidoctor.is_ok_and(|out| out.status.success()),
        "asciidoctor is not installed (Debian package asciidoctor)"
    );
    let dir = tempfile::tempdir().unwrap();
    let database = dir.path().join("site.db");
    let exported = dir.path().join("exported");
    for args in [
        vec!["import", "--site", CONTENT],
        vec!["export", "--site", exported.to_str().unwrap()],
    ] {
        let out = gen3(&database, &args);
        assert!(out.status.success(), "{args:?}: {}", outputs(&out).1);
    }

    let original = render_site(Path::new(CONTENT));
    let from_export = render_site(&exported);
    // Every page: 46 files, drafts included (two paths share a page: the page
    // community/events.md and the list of the folder community/events/ are one URL).
    assert_eq!(original.len(), 46, "{:?}", original.keys());
    assert_eq!(
        original.keys().collect::<Vec<_>>(),
        from_export.keys().collect::<Vec<_>>()
    );
    for (name, html) in &original {
        assert!(
            from_export[name] == *html,
            "{name} renders differently from the export"
        );
    }
    // The pages really went through the shortcodes and asciidoctor.
    assert!(original["community/events/gen3workshop/index.html"].contains(r#"<h2 id="_day_1">"#));
    assert_eq!(
        original["community/events_archived/index.html"]
            .matches("<article class=\"event\">")
            .count(),
        12
    );
    assert!(original["resources/index.html"].contains("<h4>Appendices</h4>"));
    assert!(
        original.values().all(|html| !html.contains("{{")),
        "no shortcode left unrendered"
    );

    // An edit through the API: the export renders to the same site but for the edited text.
    let app = spawn_with(Some(dir), settings(&database)).await;
    // Every page's `url` is where Hugo publishes it.
    let pages = app.get_json("/pages?limit=1000").await;
    let pages = pages["pages"].as_array().unwrap();
    assert_eq!(pages.len(), 46);
    for page in pages {
        let url = page["url"].as_str().unwrap();
        let file = format!("{}index.html", url.trim_start_matches('/'));
        assert!(
            original.contains_key(&file),
            "{} is not at {url}",
            page["id"]
        );
    }
    let etag = app.etag("/sections/vision").await;
    let quote = "Data commons for everyone, rendered by Hugo";
    let r = app.patch("vision", &etag, &json!({ "quote": quote })).await;
    assert_eq!(r.status(), 200);
    let edited = tempfile::tempdir().unwrap();
    let out = gen3(
        &database,
        &["export", "--site", edited.path().to_str().unwrap()],
    );
    assert!(out.status.success(), "{}", outputs(&out).1);
    let after = render_site(edited.path());
    let changed: Vec<&String> = original
        .keys()
        .filter(|name| after[*name] != original[*name])
        .collect();
    assert_eq!(changed, ["index.html"], "only the landing page changed");
    let (old, new) = (&original["index.html"], &after["index.html"]);
    let differ: Vec<(&str, &str)> = old
        .lines()
        .zip(new.lines())
        .filter(|(a, b)| a != b)
        .collect();
    assert_eq!(old.lines().count(), new.lines().count());
    assert_eq!(differ.len(), 1, "{differ:?}");
    assert!(
        differ[0].1.contains(quote) && !differ[0].0.contains(quote),
        "{differ:?}"
    );
    let seed_quote = "Our vision is a world in which researchers have ready access to the data needed and the tools required to make data-driven discoveries that increase our scientific knowledge and improve the quality of life.";
    assert_eq!(
        differ[0].1.replace(quote, ""),
        differ[0].0.replace(seed_quote, ""),
        "nothing but the text"
    );
    app.stop().await;
}

/// A change set's preview is the real site: its page built by Hugo with the site's checkout,
/// showing the change set's text, where the live site (an empty change set's preview, built the
/// same way) does not; rebuilt when the change set changes.
#[tokio::test]
#[ignore = "needs Hugo: .ci/run installs it and runs this"]
async fn a_preview_is_the_site_built_by_hugo_with_the_change_sets_text() {
    use reqwest::Method;
    let dir = tempfile::tempdir().unwrap();
    let mut settings = crate::helpers::settings(&dir.path().join("preview.db"));
    settings.hugo_site = Some(gen3_content::content::change_sets::preview::HugoSite {
        dir: PathBuf::from(SITE),
        config: Some("site.toml".to_owned()),
        hugo: hugo().into(),
    });
    let app = crate::helpers::spawn_with(Some(dir), settings).await;
    let edited = app.create_change_set("Preview").await;
    let untouched = app.create_change_set("Live").await;
    let title = "Previewed before publishing";
    let r = app
        .send(
            Method::PATCH,
            &format!("/sections/teaser?changeset={edited}"),
            Some("*"),
            Some(&serde_json::json!({"title": title})),
        )
        .await;
    assert_eq!(r.status(), 200);

    let get = |id: i64, token: Option<String>| {
        let app = &app;
        async move {
            app.with_token(Method::GET, &format!("/preview/{id}/"), token.as_deref())
                .send()
                .await
                .unwrap()
        }
    };
    let preview = get(edited, Some(app.editor.clone())).await;
    assert_eq!(preview.status(), 200);
    assert!(
        preview.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    assert_eq!(preview.headers()["cache-control"], "no-store");
    assert_eq!(preview.headers()["x-robots-tag"], "noindex");
    let html = preview.text().await.unwrap();
    assert!(
        html.contains(title),
        "the preview shows the change set's title"
    );
    let live = get(untouched, Some(app.editor.clone()))
        .await
        .text()
        .await
        .unwrap();
    assert!(!live.contains(title), "the live site does not");
    assert!(
        live.contains("Gen3 is a data platform"),
        "the live site's own title"
    );
    assert!(
        !app.get("/sections")
            .await
            .text()
            .await
            .unwrap()
            .contains(title)
    );

    // Changed again: rebuilt. Without a token: 401; an unknown page of the preview: 404.
    let again = "Previewed twice";
    let r = app
        .send(
            Method::PATCH,
            &format!("/sections/teaser?changeset={edited}"),
            Some("*"),
            Some(&serde_json::json!({"title": again})),
        )
        .await;
    assert_eq!(r.status(), 200);
    assert!(
        get(edited, Some(app.editor.clone()))
            .await
            .text()
            .await
            .unwrap()
            .contains(again)
    );
    assert_eq!(get(edited, None).await.status(), 401);
    let missing = app
        .with_token(
            Method::GET,
            &format!("/preview/{edited}/no/such/page/"),
            Some(&app.editor),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 404);
}

/// Pages in all three front-matter formats render the same from the export as from the files,
/// and after an edit of a TOML and a JSON page only the edited text differs.
#[tokio::test]
#[ignore = "needs Hugo: .ci/run installs it and runs this"]
async fn hugo_renders_toml_and_json_pages_from_the_export_as_from_the_files() {
    let mixed = Path::new(crate::formats::MIXED);
    let dir = tempfile::tempdir().unwrap();
    let database = dir.path().join("mixed.db");
    let exported = dir.path().join("exported");
    for args in [
        vec!["import", "--site", crate::formats::MIXED],
        vec!["export", "--site", exported.to_str().unwrap()],
    ] {
        let out = gen3(&database, &args);
        assert!(out.status.success(), "{args:?}: {}", outputs(&out).1);
    }
    let original = render_site(mixed);
    assert_eq!(render_site(&exported), original);
    let forum = &original["news/forum/index.html"];
    assert!(forum.contains("Join the Gen3 forum"), "{forum}");
    assert!(
        forum.contains("Talks &amp; demos"),
        "the TOML list: {forum}"
    );
    assert!(original["news/commons/index.html"].contains("Commons &#34;powered by&#34; Gen3"));

    let app = spawn_with(Some(dir), settings(&database)).await;
    for (page, new) in [
        ("news/forum", "A TOML title, edited"),
        ("news/commons", "A JSON title, edited"),
    ] {
        let r = app
            .send(
                reqwest::Method::PATCH,
                &format!("/pages/{page}/sections/teaser"),
                Some("*"),
                Some(&json!({ "title": new })),
            )
            .await;
        assert_eq!(r.status(), 200);
    }
    let edited = tempfile::tempdir().unwrap();
    let out = gen3(
        &app.database,
        &["export", "--site", edited.path().to_str().unwrap()],
    );
    assert!(out.status.success(), "{}", outputs(&out).1);
    let after = render_site(edited.path());
    for (name, html) in &original {
        let expected = match name.as_str() {
            "news/forum/index.html" => html.replace("Join the Gen3 forum", "A TOML title, edited"),
            "news/commons/index.html" => {
                html.replace("Commons &#34;powered by&#34; Gen3", "A JSON title, edited")
            }
            _ => html.clone(),
        };
        assert!(after[name] == expected, "{name} changed beyond its title");
    }
    app.stop().await;
}
