//! The change feed behind `GET /events`: the `feed` rows every publish writes, in id order,
//! broadcast to the streams that are open. One follower task reads the rows after the last it
//! sent, woken at once by this server's own publishes and every interval for other processes'
//! (an import, a second server), so that every stream sees every change in commit order, each
//! once, whoever made it.

use std::sync::Arc;
use std::time::Duration;

use sqlx::SqlitePool;
use tokio::sync::{Notify, broadcast};

use crate::storage;
use crate::storage::webhooks::FeedRow;

/// How many changes a slow stream may fall behind before it re-reads them from the database.
const BUFFERED: usize = 1024;

pub struct Feed {
    sender: broadcast::Sender<Arc<FeedRow>>,
    /// Rung by a publish of this server, so that its changes are streamed at once.
    published: Notify,
}

impl Default for Feed {
    fn default() -> Self {
        Self {
            sender: broadcast::channel(BUFFERED).0,
            published: Notify::new(),
        }
    }
}

impl Feed {
    /// A subscription to every change broadcast from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<Arc<FeedRow>> {
        self.sender.subscribe()
    }

    /// Says that this server committed a publish.
    pub fn published(&self) {
        self.published.notify_one();
    }
}

/// Broadcasts every feed row after `seen`, as they are committed.
pub async fn follow(pool: SqlitePool, feed: Arc<Feed>, mut seen: i64, every: Duration) {
    loop {
        // Whichever comes first: this server's publish, or the interval for everyone else's.
        let _ = tokio::time::timeout(every, feed.published.notified()).await;
        loop {
            let rows = match pool.acquire().await {
                Ok(mut conn) => storage::webhooks::feed_after(&mut conn, seen, 1000).await,
                Err(e) => Err(e),
            };
            let rows = match rows {
                Ok(rows) => rows,
                Err(e) => {
                    tracing::warn!(error = %e, "cannot read the change feed");
                    break;
                }
            };
            let full = rows.len() == 1000;
            for row in rows {
                seen = row.id;
                // No stream open: nobody to tell, and nothing lost (streams start from the
                // database).
                let _ = feed.sender.send(Arc::new(row));
            }
            if !full {
                break;
            }
        }
    }
}
