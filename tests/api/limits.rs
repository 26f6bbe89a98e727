//! Limits on what one client can make the server do: the size of a request's head, slow
//! clients, open connections, and repeated failed authentication. (The body limit, 413, is in
//! write_errors.rs.)

use std::net::IpAddr;
use std::time::{Duration, Instant};

use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::helpers::TestApp;

fn port(app: &TestApp) -> u16 {
    app.address.rsplit(':').next().unwrap().parse().unwrap()
}

/// Reads until the server closes the connection or `limit` passes; returns what arrived.
async fn read_all(stream: &mut TcpStream, limit: Duration) -> String {
    let mut buf = Vec::new();
    let _ = tokio::time::timeout(limit, stream.read_to_end(&mut buf)).await;
    String::from_utf8_lossy(&buf).into_owned()
}

/// Reads one response's head and body (by Content-Length), or what arrived within `limit`.
async fn read_response(stream: &mut TcpStream, limit: Duration) -> Option<String> {
    let mut buf = Vec::new();
    let deadline = tokio::time::Instant::now() + limit;
    loop {
        let text = String::from_utf8_lossy(&buf).into_owned();
        if let Some(end) = text.find("\r\n\r\n") {
            let length = text[..end]
                .lines()
                .find_map(|l| {
                    l.to_ascii_lowercase()
                        .strip_prefix("content-length: ")
                        .map(str::to_owned)
                })
                .and_then(|l| l.trim().parse::<usize>().ok())
                .unwrap_or(0);
            if buf.len() >= end + 4 + length {
                return Some(text);
            }
        }
        let mut chunk = [0u8; 4096];
        match tokio::time::timeout_at(deadline, stream.read(&mut chunk)).await {
            Ok(Ok(0)) | Err(_) => return None,
            Ok(Ok(n)) => buf.extend_from_slice(&chunk[..n]),
            Ok(Err(_)) => return None,
        }
    }
}

#[tokio::test]
async fn a_request_head_over_the_limit_gets_431_as_a_problem() {
    let app = TestApp::builder()
        .settings(|s| s.max_header_bytes = 8 * 1024)
        .spawn()
        .await;
    let big = "x".repeat(9 * 1024);
    let r = app.get_with("/sections", &[("X-Padding", &big)]).await;
    assert_eq!(r.status(), 431);
    assert_eq!(r.headers()["content-type"], "application/problem+json");
    assert_eq!(r.headers()["connection"], "close");
    assert_eq!(
        r.headers()["x-content-type-options"],
        "nosniff",
        "refusals are secured too"
    );
    let body: Value = r.json().await.unwrap();
    assert_eq!(
        body["detail"],
        "the request's header fields are larger than the limit of 8192 bytes"
    );
    // Just under the limit is fine.
    let fits = "x".repeat(7 * 1024);
    let r = app.get_with("/sections", &[("X-Padding", &fits)]).await;
    assert_eq!(r.status(), 200);
}

