//! Statements sent to SQLite's connection as one string, with their arguments bound in order
//! across them: one round trip to the connection's thread for them all.

use sqlx::Arguments;
use sqlx::sqlite::SqliteArguments;

use super::StorageError;

/// Statements with their arguments, bound in order across statements.
#[derive(Default)]
pub(super) struct Batch {
    pub(super) text: String,
    pub(super) args: SqliteArguments,
}

impl Batch {
    pub(super) fn sql(&mut self, text: &str) {
        self.text.push_str(text);
    }

    pub(super) fn bind<'t, T: sqlx::Encode<'t, sqlx::Sqlite> + sqlx::Type<sqlx::Sqlite> + 't>(
        &mut self,
        value: T,
    ) -> Result<(), StorageError> {
        self.args
            .add(value)
            .map_err(|e| StorageError::Internal(format!("cannot bind a value: {e}")))
    }
}
