//! Commits made durable together. At `synchronous = full` SQLite syncs the WAL inside every
//! `COMMIT`, while the write lock is held: writers queued behind it wait for each other's syncs
//! one after another, and each sync carries one write. Here the writing connection commits at
//! `normal` (the commit is in the WAL, in the operating system's cache) and the WAL is synced
//! after the commit, outside the lock, by one `fdatasync` for every commit made before it
//! started: the writes that queued during a sync share the next one. A commit counts as stored
//! (its writer hears back, readers are shown it) only once it is synced, so an acknowledged write
//! survives a power loss exactly as at `full`. Checkpoints stay SQLite's, which at `normal` sync
//! the WAL before copying it into the database and the database after.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use tokio::sync::Mutex;

use super::StorageError;

/// The commits of one database made by this process, and how many of them are synced.
#[derive(Debug)]
pub struct Durability {
    /// The database file (`None`: commits are not synced, `synchronous = normal` by choice).
    database: Option<PathBuf>,
    committed: AtomicU64,
    synced: AtomicU64,
    /// How many syncs were made: fewer than commits when writers wait together.
    syncs: AtomicU64,
    /// Held by the one sync at a time.
    syncing: Mutex<()>,
}

/// A commit not yet known to be synced: [`Commit::durable`] waits until it is.
#[derive(Debug, Clone)]
pub struct Commit {
    seq: u64,
    durability: Arc<Durability>,
}

impl Durability {
    /// For the database file `database` (which exists); `sync`: whether commits are synced.
    pub fn new(database: &Path, sync: bool) -> Self {
        // SQLite keeps the WAL beside the file a symbolic link names, not beside the link.
        let database = std::fs::canonicalize(database).unwrap_or_else(|_| database.to_owned());
        Self {
            database: sync.then_some(database),
            committed: AtomicU64::new(0),
            synced: AtomicU64::new(0),
            syncs: AtomicU64::new(0),
            syncing: Mutex::new(()),
        }
    }

    /// Counts a commit that has just returned.
    pub fn committed(self: &Arc<Self>) -> Commit {
        Commit {
            seq: self.committed.fetch_add(1, Ordering::AcqRel) + 1,
            durability: self.clone(),
        }
    }

    /// Counts a commit that SQLite synced inside `COMMIT`: it, and every commit before it (all
    /// in the WAL the sync covered), is durable.
    pub fn committed_synced(self: &Arc<Self>) -> Commit {
        let commit = self.committed();
        self.synced.fetch_max(commit.seq, Ordering::AcqRel);
        commit
    }

    /// Counts a commit that has just returned, synced inside `COMMIT` or not.
    pub fn committed_as(self: &Arc<Self>, synced_inside: bool) -> Commit {
        if synced_inside {
            self.committed_synced()
        } else {
            self.committed()
        }
    }

    /// Whether commits are synced at all (`synchronous = full`).
    pub fn syncs_commits(&self) -> bool {
        self.database.is_some()
    }

    /// Syncs every commit made so far (one `fdatasync`, shared with whoever else waits).
    pub async fn sync_all(&self) -> Result<(), StorageError> {
        self.sync(self.committed.load(Ordering::Acquire)).await
    }

    /// How many syncs this process made.
    pub fn syncs(&self) -> u64 {
        self.syncs.load(Ordering::Relaxed)
    }

    async fn sync(&self, seq: u64) -> Result<(), StorageError> {
        let Some(database) = &self.database else {
            return Ok(());
        };
        if self.synced.load(Ordering::Acquire) >= seq {
            return Ok(());
        }
        let _syncing = self.syncing.lock().await;
        if self.synced.load(Ordering::Acquire) >= seq {
            return Ok(()); // the sync just finished covered it
        }
        // Every commit counted by now is in the WAL file: this sync covers them all.
        let target = self.committed.load(Ordering::Acquire);
        let database = database.clone();
        // On a thread of its own: the server's event loop goes on with other requests (the
        // next writers among them) while the disk works. If this future is dropped, the sync
        // still ends, and the next one covers the same commits.
        tokio::task::spawn_blocking(move || sync_log(&database))
            .await
            .map_err(StorageError::internal)?
            .map_err(io)?;
        self.synced.fetch_max(target, Ordering::AcqRel);
        self.syncs.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }
}

