//! The connections and transactions of the store: what the layers above hold between
//! storage's functions, and how a connection kept out of its pool goes from one user to the next.

use std::ops::{Deref, DerefMut};
use std::sync::Arc;

use sqlx::pool::PoolConnection;
use sqlx::sqlite::SqliteTransactionManager;
use sqlx::{Connection as _, SqlSafeStr, Sqlite, SqlitePool};
use sqlx_core::transaction::TransactionManager as _;
use tokio::sync::{Mutex, OwnedMutexGuard};

use super::StorageError;
use super::durable::{Commit, Durability};
use super::error::connection_errors;

/// A connection kept out of its pool between uses. sqlx pings a connection that comes back to
/// its pool (a round trip to the connection's thread: two thread switches, as much as running a
/// statement), which on a write of one round trip was a third of the hand-overs. A kept
/// connection goes from one user to the next as it is; it goes back to its pool, whose checks
/// close it if it is unusable, only when a user left it inside a transaction or after an error
/// of the connection itself (see [`Conn`]'s `Drop`).
#[derive(Debug, Clone, Default)]
pub(super) struct Kept(pub(super) Arc<Mutex<Option<PoolConnection<Sqlite>>>>);

/// A connection as the layers above hold it between storage's functions, which take it: they
/// never run SQL on it themselves.
pub type Connection = sqlx::SqliteConnection;

/// A connection of the store's, given back when dropped.
pub enum Conn {
    Pooled(PoolConnection<Sqlite>),
    /// A kept connection (see [`Kept`]), for as long as this is held.
    Kept {
        slot: OwnedMutexGuard<Option<PoolConnection<Sqlite>>>,
        /// [`connection_errors`] when it was taken: one more since, and it goes back to its
        /// pool to be checked.
        errors: u64,
    },
}

impl Conn {
    /// The kept connection in `slot`, taken from `pool` if the slot is empty.
    pub(super) async fn kept(
        mut slot: OwnedMutexGuard<Option<PoolConnection<Sqlite>>>,
        pool: &SqlitePool,
    ) -> Result<Self, StorageError> {
        let errors = connection_errors();
        if slot.is_none() {
            *slot = Some(pool.acquire().await?);
        }
        Ok(Self::Kept { slot, errors })
    }

    fn connection(&mut self) -> &mut PoolConnection<Sqlite> {
        match self {
            Self::Pooled(conn) => conn,
            Self::Kept { slot, .. } => slot.as_mut().expect("a kept connection is in its slot"),
        }
    }
}

impl Drop for Conn {
    fn drop(&mut self) {
        let Self::Kept { slot, errors } = self else {
            return;
        };
        let Some(conn) = slot.as_mut() else { return };
        if !conn.is_in_transaction() && *errors == connection_errors() {
            return;
        }
        // Back to its pool, which checks it (`db::still_usable`, a ping) or closes it.
        drop(slot.take());
    }
}

impl Deref for Conn {
    type Target = Connection;

    fn deref(&self) -> &Connection {
        match self {
            Self::Pooled(conn) => conn,
            Self::Kept { slot, .. } => slot.as_ref().expect("a kept connection is in its slot"),
        }
    }
}

impl DerefMut for Conn {
    fn deref_mut(&mut self) -> &mut Connection {
        self.connection()
    }
}

/// `BEGIN` of a write transaction, with the `synchronous` its commit is made under: `FULL` when
/// the commit is synced inside `COMMIT` (on the connection's own thread: a writer that no one
/// waits behind gains nothing from syncing outside the lock), else `NORMAL` (synced after, by
/// [`Durability`]). One `exec` with the `BEGIN`: no round trip of its own.
pub(super) fn begin_write(synced_inside: bool) -> &'static str {
    if synced_inside {
        "PRAGMA synchronous = FULL; BEGIN IMMEDIATE"
    } else {
        "PRAGMA synchronous = NORMAL; BEGIN IMMEDIATE"
    }
}

/// A transaction of the store's (on a connection of its own, or on one the caller holds):
/// rolled back when dropped without [`Tx::commit`].
pub struct Tx<'c> {
    conn: TxConn<'c>,
    /// Begun and neither committed nor rolled back.
    open: bool,
    /// A write transaction's: its commit is synced (see [`Durability`]).
    durability: Option<Arc<Durability>>,
    /// Its `COMMIT` syncs (`synchronous = FULL`).
    synced_inside: bool,
}

pub(super) enum TxConn<'c> {
    Own(Conn),
    Borrowed(&'c mut Connection),
}

impl<'c> Tx<'c> {
    pub(super) async fn begin(
        mut conn: TxConn<'c>,
        begin: Option<&'static str>,
        durability: Option<Arc<Durability>>,
        synced_inside: bool,
    ) -> Result<Self, StorageError> {
        // sqlx's own transaction bookkeeping (the connection counts itself inside a
        // transaction, and a rollback queued on drop runs before its next statement), on a
        // connection this type may own: `sqlx::Transaction` only borrows one or owns a pooled one.
        SqliteTransactionManager::begin(conn.get(), begin.map(SqlSafeStr::into_sql_str)).await?;
        Ok(Self {
            conn,
            open: true,
            durability,
            synced_inside,
        })
    }

    /// Commits, and returns once the commit is on disk.
    pub async fn commit(self) -> Result<(), StorageError> {
        match self.commit_deferred().await? {
            Some(commit) => commit.durable().await,
            None => Ok(()),
        }
    }

    /// Commits, and returns the commit to wait for (`None`: a read transaction's, nothing to
    /// sync): the caller lets others write before it waits for the disk.
    pub async fn commit_deferred(mut self) -> Result<Option<Commit>, StorageError> {
        SqliteTransactionManager::commit(self.conn.get()).await?;
        self.open = false;
        Ok(self
            .durability
            .take()
            .map(|d| d.committed_as(self.synced_inside)))
    }
}

impl TxConn<'_> {
    fn get(&mut self) -> &mut Connection {
        match self {
            Self::Own(conn) => conn,
            Self::Borrowed(conn) => conn,
        }
    }
}

impl Drop for Tx<'_> {
    fn drop(&mut self) {
        if self.open {
            SqliteTransactionManager::start_rollback(self.conn.get());
        }
    }
}

/// A read transaction on `conn` (a savepoint, inside one): what it reads is one state of the
/// database.
pub async fn begin(conn: &mut Connection) -> Result<Tx<'_>, StorageError> {
    Tx::begin(TxConn::Borrowed(conn), None, None, false).await
}

impl Deref for Tx<'_> {
    type Target = Connection;

    fn deref(&self) -> &Connection {
        match &self.conn {
            TxConn::Own(conn) => conn,
            TxConn::Borrowed(conn) => conn,
        }
    }
}

impl DerefMut for Tx<'_> {
    fn deref_mut(&mut self) -> &mut Connection {
        self.conn.get()
    }
}
