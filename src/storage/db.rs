//! The one place that opens the database: every pragma is set explicitly, then migrations run.

use std::path::Path;
use std::time::Duration;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Connection, SqliteConnection, SqlitePool};

/// When a commit counts as done: SQLite's `synchronous` pragma, in WAL mode.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Synchronous {
    /// The WAL is fsynced at every commit: an acknowledged write survives a power loss.
    #[default]
    Full,
    /// No fsync per commit: an acknowledged write survives a crash of the process (it is in the
    /// operating system's cache), but the last ones can be lost with the machine's power. The
    /// database stays consistent either way.
    Normal,
}

pub fn connect_options(path: &Path, synchronous: Synchronous) -> SqliteConnectOptions {
    SqliteConnectOptions::new()
        .filename(path)
        .create_if_missing(true)
        // WAL: readers never block the writer and the writer never blocks readers.
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(match synchronous {
            Synchronous::Full => SqliteSynchronous::Full,
            Synchronous::Normal => SqliteSynchronous::Normal,
        })
        .foreign_keys(true)
        // Another process (an `import`) may hold the write lock for a moment.
        .busy_timeout(Duration::from_secs(5))
        // Reads of the whole site (a server's start, an export) map the file rather than copy
        // each page out of it with a system call.
        .pragma("mmap_size", "1073741824")
}

/// Opens (creating if needed) and migrates the database.
pub async fn connect(path: &Path, synchronous: Synchronous) -> anyhow::Result<SqlitePool> {
    open(path, connect_options(path, synchronous), 4).await
}

/// A pool of one connection to the (migrated) database, for every write transaction of a server,
/// committing at `synchronous = normal`: the store syncs its commits itself (`durable.rs`).
/// SQLite runs one writer at a time anyway; a connection's page cache is dropped whenever
/// another connection commits, so writes spread over a pool's connections each began by reading
/// back from the file what the previous write had just changed. One writing connection keeps
/// its cache, and a write touches only the pages it changes.
pub async fn writer(path: &Path) -> anyhow::Result<SqlitePool> {
    open(path, connect_options(path, Synchronous::Normal), 1).await
}

async fn open(
    path: &Path,
    options: SqliteConnectOptions,
    connections: u32,
) -> anyhow::Result<SqlitePool> {
    let pool = SqlitePoolOptions::new()
        .max_connections(connections)
        .acquire_timeout(Duration::from_secs(5))
        // A SQLite connection is a thread of this process: it has no peer that could hang up
        // while idle, and the default test (a ping) would cost a round trip to that thread on
        // every acquire, as much as a statement. A connection left unusable is closed when it
        // comes back instead (`still_usable`).
        .test_before_acquire(false)
        .after_release(|conn, _| Box::pin(still_usable(conn)))
        .connect_with(options)
        .await
        .map_err(|e| anyhow::anyhow!("cannot open the database {}: {e}", path.display()))?;
    sqlx::migrate!()
        .run(&pool)
        .await
        .map_err(|e| anyhow::anyhow!("cannot migrate the database {}: {e}", path.display()))?;
    Ok(pool)
}

/// Whether a connection that comes back to the pool may be handed out again. A transaction
/// dropped without a commit queues its rollback; a commit or rollback that failed (a full disk:
/// SQLite may have rolled the transaction back itself, so the queued `ROLLBACK` fails too) leaves
/// the connection counted as inside a transaction, and every `begin` on it would fail from then
/// on. Such a connection is closed instead, and the pool opens a fresh one when it needs one.
async fn still_usable(conn: &mut SqliteConnection) -> sqlx::Result<bool> {
    if !conn.is_in_transaction() {
        return Ok(true);
    }
    // Runs after the queued rollback, if there is one.
    conn.ping().await?;
    Ok(!conn.is_in_transaction())
}
