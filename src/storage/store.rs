//! The handle every layer above holds to reach the database: the connections to read with, the
//! one connection every write runs on, and whether the database takes writes. Nothing above
//! storage holds a pool or a connection of its own; they ask the store (and the content layer's
//! operations ask it for them), so that another database can stand behind the same handle.

use std::path::Path;
use std::sync::Arc;

use sqlx::SqlitePool;
use sqlx::pool::PoolConnection;

use super::StorageError;
use super::db::{self, Synchronous};
use super::health::{self, Fault, Health};

/// The database, opened and migrated.
#[derive(Debug, Clone)]
pub struct Store {
    read: SqlitePool,
    write: SqlitePool,
    health: Arc<Health>,
}

/// The connections of the reading pool, for the metrics.
#[derive(Debug, Clone, Copy)]
pub struct Connections {
    pub open: u32,
    pub idle: usize,
    pub max: u32,
}

impl Store {
    /// Opens (creating if needed) and migrates the database at `path`.
    pub async fn open(path: &Path, synchronous: Synchronous) -> anyhow::Result<Self> {
        let read = db::connect(path, synchronous).await?;
        let write = db::writer(path, synchronous).await?;
        Ok(Self {
            read,
            write,
            health: Arc::default(),
        })
    }

    /// Refuses a database this process may only read (SQLite opens it all the same, and would
    /// answer every write with an error): one line at start-up instead.
    pub async fn check_writable(&self) -> anyhow::Result<()> {
        if let Err(e) = health::probe(&mut *self.write.acquire().await?).await {
            let why = health::fault(&e).map_or("it refused a write", Fault::describe);
            anyhow::bail!("{why} ({e})");
        }
        Ok(())
    }

    /// A connection to read with.
    pub(crate) async fn reader(&self) -> Result<PoolConnection<sqlx::Sqlite>, StorageError> {
        Ok(self.read.acquire().await?)
    }

    /// The connection every write transaction runs on (see [`db::writer`]).
    pub(crate) async fn writer(&self) -> Result<PoolConnection<sqlx::Sqlite>, StorageError> {
        Ok(self.write.acquire().await?)
    }

    /// A write transaction (`BEGIN IMMEDIATE`: it holds the write lock from its start, so that
    /// what it reads stays what it writes over) on the writing connection.
    pub(crate) async fn begin_write(
        &self,
    ) -> Result<sqlx::Transaction<'static, sqlx::Sqlite>, StorageError> {
        Ok(self.write.begin_with("BEGIN IMMEDIATE").await?)
    }

    /// A read transaction: what it reads is one state of the database.
    pub(crate) async fn begin_read(
        &self,
    ) -> Result<sqlx::Transaction<'static, sqlx::Sqlite>, StorageError> {
        Ok(self.read.begin().await?)
    }

    /// The reading pool, for the background tasks that hold one.
    pub(crate) fn read_pool(&self) -> &SqlitePool {
        &self.read
    }

    /// The writing pool, for the background tasks that hold one.
    pub(crate) fn write_pool(&self) -> &SqlitePool {
        &self.write
    }

    /// Whether the database answers at all.
    pub async fn ping(&self) -> Result<(), StorageError> {
        Ok(super::ping(&mut *self.reader().await?).await?)
    }

    /// What the last write's outcome says about the database (see [`Health`]).
    pub fn health(&self) -> &Health {
        &self.health
    }

    /// The fault that stands, if any: see [`Health::check`].
    pub async fn fault(&self) -> Option<Fault> {
        self.health.check(&self.write).await
    }

    pub fn connections(&self) -> Connections {
        Connections {
            open: self.read.size(),
            idle: self.read.num_idle(),
            max: self.read.options().get_max_connections(),
        }
    }

    /// Closes every connection, once whatever uses them is done.
    pub async fn close(&self) {
        self.write.close().await;
        self.read.close().await;
    }
}
