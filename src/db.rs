//! The one place that opens the database: every pragma is set explicitly, then migrations run.

use std::path::Path;
use std::time::Duration;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{SqliteConnection, SqlitePool};

use crate::storage;

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
}

/// Opens (creating if needed) and migrates the database, for a command that runs and ends:
/// SQLite checkpoints the WAL into the database file itself, in whichever commit fills it.
pub async fn connect(path: &Path, synchronous: Synchronous) -> anyhow::Result<SqlitePool> {
    open(path, connect_options(path, synchronous)).await
}

/// Opens and migrates the database for the server, whose pool never checkpoints: the commit that
/// happened to fill the WAL would otherwise copy it into the database file and fsync that, a
/// stall of tens of milliseconds (more on a busy disk) in the middle of one editor's write.
/// [`checkpoint_in_background`] does it instead, on a connection of its own.
pub async fn connect_server(path: &Path, synchronous: Synchronous) -> anyhow::Result<SqlitePool> {
    let options = connect_options(path, synchronous).pragma("wal_autocheckpoint", "0");
    open(path, options).await
}

/// Copies what the WAL holds into the database file every `every`, without waiting for readers
/// or writers (a passive checkpoint): frequent enough that each copy, and its fsync, stays small.
pub async fn checkpoint_in_background(mut conn: SqliteConnection, every: Duration) {
    let mut ticker = tokio::time::interval(every);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticker.tick().await;
        if let Err(e) = storage::checkpoint(&mut conn).await {
            tracing::warn!(error = %e, "cannot checkpoint the WAL");
        }
    }
}

async fn open(path: &Path, options: SqliteConnectOptions) -> anyhow::Result<SqlitePool> {
    let pool = SqlitePoolOptions::new()
        .max_connections(4)
        .acquire_timeout(Duration::from_secs(5))
        .connect_with(options)
        .await
        .map_err(|e| anyhow::anyhow!("cannot open the database {}: {e}", path.display()))?;
    sqlx::migrate!()
        .run(&pool)
        .await
        .map_err(|e| anyhow::anyhow!("cannot migrate the database {}: {e}", path.display()))?;
    Ok(pool)
}
