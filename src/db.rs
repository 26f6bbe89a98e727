//! The one place that opens the database: every pragma is set explicitly, then migrations run.

use std::path::Path;
use std::time::Duration;

use sqlx::SqlitePool;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};

pub fn connect_options(path: &Path) -> SqliteConnectOptions {
    SqliteConnectOptions::new()
        .filename(path)
        .create_if_missing(true)
        // WAL: readers never block the writer and the writer never blocks readers.
        .journal_mode(SqliteJournalMode::Wal)
        // FULL: a commit is on disk before an editor hears 200, even if the machine loses power.
        .synchronous(SqliteSynchronous::Full)
        .foreign_keys(true)
        // Another process (an `import`) may hold the write lock for a moment.
        .busy_timeout(Duration::from_secs(5))
}

/// Opens (creating if needed) and migrates the database.
pub async fn connect(path: &Path) -> anyhow::Result<SqlitePool> {
    let pool = SqlitePoolOptions::new()
        .max_connections(4)
        .acquire_timeout(Duration::from_secs(5))
        .connect_with(connect_options(path))
        .await
        .map_err(|e| anyhow::anyhow!("cannot open the database {}: {e}", path.display()))?;
    sqlx::migrate!()
        .run(&pool)
        .await
        .map_err(|e| anyhow::anyhow!("cannot migrate the database {}: {e}", path.display()))?;
    Ok(pool)
}
