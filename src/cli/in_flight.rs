//! A change in flight is not abandoned on a signal. Once its request may have gone out, the
//! first SIGINT or SIGTERM only says that tokdash waits for the outcome, so the outcome is
//! printed and recorded; a second one quits at once, and the audit trail keeps the attempt as
//! `pending`.

use std::future::Future;

use tokio::signal::unix::{Signal, SignalKind, signal};

/// SIGINT and SIGTERM, taken over from their default (which ends the process at once).
pub struct Signals {
    interrupt: Signal,
    terminate: Signal,
}

/// The process got a second signal while a change was in flight and should exit now.
pub struct Abandoned {
    pub signal: &'static str,
    /// 128 + the signal's number, as a shell reports a process the signal killed.
    pub exit_code: i32,
}

impl Signals {
    /// Catch SIGINT and SIGTERM from now on. Call it before the attempt's `pending` record is
    /// written, so from that record on no signal ends the process unannounced. `None` when the
    /// handlers cannot be installed; the change then runs unguarded.
    pub fn catch() -> Option<Signals> {
        match (
            signal(SignalKind::interrupt()),
            signal(SignalKind::terminate()),
        ) {
            (Ok(interrupt), Ok(terminate)) => Some(Signals {
                interrupt,
                terminate,
            }),
            (Err(e), _) | (_, Err(e)) => {
                tracing::warn!(error = %e, "could not catch SIGINT and SIGTERM");
                None
            }
        }
    }

    /// The next signal: its name and exit code.
    async fn next(&mut self) -> Abandoned {
        tokio::select! {
            _ = self.interrupt.recv() => Abandoned { signal: "SIGINT", exit_code: 128 + 2 },
            _ = self.terminate.recv() => Abandoned { signal: "SIGTERM", exit_code: 128 + 15 },
        }
    }
}

/// Await `request`, a change in flight that `what` names. On a first signal say on stderr that
/// tokdash waits for its outcome; on a second, give up on it.
pub async fn land<F: Future>(
    signals: Option<Signals>,
    request: F,
    what: &str,
) -> Result<F::Output, Abandoned> {
    let Some(mut signals) = signals else {
        return Ok(request.await);
    };
    tokio::pin!(request);
    let first = tokio::select! {
        answer = &mut request => return Ok(answer),
        first = signals.next() => first,
    };
    eprintln!(
        "tokdash: {} received while a change is in flight ({what}); waiting for its outcome so \
         it is recorded. Send another signal to quit at once: the audit trail then keeps the \
         change as pending.",
        first.signal
    );
    tokio::select! {
        answer = &mut request => {
            eprintln!("tokdash: the change in flight has its outcome; exiting after recording it.");
            Ok(answer)
        }
        second = signals.next() => Err(second),
    }
}
