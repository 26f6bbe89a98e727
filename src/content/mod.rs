//! The one door to stored content: what the edge, the command line and the background tasks call
//! to read or change the site. `read` is the read model (every page's representations, shared
//! between versions, and what other processes commit); `write` the one write path (a page's
//! rows worked out from what is in hand, one transaction, the feed and the outbox with it);
//! `change_sets` edits kept apart from what is live (views, publish, schedule, previews, deploy
//! reports); `site` the site's files coming in (import, seed, the model); `feed` what was
//! published, as `GET /events` streams it.

pub mod change_sets;
pub mod feed;
pub mod history;
pub mod read;
pub mod site;
pub mod write;

pub use crate::storage::db::Synchronous;
pub use crate::storage::health::{Fault, Health};
pub use crate::storage::{Connections, Failure, Missing, StorageError, Store};
