//! The practical limit for a write: the same transaction `PUT` runs (`BEGIN IMMEDIATE`, the page
//! with the section replaced committed through `content::write::commit` as a live change set of
//! one change, its revisions, feed and outbox rows in one batch, `COMMIT`; see
//! `content::write::Writer::write`), on the same pragmas (`db::connect`), with no HTTP.
//! `bench/writes.sh` runs it beside the server.
//!
//! Usage: write_reference DATABASE [SECONDS] [full|normal]   (the database is seeded if empty)
//! Prints one line: `writes N seconds S per_second R p50_ms A p99_ms B max_ms C`.

use std::time::{Duration, Instant};

use sqlx::Connection;

use gen3_content::content::read::stored as store;
use gen3_content::content::site::seed;
use gen3_content::content::write::commit::{PageChange, Publisher, commit};
use gen3_content::model::{Errors, Model, Pointer, SectionContent};
use gen3_content::storage::db;
use gen3_content::storage::publish::ChangeSetRef;

#[tokio::main(flavor = "current_thread")]
async fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let path = args
        .next()
        .ok_or_else(|| anyhow::anyhow!("usage: write_reference DATABASE [SECONDS]"))?;
    let seconds: u64 = args.next().map_or(Ok(10), |s| s.parse())?;
    let synchronous = match args.next().as_deref() {
        None | Some("full") => db::Synchronous::Full,
        Some("normal") => db::Synchronous::Normal,
        Some(other) => anyhow::bail!("synchronous must be full or normal, not {other}"),
    };
    let store = gen3_content::storage::Store::open(path.as_ref(), synchronous).await?;
    seed::seed_if_empty(&store, &seed::load(seed::Source::Bundled)?).await?;
    store.close().await;
    let pool = db::connect(path.as_ref(), synchronous).await?;

    // The two bodies the benchmark's PUTs alternate between, so every write stores a revision.
    let model = Model::built_in();
    let bodies: Vec<SectionContent> = ["A", "B"]
        .iter()
        .map(|tag| {
            let value =
                serde_json::json!({"type": "vision", "quote": format!("Benchmark quote {tag}.")});
            model
                .section("vision", &value, &Pointer::root(), &mut Errors::default())
                .expect("a valid body")
        })
        .collect();

    let mut conn = pool.acquire().await?;
    let mut stored = store::load(&mut conn, &model, store::LANDING)
        .await?
        .expect("the landing page exists");
    drop(conn);
    let model = std::sync::Arc::new(model);
    let mut writer = pool.acquire().await?;
    let mut latencies = Vec::new();
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(seconds) {
        let began = Instant::now();
        let mut page = stored.page.clone();
        page.replace_section("vision", bodies[latencies.len() % 2].clone());
        let mut tx = writer.begin_with("BEGIN IMMEDIATE").await?;
        let at = gen3_content::model::Timestamp::now().to_rfc3339();
        let name = "live write: section vision of page _index";
        let by = Publisher {
            set: ChangeSetRef::NewLive {
                name,
                author: "reference",
                at: &at,
            },
            name,
            author: "reference",
        };
        let change = PageChange::of_stored(&stored, Some(&page));
        let committed = commit(&mut tx, by, &model, &[change], &|_| None).await?;
        tx.commit().await?;
        let written = committed.pages.into_iter().next().and_then(|p| p.snapshot);
        stored = written.expect("the page stays").stored().clone();
        latencies.push(began.elapsed());
    }
    drop(writer);
    let elapsed = start.elapsed().as_secs_f64();
    latencies.sort_unstable();
    let at = |q: f64| latencies[((latencies.len() as f64 * q) as usize).min(latencies.len() - 1)];
    println!(
        "writes {} seconds {:.2} per_second {:.0} p50_ms {:.3} p99_ms {:.3} max_ms {:.3}",
        latencies.len(),
        elapsed,
        latencies.len() as f64 / elapsed,
        at(0.50).as_secs_f64() * 1000.0,
        at(0.99).as_secs_f64() * 1000.0,
        latencies
            .last()
            .map_or(0.0, |max| max.as_secs_f64() * 1000.0),
    );
    pool.close().await;
    Ok(())
}
