//! `check --site`: every page of a Hugo `content/` folder, from the command line.

use std::path::Path;

use crate::helpers::{gen3, outputs};

const SITE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/site/gen3.org-d819f2a/content");

/// A copy of the Gen3 site's content folder in a temp dir, to add files to.
fn copy_site(to: &Path) {
    for entry in walk(Path::new(SITE)) {
        let target = to.join(entry.strip_prefix(SITE).unwrap());
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        std::fs::copy(&entry, &target).unwrap();
    }
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else {
            files.push(path);
        }
    }
    files
}

#[test]
fn check_site_reports_every_dangling_reference_with_file_and_line_and_names_skipped_files() {
    let dir = tempfile::tempdir().unwrap();
    let content = dir.path().join("content");
    copy_site(&content);
    // A raw HTML export without front matter, as the site has under resources/user/.
    let notebook = content.join("resources/user/notebook.html");
    std::fs::write(&notebook, "<html><body>exported</body></html>\n").unwrap();
    let database = dir.path().join("unused.db");

    let out = gen3(&database, &["check", "--site", content.to_str().unwrap()]);
    let (stdout, stderr) = outputs(&out);
    assert!(out.status.success(), "{stderr}");
    let lines: Vec<&str> = stdout.lines().collect();
    assert!(lines.contains(
        &"warning: community/_index.md:86: g3Teaser.para1: referenced by the body, missing from the front matter (param)"
    ), "{stdout}");
    assert!(lines.contains(
        &"warning: community/webinars.md:83: g3Upcoming: a list the body loops over, missing from the front matter (webinar)"
    ), "{stdout}");
    assert_eq!(
        lines.iter().filter(|l| l.ends_with("(param)")).count(),
        13,
        "{stdout}"
    );
    assert_eq!(
        lines[0],
        "skipped: resources/user/notebook.html: no front matter, not a page"
    );
    assert_eq!(
        lines.last(),
        Some(&"checked 46 pages: 14 warnings, 1 file skipped")
    );
    assert!(!database.exists(), "check stores nothing");

    // --strict: the same findings are errors, and the command fails.
    let out = gen3(
        &database,
        &["check", "--site", content.to_str().unwrap(), "--strict"],
    );
    let (stdout, stderr) = outputs(&out);
    assert!(!out.status.success());
    assert_eq!(
        stdout.lines().filter(|l| l.starts_with("error: ")).count(),
        14
    );
    assert!(stderr.contains("14 errors in 46 pages"), "{stderr}");

    // Front matter that cannot be read fails the check, with the file and line.
    std::fs::write(
        content.join("broken.md"),
        "---\ntitle: [unclosed\n---\nbody\n",
    )
    .unwrap();
    let out = gen3(&database, &["check", "--site", content.to_str().unwrap()]);
    let (stdout, _) = outputs(&out);
    assert!(!out.status.success());
    assert!(
        stdout.lines().any(|l| l.starts_with("error: broken.md:")),
        "{stdout}"
    );
}

/// Every page file under `dir` (by path under it) with its text.
fn files(dir: &Path) -> std::collections::BTreeMap<String, String> {
    walk(dir)
        .into_iter()
        .map(|path| {
            let name = path
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            (name, std::fs::read_to_string(&path).unwrap())
        })
        .collect()
}

fn run(database: &Path, args: &[&str]) -> String {
    let out = gen3(database, args);
    let (stdout, stderr) = outputs(&out);
    assert!(out.status.success(), "{args:?}: {stderr}\n{stdout}");
    stdout
}

/// How many revisions the database holds, of sections and of pages.
fn revisions(database: &Path) -> i64 {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let pool = gen3_content::storage::db::connect(database, Default::default())
            .await
            .unwrap();
        let n: i64 = sqlx::query_scalar(
            "SELECT (SELECT COUNT(*) FROM section_revisions) + (SELECT COUNT(*) FROM page_revisions)",
        )
        .fetch_one(&pool)
        .await
        .unwrap();
        pool.close().await;
        n
    })
}