impl Commit {
    /// Its number among this process's commits: later commits have larger ones.
    pub fn seq(&self) -> u64 {
        self.seq
    }

    /// Waits until the commit is synced.
    pub async fn durable(&self) -> Result<(), StorageError> {
        self.durability.sync(self.seq).await
    }
}

/// Syncs the WAL of `database`, opened afresh: SQLite removes the file when its last connection
/// closes (after copying it into the database, which it syncs) and makes a new one on the next
/// open, which a handle kept from before would not reach. No WAL: what it held is in the database
/// file, synced once more.
fn sync_log(database: &Path) -> std::io::Result<()> {
    let mut wal = database.as_os_str().to_owned();
    wal.push("-wal");
    match File::open(PathBuf::from(wal)) {
        Ok(file) => file.sync_data(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => File::open(database)?.sync_data(),
        Err(e) => Err(e),
    }
}

fn io(e: std::io::Error) -> StorageError {
    StorageError::Database(sqlx::Error::Io(e))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_log(sync: bool) -> (tempfile::TempDir, Arc<Durability>) {
        let dir = tempfile::tempdir().unwrap();
        let database = dir.path().join("content.db");
        std::fs::write(&database, b"database").unwrap();
        std::fs::write(dir.path().join("content.db-wal"), b"log").unwrap();
        let durability = Arc::new(Durability::new(&database, sync));
        (dir, durability)
    }

    #[tokio::test]
    async fn commits_that_wait_together_share_one_sync_and_a_later_one_gets_its_own() {
        let (_dir, durability) = with_log(true);
        let commits: Vec<Commit> = (0..8).map(|_| durability.committed()).collect();
        let waits = commits.iter().map(Commit::durable);
        for done in futures_util::future::join_all(waits).await {
            done.unwrap();
        }
        assert_eq!(durability.syncs(), 1);
        // Synced already: nothing more to do.
        commits[3].durable().await.unwrap();
        assert_eq!(durability.syncs(), 1);
        let later = durability.committed();
        later.durable().await.unwrap();
        assert_eq!(durability.syncs(), 2);
        assert!(later.seq() > commits[7].seq());
    }

    #[tokio::test]
    async fn a_commit_synced_inside_sqlite_makes_it_and_every_earlier_one_durable() {
        let (_dir, durability) = with_log(true);
        let earlier = durability.committed();
        let synced = durability.committed_synced();
        earlier.durable().await.unwrap();
        synced.durable().await.unwrap();
        assert_eq!(durability.syncs(), 0);
        durability.committed().durable().await.unwrap();
        assert_eq!(durability.syncs(), 1);
    }

    #[tokio::test]
    async fn at_synchronous_normal_nothing_is_synced() {
        let (dir, durability) = with_log(false);
        std::fs::remove_file(dir.path().join("content.db-wal")).unwrap();
        durability.committed().durable().await.unwrap();
        durability.sync_all().await.unwrap();
        assert_eq!(durability.syncs(), 0);
    }

    #[tokio::test]
    async fn without_a_log_the_database_is_synced_and_without_either_it_is_an_error() {
        let (dir, durability) = with_log(true);
        std::fs::remove_file(dir.path().join("content.db-wal")).unwrap();
        durability.committed().durable().await.unwrap();
        assert_eq!(durability.syncs(), 1);
        std::fs::remove_file(dir.path().join("content.db")).unwrap();
        let error = durability.committed().durable().await.unwrap_err();
        assert!(
            matches!(error, StorageError::Database(sqlx::Error::Io(_))),
            "{error:?}"
        );
    }
}
