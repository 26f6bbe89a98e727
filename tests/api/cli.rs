//! The binary itself: no subcommand serves, logs are one JSON line per request, SIGTERM stops it
//! cleanly, and errors are one line on stderr with a non-zero exit.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Duration;

use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_gen3-content");

/// Kills the child by its PID if a test fails before it stopped it.
pub struct Running(pub std::process::Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test]
async fn with_no_subcommand_it_seeds_serves_logs_and_stops_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(BIN)
        .args(["--bind", "127.0.0.1:0", "--log-format", "json"])
        .env("GEN3_CONTENT_DATABASE", dir.path().join("env.db"))
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut child = Running(child);
    let port = lines
        .by_ref()
        .map_while(Result::ok)
        .filter_map(|line| serde_json::from_str::<Value>(&line).ok())
        .find_map(|log| log["port"].as_u64())
        .expect("a `serving` log line with the port");
    assert!(
        dir.path().join("env.db").exists(),
        "GEN3_CONTENT_DATABASE names the file"
    );

    let client = reqwest::Client::new();
    let r = client
        .get(format!("http://127.0.0.1:{port}/sections/vision"))
        .header("X-Request-Id", "cli-test-1")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);

    let request_line = lines
        .by_ref()
        .map_while(Result::ok)
        .filter_map(|line| serde_json::from_str::<Value>(&line).ok())
        .find(|log| log["request_id"] == "cli-test-1")
        .expect("a log line for the request");
    assert_eq!(request_line["method"], "GET");
    assert_eq!(request_line["path"], "/sections/vision");
    assert_eq!(request_line["status"], 200);
    assert!(request_line["latency_us"].is_u64());

    let killed = Command::new("kill")
        .args(["-TERM", &child.0.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    let status = loop {
        if let Some(status) = child.0.try_wait().unwrap() {
            break status;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "still running 10 s after SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(status.success(), "exit after SIGTERM: {status}");
}

#[test]
fn errors_are_one_line_on_stderr_with_a_non_zero_exit() {
    let dir = tempfile::tempdir().unwrap();
    let bad_seed = dir.path().join("page.md");
    std::fs::write(&bad_seed, "no front matter").unwrap();
    let out = Command::new(BIN)
        .args(["serve", "--bind", "127.0.0.1:0", "--seed"])
        .arg(&bad_seed)
        .arg("--database")
        .arg(dir.path().join("x.db"))
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("page.md is not a valid page"), "{stderr}");
    assert!(!dir.path().join("x.db").exists());
}

#[test]
fn every_subcommand_has_help() {
    for args in [
        &["--help"][..],
        &["serve", "--help"],
        &["healthcheck", "--help"],
    ] {
        let out = Command::new(BIN).args(args).output().unwrap();
        assert!(out.status.success(), "{args:?}");
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(text.contains("--database"), "{args:?}: {text}");
    }
}
