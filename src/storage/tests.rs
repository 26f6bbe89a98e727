//! The rules storage owns, on a real SQLite database made by the migrations: what one publish
//! writes (its change set, revisions, feed and outbox rows), that a publish worked out from a
//! state the database no longer holds is refused whole (in a transaction, and at once on the
//! direct connection, whose errors storage classifies as sqlx's), what a server following the database
//! hears of other commits, and that the store says what it did not find.

use sqlx::{Connection, Row, SqlitePool};

use super::publish::{ChangeSetRef, NewFeedRow, PageRows, Publish, SectionRows, publish};
use super::{Missing, StorageError, Store};

const AT: &str = "2026-12-07T12:00:00Z";

/// Page `id` at `revision` (its first when `previous` is `None`) with one section `s` whose
/// content is `text`.
fn page(id: &str, previous: Option<i64>, text: &str) -> PageRows {
    let revision = previous.map_or(1, |p| p + 1);
    PageRows {
        id: id.to_owned(),
        file: format!("{id}.md"),
        source: None,
        previous,
        moved: false,
        revision,
        metadata: previous.is_none().then(|| r#"{"title":"T"}"#.to_owned()),
        body: previous.is_none().then(|| "Body.".to_owned()),
        layout: format!(r#"[["s",{revision}]]"#),
        changes: r#"["/sections/s"]"#.to_owned(),
        deleted_at: None,
        author: "editor".to_owned(),
        created_at: AT.to_owned(),
        sections: vec![SectionRows {
            id: "s".to_owned(),
            key: "s".to_owned(),
            kind: "text".to_owned(),
            position: Some(1),
            revision,
            content: Some(format!(r#"{{"type":"text","text":"{text}"}}"#)),
            new: previous.is_none(),
        }],
    }
}

fn feed_row(page: &str, revision: i64) -> NewFeedRow {
    NewFeedRow {
        page: page.to_owned(),
        section: Some("s".to_owned()),
        change: "changed",
        revision,
        etag: Some(format!("\"{page}-{revision}\"")),
    }
}

fn live(name: &'static str) -> ChangeSetRef<'static> {
    ChangeSetRef::NewLive {
        name,
        author: "editor",
        at: AT,
    }
}

/// Registers a webhook, which the outbox's rows are for.
async fn hooked(pool: &SqlitePool) {
    super::webhooks::insert(
        &mut pool.acquire().await.unwrap(),
        "http://127.0.0.1:9/",
        "s",
        AT,
    )
    .await
    .unwrap();
}

async fn count(pool: &SqlitePool, sql: &str) -> i64 {
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .fetch_one(pool)
        .await
        .unwrap()
        .get(0)
}

#[sqlx::test]
async fn a_live_publish_writes_its_change_set_revisions_feed_and_outbox_in_one_batch(
    pool: SqlitePool,
) {
    hooked(&pool).await;
    let mut conn = pool.acquire().await.unwrap();
    let mut tx = conn.begin().await.unwrap();
    let written = publish(
        &mut tx,
        &Publish {
            set: live("live write"),
            pages: &[page("a", None, "one")],
            feed: &[feed_row("a", 1)],
            at: AT,
            outbox: Some(r#"{"change_set":null,"pages":["a"]}"#),
        },
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();

    let set: (String, bool, String) =
        sqlx::query_as("SELECT state, live, published_by FROM change_sets WHERE id = ?")
            .bind(written.change_set)
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(set, ("published".to_owned(), true, "editor".to_owned()));
    let revision: (i64, Option<i64>) =
        sqlx::query_as("SELECT revision, change_set FROM page_revisions WHERE page_id = 'a'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(revision, (1, Some(written.change_set)));
    assert_eq!(
        count(&pool, "SELECT COUNT(*) FROM section_revisions").await,
        1
    );
    let feed: Vec<i64> = sqlx::query_scalar("SELECT id FROM feed ORDER BY id")
        .fetch_all(&pool)
        .await
        .unwrap();
    assert_eq!(feed, written.feed);
    // The outbox's event names the change set the batch allocated.
    let event: String = sqlx::query_scalar("SELECT event FROM outbox")
        .fetch_one(&pool)
        .await
        .unwrap();
    let event: serde_json::Value = serde_json::from_str(&event).unwrap();
    assert_eq!(event["change_set"], written.change_set);
}

#[sqlx::test]
async fn a_publish_with_no_webhook_to_hear_it_writes_no_outbox_row(pool: SqlitePool) {
    let announce = |name| Publish {
        set: live(name),
        pages: &[],
        feed: &[],
        at: AT,
        outbox: Some("{}"),
    };
    let mut conn = pool.acquire().await.unwrap();
    publish(&mut conn, &announce("unheard")).await.unwrap();
    assert_eq!(count(&pool, "SELECT COUNT(*) FROM outbox").await, 0);
    // A webhook hears what is published after it is made.
    hooked(&pool).await;
    publish(&mut conn, &announce("heard")).await.unwrap();
    assert_eq!(count(&pool, "SELECT COUNT(*) FROM outbox").await, 1);
    sqlx::query("UPDATE webhooks SET removed_at = ?")
        .bind(AT)
        .execute(&pool)
        .await
        .unwrap();
    publish(&mut conn, &announce("removed")).await.unwrap();
    assert_eq!(count(&pool, "SELECT COUNT(*) FROM outbox").await, 1);
}

#[sqlx::test]
async fn a_publish_from_a_state_no_longer_stored_is_stale_and_leaves_nothing(pool: SqlitePool) {
    let mut conn = pool.acquire().await.unwrap();
    let mut tx = conn.begin().await.unwrap();
    publish(
        &mut tx,
        &Publish {
            set: live("first"),
            pages: &[page("a", None, "one")],
            feed: &[],
            at: AT,
            outbox: None,
        },
    )
    .await
    .unwrap();
    publish(
        &mut tx,
        &Publish {
            set: live("second"),
            pages: &[page("a", Some(1), "two")],
            feed: &[],
            at: AT,
            outbox: None,
        },
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let sets = count(&pool, "SELECT COUNT(*) FROM change_sets").await;

    // Worked out from revision 1 again: revision 2 exists.
    let mut tx = conn.begin().await.unwrap();
    let stale = publish(
        &mut tx,
        &Publish {
            set: live("third"),
            pages: &[page("a", Some(1), "three")],
            feed: &[],
            at: AT,
            outbox: None,
        },
    )
    .await
    .unwrap_err();
    assert!(matches!(stale, StorageError::Stale), "{stale:?}");
    drop(tx);
    assert_eq!(count(&pool, "SELECT COUNT(*) FROM change_sets").await, sets);
    assert_eq!(
        count(&pool, "SELECT revision FROM pages WHERE id = 'a'").await,
        2
    );
}

#[sqlx::test]
async fn a_publish_of_many_pages_is_written_whole_with_its_feed_in_order(pool: SqlitePool) {
    hooked(&pool).await;
    // More pages and feed rows than one batch holds.
    let pages: Vec<PageRows> = (0..120)
        .map(|n| page(&format!("p{n:03}"), None, "x"))
        .collect();
    let feed: Vec<NewFeedRow> = (0..1200)
        .map(|n| feed_row(&format!("p{:03}", n % 120), 1))
        .collect();
    let mut conn = pool.acquire().await.unwrap();
    let mut tx = conn.begin().await.unwrap();
    let written = publish(
        &mut tx,
        &Publish {
            set: live("import"),
            pages: &pages,
            feed: &feed,
            at: AT,
            outbox: Some("{}"),
        },
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(count(&pool, "SELECT COUNT(*) FROM pages").await, 120);
    assert_eq!(written.feed.len(), 1200);
    assert!(written.feed.windows(2).all(|w| w[0] < w[1]));
    let sets: Vec<Option<i64>> =
        sqlx::query_scalar("SELECT DISTINCT change_set FROM page_revisions")
            .fetch_all(&pool)
            .await
            .unwrap();
    assert_eq!(sets, vec![Some(written.change_set)]);
    let event: String = sqlx::query_scalar("SELECT event FROM outbox")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&event).unwrap()["change_set"],
        written.change_set
    );
}

#[sqlx::test]
async fn a_follower_hears_of_every_page_written_moved_and_every_change_set_kept(pool: SqlitePool) {
    use super::changes::{Cursor, last, since};
    let mut conn = pool.acquire().await.unwrap();
    let start = last(&mut conn).await.unwrap();
    let write = |name, pages: &'static [&'static str]| {
        let rows: Vec<PageRows> = pages.iter().map(|p| page(p, None, name)).collect();
        let feed: Vec<NewFeedRow> = pages.iter().map(|p| feed_row(p, 1)).collect();
        (rows, feed)
    };
    let (rows, feed) = write("one", &["b", "a"]);
    let mut tx = conn.begin().await.unwrap();
    publish(
        &mut tx,
        &Publish {
            set: live("new"),
            pages: &rows,
            feed: &feed,
            at: AT,
            outbox: None,
        },
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    // A page write leaves no `changes` row: its feed rows tell it.
    assert_eq!(count(&pool, "SELECT COUNT(*) FROM changes").await, 0);
    let seen = since(&mut conn, start).await.unwrap();
    assert_eq!(seen.pages, ["b", "a"]);
    assert!(seen.change_sets.is_empty() && !seen.pruned);
    assert_eq!(since(&mut conn, seen.next).await.unwrap().next, seen.next);

    // A page whose file moved without a revision, and a change set editors keep (not live).
    super::page::set_file(&mut conn, "a", "moved/a.md", None)
        .await
        .unwrap();
    super::page::set_file(&mut conn, "b", "b.md", None)
        .await
        .unwrap();
    sqlx::query(
        "INSERT INTO change_sets (name, created_by, created_at, state, live) \
         VALUES ('draft', 'editor', ?, 'open', 0)",
    )
    .bind(AT)
    .execute(&pool)
    .await
    .unwrap();
    let moved = since(&mut conn, seen.next).await.unwrap();
    assert_eq!(moved.pages, ["a"]);
    assert_eq!(moved.change_sets.len(), 1);
    assert_eq!(moved.next, last(&mut conn).await.unwrap());
    assert_ne!(moved.next, Cursor::default());
}

#[tokio::test]
async fn the_store_says_what_it_did_not_find() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("store.db"), Default::default())
        .await
        .unwrap();
    let missing = |e: StorageError| match e {
        StorageError::NotFound(what) => what,
        other => panic!("not a NotFound: {other:?}"),
    };
    assert_eq!(
        missing(store.revoke_token("nobody", AT).await.unwrap_err()),
        Missing::Token("nobody".to_owned())
    );
    assert_eq!(
        missing(store.webhook_deliveries(7, 10).await.unwrap_err()),
        Missing::Webhook(7)
    );
    assert_eq!(
        missing(store.redeliver("msg_x", AT, AT).await.unwrap_err()),
        Missing::Delivery("msg_x".to_owned())
    );
    store.close().await;
}

#[sqlx::test]
async fn a_page_row_names_a_new_file_only_when_the_page_moved(pool: SqlitePool) {
    let mut conn = pool.acquire().await.unwrap();
    let mut tx = conn.begin().await.unwrap();
    publish(
        &mut tx,
        &Publish {
            set: live("one"),
            pages: &[page("a", None, "one")],
            feed: &[],
            at: AT,
            outbox: None,
        },
    )
    .await
    .unwrap();
    // A write that keeps the page's file leaves the page row's file as it is.
    let mut kept = page("a", Some(1), "two");
    kept.file = "elsewhere.md".to_owned();
    publish(
        &mut tx,
        &Publish {
            set: live("two"),
            pages: &[kept],
            feed: &[],
            at: AT,
            outbox: None,
        },
    )
    .await
    .unwrap();
    let file: String = sqlx::query_scalar("SELECT file FROM pages WHERE id = 'a'")
        .fetch_one(&mut *tx)
        .await
        .unwrap();
    assert_eq!(file, "a.md");
    let mut moved = page("a", Some(2), "three");
    moved.file = "elsewhere.md".to_owned();
    moved.moved = true;
    publish(
        &mut tx,
        &Publish {
            set: live("three"),
            pages: &[moved],
            feed: &[],
            at: AT,
            outbox: None,
        },
    )
    .await
    .unwrap();
    let (file, revision): (String, i64) =
        sqlx::query_as("SELECT file, revision FROM pages WHERE id = 'a'")
            .fetch_one(&mut *tx)
            .await
            .unwrap();
    assert_eq!((file.as_str(), revision), ("elsewhere.md", 3));
}

/// What the direct connection (`direct.rs`) writes for a live write is what a batch writes in a
/// transaction; a stale write and one SQLite refuses leave nothing, and the next write is made.
#[tokio::test]
async fn a_write_at_once_is_written_whole_or_not_at_all_and_the_next_one_goes_through() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("store.db");
    let store = Store::open(&path, Default::default()).await.unwrap();
    let write = |set, pages: Vec<PageRows>, feed: Vec<NewFeedRow>| {
        let store = &store;
        async move {
            let mut conn = store.writer().await.unwrap();
            let publish = Publish {
                set,
                pages: &pages,
                feed: &feed,
                at: AT,
                outbox: Some(r#"{"type":"content.published"}"#),
            };
            let (written, commit) = store.publish_alone(&mut conn, &publish).await?;
            commit.durable().await?;
            Ok::<_, StorageError>(written)
        }
    };
    let first = write(
        live("first"),
        vec![page("a", None, "one")],
        vec![feed_row("a", 1)],
    )
    .await
    .unwrap();
    let second = write(
        live("second"),
        vec![page("a", Some(1), "two")],
        vec![feed_row("a", 2)],
    )
    .await
    .unwrap();
    assert_eq!(second.change_set, first.change_set + 1);
    assert_eq!(second.feed, [first.feed[0] + 1]);

    // Worked out from revision 1 again: refused as stale, nothing written.
    let stale = write(live("third"), vec![page("a", Some(1), "three")], vec![])
        .await
        .unwrap_err();
    assert!(matches!(stale, StorageError::Stale), "{stale:?}");
    // Content SQLite refuses (not a JSON object): the database's error, nothing written.
    let mut bad = page("a", Some(2), "x");
    bad.sections[0].content = Some("not JSON".to_owned());
    let refused = write(live("fourth"), vec![bad], vec![]).await.unwrap_err();
    assert!(matches!(refused, StorageError::Database(_)), "{refused:?}");

    let pool = super::db::connect(&path, Default::default()).await.unwrap();
    assert_eq!(count(&pool, "SELECT COUNT(*) FROM change_sets").await, 2);
    assert_eq!(count(&pool, "SELECT COUNT(*) FROM page_revisions").await, 2);
    assert_eq!(count(&pool, "SELECT COUNT(*) FROM feed").await, 2);
    assert_eq!(
        count(&pool, "SELECT revision FROM pages WHERE id = 'a'").await,
        2
    );
    // The next write goes through on the same connections.
    let next = write(
        live("fifth"),
        vec![page("a", Some(2), "three")],
        vec![feed_row("a", 3)],
    )
    .await
    .unwrap();
    assert_eq!(next.change_set, second.change_set + 1);
    assert_eq!(
        count(&pool, "SELECT revision FROM pages WHERE id = 'a'").await,
        3
    );
    pool.close().await;
    store.close().await;
}
