//! SQL and nothing else. Every function takes a connection (or `&mut *tx`), so the caller decides
//! what is one transaction.

mod batch;
pub mod change_sets;
pub mod changes;
mod conn;
pub mod db;
pub mod deliveries;
pub mod deploys;
mod direct;
pub mod durable;
mod error;
pub mod feed;
pub mod health;
pub mod models;
pub mod page;
pub mod publish;
pub mod revisions;
pub mod sections;
mod store;
pub mod tokens;
pub mod webhooks;

pub use conn::{Conn, Connection, Tx, begin};
pub use error::{Failure, Missing, StorageError};
pub use store::{Connections, Store};

use sqlx::SqliteConnection;

/// Whether the database answers at all.
pub async fn ping(conn: &mut SqliteConnection) -> Result<(), StorageError> {
    sqlx::query_scalar!("SELECT 1").fetch_one(conn).await?;
    Ok(())
}

/// SQLite's counter of commits by other connections (`PRAGMA data_version`): how a server notices
/// content written by another process.
pub async fn data_version(conn: &mut SqliteConnection) -> Result<i64, StorageError> {
    sqlx::query_scalar("PRAGMA data_version")
        .fetch_one(conn)
        .await
        .map_err(StorageError::from)
}

#[cfg(test)]
mod tests;
