//! The handle every layer above holds to reach the database: the connections to read with, the
//! one connection every write runs on, and whether the database takes writes. Nothing above
//! storage holds a pool or a connection of its own; they ask the store (and the content layer's
//! operations ask it for them), so that another database can stand behind the same handle.

use std::path::Path;
use std::sync::Arc;

use sqlx::SqlitePool;

use super::StorageError;
use super::batch::Batch;
use super::conn::{Conn, Connection, Kept, Tx, TxConn, begin_write};
use super::db::{self, Synchronous};
use super::direct::Direct;
use super::durable::{Commit, Durability};
use super::health::{self, Fault, Health};

/// The database, opened and migrated.
#[derive(Debug, Clone)]
pub struct Store {
    read: SqlitePool,
    write: SqlitePool,
    /// The writing pool's one connection, kept between writes.
    writer: Kept,
    /// One of the reading pool's connections, kept for whoever finds it free.
    reader: Kept,
    health: Arc<Health>,
    durability: Arc<Durability>,
    /// The direct connection, for writes of a few statements (`direct.rs`).
    direct: Arc<Direct>,
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
        let direct = Direct::open(path)?;
        Ok(Self {
            direct: Arc::new(direct),
            read,
            write,
            writer: Kept::default(),
            reader: Kept::default(),
            health: Arc::default(),
            durability: Arc::new(Durability::new(path, synchronous == Synchronous::Full)),
        })
    }

    /// Refuses a database this process may only read (SQLite opens it all the same, and would
    /// answer every write with an error): one line at start-up instead.
    pub async fn check_writable(&self) -> anyhow::Result<()> {
        if let Err(e) = health::probe(&mut *self.writer().await?).await {
            let why = health::fault(&e).map_or("it refused a write", Fault::describe);
            anyhow::bail!("{why} ({e})");
        }
        Ok(())
    }

    /// A connection to read with: the kept one if it is free, else one from the pool.
    pub(crate) async fn reader(&self) -> Result<Conn, StorageError> {
        match self.reader.0.clone().try_lock_owned() {
            Ok(kept) => Conn::kept(kept, &self.read).await,
            Err(_) => Ok(Conn::Pooled(self.read.acquire().await?)),
        }
    }

    /// The connection every write transaction runs on (see [`db::writer`]), for a write of one
    /// statement; writers wait for it in turn.
    pub(crate) async fn writer(&self) -> Result<Conn, StorageError> {
        Conn::kept(self.writer.0.clone().lock_owned().await, &self.write).await
    }

    /// A write transaction (`BEGIN IMMEDIATE`: it holds the write lock from its start, so that
    /// what it reads stays what it writes over) on the writing connection.
    ///
    /// Its commit is synced by SQLite inside `COMMIT` (`synchronous = FULL` for it), on the
    /// connection's own thread: a writer that no one waits behind gains nothing from syncing
    /// outside the lock, and saves the hand-over to a thread that syncs.
    pub(crate) async fn begin_write(&self) -> Result<Tx<'static>, StorageError> {
        let synced_inside = self.durability.syncs_commits();
        Tx::begin(
            TxConn::Own(self.writer().await?),
            Some(begin_write(synced_inside)),
            Some(self.durability.clone()),
            synced_inside,
        )
        .await
    }

    /// As [`Store::begin_write`] on `conn` from [`Store::writer`], for a live write: its commit
    /// is synced after it, outside whatever lock the caller lets go once it has committed
    /// ([`Tx::commit_deferred`], [`Commit::durable`]).
    pub(crate) async fn begin_write_on<'c>(
        &self,
        conn: &'c mut Conn,
    ) -> Result<Tx<'c>, StorageError> {
        Tx::begin(
            TxConn::Borrowed(conn),
            Some(begin_write(false)),
            Some(self.durability.clone()),
            false,
        )
        .await
    }

    /// A read transaction: what it reads is one state of the database.
    pub(crate) async fn begin_read(&self) -> Result<Tx<'static>, StorageError> {
        Tx::begin(TxConn::Own(self.reader().await?), None, None, false).await
    }

    /// Runs `batch` as one write transaction on the direct connection (`direct.rs`), in this
    /// thread, while the caller holds `writer` (from [`Store::writer`]), so that this process
    /// still writes one transaction at a time. Returns the first column of the rows the
    /// statements returned, and the commit to wait for (synced after it, as
    /// [`Store::begin_write_on`]'s). On an error nothing is written.
    pub(super) fn write_at_once(
        &self,
        writer: &mut Conn,
        batch: &Batch,
    ) -> Result<(Vec<i64>, Commit), sqlx::Error> {
        let _serialized_by = writer;
        let ids = self.direct.write(batch.statements(), &batch.values)?;
        Ok((ids, self.durability.committed_as(false)))
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
        let (known, due) = self.health.standing()?;
        if !due {
            return Some(known);
        }
        let outcome = match self.writer().await {
            Ok(mut conn) => health::probe(&mut conn).await.map_err(StorageError::from),
            Err(e) => Err(e),
        };
        match &outcome {
            Err(StorageError::Database(e)) => self.health.probed(known, Err(e)),
            Err(_) => Some(known),
            Ok(()) => self.health.probed(known, Ok(())),
        }
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
        // A pool's `close` waits for its connections to come back.
        drop(self.writer.0.lock().await.take());
        drop(self.reader.0.lock().await.take());
        self.write.close().await;
        self.read.close().await;
    }
}
