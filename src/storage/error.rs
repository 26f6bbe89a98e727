//! What storage answers when it cannot do what it was asked: a typed error that says what was
//! not found or what conflicted, so that the layers above map it without reading SQL messages.

use std::sync::atomic::{AtomicU64, Ordering};

use super::health::{self, Fault};

/// A storage operation's failure.
#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    /// What was asked for is not stored.
    #[error("{0}")]
    NotFound(Missing),
    /// A write was worked out from a state of the pages that the database no longer holds:
    /// another process wrote one of them since (the page revision it was to write exists).
    #[error("another process wrote the page since it was read")]
    Stale,
    /// The database failed (busy, full, unwritable, gone): see [`StorageError::fault`].
    #[error("the database failed")]
    Database(#[source] sqlx::Error),
    /// Stored data is not what the code expects.
    #[error("{0}")]
    Internal(String),
}

impl From<sqlx::Error> for StorageError {
    fn from(e: sqlx::Error) -> Self {
        if !matches!(
            e,
            sqlx::Error::Database(_) | sqlx::Error::RowNotFound | sqlx::Error::PoolTimedOut
        ) {
            CONNECTION_ERRORS.fetch_add(1, Ordering::Relaxed);
        }
        Self::Database(e)
    }
}

/// Errors that may have come from a connection itself rather than from a statement (a closed
/// connection, a crashed thread, I/O), in this process so far: a kept connection that was in use
/// when one happened is handed back to its pool to be checked (see `store.rs`). Counted for the
/// whole process, since the error does not say which connection it came from; they are rare
/// enough that a check too many costs nothing.
static CONNECTION_ERRORS: AtomicU64 = AtomicU64::new(0);

pub(super) fn connection_errors() -> u64 {
    CONNECTION_ERRORS.load(Ordering::Relaxed)
}

/// What was not found, for the edge to word in its answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Missing {
    #[error("there is no page {0:?}")]
    Page(String),
    #[error("there is no section named {0:?}")]
    Section(String),
    #[error("page {page} has no revision {revision}")]
    PageRevision { page: String, revision: i64 },
    #[error("section {section} has no revision {revision}")]
    SectionRevision { section: String, revision: i64 },
    #[error("there is no change set {0}")]
    ChangeSet(i64),
    #[error("there is no webhook {0}")]
    Webhook(i64),
    #[error("there is no delivery {0}")]
    Delivery(String),
    #[error("there is no token named {0:?}")]
    Token(String),
}

/// How the database failed, as far as a caller can act on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    /// It cannot take a write now (a full disk, a file it may not write).
    Fault(Fault),
    /// It is busy past the timeout (another process holds the write lock), or no connection was
    /// free: a temporary condition, not a bug.
    Busy,
    /// Anything else: a bug or a database gone wrong.
    Other,
}

impl StorageError {
    /// `Stale` when `e` is a unique violation of a write worked out from what was read: a page
    /// revision, a page, a section or a section revision that exists by now, written by another
    /// process since; else the database's error.
    pub(crate) fn stale_or(e: sqlx::Error) -> Self {
        if e.as_database_error()
            .is_some_and(|db| db.is_unique_violation())
        {
            Self::Stale
        } else {
            Self::from(e)
        }
    }

    /// Stored data that does not read as the code expects.
    pub fn internal(why: impl std::fmt::Display) -> Self {
        Self::Internal(format!("{why:#}"))
    }

    /// How the database failed, for a `Database` error.
    pub fn failure(&self) -> Option<Failure> {
        let Self::Database(e) = self else {
            return None;
        };
        if let Some(fault) = health::fault(e) {
            return Some(Failure::Fault(fault));
        }
        let busy = match e {
            sqlx::Error::PoolTimedOut => true,
            // SQLITE_BUSY and its extended codes (the low byte is the primary code).
            sqlx::Error::Database(db) => db
                .code()
                .and_then(|c| c.parse::<i32>().ok())
                .is_some_and(|c| c & 0xff == 5),
            _ => false,
        };
        Some(if busy { Failure::Busy } else { Failure::Other })
    }
}
