//! Crash safety: a stream of conditional writes, the server killed with SIGKILL at a random
//! moment, then restarted on the same file. Every write answered 200 must be there with its
//! content and revision, history must have no gap and no torn revision, and SQLite's own
//! integrity check must pass. Several rounds, each killed at a different point, alternating
//! `--synchronous full` and `normal` (a killed process loses nothing either way: only a power
//! loss separates them).

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use serde_json::{Value, json};
use sqlx::sqlite::SqlitePoolOptions;

use crate::helpers::{gen3, outputs, start_binary};

/// The sections the writers edit, and the field each one changes.
const TARGETS: [(&str, &str); 3] = [
    ("vision", "quote"),
    ("company", "title"),
    ("contributor", "title"),
];

/// A write the server acknowledged with 200: section, revision, the text written.
type Acknowledged = (String, i64, String);

/// Writes to `section` one conditional PATCH after another, each with the ETag the previous
/// answer gave, until the server stops answering; counts each answer in `answered`.
async fn writer(
    port: u16,
    round: usize,
    section: &str,
    field: &str,
    answered: Arc<AtomicUsize>,
) -> Vec<Acknowledged> {
    let client = reqwest::Client::new();
    let url = format!("http://127.0.0.1:{port}/sections/{section}");
    let Ok(first) = client.get(&url).send().await else {
        return Vec::new();
    };
    let mut etag = first.headers()["etag"].to_str().unwrap().to_owned();
    let mut acknowledged = Vec::new();
    for n in 0.. {
        let text = format!("round {round}, {section} write {n}");
        let sent = client
            .patch(&url)
            .bearer_auth(TOKEN.get().unwrap())
            .header("If-Match", &etag)
            .header("Content-Type", "application/merge-patch+json")
            .body(json!({ field: text }).to_string())
            .send()
            .await;
        let Ok(response) = sent else { break };
        let status = response.status();
        let headers = response.headers().clone();
        let Ok(body) = response.json::<Value>().await else {
            break; // killed while answering: not acknowledged
        };
        assert_eq!(status, 200, "{section}: {body}");
        etag = headers["etag"].to_str().unwrap().to_owned();
        acknowledged.push((section.to_owned(), body["revision"].as_i64().unwrap(), text));
        answered.fetch_add(1, Ordering::Relaxed);
    }
    acknowledged
}

static TOKEN: std::sync::OnceLock<String> = std::sync::OnceLock::new();

/// The database file opened as a new process would after the crash, once SQLite's integrity
/// and foreign-key checks pass on it.
async fn checked(database: &Path) -> sqlx::SqlitePool {
    let pool = SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(gen3_content::storage::db::connect_options(
            database,
            Default::default(),
        ))
        .await
        .unwrap();
    let integrity: String = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(integrity, "ok");
    let broken: Vec<(String,)> = sqlx::query_as("PRAGMA foreign_key_check")
        .fetch_all(&pool)
        .await
        .unwrap();
    assert!(broken.is_empty(), "foreign keys: {broken:?}");
    pool
}

/// Reads the database file directly, as a new process would after the crash.
async fn verify(database: &Path, acknowledged: &[Acknowledged]) -> BTreeMap<String, i64> {
    let pool = checked(database).await;

    let mut current = BTreeMap::new();
    let model = gen3_content::model::Model::built_in();
    for id in crate::helpers::LANDING_SECTIONS {
        let revisions: Vec<(i64, String)> = sqlx::query_as(
            "SELECT revision, content FROM section_revisions
             WHERE page_id = '_index' AND section_id = ? ORDER BY revision",
        )
        .bind(id)
        .fetch_all(&pool)
        .await
        .unwrap();
        // No gap: revisions 1..=n, each a complete, valid section (no torn write).
        let numbers: Vec<i64> = revisions.iter().map(|(n, _)| *n).collect();
        assert_eq!(
            numbers,
            (1..=numbers.len() as i64).collect::<Vec<_>>(),
            "{id}"
        );
        for (n, content) in &revisions {
            // The landing page's section types are named as its sections are.
            gen3_content::content::read::stored::parse_content(&model, id, content)
                .unwrap_or_else(|e| panic!("revision {n} of {id} is torn: {e:#}"));
        }
        let pointer: i64 = sqlx::query_scalar(
            "SELECT revision FROM page_sections WHERE page_id = '_index' AND id = ?",
        )
        .bind(id)
        .fetch_one(&pool)
        .await
        .unwrap();
        assert_eq!(
            pointer,
            numbers.len() as i64,
            "{id} points at its newest revision"
        );
        current.insert(id.to_owned(), pointer);
    }

    for (section, revision, text) in acknowledged {
        let content: String = sqlx::query_scalar(
            "SELECT content FROM section_revisions
             WHERE page_id = '_index' AND section_id = ? AND revision = ?",
        )
        .bind(section)
        .bind(revision)
        .fetch_optional(&pool)
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("acknowledged revision {revision} of {section} is lost"));
        let content: Value = serde_json::from_str(&content).unwrap();
        let field = TARGETS.iter().find(|(s, _)| s == section).unwrap().1;
        assert_eq!(
            content[field],
            text.as_str(),
            "{section} revision {revision}"
        );
    }
    pool.close().await;
    current
}

