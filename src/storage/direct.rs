//! The direct connection: a write transaction of a few statements run straight on SQLite
//! (rusqlite, on a connection of its own, in the calling thread).
//!
//! sqlx runs each SQLite connection on a thread of its own and sends every statement's outcome
//! back as a message: a live write of one page (about ten statements between `BEGIN` and
//! `COMMIT`) cost the HTTP thread and that thread about 0.5 ms of CPU, half of it in the
//! hand-overs. Run here it costs about half as much (bench/RESULTS.md). The statements are
//! prepared once and kept (rusqlite's statement cache). Only writes that need nothing read
//! inside their transaction come here; their callers hold the store's writing connection, so
//! that this process still writes one transaction at a time.

use std::borrow::Cow;
use std::path::Path;
use std::sync::Mutex;

use rusqlite::types::Value;

/// The direct connection.
#[derive(Debug)]
pub(super) struct Direct {
    conn: Mutex<rusqlite::Connection>,
}

/// Statements the cache keeps: a publish of up to `PAGES_PER_BATCH` pages of many sections
/// has a few dozen distinct ones.
const CACHED_STATEMENTS: usize = 256;

impl Direct {
    /// Opens the (migrated) database at `path` with the pragmas of `db::connect_options`.
    pub(super) fn open(path: &Path) -> anyhow::Result<Self> {
        let conn = rusqlite::Connection::open(path)
            .map_err(|e| anyhow::anyhow!("cannot open the database {}: {e}", path.display()))?;
        conn.execute_batch(
            "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; \
             PRAGMA mmap_size = 1073741824;",
        )?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        conn.set_prepared_statement_cache_capacity(CACHED_STATEMENTS);
        Ok(Self {
            conn: Mutex::new(conn),
        })
    }

    /// Runs `statements` with `values` bound in order across them as one write transaction
    /// (`BEGIN IMMEDIATE` … `COMMIT`, at `synchronous = NORMAL`: the store syncs it after, see
    /// `durable.rs`); returns the first column of every row they return, as integers. On an
    /// error nothing is written.
    pub(super) fn write<'s>(
        &self,
        statements: impl Iterator<Item = &'s str>,
        values: &[Value],
    ) -> Result<Vec<i64>, sqlx::Error> {
        let conn = self
            .conn
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        run(&conn, "BEGIN IMMEDIATE")?;
        match all(&conn, statements, values) {
            Ok(ids) => match run(&conn, "COMMIT") {
                Ok(()) => Ok(ids),
                Err(e) => {
                    // A `COMMIT` that failed may leave the transaction open (busy) or rolled
                    // back (a full disk): either way nothing of it stays.
                    let _ = run(&conn, "ROLLBACK");
                    Err(e)
                }
            },
            Err(e) => {
                let _ = run(&conn, "ROLLBACK");
                Err(e)
            }
        }
    }
}

/// Runs one statement that returns no rows.
fn run(conn: &rusqlite::Connection, sql: &str) -> Result<(), sqlx::Error> {
    let mut statement = conn.prepare_cached(sql).map_err(error)?;
    let mut rows = statement.raw_query();
    while rows.next().map_err(error)?.is_some() {}
    Ok(())
}

fn all<'s>(
    conn: &rusqlite::Connection,
    statements: impl Iterator<Item = &'s str>,
    values: &[Value],
) -> Result<Vec<i64>, sqlx::Error> {
    let mut ids = Vec::new();
    let mut values = values.iter();
    for sql in statements {
        let mut statement = conn.prepare_cached(sql).map_err(error)?;
        for index in 1..=statement.parameter_count() {
            let value = values
                .next()
                .ok_or_else(|| sqlx::Error::Protocol("fewer values than parameters".into()))?;
            statement.raw_bind_parameter(index, value).map_err(error)?;
        }
        let mut rows = statement.raw_query();
        while let Some(row) = rows.next().map_err(error)? {
            ids.push(row.get::<_, i64>(0).map_err(error)?);
        }
    }
    Ok(ids)
}

/// `e` as sqlx reports a database's error, so that storage classifies both alike (a unique
/// violation, a full disk, a busy database: `error.rs`, `health.rs`).
fn error(e: rusqlite::Error) -> sqlx::Error {
    match e {
        rusqlite::Error::SqliteFailure(failure, message) => {
            let message = message.unwrap_or_else(|| failure.to_string());
            sqlx::Error::Database(Box::new(DirectError {
                code: failure.extended_code,
                message,
            }))
        }
        other => sqlx::Error::Protocol(other.to_string()),
    }
}

/// An error SQLite reported on the direct connection.
#[derive(Debug)]
struct DirectError {
    /// The extended result code.
    code: i32,
    message: String,
}

impl std::fmt::Display for DirectError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for DirectError {}

impl sqlx::error::DatabaseError for DirectError {
    fn message(&self) -> &str {
        &self.message
    }

    fn code(&self) -> Option<Cow<'_, str>> {
        Some(Cow::Owned(self.code.to_string()))
    }

    fn as_error(&self) -> &(dyn std::error::Error + Send + Sync + 'static) {
        self
    }

    fn as_error_mut(&mut self) -> &mut (dyn std::error::Error + Send + Sync + 'static) {
        self
    }

    fn into_error(self: Box<Self>) -> Box<dyn std::error::Error + Send + Sync + 'static> {
        self
    }

    fn kind(&self) -> sqlx::error::ErrorKind {
        use sqlx::error::ErrorKind;
        match self.code {
            // SQLITE_CONSTRAINT_UNIQUE, SQLITE_CONSTRAINT_PRIMARYKEY
            2067 | 1555 => ErrorKind::UniqueViolation,
            // SQLITE_CONSTRAINT_FOREIGNKEY
            787 => ErrorKind::ForeignKeyViolation,
            // SQLITE_CONSTRAINT_NOTNULL
            1299 => ErrorKind::NotNullViolation,
            // SQLITE_CONSTRAINT_CHECK
            275 => ErrorKind::CheckViolation,
            _ => ErrorKind::Other,
        }
    }
}
