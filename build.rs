//! Embeds the migrations (sqlx::migrate! reads them at compile time), the bundled site (every
//! page file of `site/gen3.org-d819f2a/content`, what a new database is seeded with) and the git
//! commit, when the build can see one, for `GET /_version`. A source tarball without `.git`
//! still builds.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The Hugo `content/` folder built into the binary.
const BUNDLED_SITE: &str = "site/gen3.org-d819f2a/content";

fn main() {
    println!("cargo:rerun-if-changed=migrations");
    bundle_site();
    println!("cargo:rerun-if-env-changed=GEN3_CONTENT_COMMIT");
    let commit = std::env::var("GEN3_CONTENT_COMMIT")
        .ok()
        .filter(|c| !c.is_empty())
        .or_else(|| {
            let out = Command::new("git")
                .args(["rev-parse", "HEAD"])
                .output()
                .ok()?;
            out.status
                .success()
                .then(|| String::from_utf8_lossy(&out.stdout).trim().to_owned())
        });
    if let Some(commit) = commit {
        println!("cargo:rustc-env=GEN3_CONTENT_COMMIT={commit}");
    }
    // Rebuild when HEAD moves, where there is a repository to watch.
    for path in [".git/HEAD", ".git/refs/heads", ".git/packed-refs"] {
        if std::path::Path::new(path).exists() {
            println!("cargo:rerun-if-changed={path}");
        }
    }
}

/// Writes `$OUT_DIR/bundled_site.rs`: `FILES`, each file of the bundled site with a page
/// extension as its path under `content/` and its text (`include_str!`, so that a change to
/// one rebuilds).
fn bundle_site() {
    println!("cargo:rerun-if-changed={BUNDLED_SITE}");
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join(BUNDLED_SITE);
    let mut files = Vec::new();
    collect(&root, &mut files);
    files.sort();
    let mut code = String::from("pub const FILES: &[(&str, &str)] = &[\n");
    for path in files {
        let relative = path.strip_prefix(&root).expect("under the root");
        let name = relative
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/");
        code.push_str(&format!(
            "    ({name:?}, include_str!({:?})),\n",
            path.display().to_string()
        ));
    }
    code.push_str("];\n");
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    std::fs::write(out.join("bundled_site.rs"), code).expect("OUT_DIR is writable");
}

fn collect(dir: &Path, files: &mut Vec<PathBuf>) {
    let entries = std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    for entry in entries {
        let path = entry.expect("a readable folder").path();
        if path.is_dir() {
            collect(&path, files);
        } else if path
            .extension()
            .is_some_and(|ext| ["md", "adoc", "html"].iter().any(|e| ext == *e))
        {
            files.push(path);
        }
    }
}
