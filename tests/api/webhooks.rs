//! Rebuild hooks against a local receiver: signed as Standard Webhooks says, retried through
//! failures and timeouts under one delivery id, continued after the server is killed between
//! attempts, coalesced within the window, every attempt logged for the CLI and the API.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
use base64::Engine;
use hmac::{KeyInit, Mac};
use serde_json::{Value, json};

use crate::helpers::{database_with_token, gen3, outputs, start_binary};

/// A request the receiver got: its webhook headers and body.
#[derive(Debug, Clone)]
struct Received {
    id: String,
    timestamp: String,
    signature: String,
    body: Vec<u8>,
}

/// What the receiver answers to its n-th request (then 200): a status, or `None` to answer
/// too late (after `slow`).
struct Script {
    answers: Vec<Option<u16>>,
    slow: Duration,
    received: Mutex<Vec<Received>>,
}

async fn receive(req: HttpRequest, body: web::Bytes, script: web::Data<Script>) -> HttpResponse {
    let header = |name: &str| {
        req.headers()
            .get(name)
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default()
    };
    let n = {
        let mut received = script.received.lock().unwrap();
        received.push(Received {
            id: header("webhook-id"),
            timestamp: header("webhook-timestamp"),
            signature: header("webhook-signature"),
            body: body.to_vec(),
        });
        received.len() - 1
    };
    match script.answers.get(n).copied().unwrap_or(Some(200)) {
        Some(status) => HttpResponse::build(actix_web::http::StatusCode::from_u16(status).unwrap())
            .body(format!("answer {n}: {status}")),
        None => {
            tokio::time::sleep(script.slow).await;
            HttpResponse::Ok().body("too late")
        }
    }
}

/// A receiver on 127.0.0.1; its URL and what it got.
fn receiver(
    answers: Vec<Option<u16>>,
    slow: Duration,
) -> (String, web::Data<Script>, actix_web::dev::ServerHandle) {
    let script = web::Data::new(Script {
        answers,
        slow,
        received: Mutex::new(Vec::new()),
    });
    let data = script.clone();
    let server = HttpServer::new(move || {
        App::new()
            .app_data(data.clone())
            .route("/hook", web::post().to(receive))
    })
    .workers(1)
    .bind("127.0.0.1:0")
    .unwrap();
    let port = server.addrs()[0].port();
    let server = server.run();
    let handle = server.handle();
    tokio::spawn(server);
    (format!("http://127.0.0.1:{port}/hook"), script, handle)
}

/// Whether `got` is signed with `secret` as the Standard Webhooks specification says.
fn verifies(secret: &str, got: &Received) -> bool {
    let key = base64::engine::general_purpose::STANDARD
        .decode(secret.strip_prefix("whsec_").unwrap())
        .unwrap();
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(&key).unwrap();
    mac.update(format!("{}.{}.", got.id, got.timestamp).as_bytes());
    mac.update(&got.body);
    let expected = format!(
        "v1,{}",
        base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
    );
    got.signature.split(' ').any(|s| s == expected)
}

/// A database with a write token and a webhook to `url`: (database, token, secret).
fn database_with_webhook(dir: &std::path::Path, url: &str) -> (std::path::PathBuf, String, String) {
    let (database, token) = database_with_token(dir, "hooks");
    // The site first: storing it is a publish too, which a webhook added after it does not hear.
    let site = concat!(env!("CARGO_MANIFEST_DIR"), "/site/gen3.org-d819f2a/content");
    let out = gen3(&database, &["import", "--site", site]);
    assert!(out.status.success(), "{}", outputs(&out).1);
    let out = gen3(&database, &["webhook", "add", "--url", url]);
    let (stdout, stderr) = outputs(&out);
    assert!(out.status.success(), "{stderr}");
    let secret = stdout.trim().to_owned();
    assert!(secret.starts_with("whsec_"), "{stdout}");
    // Shown once: never again.
    let listed = outputs(&gen3(&database, &["webhook", "list"])).0;
    assert!(
        listed.contains(url) && !listed.contains(&secret[6..]),
        "{listed}"
    );
    (database, token, secret)
}

