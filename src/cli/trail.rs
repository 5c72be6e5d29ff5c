//! The CLI's side of the audit trail: a `pending` record before a change is sent and its outcome
//! after (one record for a change refused before any request), a fingerprint per secret shown,
//! and a warning (never a failed command) when the files cannot be written.

use crate::audit::{Attempt, AuditLog, Delivery, Incident, Outcome, TokenLabel};
use crate::provider::Account;
use crate::secret::SecretString;

/// Where the CLI records what it did; `None` when there is no state directory to write to.
pub struct Trail {
    log: Option<AuditLog>,
}

impl Trail {
    /// The audit log under `$XDG_STATE_HOME/tokdash` (or `~/.local/state/tokdash`).
    pub fn from_env(demo: bool) -> Self {
        Trail {
            log: AuditLog::default_location(demo),
        }
    }

    /// Record that `attempt`'s request is about to be sent. Call it before sending, and
    /// [`Trail::finish`] the attempt however it ends.
    pub fn pending(&self, attempt: &Attempt, token: &TokenLabel) {
        tracing::info!(
            attempt = attempt.id(),
            account = %attempt.account(),
            provider = %attempt.provider(),
            op = attempt.op().verb(),
            "change in flight"
        );
        if let Err(e) = self.with_log(|log| log.pending(attempt, token)) {
            warn(&format!(
                "could not write the audit log (the change is sent unrecorded): {e}"
            ));
        }
    }

    /// Record how an attempted change ended; a change refused before [`Trail::pending`] gets
    /// this record only. The error text is the one the user saw on stderr.
    pub fn finish(
        &self,
        attempt: &Attempt,
        token: &TokenLabel,
        outcome: Outcome,
        error: Option<&str>,
    ) {
        tracing::info!(
            attempt = attempt.id(),
            account = %attempt.account(),
            provider = %attempt.provider(),
            op = attempt.op().verb(),
            outcome = ?outcome,
            "change attempted"
        );
        let written = self.with_log(|log| log.finish(attempt, token, outcome, error));
        if let Err(e) = written {
            warn(&format!("could not write the audit log: {e}"));
        }
    }

    /// Record the fingerprint of a secret that is about to be shown.
    pub fn fingerprint(&self, account: &Account, token: &TokenLabel, secret: &SecretString) {
        let written =
            self.with_log(|log| log.fingerprint(&account.name, account.kind, token, secret));
        if let Err(e) = written {
            warn(&format!("could not write the secret's fingerprint: {e}"));
        }
    }

    /// Record an action taken on a leaked secret's token (`revoke --from-stdin`).
    pub fn incident(&self, incident: &Incident<'_>) {
        tracing::info!(
            account = %incident.account,
            provider = %incident.provider,
            op = incident.op.verb(),
            outcome = ?incident.outcome,
            verification = incident.verification,
            "incident action"
        );
        if let Err(e) = self.with_log(|log| log.incident(incident)) {
            warn(&format!("could not write the audit log: {e}"));
        }
    }

    /// Record a delivery of a new secret to a sink.
    pub fn delivery(&self, delivery: &Delivery<'_>) {
        tracing::info!(
            account = %delivery.account,
            provider = %delivery.provider,
            sink = %delivery.sink,
            outcome = ?delivery.outcome,
            "secret delivered"
        );
        if let Err(e) = self.with_log(|log| log.delivery(delivery)) {
            warn(&format!("could not write the audit log: {e}"));
        }
    }

    fn with_log(&self, write: impl FnOnce(&AuditLog) -> std::io::Result<()>) -> Result<(), String> {
        let log = self
            .log
            .as_ref()
            .ok_or("there is no state directory: no home directory was found")?;
        write(log).map_err(|e| format!("{}: {e}", log.dir().display()))
    }
}

fn warn(message: &str) {
    tracing::warn!("{message}");
    eprintln!("tokdash: warning: {message}");
}
