//! One account's list as the network sees it: a deadline and a memory budget across all its
//! pages, someone to tell about retries, and what stopped it. The scope rides in a task-local,
//! so every read a provider makes while listing (each page, sematext's app list, fluid's login)
//! is bounded by it without the provider passing anything along; futures the list joins or
//! buffers run in the same task and share it (a `tokio::spawn`ed one would not).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::future::BoxFuture;
use tokio::time::Instant;

use super::limits::Limits;
use crate::model::{ApiError, Listing};

/// A read being tried again, as the dashboard's account row and the log say it: "retrying 2/3
/// (429)".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Retrying {
    /// This retry's number, from 1.
    pub retry: usize,
    /// How many retries there may be.
    pub of: usize,
    /// Why: the status ("429", "503") or "timeout" / "network".
    pub cause: String,
    /// How long it waits first.
    pub wait: Duration,
}

impl std::fmt::Display for Retrying {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "retrying {}/{} ({})", self.retry, self.of, self.cause)
    }
}

/// Told of every retry of a read made while listing.
pub type OnRetry = Arc<dyn Fn(&Retrying) + Send + Sync>;

tokio::task_local! {
    static LIST: Arc<ListScope>;
}

/// The bounds of one list in progress.
pub struct ListScope {
    pub(super) deadline: Instant,
    deadline_secs: u64,
    budget: usize,
    read: AtomicUsize,
    answered: AtomicUsize,
    stopped: Mutex<Option<String>>,
    on_retry: Option<OnRetry>,
}

impl ListScope {
    /// The scope of the list running in this task, if any.
    pub(super) fn current() -> Option<Arc<ListScope>> {
        LIST.try_with(Arc::clone).ok()
    }

    pub(super) fn notify(&self, retrying: &Retrying) {
        if let Some(on_retry) = &self.on_retry {
            on_retry(retrying);
        }
    }

    /// Why the list stopped, if it did.
    pub fn stopped(&self) -> Option<String> {
        self.stopped
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    fn stop(&self, reason: String) -> String {
        let mut stopped = self.stopped.lock().unwrap_or_else(|e| e.into_inner());
        stopped.get_or_insert(reason).clone()
    }

    /// Stop at the deadline: the reason, for the error that ends the read.
    pub(super) fn stop_at_deadline(&self) -> String {
        self.stop(format!(
            "stopped after {} s (the list deadline, [network] list_deadline_secs)",
            self.deadline_secs
        ))
    }

    /// Is there time left to wait `wait` and try once more?
    pub(super) fn has_time_for(&self, wait: Duration) -> bool {
        Instant::now() + wait < self.deadline
    }

    /// Count `bytes` of an answer against the budget; the reason to stop once it is spent.
    pub(super) fn charge(&self, bytes: usize) -> Result<(), String> {
        let total = self.read.fetch_add(bytes, Ordering::Relaxed) + bytes;
        if total <= self.budget {
            return Ok(());
        }
        Err(self.stop(format!(
            "stopped after reading {} MiB (the list's memory budget, [network] list_memory_mb)",
            self.budget / (1024 * 1024)
        )))
    }

    /// A read got a successful answer.
    pub(super) fn answered(&self) {
        self.answered.fetch_add(1, Ordering::Relaxed);
    }
}

/// Run `list`, one account's list, within `limits`: after a place among the accounts listed at
/// once, with the list's deadline and memory budget, telling `on_retry` of each retry. A list
/// that stops says so: partial if some answers came (the provider keeps what it read where it
/// can, see [`keep_listed`]), else an error that says why and what went wrong last.
pub async fn bounded_list(
    limits: &Limits,
    account: &str,
    on_retry: Option<OnRetry>,
    list: BoxFuture<'_, Result<Listing, ApiError>>,
) -> Result<Listing, ApiError> {
    let _slot = limits.list_slot().await;
    let settings = limits.settings;
    let scope = Arc::new(ListScope {
        deadline: Instant::now() + settings.list_deadline,
        deadline_secs: settings.list_deadline.as_secs(),
        budget: settings.list_memory_bytes,
        read: AtomicUsize::new(0),
        answered: AtomicUsize::new(0),
        stopped: Mutex::new(None),
        on_retry,
    });
    // Each read stops at the deadline by itself; this is the backstop for anything else that
    // waits (a credential command, a lock), so a list never waits without end.
    let backstop = scope.deadline + Duration::from_secs(1);
    let result = match tokio::time::timeout_at(backstop, LIST.scope(scope.clone(), list)).await {
        Ok(result) => result,
        Err(_) => Err(ApiError::Timeout(scope.stop_at_deadline())),
    };
    match (result, scope.stopped()) {
        (Ok(listing), _) => Ok(listing),
        (Err(e), None) => Err(e),
        (Err(e), Some(reason)) if scope.answered.load(Ordering::Relaxed) == 0 => {
            Err(gave_up(&reason, &e))
        }
        (Err(_), Some(reason)) => Ok(Listing::partial(
            Vec::new(),
            format!("{account}: {reason}; the tokens read before it could not be kept"),
        )),
    }
}

/// The error of a list that stopped before any answer came: the reason, and the last failure
/// where it says more.
fn gave_up(reason: &str, last: &ApiError) -> ApiError {
    match last {
        ApiError::Timeout(m) if m == reason => ApiError::Timeout(format!("gave up: {reason}")),
        _ => ApiError::Timeout(format!("gave up: {reason}; the last answer was {last}")),
    }
}

/// For a provider's paging loop: a read that failed because the list stopped (its deadline or
/// memory budget) ends the list as partial with the `tokens` read so far; any other failure is
/// the list's error. `account` names the account in the reason.
pub fn keep_listed(
    account: &str,
    tokens: Vec<crate::model::Token>,
    error: ApiError,
) -> Result<Listing, ApiError> {
    match ListScope::current().and_then(|s| s.stopped()) {
        Some(reason) if !tokens.is_empty() => Ok(Listing::partial(
            tokens,
            format!("{account}: {reason}; tokens may be missing"),
        )),
        _ => Err(error),
    }
}
