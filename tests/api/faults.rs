//! Faults of the machine under the server: a full disk, a database file it may not write.
//!
//! Both need root (to mount a small tmpfs, to run the binary as another user), so they are
//! ignored in a plain `cargo test` and run by `.ci/run`, which fails if they did not.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{Value, json};

use crate::helpers::{BIN, gen3, outputs, settings, spawn_with};

/// A tmpfs of `size` mounted on a new folder; unmounted when dropped.
struct SmallDisk {
    dir: tempfile::TempDir,
}

impl SmallDisk {
    fn mount(size: &str) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let status = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(dir.path())
            .status()
            .expect("mount runs");
        assert!(status.success(), "mounting a tmpfs needs root");
        Self { dir }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Fills what is left of the disk with one file; returns it.
    fn fill(&self) -> PathBuf {
        use std::io::Write;
        let filler = self.path().join("filler");
        let mut file = std::fs::File::create(&filler).unwrap();
        let block = vec![0u8; 4096];
        while file.write_all(&block).is_ok() {}
        // The last partial block, byte by byte: nothing is left.
        while file.write_all(&[0]).is_ok() {}
        filler
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        // Lazy: a test that failed may leave the server holding the database open.
        let _ = Command::new("umount")
            .arg("--lazy")
            .arg(self.dir.path())
            .status();
    }
}

#[tokio::test]
#[ignore = "needs root: mounts a 4 MB tmpfs (run by .ci/run)"]
async fn a_full_disk_is_a_507_and_status_503_then_every_write_succeeds_once_freed() {
    let disk = SmallDisk::mount("4m");
    let mut settings = settings(&disk.path().join("content.db"));
    settings.seed = Some(PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/seed/about.md"
    )));
    let app = spawn_with(None, settings).await;
    let quote =
        |n: usize| json!({"type": "vision", "quote": format!("quote {n} {}", "x".repeat(1500))});

    let filler = disk.fill();
    // Writes fail now; several, so that every pooled connection has met the error.
    let mut refused = 0;
    for n in 0..24 {
        let response = app.put("vision", "*", &quote(n)).await;
        if response.status().is_success() {
            continue;
        }
        refused += 1;
        assert_eq!(response.status(), 507, "a full disk");
        assert_eq!(
            response.headers()["content-type"],
            "application/problem+json"
        );
        assert!(response.headers().contains_key("retry-after"));
        let problem: Value = response.json().await.unwrap();
        assert!(
            problem["detail"].as_str().unwrap().contains("disk"),
            "{problem}"
        );
    }
    assert!(
        refused >= 20,
        "only {refused} of 24 writes met the full disk"
    );
    let status = app.get("/_status").await;
    assert_eq!(status.status(), 503, "the disk is full");
    assert!(status.headers().contains_key("retry-after"));

    std::fs::remove_file(filler).unwrap();
    tokio::time::sleep(gen3_content::storage::health::RECHECK).await;
    let status = app.get("/_status").await;
    assert_eq!(
        status.status(),
        200,
        "room was made: the probe's write succeeds"
    );
    for n in 100..124 {
        let response = app.put("vision", "*", &quote(n)).await;
        assert_eq!(response.status(), 200, "write {n} after the disk was freed");
    }
    let vision = app.get_json("/sections/vision").await;
    assert_eq!(
        vision["quote"],
        quote(123)["quote"],
        "the last write is served"
    );
    app.stop().await;
}

#[test]
#[ignore = "needs root: runs the binary as the user nobody (run by .ci/run)"]
fn a_database_the_process_cannot_write_is_refused_at_start() {
    let dir = tempfile::tempdir().unwrap();
    let database = dir.path().join("content.db");
    let made = gen3(&database, &["token", "list"]);
    assert!(made.status.success(), "{}", outputs(&made).1);
    // The folder is the server's (it may make the WAL's files there); the file is root's and
    // read-only, as when an operator copied it in as another user.
    let nobody = "65534";
    let own = |path: &Path| {
        let done = Command::new("chown")
            .args([&format!("{nobody}:{nobody}")])
            .arg(path)
            .status()
            .unwrap();
        assert!(done.success(), "chown needs root");
    };
    own(dir.path());
    std::fs::set_permissions(
        dir.path(),
        std::os::unix::fs::PermissionsExt::from_mode(0o755),
    )
    .unwrap();
    std::fs::set_permissions(
        &database,
        std::os::unix::fs::PermissionsExt::from_mode(0o444),
    )
    .unwrap();

    let out = Command::new("setpriv")
        .args([
            &format!("--reuid={nobody}"),
            &format!("--regid={nobody}"),
            "--clear-groups",
        ])
        .arg(BIN)
        .arg("--database")
        .arg(&database)
        .args(["serve", "--bind", "127.0.0.1:0"])
        .output()
        .expect("setpriv runs");
    let (_, stderr) = outputs(&out);
    assert!(!out.status.success(), "it must not serve: {stderr}");
    let lines: Vec<&str> = stderr
        .lines()
        .filter(|l| l.starts_with("gen3-content:"))
        .collect();
    assert_eq!(lines.len(), 1, "one line of reason: {stderr}");
    assert!(
        lines[0].contains("cannot write the database") && lines[0].contains("content.db"),
        "{stderr}"
    );
}
