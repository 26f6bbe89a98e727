//! Scheduled publishing: at its time, exactly once; rescheduled and cancelled; across a restart
//! (a time missed while no server ran is published on the next start, and how late is
//! recorded); and with two servers on one database file.

use std::time::{Duration, Instant};

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{TestApp, database_with_token, start_binary};

/// An RFC 3339 time `seconds` from now, written with the offset `offset` (`+01:00`, `Z`).
fn in_seconds(seconds: i64, offset: time::UtcOffset) -> String {
    let at = time::OffsetDateTime::now_utc() + time::Duration::seconds(seconds);
    at.to_offset(offset)
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap()
}

fn utc() -> time::UtcOffset {
    time::UtcOffset::UTC
}

/// A change set with `field` of landing section `section` set to `text`; its id.
async fn change_set_with(
    client: &reqwest::Client,
    base: &str,
    token: &str,
    section: &str,
    field: &str,
    text: &str,
) -> i64 {
    let created: Value = client
        .post(format!("{base}/changesets"))
        .bearer_auth(token)
        .json(&json!({"name": text}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = created["id"].as_i64().unwrap();
    let r = client
        .patch(format!("{base}/sections/{section}?changeset={id}"))
        .bearer_auth(token)
        .header("If-Match", "*")
        .header("Content-Type", "application/merge-patch+json")
        .body(json!({ field: text }).to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    id
}

async fn schedule(
    client: &reqwest::Client,
    base: &str,
    token: &str,
    id: i64,
    at: &str,
) -> reqwest::Response {
    client
        .put(format!("{base}/changesets/{id}/schedule"))
        .bearer_auth(token)
        .json(&json!({"publish_at": at}))
        .send()
        .await
        .unwrap()
}

async fn change_set(client: &reqwest::Client, base: &str, token: &str, id: i64) -> Value {
    client
        .get(format!("{base}/changesets/{id}"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

/// Waits (up to `limit`) until change set `id` is published; returns it.
async fn published(
    client: &reqwest::Client,
    base: &str,
    token: &str,
    id: i64,
    limit: Duration,
) -> Option<Value> {
    let deadline = Instant::now() + limit;
    while Instant::now() < deadline {
        if let Ok(r) = client
            .get(format!("{base}/changesets/{id}"))
            .bearer_auth(token)
            .send()
            .await
            && let Ok(set) = r.json::<Value>().await
            && set["state"] == "published"
        {
            return Some(set);
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    None
}

#[tokio::test]
async fn a_change_set_is_published_at_its_time_and_can_be_rescheduled_or_unscheduled() {
    let app = TestApp::builder()
        .settings(|s| s.schedule_interval = Duration::from_millis(100))
        .spawn()
        .await;
    let (client, base, token) = (&app.client, app.address.as_str(), app.editor.as_str());
    let a = change_set_with(client, base, token, "vision", "quote", "Scheduled A").await;
    let b = change_set_with(client, base, token, "company", "title", "Unscheduled B").await;
    let c = change_set_with(client, base, token, "contributor", "title", "Rescheduled C").await;

    // Written with an offset, stored and shown in UTC.
    let at = in_seconds(2, time::UtcOffset::from_hms(1, 0, 0).unwrap());
    let r = schedule(client, base, token, a, &at).await;
    assert_eq!(r.status(), 200);
    let shown: Value = r.json().await.unwrap();
    let publish_at = shown["publish_at"].as_str().unwrap().to_owned();
    assert!(publish_at.ends_with('Z'), "{publish_at}");
    assert_eq!(
        time::OffsetDateTime::parse(&publish_at, &time::format_description::well_known::Rfc3339)
            .unwrap(),
        time::OffsetDateTime::parse(&at, &time::format_description::well_known::Rfc3339)
            .unwrap()
            .replace_nanosecond(0)
            .unwrap()
    );
    assert_eq!(
        schedule(client, base, token, b, &in_seconds(2, utc()))
            .await
            .status(),
        200
    );
    let r = client
        .delete(format!("{base}/changesets/{b}/schedule"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert!(
        r.json::<Value>().await.unwrap().get("publish_at").is_none(),
        "unscheduled"
    );
    assert_eq!(
        schedule(client, base, token, c, &in_seconds(3600, utc()))
            .await
            .status(),
        200
    );
    assert_eq!(
        schedule(client, base, token, c, &in_seconds(2, utc()))
            .await
            .status(),
        200
    );

    // Refused: a time in the past, one without an offset, a published change set.
    for bad in [
        in_seconds(-60, utc()),
        "2030-01-01T00:00:00".to_owned(),
        "soon".to_owned(),
    ] {
        let r = schedule(client, base, token, b, &bad).await;
        assert_eq!(r.status(), 422, "{bad}");
        let problem: Value = r.json().await.unwrap();
        assert_eq!(problem["errors"][0]["pointer"], "/publish_at");
    }

    let before = app.get_json("/sections/vision").await;
    let set = published(client, base, token, a, Duration::from_secs(15))
        .await
        .expect("A published");
    assert_eq!(
        set["published_by"],
        app.editor_name.as_str(),
        "by who scheduled it"
    );
    let late = set["published_late_ms"].as_i64().expect("how late it was");
    assert!((0..5_000).contains(&late), "{late} ms late");
    assert_eq!(
        app.get_json("/sections/vision").await["quote"],
        "Scheduled A"
    );
    assert_ne!(before["quote"], "Scheduled A");
    published(client, base, token, c, Duration::from_secs(15))
        .await
        .expect("C published at its new time");
    assert_eq!(
        app.get_json("/sections/contributor").await["title"],
        "Rescheduled C"
    );
    // B was unscheduled: still open, unpublished.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let b_now = change_set(client, base, token, b).await;
    assert_eq!(b_now["state"], "open");
    assert_ne!(
        app.get_json("/sections/company").await["title"],
        "Unscheduled B"
    );
    // Published once: one page revision names it.
    let history: Value = app
        .with_token(Method::GET, "/pages/_index/revisions", Some(&app.reader))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let naming_a = history["revisions"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["change_set"] == a)
        .count();
    assert_eq!(naming_a, 1);
    assert_eq!(
        schedule(client, base, token, a, &in_seconds(60, utc()))
            .await
            .status(),
        409
    );
}

#[tokio::test]
async fn a_refused_scheduled_publish_clears_the_schedule_and_says_why() {
    let app = TestApp::builder()
        .settings(|s| s.schedule_interval = Duration::from_millis(100))
        .spawn()
        .await;
    let (client, base, token) = (&app.client, app.address.as_str(), app.editor.as_str());
    let a = change_set_with(
        client,
        base,
        token,
        "vision",
        "quote",
        "From the change set",
    )
    .await;
    // Live changes the same field meanwhile: a conflict at publish time.
    let r = app
        .patch("vision", "*", &json!({"quote": "From live"}))
        .await;
    assert_eq!(r.status(), 200);
    assert_eq!(
        schedule(client, base, token, a, &in_seconds(1, utc()))
            .await
            .status(),
        200
    );
    let deadline = Instant::now() + Duration::from_secs(15);
    let set = loop {
        let set = change_set(client, base, token, a).await;
        if set.get("schedule_error").is_some() || Instant::now() > deadline {
            break set;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert_eq!(set["state"], "open");
    assert!(set.get("publish_at").is_none(), "unscheduled: {set}");
    let why = set["schedule_error"].as_str().expect("why it was refused");
    assert!(why.contains("vision") && why.contains("/quote"), "{why}");
    assert_eq!(app.get_json("/sections/vision").await["quote"], "From live");
}

#[tokio::test]
async fn a_time_missed_while_no_server_ran_is_published_within_10_s_of_the_next_start() {
    let dir = tempfile::tempdir().unwrap();
    let (database, token) = database_with_token(dir.path(), "schedule");
    let client = reqwest::Client::new();
    let (mut server, port) = start_binary(&database, &[]);
    let base = format!("http://127.0.0.1:{port}");
    let id = change_set_with(&client, &base, &token, "vision", "quote", "Missed").await;
    assert_eq!(
        schedule(&client, &base, &token, id, &in_seconds(2, utc()))
            .await
            .status(),
        200
    );
    server.0.kill().unwrap(); // SIGKILL, long before its time
    server.0.wait().unwrap();
    tokio::time::sleep(Duration::from_secs(4)).await;

    let started = Instant::now();
    let (mut server, port) = start_binary(&database, &[]);
    let base = format!("http://127.0.0.1:{port}");
    let set = published(&client, &base, &token, id, Duration::from_secs(10))
        .await
        .expect("published within 10 s of the start");
    eprintln!("published {:?} after the start", started.elapsed());
    let late = set["published_late_ms"].as_i64().unwrap();
    assert!(late >= 2_000, "it was missed by more than 2 s: {late} ms");
    let sections: Value = client
        .get(format!("{base}/sections/vision"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(sections["quote"], "Missed");
    // Restarted again: published once, not twice.
    server.0.kill().unwrap();
    server.0.wait().unwrap();
    let (mut server, port) = start_binary(&database, &[]);
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let base = format!("http://127.0.0.1:{port}");
    let history: Value = client
        .get(format!("{base}/pages/_index/revisions"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let naming = history["revisions"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["change_set"] == id)
        .count();
    assert_eq!(naming, 1, "published exactly once");
    server.0.kill().unwrap();
    server.0.wait().unwrap();
}

#[tokio::test]
async fn two_servers_on_one_database_publish_each_scheduled_change_set_exactly_once() {
    let dir = tempfile::tempdir().unwrap();
    let (database, token) = database_with_token(dir.path(), "schedule");
    let client = reqwest::Client::new();
    let fast = ["--schedule-interval-ms", "20"];
    let (mut first, first_port) = start_binary(&database, &fast);
    let (mut second, second_port) = start_binary(&database, &fast);
    let bases = [
        format!("http://127.0.0.1:{first_port}"),
        format!("http://127.0.0.1:{second_port}"),
    ];
    // Six change sets, each changing its own field, made on either server, two due at each of
    // three seconds; both schedulers race for each.
    let fields = [
        ("vision", "quote"),
        ("company", "title"),
        ("contributor", "title"),
        ("users", "title"),
        ("roles", "title"),
        ("teaser", "title"),
    ];
    let mut ids = Vec::new();
    for (n, (section, field)) in fields.iter().enumerate() {
        let base = &bases[n % 2];
        let id = change_set_with(
            &client,
            base,
            &token,
            section,
            field,
            &format!("Both servers {n}"),
        )
        .await;
        let at = in_seconds(2 + n as i64 / 2, utc());
        assert_eq!(schedule(&client, base, &token, id, &at).await.status(), 200);
        ids.push(id);
    }
    for id in &ids {
        published(&client, &bases[0], &token, *id, Duration::from_secs(15))
            .await
            .expect("published");
    }
    // Which server published what: six in all, whichever won each race.
    let mut by_server = Vec::new();
    for base in &bases {
        let metrics = client
            .get(format!("{base}/metrics"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let count: u64 = metrics
            .lines()
            .find(|l| {
                l.starts_with("gen3_content_scheduled_publishes_total{outcome=\"published\"}")
            })
            .and_then(|l| l.rsplit(' ').next())
            .map_or(0, |n| n.parse().unwrap());
        by_server.push(count);
    }
    eprintln!(
        "published by the first server: {}, by the second: {}",
        by_server[0], by_server[1]
    );
    assert_eq!(by_server.iter().sum::<u64>(), 6);
    first.0.kill().unwrap();
    first.0.wait().unwrap();
    second.0.kill().unwrap();
    second.0.wait().unwrap();

    let pool = sqlx::sqlite::SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(gen3_content::storage::db::connect_options(
            &database,
            Default::default(),
        ))
        .await
        .unwrap();
    for (n, id) in ids.iter().enumerate() {
        let revisions: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM page_revisions WHERE change_set = ?")
                .bind(id)
                .fetch_one(&pool)
                .await
                .unwrap();
        assert_eq!(revisions, 1, "change set {id}: one publish");
        let (section, _) = fields[n];
        let texts: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM section_revisions WHERE section_id = ? AND content LIKE ?",
        )
        .bind(section)
        .bind(format!("%Both servers {n}%"))
        .fetch_one(&pool)
        .await
        .unwrap();
        assert_eq!(
            texts, 1,
            "{section}: one revision with the change set's text"
        );
    }
    pool.close().await;
}
