//! `gen3-content token …` and what the server does with tokens.

use std::process::Command;

use reqwest::Method;
use serde_json::json;

use crate::helpers::{settings, spawn_with};

const BIN: &str = env!("CARGO_BIN_EXE_gen3-content");

fn token(database: &std::path::Path, args: &[&str]) -> std::process::Output {
    Command::new(BIN)
        .arg("token")
        .args(args)
        .arg("--database")
        .arg(database)
        .output()
        .unwrap()
}

fn stdout(out: &std::process::Output) -> String {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout.clone()).unwrap()
}

#[test]
fn create_prints_the_token_once_and_only_its_hash_is_stored() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db");
    let out = stdout(&token(&db, &["create", "--name", "ci", "--scope", "write"]));
    let secret = out.trim_end_matches('\n');
    assert_eq!(out.lines().count(), 1, "{out}");
    assert!(secret.starts_with("g3c_") && secret.len() == 68, "{secret}");
    let stored = std::fs::read(&db).unwrap();
    let wal = std::fs::read(dir.path().join("t.db-wal")).unwrap_or_default();
    for bytes in [&stored, &wal] {
        let text = String::from_utf8_lossy(bytes);
        assert!(
            !text.contains(&secret[4..]),
            "the secret is in the database file"
        );
    }
    let list = stdout(&token(&db, &["list"]));
    assert!(
        list.contains("ci") && list.contains("write") && list.contains("active"),
        "{list}"
    );
    assert!(!list.contains(&secret[4..]));
}

#[test]
fn bad_names_duplicates_and_non_positive_expiry_fail_with_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db");
    stdout(&token(&db, &["create", "--name", "ci", "--scope", "read"]));
    for args in [
        "create --name ci --scope read",
        "create --name x --scope read --expires-in 0",
        "create --name x --scope read --expires-in -3",
        "create --name a/b --scope read",
        "create --name x --scope admin",
        "revoke nobody",
    ] {
        let args: Vec<&str> = args.split(' ').collect();
        let out = token(&db, &args);
        assert!(!out.status.success(), "{args:?}");
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert_eq!(stderr.lines().count(), 1, "{args:?}: {stderr}");
        assert!(out.stdout.is_empty(), "{args:?}");
    }
    // `--database` before the subcommand works too.
    let out = Command::new(BIN)
        .arg("--database")
        .arg(&db)
        .args(["token", "list"])
        .output()
        .unwrap();
    assert!(stdout(&out).contains("ci"));
}

#[tokio::test]
async fn revoking_takes_effect_on_a_running_server_and_last_use_is_recorded() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db");
    let secret = stdout(&token(
        &db,
        &[
            "create",
            "--name",
            "alice",
            "--scope",
            "write",
            "--expires-in",
            "30",
        ],
    ));
    let secret = secret.trim();
    let app = spawn_with(None, settings(&db)).await;
    let write = |quote: &'static str| {
        app.with_token(Method::PUT, "/sections/vision", Some(secret))
            .header("If-Match", "*")
            .json(&json!({"quote": quote}))
            .send()
    };
    assert_eq!(write("by alice").await.unwrap().status(), 200);
    let history = app.history("vision").await;
    assert_eq!(history["revisions"][0]["author"], "alice");

    let list = stdout(&token(&db, &["list"]));
    let alice = list
        .lines()
        .find(|l| l.starts_with("alice"))
        .unwrap()
        .to_owned();
    assert!(
        alice.ends_with(" -"),
        "last use is not written per request: {alice}"
    );

    stdout(&token(&db, &["revoke", "alice"]));
    assert_eq!(write("after revoke").await.unwrap().status(), 401);
    app.stop().await;
    let list = stdout(&token(&db, &["list"]));
    let alice = list.lines().find(|l| l.starts_with("alice")).unwrap();
    assert!(alice.contains("revoked"), "{alice}");
    assert!(
        alice.trim_end().ends_with('Z'),
        "last use recorded at shutdown: {alice}"
    );
}

