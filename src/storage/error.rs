//! What storage answers when it cannot do what it was asked: a typed error that says what was
//! not found or what conflicted, so that the layers above map it without reading SQL messages.

/// A storage operation's failure.
#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    /// A write was worked out from a state of the pages that the database no longer holds:
    /// another process wrote one of them since (the page revision it was to write exists).
    #[error("another process wrote the page since it was read")]
    Stale,
    /// The database failed (busy, full, unwritable, gone): see [`super::health`].
    #[error("the database failed")]
    Database(#[from] sqlx::Error),
    /// Stored data is not what the code expects.
    #[error("{0}")]
    Internal(String),
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
            Self::Database(e)
        }
    }
}