#[tokio::test]
async fn writes_answered_200_survive_sigkill_at_any_moment() {
    let dir = tempfile::tempdir().unwrap();
    let database = dir.path().join("crash.db");
    let out = gen3(
        &database,
        &["token", "create", "--name", "crash", "--scope", "write"],
    );
    let (stdout, stderr) = outputs(&out);
    assert!(out.status.success(), "{stderr}");
    TOKEN.set(stdout.trim().to_owned()).unwrap();

    let mut all_acknowledged = Vec::new();
    for round in 0..6 {
        let synchronous = if round % 2 == 0 { "full" } else { "normal" };
        let (mut server, port) = start_binary(&database, &["--synchronous", synchronous]);
        // Every restart serves what the file holds.
        let sections: Value = reqwest::get(format!("http://127.0.0.1:{port}/sections"))
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(sections["sections"].as_array().unwrap().len(), 9);

        let answered = Arc::new(AtomicUsize::new(0));
        let writers: Vec<_> = TARGETS
            .iter()
            .map(|&(section, field)| {
                tokio::spawn(writer(port, round, section, field, answered.clone()))
            })
            .collect();
        // Killed at a random moment of the stream of writes: once it has begun (a disk that
        // stalls a commit on a busy machine must not make a round kill before its first write),
        // then after up to 600 ms more.
        let started = tokio::time::Instant::now();
        while answered.load(Ordering::Relaxed) == 0 && started.elapsed() < Duration::from_secs(30) {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        let kill_after = Duration::from_millis(getrandom::u64().unwrap() % 600);
        tokio::time::sleep(kill_after).await;
        server.0.kill().unwrap(); // SIGKILL
        server.0.wait().unwrap();

        let mut acknowledged = Vec::new();
        for writer in writers {
            acknowledged.extend(writer.await.unwrap());
        }
        assert!(
            !acknowledged.is_empty(),
            "round {round} wrote nothing before the kill"
        );
        let answered = acknowledged.len();
        all_acknowledged.extend(acknowledged);
        let current = verify(&database, &all_acknowledged).await;
        // A write may commit and be killed before its answer: stored, never acknowledged.
        let mut unanswered = 0;
        for (section, _) in TARGETS {
            let newest = all_acknowledged
                .iter()
                .filter(|(s, _, _)| s == section)
                .map(|(_, revision, _)| *revision)
                .max()
                .unwrap_or(1);
            assert!(current[section] >= newest, "{section}");
            unanswered += current[section] - newest;
        }
        eprintln!(
            "round {round} ({synchronous}): killed after {kill_after:?}; {answered} writes \
             answered 200, all stored; {unanswered} stored but never answered"
        );
    }
}

/// The sections publisher `who` edits: the two publishers never edit the same field, so that
/// their change sets merge rather than conflict.
fn edited_by(who: usize) -> &'static [(&'static str, &'static str)] {
    if who == 0 {
        &TARGETS[..2]
    } else {
        &TARGETS[2..]
    }
}

/// A publish the server answered 200: the change set and the text it put in each section.
type Published = (i64, Vec<(String, String)>);

/// One change set after another: created, three sections edited into it, published; until the
/// server stops answering. Returns the publishes answered 200.
async fn publisher(
    port: u16,
    round: usize,
    who: usize,
    token: Arc<str>,
    answered: Arc<AtomicUsize>,
) -> Vec<Published> {
    let client = reqwest::Client::new();
    let base = format!("http://127.0.0.1:{port}");
    let token = &*token;
    let mut published = Vec::new();
    'sets: for n in 0.. {
        let Ok(created) = client
            .post(format!("{base}/changesets"))
            .bearer_auth(token)
            .json(&json!({"name": format!("publisher {who}, round {round}, set {n}")}))
            .send()
            .await
        else {
            break;
        };
        let Ok(created) = created.json::<Value>().await else {
            break;
        };
        let id = created["id"].as_i64().expect("a change set");
        let mut texts = Vec::new();
        for &(section, field) in edited_by(who) {
            let text = format!("change set {id} {section}");
            let sent = client
                .patch(format!("{base}/sections/{section}?changeset={id}"))
                .bearer_auth(token)
                .header("If-Match", "*")
                .header("Content-Type", "application/merge-patch+json")
                .body(json!({ field: text }).to_string())
                .send()
                .await;
            match sent {
                Ok(r) if r.status() == 200 => texts.push((section.to_owned(), text)),
                Ok(r) => panic!("{section} into {id}: {}", r.status()),
                Err(_) => break 'sets,
            }
        }
        let Ok(response) = client
            .post(format!("{base}/changesets/{id}/publish"))
            .bearer_auth(token)
            .send()
            .await
        else {
            break;
        };
        let status = response.status();
        let Ok(body) = response.json::<Value>().await else {
            break; // killed while answering: not acknowledged
        };
        assert_eq!(status, 200, "publish {id}: {body}");
        assert_eq!(body["state"], "published");
        published.push((id, texts));
        answered.fetch_add(1, Ordering::Relaxed);
    }
    published
}

