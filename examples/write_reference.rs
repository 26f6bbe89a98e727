//! The practical limit for a write: the same transaction `PUT` runs (`BEGIN IMMEDIATE`, store the
//! page with the section replaced as one page revision and a section revision, read the page
//! back, commit; see `content::write::Writer::write`), on the same pragmas
//! (`db::connect`), with no HTTP and no read model. `bench/run.sh` runs it beside the server.
//!
//! Usage: write_reference DATABASE [SECONDS] [full|normal]   (the database is seeded if empty)
//! Prints one line: `writes N seconds S per_second R p50_ms A p99_ms B max_ms C`.

use std::time::{Duration, Instant};

use gen3_content::content::{seed, store};
use gen3_content::model::{Errors, Model, Pointer, SectionContent};
use gen3_content::storage::db;

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
    let pool = db::connect(path.as_ref(), synchronous).await?;
    seed::seed_if_empty(&pool, &seed::load(seed::Source::Bundled)?).await?;

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

    let mut latencies = Vec::new();
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(seconds) {
        let began = Instant::now();
        let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
        let stored = store::load_page(&mut tx, &model, store::LANDING)
            .await?
            .expect("the landing page exists");
        let mut page = stored.page.clone();
        page.replace_section("vision", bodies[latencies.len() % 2].clone());
        store::store_page(
            &mut tx,
            store::LANDING,
            &stored.file,
            &page,
            None,
            "reference",
            None,
        )
        .await?;
        store::load_page(&mut tx, &model, store::LANDING).await?;
        tx.commit().await?;
        latencies.push(began.elapsed());
    }
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
