//! The event streams a server has open (`GET /events`): how many in all and per client address,
//! each held by a slot that gives its place back when the stream ends.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::http::error::{ApiError, Result};
use crate::ops::metrics::Metrics;

/// The open streams, in all and by client address, and how they are kept.
pub struct Streams {
    open: Arc<Mutex<Open>>,
    pub max: usize,
    pub max_per_client: usize,
    pub heartbeat: Duration,
}

#[derive(Default)]
struct Open {
    all: usize,
    by_client: HashMap<Option<IpAddr>, usize>,
}

impl Streams {
    pub fn new(max: usize, max_per_client: usize, heartbeat: Duration) -> Self {
        Self {
            open: Arc::default(),
            max,
            max_per_client,
            heartbeat,
        }
    }

    /// Counts a stream of `client` as open, unless that is one too many in all (`503`) or for
    /// the one address (`429`: one client cannot hold every slot).
    pub(crate) fn open(&self, client: Option<IpAddr>, metrics: &Arc<Metrics>) -> Result<Slot> {
        let mut open = lock(&self.open);
        if open.all >= self.max {
            return Err(ApiError::TooManyStreams(self.max));
        }
        let mine = open.by_client.entry(client).or_default();
        if *mine >= self.max_per_client {
            return Err(ApiError::TooManyStreamsFromClient(self.max_per_client));
        }
        *mine += 1;
        open.all += 1;
        metrics.event_stream(1);
        Ok(Slot {
            open: self.open.clone(),
            client,
            metrics: metrics.clone(),
        })
    }
}

fn lock(open: &Mutex<Open>) -> std::sync::MutexGuard<'_, Open> {
    // Counts only: a panic elsewhere cannot leave them half-changed.
    open.lock().unwrap_or_else(|e| e.into_inner())
}

/// A stream counted as open until dropped.
pub(crate) struct Slot {
    open: Arc<Mutex<Open>>,
    client: Option<IpAddr>,
    metrics: Arc<Metrics>,
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut open = lock(&self.open);
        open.all -= 1;
        if let Some(mine) = open.by_client.get_mut(&self.client) {
            *mine -= 1;
            if *mine == 0 {
                open.by_client.remove(&self.client);
            }
        }
        self.metrics.event_stream(-1);
    }
}