/// Every change set in the file is all or nothing: a published one has a page revision naming
/// it whose sections hold each of its texts; any other left no page revision and no section
/// revision with its text. Every answered publish is published. Returns (published, not).
async fn verify_publishes(database: &Path, answered: &[Published]) -> (usize, usize) {
    let pool = checked(database).await;
    let sets: Vec<(i64, String, String)> =
        sqlx::query_as("SELECT id, state, name FROM change_sets WHERE live = 0 ORDER BY id")
            .fetch_all(&pool)
            .await
            .unwrap();
    let (mut published, mut not) = (0, 0);
    for (id, state, name) in &sets {
        let who = usize::from(!name.starts_with("publisher 0"));
        let layouts: Vec<(String,)> = sqlx::query_as(
            "SELECT sections FROM page_revisions WHERE page_id = '_index' AND change_set = ?",
        )
        .bind(id)
        .fetch_all(&pool)
        .await
        .unwrap();
        let texts: Vec<(String,)> = sqlx::query_as(
            "SELECT content FROM section_revisions WHERE page_id = '_index' AND content LIKE ?",
        )
        .bind(format!("%change set {id} %"))
        .fetch_all(&pool)
        .await
        .unwrap();
        if state == "published" {
            published += 1;
            assert_eq!(layouts.len(), 1, "change set {id}: one page revision");
            let layout: Vec<(String, i64)> = serde_json::from_str(&layouts[0].0).unwrap();
            for &(section, field) in edited_by(who) {
                let revision = layout.iter().find(|(s, _)| s == section).unwrap().1;
                let content: String = sqlx::query_scalar(
                    "SELECT content FROM section_revisions
                     WHERE page_id = '_index' AND section_id = ? AND revision = ?",
                )
                .bind(section)
                .bind(revision)
                .fetch_one(&pool)
                .await
                .unwrap();
                let content: Value = serde_json::from_str(&content).unwrap();
                assert_eq!(
                    content[field],
                    format!("change set {id} {section}"),
                    "change set {id} published {section}"
                );
            }
        } else {
            not += 1;
            assert!(
                layouts.is_empty(),
                "change set {id} ({state}) left a page revision"
            );
            assert!(
                texts.is_empty(),
                "change set {id} ({state}) left section revisions"
            );
        }
    }
    for (id, _) in answered {
        let state = sets
            .iter()
            .find(|(s, _, _)| s == id)
            .map(|(_, state, _)| state.as_str());
        assert_eq!(state, Some("published"), "answered publish {id} is lost");
    }
    pool.close().await;
    (published, not)
}

#[tokio::test]
async fn publishes_are_all_or_nothing_through_sigkill() {
    let dir = tempfile::tempdir().unwrap();
    let database = dir.path().join("publish.db");
    let out = gen3(
        &database,
        &["token", "create", "--name", "crash", "--scope", "write"],
    );
    let (stdout, stderr) = outputs(&out);
    assert!(out.status.success(), "{stderr}");
    let token: Arc<str> = Arc::from(stdout.trim());

    let mut all = Vec::new();
    for round in 0..10 {
        let synchronous = if round % 2 == 0 { "full" } else { "normal" };
        let (mut server, port) = start_binary(&database, &["--synchronous", synchronous]);
        let answered = Arc::new(AtomicUsize::new(0));
        let publishers: Vec<_> = (0..2)
            .map(|who| tokio::spawn(publisher(port, round, who, token.clone(), answered.clone())))
            .collect();
        let started = tokio::time::Instant::now();
        while answered.load(Ordering::Relaxed) == 0 && started.elapsed() < Duration::from_secs(30) {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        let kill_after = Duration::from_millis(getrandom::u64().unwrap() % 600);
        tokio::time::sleep(kill_after).await;
        server.0.kill().unwrap(); // SIGKILL
        server.0.wait().unwrap();
        let mut round_published = Vec::new();
        for publisher in publishers {
            round_published.extend(publisher.await.unwrap());
        }
        assert!(
            !round_published.is_empty(),
            "round {round} published nothing before the kill"
        );
        let answered = round_published.len();
        all.extend(round_published);
        let (published, not) = verify_publishes(&database, &all).await;
        eprintln!(
            "round {round} ({synchronous}): killed after {kill_after:?}; {answered} publishes \
             answered 200; in the file: {published} published, {not} not (all or nothing)"
        );
    }
}