#[tokio::test]
async fn tokens_never_reach_the_log_even_at_trace_level() {
    use std::io::{BufRead, BufReader, Read};
    use std::process::Stdio;

    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db");
    let secret = stdout(&token(&db, &["create", "--name", "ci", "--scope", "write"]));
    let secret = secret.trim().to_owned();
    let mut child = Command::new(BIN)
        .args([
            "--bind",
            "127.0.0.1:0",
            "--log",
            "trace",
            "--log-format",
            "json",
            "--database",
        ])
        .arg(&db)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut child = crate::cli::Running(child);
    let mut seen = String::new();
    let port = loop {
        let mut line = String::new();
        assert!(
            out.read_line(&mut line).unwrap() > 0,
            "no port logged: {seen}"
        );
        seen.push_str(&line);
        let log: serde_json::Value = serde_json::from_str(&line).unwrap_or_default();
        if let Some(port) = log["port"].as_u64() {
            break port;
        }
    };
    let client = reqwest::Client::new();
    for token in [secret.clone(), format!("{secret}0")] {
        let r = client
            .put(format!("http://127.0.0.1:{port}/sections/vision"))
            .bearer_auth(&token)
            .header("If-Match", "*")
            .json(&json!({"quote": "logged?"}))
            .send()
            .await
            .unwrap();
        assert!(r.status() == 200 || r.status() == 401);
    }
    let stopped = Command::new("kill")
        .args(["-TERM", &child.0.id().to_string()])
        .status()
        .unwrap();
    assert!(stopped.success());
    out.read_to_string(&mut seen).unwrap();
    let mut errors = String::new();
    child
        .0
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut errors)
        .unwrap();
    assert!(child.0.wait().unwrap().success());
    assert!(
        seen.contains("\"status\":200") && seen.contains("\"status\":401"),
        "{seen}"
    );
    let hex = &secret[4..];
    assert!(
        !seen.contains(hex) && !errors.contains(hex),
        "a token is in the log"
    );
}

/// A PATCH of the vision as `secret`; its status.
async fn patch_with(app: &crate::helpers::TestApp, secret: &str, quote: &str) -> u16 {
    app.with_token(Method::PATCH, "/sections/vision", Some(secret))
        .header("If-Match", "*")
        .header("Content-Type", "application/merge-patch+json")
        .body(json!({ "quote": quote }).to_string())
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

/// Scripts create a token and use it at once: it works on the very next request of a running
/// server on the same database file, with no sleep in between.
#[tokio::test]
async fn a_created_token_works_on_the_very_next_request() {
    let app = crate::helpers::spawn_app().await;
    let mut statuses = std::collections::BTreeMap::<u16, u32>::new();
    for n in 0..100 {
        let name = format!("script{n}");
        let secret = stdout(&token(
            &app.database,
            &["create", "--name", &name, "--scope", "write"],
        ));
        let status = patch_with(&app, secret.trim(), &format!("Written by {name}.")).await;
        *statuses.entry(status).or_default() += 1;
    }
    assert_eq!(statuses, [(200, 100)].into(), "status: count");
    let history = app.history("vision").await;
    assert_eq!(history["revisions"][0]["author"], "script99");
}

/// A revoked token is refused on the very next request.
#[tokio::test]
async fn a_revoked_token_fails_on_the_very_next_request() {
    let dir = tempfile::tempdir().unwrap();
    let mut settings = settings(&dir.path().join("t.db"));
    // 100 refusals from one address would otherwise be throttled (429) after the tenth.
    settings.auth_failure_limit = 1000;
    let app = spawn_with(Some(dir), settings).await;
    let mut statuses = std::collections::BTreeMap::<u16, u32>::new();
    for n in 0..100 {
        let name = format!("leaked{n}");
        let secret = stdout(&token(
            &app.database,
            &["create", "--name", &name, "--scope", "write"],
        ));
        assert_eq!(
            patch_with(&app, secret.trim(), "Before the revoke.").await,
            200
        );
        stdout(&token(&app.database, &["revoke", &name]));
        let status = patch_with(&app, secret.trim(), "After the revoke.").await;
        *statuses.entry(status).or_default() += 1;
    }
    assert_eq!(statuses, [(401, 100)].into(), "status: count");
    assert_ne!(
        app.get_json("/sections/vision").await["quote"],
        "After the revoke."
    );
}
