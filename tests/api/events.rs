//! `GET /events`: one Server-Sent Event per published change, resumed with `Last-Event-ID`
//! without a gap or a repeat across reconnects and a server restart; heartbeats; a limit on
//! open streams; metrics.

use std::time::Duration;

use futures_util::StreamExt;
use serde_json::{Value, json};

use crate::helpers::{database_with_token, start_binary};

/// An open stream: its events as they arrive (comments kept apart).
struct Stream {
    chunks: std::pin::Pin<
        Box<dyn futures_util::Stream<Item = reqwest::Result<actix_web::web::Bytes>> + Send>,
    >,
    buffer: String,
}

/// One event or comment block.
#[derive(Debug, Clone, PartialEq)]
enum Block {
    Event { id: i64, data: Value },
    Comment(String),
}

impl Stream {
    async fn open(port: u16, last: Option<i64>) -> reqwest::Response {
        let mut request = reqwest::Client::new().get(format!("http://127.0.0.1:{port}/events"));
        if let Some(last) = last {
            request = request.header("Last-Event-ID", last.to_string());
        }
        request.send().await.unwrap()
    }

    async fn new(port: u16, last: Option<i64>) -> Self {
        let response = Self::open(port, last).await;
        assert_eq!(response.status(), 200);
        assert_eq!(response.headers()["content-type"], "text/event-stream");
        Self {
            chunks: Box::pin(response.bytes_stream()),
            buffer: String::new(),
        }
    }

    /// The next block, waiting at most `limit`.
    async fn next(&mut self, limit: Duration) -> Option<Block> {
        let deadline = tokio::time::Instant::now() + limit;
        loop {
            if let Some(end) = self.buffer.find("\n\n") {
                let block: String = self.buffer.drain(..end + 2).collect();
                let (mut id, mut data, mut comments) = (None, None, Vec::new());
                for line in block.lines() {
                    if let Some(v) = line.strip_prefix("id: ") {
                        id = Some(v.parse().unwrap());
                    } else if let Some(v) = line.strip_prefix("data: ") {
                        data = Some(serde_json::from_str(v).unwrap());
                    } else if let Some(v) = line.strip_prefix(": ") {
                        comments.push(v.to_owned());
                    }
                }
                return Some(match (id, data) {
                    (Some(id), Some(data)) => Block::Event { id, data },
                    _ => Block::Comment(comments.join(" ")),
                });
            }
            let chunk = tokio::time::timeout_at(deadline, self.chunks.next())
                .await
                .ok()??;
            self.buffer
                .push_str(std::str::from_utf8(&chunk.unwrap()).unwrap());
        }
    }

    /// The next `n` events (comments skipped).
    async fn events(&mut self, n: usize) -> Vec<(i64, Value)> {
        let mut events = Vec::new();
        while events.len() < n {
            match self.next(Duration::from_secs(10)).await {
                Some(Block::Event { id, data }) => events.push((id, data)),
                Some(Block::Comment(_)) => {}
                None => break,
            }
        }
        events
    }
}

async fn edit(port: u16, token: &str, section: &str, field: &str, text: &str) -> String {
    let r = reqwest::Client::new()
        .patch(format!("http://127.0.0.1:{port}/sections/{section}"))
        .bearer_auth(token)
        .header("If-Match", "*")
        .header("Content-Type", "application/merge-patch+json")
        .body(json!({ field: text }).to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    r.headers()["etag"].to_str().unwrap().to_owned()
}

#[tokio::test]
async fn the_feed_resumes_after_the_last_event_without_a_gap_or_a_repeat_across_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let (database, token) = database_with_token(dir.path(), "events");
    let (mut server, port) = start_binary(&database, &[]);
    let mut stream = Stream::new(port, None).await;
    let mut tags = Vec::new();
    for (n, section) in ["vision", "company", "contributor"].iter().enumerate() {
        let field = if *section == "vision" {
            "quote"
        } else {
            "title"
        };
        tags.push(edit(port, &token, section, field, &format!("Live {n}")).await);
    }
    let first = stream.events(3).await;
    assert_eq!(first.len(), 3, "{first:?}");
    let ids: Vec<i64> = first.iter().map(|(id, _)| *id).collect();
    assert_eq!(ids, [ids[0], ids[0] + 1, ids[0] + 2], "consecutive ids");
    for ((_, data), (section, tag)) in first
        .iter()
        .zip(["vision", "company", "contributor"].iter().zip(&tags))
    {
        assert_eq!(data["page"], "_index");
        assert_eq!(data["section"], *section);
        assert_eq!(data["change"], "changed");
        assert_eq!(data["etag"], tag.as_str(), "the ETag a GET now answers");
        assert!(data["revision"].as_i64().unwrap() >= 2 && data["change_set"].is_i64());
    }
    let last_seen = ids[2];
    drop(stream); // disconnected

    // Two changes while away, a restart, one more.
    edit(port, &token, "vision", "quote", "Away 1").await;
    edit(port, &token, "vision", "quote", "Away 2").await;
    server.0.kill().unwrap();
    server.0.wait().unwrap();
    let (mut server, port) = start_binary(&database, &[]);
    edit(port, &token, "company", "title", "After the restart").await;

    let mut stream = Stream::new(port, Some(last_seen)).await;
    let resumed = stream.events(3).await;
    let ids: Vec<i64> = resumed.iter().map(|(id, _)| *id).collect();
    assert_eq!(
        ids,
        [last_seen + 1, last_seen + 2, last_seen + 3],
        "no gap, no repeat"
    );
    assert_eq!(resumed[2].1["section"], "company");
    // Then live.
    edit(port, &token, "contributor", "title", "Live again").await;
    let live = stream.events(1).await;
    assert_eq!(live[0].0, last_seen + 4);
    assert!(
        tokio::time::timeout(Duration::from_millis(500), stream.events(1))
            .await
            .is_err(),
        "nothing more: no repeat"
    );
    // An empty Last-Event-ID is no last event: the stream starts now.
    let empty = reqwest::Client::new()
        .get(format!("http://127.0.0.1:{port}/events"))
        .header("Last-Event-ID", "")
        .send()
        .await
        .unwrap();
    assert_eq!(empty.status(), 200);
    server.0.kill().unwrap();
    server.0.wait().unwrap();
}

