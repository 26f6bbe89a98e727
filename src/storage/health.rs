//! Whether the database can be written, told from the outcome of writes rather than by writing
//! on every probe.
//!
//! A full disk or a database file the process may not write answers writes with SQLite errors
//! that are neither the client's fault nor a bug: [`fault`] names them, so that the HTTP layer
//! answers 507 or 503 with `Retry-After` instead of 500. [`Health`] remembers the last write's
//! outcome; while it is a fault, [`Health::check`] tries one small real commit (at most once a
//! [`RECHECK`]) to see whether space was freed or the file made writable again.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use sqlx::{Connection, SqliteConnection};

/// Why the database cannot take a write now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// The disk (or the filesystem's quota) is full: `SQLITE_FULL`.
    Full,
    /// The file or its folder may not be written: `SQLITE_READONLY`, `SQLITE_CANTOPEN`.
    ReadOnly,
    /// The operating system refused a read or write: `SQLITE_IOERR`.
    Io,
}

impl Fault {
    pub fn describe(self) -> &'static str {
        match self {
            Self::Full => "the disk holding the database is full",
            Self::ReadOnly => "the database file cannot be written",
            Self::Io => "the database file cannot be read or written (an I/O error)",
        }
    }
}

/// The storage fault behind `e`, if it is one (SQLite's primary result code is the low byte of
/// its extended code).
pub fn fault(e: &sqlx::Error) -> Option<Fault> {
    let code = match e {
        sqlx::Error::Database(db) => db.code()?.parse::<i32>().ok()? & 0xff,
        sqlx::Error::Io(e) if e.raw_os_error() == Some(28) => return Some(Fault::Full),
        // A sync of the log that failed (EIO): the disk.
        sqlx::Error::Io(e) if e.raw_os_error() == Some(5) => return Some(Fault::Io),
        _ => return None,
    };
    match code {
        13 => Some(Fault::Full),
        8 | 14 => Some(Fault::ReadOnly),
        10 => Some(Fault::Io),
        _ => None,
    }
}

/// How often, at most, a probe of a faulty database tries a write.
pub const RECHECK: Duration = Duration::from_secs(1);

/// The last write's outcome, and when a probe last tried one.
#[derive(Debug, Default)]
pub struct Health {
    state: Mutex<Option<Known>>,
}

#[derive(Debug, Clone, Copy)]
struct Known {
    fault: Fault,
    tried: Instant,
}

impl Health {
    /// A write failed with `fault`.
    pub fn failed(&self, fault: Fault) {
        *self.lock() = Some(Known {
            fault,
            tried: Instant::now(),
        });
    }

    /// A write committed.
    pub fn succeeded(&self) {
        let mut state = self.lock();
        if state.is_some() {
            *state = None;
        }
    }

    /// The fault that stands, if any, and whether [`RECHECK`] has passed since it was last
    /// tried (then one small commit, [`probe`], tells whether it still does: [`Health::probed`]).
    pub fn standing(&self) -> Option<(Fault, bool)> {
        let known = (*self.lock())?;
        Some((known.fault, known.tried.elapsed() >= RECHECK))
    }

    /// What a probe of the fault `known` found: `None` if the database takes writes again.
    pub fn probed(&self, known: Fault, outcome: Result<(), &sqlx::Error>) -> Option<Fault> {
        match outcome {
            Ok(()) => {
                self.succeeded();
                None
            }
            Err(e) => {
                let fault = fault(e).unwrap_or(known);
                self.failed(fault);
                Some(fault)
            }
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Option<Known>> {
        // The state is a plain value: a panic elsewhere cannot leave it half-written.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// One small real commit: whether the database takes writes now.
pub async fn probe(conn: &mut SqliteConnection) -> sqlx::Result<()> {
    let mut tx = conn.begin_with("BEGIN IMMEDIATE").await?;
    sqlx::query!(
        "UPDATE health SET checked_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = 1"
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await
}