/// Runs a command that must fail: its `error: ` lines, and its stderr.
fn failing(database: &Path, args: &[&str]) -> (Vec<String>, String) {
    let out = gen3(database, args);
    let (stdout, stderr) = outputs(&out);
    assert!(!out.status.success(), "{args:?} should fail: {stdout}");
    let errors = stdout
        .lines()
        .filter(|l| l.starts_with("error: "))
        .map(str::to_owned)
        .collect();
    (errors, stderr)
}

#[test]
fn the_whole_site_imports_in_one_go_and_exports_byte_for_byte() {
    let dir = tempfile::tempdir().unwrap();
    let content = dir.path().join("content");
    copy_site(&content);
    std::fs::write(
        content.join("resources/user/notebook.html"),
        "<html>exported</html>\n",
    )
    .unwrap();
    let database = dir.path().join("site.db");
    let site = content.to_str().unwrap();

    let stdout = run(&database, &["import", "--site", site]);
    assert!(
        stdout.contains("skipped: resources/user/notebook.html: no front matter, not a page"),
        "{stdout}"
    );
    assert!(
        stdout.ends_with("46 pages (46 new, 0 changed, 0 unchanged), 0 removed, 1 file skipped\n"),
        "{stdout}"
    );

    let out = dir.path().join("out");
    let stdout = run(&database, &["export", "--site", out.to_str().unwrap()]);
    assert_eq!(
        stdout.trim(),
        format!("exported 46 pages to {}", out.display())
    );
    let original = files(Path::new(SITE));
    let exported = files(&out);
    assert_eq!(exported.len(), 46, "only page files are written");
    assert_eq!(
        original.keys().collect::<Vec<_>>(),
        exported.keys().collect::<Vec<_>>()
    );
    for (name, text) in &original {
        assert!(
            exported[name] == *text,
            "{name} differs from the imported file"
        );
    }

    // Again: nothing changed, so nothing is written.
    let before = revisions(&database);
    let stdout = run(&database, &["import", "--site", site]);
    assert!(
        stdout.ends_with("46 pages (0 new, 0 changed, 46 unchanged), 0 removed, 1 file skipped\n"),
        "{stdout}"
    );
    assert_eq!(
        revisions(&database),
        before,
        "an unchanged page gets no revision"
    );

    // One value changed in one file, a page removed: new revisions, one page gone, and the
    // export is the folder as it now is.
    let workspaces = content.join("products/workspaces.md");
    let text = std::fs::read_to_string(&workspaces).unwrap();
    let edited = text.replacen("  title: Workspaces\n", "  title: 'Workspaces: yes'\n", 1);
    assert_ne!(edited, text);
    std::fs::write(&workspaces, &edited).unwrap();
    std::fs::remove_file(content.join("gen3refs.md")).unwrap();
    let stdout = run(&database, &["import", "--site", site]);
    assert!(
        stdout.ends_with("45 pages (0 new, 1 changed, 44 unchanged), 1 removed, 1 file skipped; changed: products/workspaces; removed: gen3refs\n"),
        "{stdout}"
    );
    // A revision of the section and one of the page (every change to a page is one), and a page
    // revision that says the removed page is deleted.
    assert_eq!(revisions(&database), before + 3);
    let again = dir.path().join("again");
    run(&database, &["export", "--site", again.to_str().unwrap()]);
    let exported = files(&again);
    assert_eq!(exported.len(), 45);
    assert!(!exported.contains_key("gen3refs.md"));
    assert!(exported["products/workspaces.md"] == edited);

    // The page comes back, with its history.
    std::fs::copy(
        Path::new(SITE).join("gen3refs.md"),
        content.join("gen3refs.md"),
    )
    .unwrap();
    let stdout = run(&database, &["import", "--site", site]);
    assert!(
        stdout.contains("46 pages (1 new, 0 changed, 45 unchanged), 0 removed"),
        "{stdout}"
    );
}

