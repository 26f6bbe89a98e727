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
