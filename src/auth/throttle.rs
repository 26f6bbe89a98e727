//! Repeated failed authentication from one client address gets `429` with `Retry-After`.
//!
//! Tokens are 256 random bits, so guessing one is hopeless; the limit is there so that a
//! client hammering the API with bad tokens costs it nothing and shows in the log, and so
//! that a leaked-then-revoked token cannot be retried at full speed. Only requests that *sent*
//! a token and had it refused count: a request without one guesses nothing. Once a client is
//! over the limit, every request of it that carries a token is refused until its window ends,
//! even with a good token, or the limit would not stop guessing.
//!
//! A fixed window per address, in one map behind a mutex: a failed authentication is rare and
//! already the slow path, and the lock is held for a hash-map lookup. (governor, the usual
//! crate, counts every request against a quota and cannot ask "is this client blocked?"
//! without spending a cell; counting only failures is the point here.)

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The most addresses remembered; beyond it, expired windows are dropped first.
const MAX_CLIENTS: usize = 100_000;

pub struct Throttle {
    limit: u32,
    window: Duration,
    clients: Mutex<HashMap<IpAddr, Window>>,
}

#[derive(Debug, Clone, Copy)]
struct Window {
    started: Instant,
    failures: u32,
}

impl Throttle {
    /// At most `limit` failed authentications per `window` from one address.
    pub fn new(limit: u32, window: Duration) -> Self {
        Self {
            limit,
            window,
            clients: Mutex::new(HashMap::new()),
        }
    }

    /// `Err(wait)` while `client` is over the limit: how long until it may try again.
    pub fn check(&self, client: IpAddr, now: Instant) -> Result<(), Duration> {
        let clients = self.clients.lock().expect("the lock is never poisoned");
        match clients.get(&client) {
            Some(w) if w.failures >= self.limit && now < w.started + self.window => {
                Err(w.started + self.window - now)
            }
            _ => Ok(()),
        }
    }

    /// Counts a failed authentication from `client`, in the same step as it checks the limit:
    /// `Err(wait)` when this failure is over it. Requests that were looked up side by side
    /// are counted one by one here, so that of any number sent at once no more than the limit
    /// are answered as anything but "too many".
    pub fn failed(&self, client: IpAddr, now: Instant) -> Result<(), Duration> {
        let mut clients = self.clients.lock().expect("the lock is never poisoned");
        if clients.len() >= MAX_CLIENTS && !clients.contains_key(&client) {
            clients.retain(|_, w| now < w.started + self.window);
            if clients.len() >= MAX_CLIENTS {
                return Ok(()); // a flood of addresses: forget none of the counted ones
            }
        }
        let window = clients.entry(client).or_insert(Window {
            started: now,
            failures: 0,
        });
        if now >= window.started + self.window {
            *window = Window {
                started: now,
                failures: 0,
            };
        }
        window.failures = window.failures.saturating_add(1);
        if window.failures > self.limit {
            Err(window.started + self.window - now)
        } else {
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_limit_blocks_one_address_until_its_window_ends() {
        let throttle = Throttle::new(3, Duration::from_secs(60));
        let (a, b): (IpAddr, IpAddr) = ("10.0.0.1".parse().unwrap(), "10.0.0.2".parse().unwrap());
        let t0 = Instant::now();
        for _ in 0..3 {
            assert!(throttle.check(a, t0).is_ok());
            assert!(throttle.failed(a, t0).is_ok());
        }
        assert_eq!(
            throttle.failed(a, t0),
            Err(Duration::from_secs(60)),
            "a fourth failure looked up side by side with the third is over the limit"
        );
        let later = t0 + Duration::from_secs(20);
        assert_eq!(throttle.check(a, later), Err(Duration::from_secs(40)));
        assert!(
            throttle.check(b, later).is_ok(),
            "other addresses are not affected"
        );
        let after = t0 + Duration::from_secs(60);
        assert!(
            throttle.check(a, after).is_ok(),
            "a new window starts clean"
        );
        assert!(throttle.failed(a, after).is_ok());
        assert!(throttle.check(a, after).is_ok());
    }
}