#[tokio::test]
async fn the_landing_page_imported_with_the_site_is_served_and_exported_as_before() {
    let dir = tempfile::tempdir().unwrap();
    let database = dir.path().join("site.db");
    run(&database, &["import", "--site", SITE]);
    let app = crate::helpers::spawn_with(Some(dir), crate::helpers::settings(&database)).await;
    let sections = app.get_json("/sections").await;
    assert_eq!(sections["sections"].as_array().unwrap().len(), 9);
    let export = app.get("/export").await.text().await.unwrap();
    assert!(
        export == crate::helpers::SEED,
        "the landing page's export is its file"
    );
    app.stop().await;
}

#[test]
fn an_invalid_site_is_refused_whole_with_every_finding_at_its_file_path_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let content = dir.path().join("content");
    copy_site(&content);
    let workspaces = content.join("products/workspaces.md");
    let text = std::fs::read_to_string(&workspaces).unwrap();
    let fig_line = text
        .lines()
        .position(|l| l.trim_start().starts_with("fig:"))
        .unwrap()
        + 1;
    let text =
        text.replacen("fig: ", "fig: javascript:", 1)
            .replacen("---\n", "---\nsubtitle: new\n", 1);
    std::fs::write(&workspaces, text).unwrap();
    let database = dir.path().join("site.db");

    let (errors, stderr) = failing(&database, &["import", "--site", content.to_str().unwrap()]);
    assert_eq!(
        errors,
        [
            format!(
                "error: products/workspaces.md:{}: g3Feature.f1.fig: must be an http(s) URL, a site path starting with /, or a relative path without ..",
                fig_line + 1
            ),
            "error: products/workspaces.md:2: subtitle: is neither metadata nor a section in the content model".to_owned(),
        ]
    );
    assert!(
        stderr.contains("2 errors in 46 pages; nothing was imported"),
        "{stderr}"
    );
    assert!(!database.exists(), "nothing was stored");
}

/// The seed's site as a later revision might have it: a new page with a new section key and
/// people with new fields, a new field in an existing section, a new metadata key.
fn later_revision(content: &Path) {
    copy_site(content);
    std::fs::write(
        content.join("community/people.md"),
        "---\ntitle: Gen3 - People\ndate: 2026-11-01\nheroImage: /figs/people.png\ng3People:\n  title: Who we are\n  p1:\n    name: Ada\n    organization: CTDS\n    position: Engineer\n  p2:\n    name: Grace\n    organization: CTDS\n    position: Director\n    fig: /figs/grace.png\n---\n{{< param \"g3People.title\" >}}\n",
    )
    .unwrap();
    let refs = content.join("gen3refs.md");
    let text = std::fs::read_to_string(&refs).unwrap();
    std::fs::write(
        &refs,
        text.replacen("g3Teaser:\n", "g3Teaser:\n  subtitle: Cite us\n", 1),
    )
    .unwrap();
}

#[test]
fn a_model_inferred_from_a_later_revision_imports_it_losslessly() {
    let dir = tempfile::tempdir().unwrap();
    let content = dir.path().join("content");
    later_revision(&content);
    let site = content.to_str().unwrap();
    let database = dir.path().join("site.db");

    // The built-in model does not know what is new, and says where it is.
    let (errors, _) = failing(&database, &["check", "--site", site]);
    assert_eq!(
        errors,
        [
            "error: community/people.md:4: heroImage: is neither metadata nor a section in the content model",
            "error: community/people.md:5: g3People: is neither metadata nor a section in the content model",
            "error: gen3refs.md:7: g3Teaser.subtitle: is not a known field",
        ]
    );

    let inferred = dir.path().join("inferred.yaml");
    std::fs::write(
        &inferred,
        run(&database, &["model", "infer", "--site", site]),
    )
    .unwrap();
    let stdout = run(
        &database,
        &[
            "import",
            "--site",
            site,
            "--model",
            inferred.to_str().unwrap(),
        ],
    );
    assert!(
        stdout.contains("applied the content model as version 2"),
        "{stdout}"
    );
    assert!(stdout.contains("47 pages (47 new"), "{stdout}");
    let out = dir.path().join("out");
    run(&database, &["export", "--site", out.to_str().unwrap()]);
    let (given, exported) = (files(&content), files(&out));
    assert_eq!(given.len(), 47);
    for (name, text) in &given {
        assert!(
            exported[name] == *text,
            "{name} differs from the imported file"
        );
    }
    let shown = run(&database, &["model", "show"]);
    assert_eq!(shown, std::fs::read_to_string(&inferred).unwrap());
}