#[tokio::test]
async fn streams_are_limited_kept_alive_and_counted() {
    let dir = tempfile::tempdir().unwrap();
    let (database, _) = database_with_token(dir.path(), "events");
    let (mut server, port) = start_binary(
        &database,
        &["--max-event-streams", "2", "--event-heartbeat-ms", "200"],
    );
    let mut first = Stream::new(port, None).await;
    let second = Stream::new(port, None).await;
    let refused = Stream::open(port, None).await;
    assert_eq!(refused.status(), 503);
    assert_eq!(refused.headers()["retry-after"], "5");
    assert_eq!(
        refused.headers()["content-type"],
        "application/problem+json"
    );
    // A heartbeat comes on an idle stream.
    let mut comments = Vec::new();
    while comments.len() < 2 {
        match first.next(Duration::from_secs(5)).await {
            Some(Block::Comment(c)) => comments.push(c),
            other => panic!("{other:?}"),
        }
    }
    assert!(comments.iter().any(|c| c == "heartbeat"), "{comments:?}");
    let metrics = reqwest::get(format!("http://127.0.0.1:{port}/metrics"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        metrics.lines().any(|l| l == "gen3_content_event_streams 2"),
        "{metrics}"
    );
    // One closed: room for another.
    drop(second);
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    loop {
        let r = Stream::open(port, None).await;
        if r.status() == 200 {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the closed stream was never counted out"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(Stream::open(port, Some(-1)).await.status(), 400);

    server.0.kill().unwrap();
    server.0.wait().unwrap();
}

#[tokio::test]
async fn one_address_cannot_hold_every_stream_and_a_closed_one_is_free_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let (database, _) = database_with_token(dir.path(), "events");
    // The default heartbeat (15 s): a closed stream must not wait for it to be counted out.
    let (mut server, port) = start_binary(&database, &["--max-event-streams-per-client", "2"]);
    let first = Stream::new(port, None).await;
    let _second = Stream::new(port, None).await;
    let refused = Stream::open(port, None).await;
    assert_eq!(refused.status(), 429, "a third from one address");
    assert_eq!(refused.headers()["retry-after"], "5");
    drop(first);
    let closed = tokio::time::Instant::now();
    loop {
        if Stream::open(port, None).await.status() == 200 {
            break;
        }
        assert!(
            closed.elapsed() < Duration::from_secs(4),
            "the slot of a closed stream was not free within 4 s"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    println!(
        "a closed stream's slot was free after {:?}",
        closed.elapsed()
    );
    server.0.kill().unwrap();
    server.0.wait().unwrap();
}

/// Sections moved (and nothing else) are a change of the page: a follower of the feed learns of
/// the new order, with the page's new `ETag`.
#[tokio::test]
async fn a_page_whose_sections_only_moved_is_announced_as_changed() {
    let dir = tempfile::tempdir().unwrap();
    let (database, token) = database_with_token(dir.path(), "events");
    let (server, port) = start_binary(&database, &[]);
    let client = reqwest::Client::new();
    let url = format!("http://127.0.0.1:{port}/pages/_index");
    let page: Value = client.get(&url).send().await.unwrap().json().await.unwrap();
    let mut order: Vec<Value> = page["sections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].clone())
        .collect();
    order.swap(0, 1);
    let mut stream = Stream::new(port, None).await;
    let r = client
        .put(format!("{url}/order"))
        .bearer_auth(&token)
        .header("If-Match", "*")
        .json(&order)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let tag = r.headers()["etag"].to_str().unwrap().to_owned();
    let events = stream.events(1).await;
    assert_eq!(events.len(), 1, "{events:?}");
    let data = &events[0].1;
    assert_eq!(data["page"], "_index");
    assert_eq!(data["section"], Value::Null);
    assert_eq!(data["change"], "changed");
    assert_eq!(data["etag"], tag.as_str(), "the page's new ETag");
    drop(server); // killed by its PID
}
