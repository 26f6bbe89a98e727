//! The change feed behind `GET /events`: the `feed` rows every publish writes, in id order,
//! broadcast to the streams that are open. This server's own publishes hand their rows over as
//! they commit them; one follower task reads the rows of other processes (an import, a second
//! server) every interval, and whatever a publish could not hand over in order. Every stream sees
//! every change in commit order, each once, whoever made it.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::{Notify, broadcast};

pub use crate::storage::feed::FeedRow;
use crate::storage::{self, StorageError, Store};

/// How many changes a slow stream may fall behind before it re-reads them from the database.
const BUFFERED: usize = 1024;

pub struct Feed {
    sender: broadcast::Sender<Arc<FeedRow>>,
    /// Rung by a publish of this server whose rows do not follow the last one sent, so that the
    /// follower reads them (and what came between) at once.
    published: Notify,
    /// The id of the last row broadcast.
    sent: Mutex<i64>,
}

impl Default for Feed {
    fn default() -> Self {
        Self {
            sender: broadcast::channel(BUFFERED).0,
            published: Notify::new(),
            sent: Mutex::new(0),
        }
    }
}

impl Feed {
    /// A subscription to every change broadcast from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<Arc<FeedRow>> {
        self.sender.subscribe()
    }

    /// Starts the feed after row `seen` (the last one when the server starts).
    pub fn start_at(&self, seen: i64) {
        *self.sent.lock().expect("the lock is never poisoned") = seen;
    }

    /// Broadcasts the rows of a publish this server committed: at once if they follow the last
    /// row sent, else through the follower, which reads what came between from the database.
    pub fn published(&self, rows: Vec<FeedRow>) {
        let Some(first) = rows.first() else {
            return;
        };
        let mut sent = self.sent.lock().expect("the lock is never poisoned");
        if first.id != *sent + 1 {
            drop(sent);
            self.published.notify_one();
            return;
        }
        for row in rows {
            *sent = row.id;
            // No stream open: nobody to tell, and nothing lost (streams start from the
            // database).
            let _ = self.sender.send(Arc::new(row));
        }
    }

    /// Broadcasts those of `rows` (in id order) not sent yet.
    fn send(&self, rows: Vec<FeedRow>) {
        let mut sent = self.sent.lock().expect("the lock is never poisoned");
        for row in rows {
            if row.id > *sent {
                *sent = row.id;
                let _ = self.sender.send(Arc::new(row));
            }
        }
    }
}

/// The id of the last change published (0: none yet).
pub async fn last(store: &Store) -> Result<i64, StorageError> {
    storage::feed::feed_last(&mut *store.reader().await?).await
}

/// Up to `limit` changes after change `after`, in order.
pub async fn after(store: &Store, after: i64, limit: i64) -> Result<Vec<FeedRow>, StorageError> {
    storage::feed::feed_after(&mut *store.reader().await?, after, limit).await
}

/// Broadcasts every feed row after the last one sent, as they are committed.
pub async fn follow(store: Store, feed: Arc<Feed>, every: Duration) {
    loop {
        // Whichever comes first: this server's publish, or the interval for everyone else's.
        let _ = tokio::time::timeout(every, feed.published.notified()).await;
        loop {
            let seen = *feed.sent.lock().expect("the lock is never poisoned");
            let rows = match after(&store, seen, 1000).await {
                Ok(rows) => rows,
                Err(e) => {
                    tracing::warn!(error = %e, "cannot read the change feed");
                    break;
                }
            };
            let full = rows.len() == 1000;
            feed.send(rows);
            if !full {
                break;
            }
        }
    }
}
