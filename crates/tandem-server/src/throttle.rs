//! Sign-in throttling: how many wrong passwords a client address, and an
//! address for one account, may try before they are told to wait (429 with
//! `Retry-After`), and a bound on password hashes computed at once.
//!
//! An account is never locked as a whole: failures count per address and
//! per address-and-account pair, so someone guessing Ana's password from
//! one place does not keep Ana out from another. Counts live in this
//! process's memory; with several nodes each node counts its own.
//!
//! This is not a rate limit of the API in general.

use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::sync::{Semaphore, SemaphorePermit};

/// Wrong passwords one address may try, for any accounts, per window.
pub const PER_ADDRESS: usize = 20;
/// Wrong passwords one address may try for one account per window.
pub const PER_ACCOUNT_AND_ADDRESS: usize = 5;
/// The window failures are counted over.
pub const WINDOW: Duration = Duration::from_secs(15 * 60);
/// Entries kept before expired ones are swept, so a flood of addresses
/// cannot grow the table without bound.
const SWEEP_AT: usize = 10_000;

#[derive(Clone, PartialEq, Eq, Hash)]
enum Key {
    Address(IpAddr),
    Pair(IpAddr, String),
}

#[derive(Clone)]
pub struct SignInThrottle {
    failures: Arc<Mutex<HashMap<Key, VecDeque<Instant>>>>,
    hashing: Arc<Semaphore>,
}

impl Default for SignInThrottle {
    fn default() -> Self {
        SignInThrottle::new()
    }
}

impl SignInThrottle {
    pub fn new() -> SignInThrottle {
        // Each argon2 hash holds ~19 MiB while it runs: as many at once as
        // there are cores keeps memory flat and the cores busy; the rest
        // wait their turn as cheap futures.
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        SignInThrottle {
            failures: Arc::default(),
            hashing: Arc::new(Semaphore::new(cores.max(2))),
        }
    }

    /// Takes a turn to try a password: `Err(wait)` when this address, or
    /// this address for this account, has failed too often within the
    /// window. An attempt let through counts as a failure at once, before
    /// its hash is computed, so attempts sent all at once cannot pass the
    /// check together; a right password gives its turn back
    /// ([`SignInThrottle::succeeded`]).
    pub fn attempt(
        &self,
        address: Option<IpAddr>,
        account: &str,
        now: Instant,
    ) -> Result<(), Duration> {
        let Some(address) = address else {
            return Ok(());
        };
        let mut failures = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        let mut wait = Duration::ZERO;
        for (key, limit) in keys(address, account) {
            if let Some(times) = failures.get_mut(&key) {
                expire(times, now);
                if times.len() >= limit {
                    let oldest = times[times.len() - limit];
                    wait = wait.max(WINDOW.saturating_sub(now - oldest));
                }
            }
        }
        if !wait.is_zero() {
            return Err(wait.max(Duration::from_secs(1)));
        }
        if failures.len() >= SWEEP_AT {
            failures.retain(|_, times| {
                expire(times, now);
                !times.is_empty()
            });
        }
        for (key, limit) in keys(address, account) {
            let times = failures.entry(key).or_default();
            times.push_back(now);
            // Older failures than the limit's worth no longer decide anything.
            while times.len() > limit {
                times.pop_front();
            }
        }
        Ok(())
    }

    /// A right password from this address for this account forgets the
    /// pair's failures and gives back the turn its attempt took from the
    /// address (the address's other failures stay: it may be guessing
    /// others).
    pub fn succeeded(&self, address: Option<IpAddr>, account: &str) {
        let Some(address) = address else { return };
        let mut failures = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        failures.remove(&Key::Pair(address, account.to_ascii_lowercase()));
        if let Some(times) = failures.get_mut(&Key::Address(address)) {
            times.pop_back();
        }
    }

    /// A turn to compute a password hash.
    pub async fn hashing_turn(&self) -> SemaphorePermit<'_> {
        self.hashing
            .acquire()
            .await
            .expect("the hashing semaphore is never closed")
    }
}

fn keys(address: IpAddr, account: &str) -> [(Key, usize); 2] {
    [
        (Key::Address(address), PER_ADDRESS),
        (
            Key::Pair(address, account.to_ascii_lowercase()),
            PER_ACCOUNT_AND_ADDRESS,
        ),
    ]
}

fn expire(times: &mut VecDeque<Instant>, now: Instant) {
    while times
        .front()
        .is_some_and(|&t| now.duration_since(t) >= WINDOW)
    {
        times.pop_front();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(last: u8) -> Option<IpAddr> {
        Some(IpAddr::from([10, 0, 0, last]))
    }

    #[test]
    fn a_pair_waits_after_its_limit_and_others_do_not() {
        let throttle = SignInThrottle::new();
        let start = Instant::now();
        for i in 0..PER_ACCOUNT_AND_ADDRESS {
            assert!(
                throttle.attempt(ip(1), "ana@x.org", start).is_ok(),
                "attempt {i}"
            );
        }
        let wait = throttle.attempt(ip(1), "Ana@X.org", start).unwrap_err();
        assert!(wait > Duration::from_secs(60) && wait <= WINDOW, "{wait:?}");
        // Ana from elsewhere, and another account from the same address.
        assert!(throttle.attempt(ip(2), "ana@x.org", start).is_ok());
        assert!(throttle.attempt(ip(1), "ben@x.org", start).is_ok());
        // The window passes.
        assert!(throttle.attempt(ip(1), "ana@x.org", start + WINDOW).is_ok());
    }

    #[test]
    fn an_address_waits_after_its_limit_across_accounts() {
        let throttle = SignInThrottle::new();
        let now = Instant::now();
        for i in 0..PER_ADDRESS {
            assert!(
                throttle
                    .attempt(ip(3), &format!("user{i}@x.org"), now)
                    .is_ok()
            );
        }
        assert!(throttle.attempt(ip(3), "someone@x.org", now).is_err());
        assert!(throttle.attempt(ip(4), "someone@x.org", now).is_ok());
    }

    #[test]
    fn attempts_at_once_cannot_all_pass() {
        let throttle = SignInThrottle::new();
        let now = Instant::now();
        // Sixty attempts taken before any of them is judged.
        let passed = (0..60)
            .filter(|_| throttle.attempt(ip(5), "eli@x.org", now).is_ok())
            .count();
        assert_eq!(passed, PER_ACCOUNT_AND_ADDRESS);
    }

    #[test]
    fn a_right_password_gives_its_turn_back() {
        let throttle = SignInThrottle::new();
        let now = Instant::now();
        for _ in 0..PER_ADDRESS * 2 {
            assert!(throttle.attempt(ip(6), "ana@x.org", now).is_ok());
            throttle.succeeded(ip(6), "ana@x.org");
        }
    }

    #[test]
    fn the_table_is_swept() {
        let throttle = SignInThrottle::new();
        let then = Instant::now();
        for i in 0..SWEEP_AT {
            let address = IpAddr::from([10, 1, (i / 256) as u8, (i % 256) as u8]);
            assert!(throttle.attempt(Some(address), "a@x.org", then).is_ok());
        }
        assert!(throttle.attempt(ip(7), "a@x.org", then + WINDOW).is_ok());
        assert_eq!(throttle.failures.lock().unwrap().len(), 2);
    }
}
