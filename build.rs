//! Embeds the migrations (sqlx::migrate! reads them at compile time) and the git commit, when the
//! build can see one, for `GET /_version`. A source tarball without `.git` still builds.

use std::process::Command;

fn main() {
    println!("cargo:rerun-if-changed=migrations");
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
