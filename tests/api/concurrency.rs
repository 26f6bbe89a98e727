//! Lost updates cannot happen: of many writers holding the same `ETag`, exactly one wins.

use std::collections::HashMap;

use serde_json::{Value, json};

use crate::helpers::spawn_app;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn of_32_concurrent_puts_with_one_if_match_exactly_one_wins() {
    let app = spawn_app().await;
    let etag = app.etag("/sections/vision").await;
    let writes = (0..32).map(|i| {
        let app = &app;
        let etag = etag.clone();
        async move {
            let body = json!({"quote": format!("Writer {i} was here.")});
            let response = app.put("vision", &etag, &body).await;
            (i, response.status().as_u16(), body)
        }
    });
    let results = futures_util::future::join_all(writes).await;

    let mut by_status: HashMap<u16, Vec<usize>> = HashMap::new();
    for (i, status, _) in &results {
        by_status.entry(*status).or_default().push(*i);
    }
    assert_eq!(by_status.get(&200).map(Vec::len), Some(1), "{by_status:?}");
    assert_eq!(by_status.get(&412).map(Vec::len), Some(31), "{by_status:?}");

    let winner = by_status[&200][0];
    let stored: Value = app.get_json("/sections/vision").await;
    assert_eq!(stored["quote"], results[winner].2["quote"]);
    assert_eq!(stored["revision"], 2);
    // The database agrees with what is served, and history holds one new revision.
    let pool = app.other_process().await;
    let (revision, content): (i64, String) = sqlx::query_as(
        "SELECT r.revision, r.content FROM page_sections s
         JOIN section_revisions r
           ON r.page_id = s.page_id AND r.section_id = s.id AND r.revision = s.revision
         WHERE s.page_id = '_index' AND s.id = 'vision'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(revision, 2);
    let content: Value = serde_json::from_str(&content).unwrap();
    assert_eq!(content["quote"], results[winner].2["quote"]);
    assert_eq!(
        app.history("vision").await["revisions"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
}

/// Writers in flight together share the disk's syncs, and none is answered before what it wrote
/// is served: a read right after each answer shows that write or a later one, and every write is
/// one revision, in order, in the database.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn each_answered_write_is_served_at_once_and_stored_in_order() {
    const WRITERS: usize = 8;
    const EACH: usize = 10;
    let app = spawn_app().await;
    let writers = (0..WRITERS).map(|w| {
        let app = &app;
        async move {
            for n in 0..EACH {
                let body = json!({"quote": format!("Writer {w}, write {n}.")});
                let response = app.put("vision", "*", &body).await;
                assert_eq!(response.status(), 200, "writer {w}, write {n}");
                let written: Value = response.json().await.unwrap();
                let revision = written["revision"].as_i64().unwrap();
                let served: Value = app.get_json("/sections/vision").await;
                assert!(
                    served["revision"].as_i64().unwrap() >= revision,
                    "writer {w} was answered revision {revision}, then read {served}"
                );
            }
        }
    });
    futures_util::future::join_all(writers).await;

    let last = (WRITERS * EACH + 1) as i64;
    let served: Value = app.get_json("/sections/vision").await;
    assert_eq!(served["revision"], last);
    let pool = app.other_process().await;
    let revisions: Vec<i64> = sqlx::query_scalar(
        "SELECT revision FROM section_revisions
         WHERE page_id = '_index' AND section_id = 'vision' ORDER BY revision",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(revisions, (1..=last).collect::<Vec<_>>());
    let current: i64 = sqlx::query_scalar(
        "SELECT revision FROM page_sections WHERE page_id = '_index' AND id = 'vision'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(current, last);
}