async fn edit(port: u16, token: &str, text: &str) {
    let r = reqwest::Client::new()
        .patch(format!("http://127.0.0.1:{port}/sections/vision"))
        .bearer_auth(token)
        .header("If-Match", "*")
        .header("Content-Type", "application/merge-patch+json")
        .body(json!({"quote": text}).to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
}

/// Waits up to `limit` for the receiver to have `n` requests.
async fn wait_for(script: &Script, n: usize, limit: Duration) -> Vec<Received> {
    let deadline = Instant::now() + limit;
    loop {
        let got = script.received.lock().unwrap().clone();
        if got.len() >= n || Instant::now() > deadline {
            return got;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

const FAST: [&str; 6] = [
    "--webhook-window-ms",
    "200",
    "--webhook-retry-ms",
    "100",
    "--webhook-timeout-ms",
    "500",
];

#[tokio::test]
async fn failures_and_timeouts_are_retried_under_one_delivery_id_until_the_receiver_answers() {
    let (url, script, receiver) =
        receiver(vec![Some(500), Some(503), None], Duration::from_secs(2));
    let dir = tempfile::tempdir().unwrap();
    let (database, token, secret) = database_with_webhook(dir.path(), &url);
    let (mut server, port) = start_binary(&database, &FAST);
    edit(port, &token, "Announced").await;

    let got = wait_for(&script, 4, Duration::from_secs(20)).await;
    assert_eq!(got.len(), 4, "500, 503, a timeout, then 200");
    assert!(
        got.iter().all(|r| r.id == got[0].id),
        "one delivery id: {:?}",
        got.iter().map(|r| &r.id).collect::<Vec<_>>()
    );
    assert!(
        got.iter().all(|r| r.body == got[0].body),
        "the same body every time"
    );
    assert!(
        got.iter().all(|r| verifies(&secret, r)),
        "every attempt signed with the secret"
    );
    let event: Value = serde_json::from_slice(&got[0].body).unwrap();
    assert_eq!(event["type"], "content.published");
    let publish = &event["data"]["publishes"][0];
    assert_eq!(publish["pages"][0]["id"], "_index");
    assert_eq!(publish["pages"][0]["sections"], json!(["vision"]));
    assert!(publish["pages"][0]["revision"].as_i64().unwrap() >= 2);
    assert!(publish["change_set"].as_i64().is_some());

    // The log: four attempts, through the API and the CLI.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let api: Value = reqwest::Client::new()
        .get(format!("http://127.0.0.1:{port}/webhooks/1/deliveries"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let delivery = &api["deliveries"][0];
    assert_eq!(delivery["id"], got[0].id.as_str());
    assert_eq!(delivery["state"], "delivered");
    let statuses: Vec<Value> = delivery["attempts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["status"].clone())
        .collect();
    assert_eq!(statuses, [json!(500), json!(503), Value::Null, json!(200)]);
    assert!(
        delivery["attempts"][0]["excerpt"]
            .as_str()
            .unwrap()
            .contains("answer 0: 500")
    );
    assert!(
        delivery["attempts"]
            .as_array()
            .unwrap()
            .iter()
            .all(|a| a["latency_ms"].is_i64() && a["at"].is_string())
    );
    let cli = outputs(&gen3(&database, &["webhook", "deliveries", "1"])).0;
    assert!(
        cli.contains(&got[0].id)
            && cli.contains("4 attempt(s)")
            && cli.contains(" 500 ")
            && cli.contains(" 200 "),
        "{cli}"
    );
    assert!(
        !cli.contains(&secret[6..]),
        "the secret is never shown again"
    );
    server.0.kill().unwrap();
    server.0.wait().unwrap();
    receiver.stop(false).await;
}

#[tokio::test]
async fn a_delivery_continues_after_the_server_is_killed_between_attempts() {
    let (url, script, receiver) = receiver(vec![Some(500)], Duration::ZERO);
    let dir = tempfile::tempdir().unwrap();
    let (database, token, _) = database_with_webhook(dir.path(), &url);
    // Retries a second apart: time to kill it after the first attempt.
    let slow_retry = ["--webhook-window-ms", "100", "--webhook-retry-ms", "2000"];
    let (mut server, port) = start_binary(&database, &slow_retry);
    edit(port, &token, "Through a crash").await;
    let first = wait_for(&script, 1, Duration::from_secs(10)).await;
    assert_eq!(first.len(), 1);
    tokio::time::sleep(Duration::from_millis(200)).await; // the attempt is logged
    server.0.kill().unwrap(); // SIGKILL between the attempts
    server.0.wait().unwrap();

    let (mut server, _) = start_binary(&database, &slow_retry);
    let got = wait_for(&script, 2, Duration::from_secs(15)).await;
    assert_eq!(got.len(), 2, "the delivery went on after the restart");
    assert_eq!(got[1].id, got[0].id, "never two ids for one event");
    assert_eq!(got[1].body, got[0].body);
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_eq!(
        script.received.lock().unwrap().len(),
        2,
        "nothing sent twice once delivered"
    );
    server.0.kill().unwrap();
    server.0.wait().unwrap();
    let cli = outputs(&gen3(&database, &["webhook", "deliveries", "1"])).0;
    assert_eq!(
        cli.lines().filter(|l| l.starts_with("msg_")).count(),
        1,
        "one delivery: {cli}"
    );
    assert!(cli.contains("delivered  2 attempt(s)"), "{cli}");
    receiver.stop(false).await;
}

#[tokio::test]
async fn publishes_within_the_window_are_one_delivery() {
    let (url, script, receiver) = receiver(vec![], Duration::ZERO);
    let dir = tempfile::tempdir().unwrap();
    let (database, token, _) = database_with_webhook(dir.path(), &url);
    let (mut server, port) = start_binary(&database, &["--webhook-window-ms", "3000"]);
    let started = Instant::now();
    for n in 0..10 {
        edit(port, &token, &format!("Publish {n}")).await;
    }
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "ten publishes within the window"
    );
    let got = wait_for(&script, 1, Duration::from_secs(15)).await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    let got_all = script.received.lock().unwrap().clone();
    assert_eq!(got_all.len(), 1, "one delivery for ten publishes");
    let event: Value = serde_json::from_slice(&got[0].body).unwrap();
    assert_eq!(event["data"]["publishes"].as_array().unwrap().len(), 10);
    server.0.kill().unwrap();
    server.0.wait().unwrap();
    receiver.stop(false).await;
}

#[test]
fn a_webhook_url_with_credentials_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let (database, _) = database_with_token(dir.path(), "hooks");
    for url in [
        "https://user:secret@ci.example.org/hook",
        "https://token@ci.example.org/hook",
    ] {
        let out = gen3(&database, &["webhook", "add", "--url", url]);
        let (_, stderr) = outputs(&out);
        assert!(!out.status.success(), "{url}");
        assert!(stderr.contains("user name or password"), "{stderr}");
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
    }
    let listed = outputs(&gen3(&database, &["webhook", "list"])).0;
    assert!(!listed.contains("secret"), "{listed}");
}
