//! The handle every layer above holds to reach the database: the connections to read with, the
//! one connection every write runs on, and whether the database takes writes. Nothing above
//! storage holds a pool or a connection of its own; they ask the store (and the content layer's
//! operations ask it for them), so that another database can stand behind the same handle.

use std::ops::{Deref, DerefMut};
use std::path::Path;
use std::sync::Arc;

use sqlx::SqlitePool;
use sqlx::pool::PoolConnection;

use super::StorageError;
use super::db::{self, Synchronous};
use super::durable::{Commit, Durability};
use super::health::{self, Fault, Health};

/// The database, opened and migrated.
#[derive(Debug, Clone)]
pub struct Store {
    read: SqlitePool,
    write: SqlitePool,
    health: Arc<Health>,
    durability: Arc<Durability>,
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
        let write = db::writer(path).await?;
        Ok(Self {
            read,
            write,
            health: Arc::default(),
            durability: Arc::new(Durability::new(path, synchronous == Synchronous::Full)),
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
    pub(crate) async fn reader(&self) -> Result<Conn, StorageError> {
        Ok(Conn(self.read.acquire().await?))
    }

    /// The connection every write transaction runs on (see [`db::writer`]), for a write of one
    /// statement.
    pub(crate) async fn writer(&self) -> Result<Conn, StorageError> {
        Ok(Conn(self.write.acquire().await?))
    }

    /// A write transaction (`BEGIN IMMEDIATE`: it holds the write lock from its start, so that
    /// what it reads stays what it writes over) on the writing connection.
    ///
    /// Its commit is synced by SQLite inside `COMMIT` (`synchronous = FULL` for it), on the
    /// connection's own thread: a writer that no one waits behind gains nothing from syncing
    /// outside the lock, and saves the hand-over to a thread that syncs.
    pub(crate) async fn begin_write(&self) -> Result<Tx<'static>, StorageError> {
        self.begin_write_as(self.durability.syncs_commits()).await
    }

    /// As [`Store::begin_write`], for a commit that is synced after it, outside whatever lock
    /// the caller lets go once it has committed ([`Tx::commit_deferred`], [`Commit::durable`]).
    pub(crate) async fn begin_write_deferring(&self) -> Result<Tx<'static>, StorageError> {
        self.begin_write_as(false).await
    }

    async fn begin_write_as(&self, synced_inside: bool) -> Result<Tx<'static>, StorageError> {
        // One `exec` with the `BEGIN`: no round trip of its own.
        let begin = if synced_inside {
            "PRAGMA synchronous = FULL; BEGIN IMMEDIATE"
        } else {
            "PRAGMA synchronous = NORMAL; BEGIN IMMEDIATE"
        };
        Ok(Tx {
            tx: self.write.begin_with(begin).await?,
            durability: Some(self.durability.clone()),
            synced_inside,
        })
    }

    /// A read transaction: what it reads is one state of the database.
    pub(crate) async fn begin_read(&self) -> Result<Tx<'static>, StorageError> {
        Ok(Tx {
            tx: self.read.begin().await?,
            durability: None,
            synced_inside: false,
        })
    }

    /// Waits until a write of one statement made on [`Store::writer`] is synced.
    pub(crate) async fn stored(&self) -> Result<(), StorageError> {
        self.durability.committed().durable().await
    }

    /// Syncs every commit this process has made (see [`Durability`]).
    pub async fn sync_all(&self) -> Result<(), StorageError> {
        self.durability.sync_all().await
    }

    /// A connection of its own, outside the pools (for a task that watches the database).
    pub(crate) async fn connection(&self) -> Result<Connection, StorageError> {
        use sqlx::ConnectOptions as _;
        Ok(self.read.connect_options().connect().await?)
    }

    /// Whether the database answers at all.
    pub async fn ping(&self) -> Result<(), StorageError> {
        super::ping(&mut *self.reader().await?).await
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

/// A connection as the layers above hold it between storage's functions, which take it: they
/// never run SQL on it themselves.
pub type Connection = sqlx::SqliteConnection;

/// A connection of the store's, given back when dropped.
pub struct Conn(PoolConnection<sqlx::Sqlite>);

impl Deref for Conn {
    type Target = Connection;

    fn deref(&self) -> &Connection {
        &self.0
    }
}

impl DerefMut for Conn {
    fn deref_mut(&mut self) -> &mut Connection {
        &mut self.0
    }
}

/// A transaction of the store's (on a connection of its own, or on one the caller holds):
/// rolled back when dropped without [`Tx::commit`].
pub struct Tx<'c> {
    tx: sqlx::Transaction<'c, sqlx::Sqlite>,
    /// A write transaction's: its commit is synced (see [`Durability`]).
    durability: Option<Arc<Durability>>,
    /// Its `COMMIT` syncs (`synchronous = FULL`).
    synced_inside: bool,
}

impl Tx<'_> {
    /// Commits, and returns once the commit is on disk.
    pub async fn commit(self) -> Result<(), StorageError> {
        match self.commit_deferred().await? {
            Some(commit) => commit.durable().await,
            None => Ok(()),
        }
    }

    /// Commits, and returns the commit to wait for (`None`: a read transaction's, nothing to
    /// sync): the caller lets others write before it waits for the disk.
    pub async fn commit_deferred(self) -> Result<Option<Commit>, StorageError> {
        self.tx.commit().await?;
        Ok(self.durability.map(|d| {
            if self.synced_inside {
                d.committed_synced()
            } else {
                d.committed()
            }
        }))
    }
}

/// A read transaction on `conn`: what it reads is one state of the database.
pub async fn begin(conn: &mut Connection) -> Result<Tx<'_>, StorageError> {
    use sqlx::Connection as _;
    Ok(Tx {
        tx: conn.begin().await?,
        durability: None,
        synced_inside: false,
    })
}

impl Deref for Tx<'_> {
    type Target = Connection;

    fn deref(&self) -> &Connection {
        &self.tx
    }
}

impl DerefMut for Tx<'_> {
    fn deref_mut(&mut self) -> &mut Connection {
        &mut self.tx
    }
}