#[test]
fn a_model_that_drops_a_field_in_use_lists_every_page_and_pointer_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let database = dir.path().join("site.db");
    run(&database, &["import", "--site", SITE]);
    let built_in = include_str!("../../seed/model.yaml");
    let dropped = built_in.replace("      para1: { kind: long-text, optional: true }\n", "");
    assert_ne!(dropped, built_in);
    let model = dir.path().join("dropped.yaml");
    std::fs::write(&model, dropped).unwrap();

    for command in ["check", "apply"] {
        let out = gen3(&database, &["model", command, model.to_str().unwrap()]);
        let (stdout, stderr) = outputs(&out);
        assert!(!out.status.success(), "{command}");
        let lines: Vec<&str> = stdout.lines().collect();
        assert_eq!(
            lines,
            [
                "error: products/_index /g3Teaser/para1: is not a known field",
                "error: products/data-commons /g3Teaser/para1: is not a known field",
                "error: products/data-ecosystems /g3Teaser/para1: is not a known field",
                "error: products/framework-services /g3Teaser/para1: is not a known field",
                "error: products/workspaces /g3Teaser/para1: is not a known field",
            ],
            "{command}"
        );
        assert!(
            stderr.contains("5 errors on 5 pages; nothing was changed"),
            "{stderr}"
        );
    }
    let shown = run(&database, &["model", "show"]);
    assert_eq!(
        shown, built_in,
        "the model in force is still the built-in one"
    );
}

#[test]
fn a_new_section_type_and_an_optional_field_are_data_not_code() {
    let dir = tempfile::tempdir().unwrap();
    let content = dir.path().join("content");
    later_revision(&content);
    let database = dir.path().join("site.db");
    run(&database, &["import", "--site", SITE]);

    let extended = include_str!("../../seed/model.yaml")
        .replace(
            "  teaser: { kind: figure, optional: true }\n",
            "  teaser: { kind: figure, optional: true }\n  heroImage: { kind: figure, optional: true }\n",
        )
        .replace(
            "  AgendaDetail: { id: agenda-detail, type: agenda-detail }\n",
            "  AgendaDetail: { id: agenda-detail, type: agenda-detail }\n  g3People: { id: people, type: people }\n",
        )
        .replace(
            "      para2: { kind: long-text, optional: true }\n",
            "      para2: { kind: long-text, optional: true }\n      subtitle: { kind: short-text, optional: true }\n",
        )
        + "  people:\n    fields:\n      title: { kind: short-text }\n    items:\n      prefix: p\n      of:\n        fields:\n          name: { kind: short-text }\n          organization: { kind: short-text }\n          position: { kind: short-text }\n          fig: { kind: figure, optional: true }\n";
    let model = dir.path().join("extended.yaml");
    std::fs::write(&model, &extended).unwrap();
    let stdout = run(&database, &["model", "apply", model.to_str().unwrap()]);
    assert!(stdout.contains("as content model version 2"), "{stdout}");

    let stdout = run(&database, &["import", "--site", content.to_str().unwrap()]);
    assert!(
        stdout.contains("47 pages (1 new, 1 changed, 45 unchanged)"),
        "{stdout}"
    );
    let out = dir.path().join("out");
    run(&database, &["export", "--site", out.to_str().unwrap()]);
    let (given, exported) = (files(&content), files(&out));
    for (name, text) in &given {
        assert!(
            exported[name] == *text,
            "{name} differs from the imported file"
        );
    }
}
