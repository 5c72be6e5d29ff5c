//! How many requests are in flight: a bound across every account (`[network]
//! requests_in_flight`) and, per account, an adaptive window that halves on a 429 and grows back
//! by one per answer, never below 1 nor above `requests_per_account`. 10,000 configured accounts
//! thus never open 10,000 connections at once, and a provider that says "slow down" gets fewer
//! requests from tokdash until it stops saying so.

use std::sync::{Arc, Mutex};

use tokio::sync::{Semaphore, SemaphorePermit};

use crate::config::NetworkSettings;

/// What every account of one registry shares: the settings and the overall bound.
#[derive(Debug)]
pub struct Limits {
    pub settings: NetworkSettings,
    overall: Semaphore,
    /// Accounts listed at once: taken by [`crate::provider::Account::list`].
    accounts: Arc<Semaphore>,
}

impl Limits {
    pub fn new(settings: NetworkSettings) -> Arc<Self> {
        Arc::new(Limits {
            settings,
            overall: Semaphore::new(settings.requests_in_flight.max(1)),
            accounts: Arc::new(Semaphore::new(settings.accounts_at_once.max(1))),
        })
    }

    /// A place among the requests in flight overall; held until the answer is read.
    pub async fn request_slot(&self) -> Option<SemaphorePermit<'_>> {
        // The semaphore is never closed, so this only fails if it were; then run unbounded
        // rather than never.
        self.overall.acquire().await.ok()
    }

    /// A place among the accounts listed at once.
    pub async fn list_slot(&self) -> Option<tokio::sync::OwnedSemaphorePermit> {
        self.accounts.clone().acquire_owned().await.ok()
    }
}

/// One account's window of requests in flight.
#[derive(Debug)]
pub struct Window {
    permits: Semaphore,
    state: Mutex<WindowState>,
    max: usize,
}

#[derive(Debug)]
struct WindowState {
    /// The window now.
    limit: usize,
    /// Permits still out that must be forgotten on return, after a shrink found them in use.
    debt: usize,
}

/// A request's place in its account's window; returning it honours any shrink meanwhile.
pub struct WindowPermit<'a> {
    permit: Option<SemaphorePermit<'a>>,
    window: &'a Window,
}

impl Drop for WindowPermit<'_> {
    fn drop(&mut self) {
        let Some(permit) = self.permit.take() else {
            return;
        };
        let mut state = self.window.lock();
        if state.debt > 0 {
            state.debt -= 1;
            permit.forget();
        }
    }
}

impl Window {
    pub fn new(max: usize) -> Self {
        let max = max.max(1);
        Window {
            permits: Semaphore::new(max),
            state: Mutex::new(WindowState {
                limit: max,
                debt: 0,
            }),
            max,
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, WindowState> {
        // A panic while holding this lock leaves two integers; they stay usable.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub async fn acquire(&self) -> WindowPermit<'_> {
        WindowPermit {
            permit: self.permits.acquire().await.ok(),
            window: self,
        }
    }

    /// The window now: how many requests this account may have in flight.
    pub fn limit(&self) -> usize {
        self.lock().limit
    }

    /// The provider said 429: halve the window (never below 1).
    pub fn shrink(&self) {
        let mut state = self.lock();
        let target = (state.limit / 2).max(1);
        let cut = state.limit - target;
        state.limit = target;
        let forgotten = self.permits.forget_permits(cut);
        state.debt += cut - forgotten;
    }

    /// An answer that was not a 429: grow by one (never past the configured bound).
    pub fn grow(&self) {
        let mut state = self.lock();
        if state.limit >= self.max {
            return;
        }
        state.limit += 1;
        if state.debt > 0 {
            state.debt -= 1;
        } else {
            self.permits.add_permits(1);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn halves_on_429_and_grows_back_by_one() {
        let w = Window::new(8);
        let held: Vec<_> = futures::future::join_all((0..8).map(|_| w.acquire())).await;
        w.shrink();
        assert_eq!(w.limit(), 4);
        w.shrink();
        w.shrink();
        w.shrink();
        assert_eq!(w.limit(), 1, "never below one");
        drop(held);
        assert_eq!(
            w.permits.available_permits(),
            1,
            "the in-use permits were forgotten"
        );
        w.grow();
        assert_eq!(w.limit(), 2);
        assert_eq!(w.permits.available_permits(), 2);
        for _ in 0..20 {
            w.grow();
        }
        assert_eq!(w.limit(), 8, "never past the bound");
        assert_eq!(w.permits.available_permits(), 8);
    }
}