#[tokio::test]
async fn a_request_head_that_trickles_in_gets_408_and_the_connection_closes() {
    let app = TestApp::builder()
        .settings(|s| s.request_timeout = Duration::from_millis(300))
        .spawn()
        .await;
    let mut stream = TcpStream::connect(("127.0.0.1", port(&app))).await.unwrap();
    let started = Instant::now();
    stream
        .write_all(b"GET /sections HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        .await
        .unwrap();
    // ... and never the blank line that ends the head.
    let answer = read_all(&mut stream, Duration::from_secs(5)).await;
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer:?}");
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn a_body_that_trickles_in_gets_408_and_changes_nothing() {
    let app = TestApp::builder()
        .settings(|s| s.request_timeout = Duration::from_millis(300))
        .spawn()
        .await;
    let before = app.state_of("vision").await;
    let mut stream = TcpStream::connect(("127.0.0.1", port(&app))).await.unwrap();
    let head = format!(
        "PUT /sections/vision HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {}\r\n\
         If-Match: *\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{{\"quote\":",
        app.editor
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    let answer = read_response(&mut stream, Duration::from_secs(5))
        .await
        .expect("an answer before the client gives up");
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains("application/problem+json"), "{answer}");
    assert!(
        answer.contains("the request did not arrive within 300 ms"),
        "{answer}"
    );
    assert_eq!(app.state_of("vision").await, before);
}

#[tokio::test]
async fn connections_beyond_the_limit_wait_until_one_closes() {
    let app = TestApp::builder()
        .settings(|s| {
            s.workers = Some(1);
            s.max_connections = 2;
        })
        .spawn()
        .await;
    let request = b"GET /_version HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
    let mut open = Vec::new();
    for _ in 0..2 {
        let mut stream = TcpStream::connect(("127.0.0.1", port(&app))).await.unwrap();
        stream.write_all(request).await.unwrap();
        let answer = read_response(&mut stream, Duration::from_secs(5))
            .await
            .unwrap();
        assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
        open.push(stream); // kept alive
    }
    // The third connection is accepted by the kernel but not served while two are open.
    let mut third = TcpStream::connect(("127.0.0.1", port(&app))).await.unwrap();
    third.write_all(request).await.unwrap();
    assert_eq!(
        read_response(&mut third, Duration::from_millis(700)).await,
        None,
        "served beyond the connection limit"
    );
    drop(open.pop());
    let answer = read_response(&mut third, Duration::from_secs(5))
        .await
        .expect("served once a connection closed");
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
}

#[tokio::test]
async fn bad_tokens_sent_at_once_get_no_more_answers_than_the_limit() {
    let app = TestApp::builder()
        .settings(|s| s.auth_failure_limit = 10)
        .spawn()
        .await;
    let client = reqwest::Client::new();
    let guesses = (0..50).map(|n| {
        client
            .get(format!("{}/sections/vision/revisions", app.address))
            .bearer_auth(format!("g3c_guess{n}"))
            .send()
    });
    let statuses: Vec<u16> = futures_util::future::join_all(guesses)
        .await
        .into_iter()
        .map(|r| r.unwrap().status().as_u16())
        .collect();
    let tried = statuses.iter().filter(|s| **s == 401).count();
    let throttled = statuses.iter().filter(|s| **s == 429).count();
    assert_eq!((tried, throttled), (10, 40), "{statuses:?}");
    app.stop().await;
}

#[tokio::test]
async fn repeated_bad_tokens_from_one_address_get_429_with_retry_after() {
    let app = TestApp::builder()
        .settings(|s| s.auth_failure_limit = 3)
        .spawn()
        .await;
    let history = |client: &reqwest::Client, token: &str| {
        client
            .get(format!("{}/sections/vision/revisions", app.address))
            .bearer_auth(token)
            .send()
    };
    let client = reqwest::Client::new();
    for _ in 0..3 {
        let r = history(&client, "g3c_guess").await.unwrap();
        assert_eq!(r.status(), 401);
    }
    let r = history(&client, "g3c_guess").await.unwrap();
    assert_eq!(r.status(), 429);
    assert_eq!(r.headers()["content-type"], "application/problem+json");
    let wait: u64 = r.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&wait), "{wait}");
    // Blocked means blocked: a right guess now would teach the client nothing.
    let r = history(&client, &app.reader).await.unwrap();
    assert_eq!(r.status(), 429);
    // Reads of the content need no token and stay open.
    assert_eq!(
        client
            .get(format!("{}/sections", app.address))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );

    // Another address is not affected (loopback answers for all of 127.0.0.0/8).
    let other = reqwest::Client::builder()
        .local_address("127.0.0.2".parse::<IpAddr>().unwrap())
        .build()
        .unwrap();
    let r = history(&other, &app.reader).await.unwrap();
    assert_eq!(r.status(), 200);
}

#[tokio::test]
async fn an_idle_keep_alive_connection_is_closed() {
    let app = TestApp::builder()
        .settings(|s| s.keep_alive = Duration::from_secs(1))
        .spawn()
        .await;
    let mut stream = TcpStream::connect(("127.0.0.1", port(&app))).await.unwrap();
    stream
        .write_all(b"GET /_version HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        .await
        .unwrap();
    let answer = read_response(&mut stream, Duration::from_secs(5))
        .await
        .unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    // Kept open for the next request, then closed once idle for the keep-alive time.
    let started = Instant::now();
    let rest = read_all(&mut stream, Duration::from_secs(10)).await;
    let idle = started.elapsed();
    assert!(rest.is_empty(), "{rest:?}");
    // actix-web counts the idle time from a clock it updates every 500 ms, so the connection
    // closes between 0.5 s and 1 s after the answer for a keep-alive of 1 s.
    assert!(
        idle >= Duration::from_millis(450) && idle < Duration::from_secs(5),
        "closed after {idle:?}"
    );
}
