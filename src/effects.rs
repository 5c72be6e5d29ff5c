//! Runs the reducer's effects: requests go to the worker, secrets to the clipboard (one handle
//! for the life of the app), refusals and incident records to the audit trail, the fingerprint
//! files (beside it) are read for a leak search, exports are written, and deliveries of a new
//! secret are handed to the worker. File and clipboard
//! I/O happen here, never in `update`.

use tokio::sync::mpsc;

use crate::app::modal::{ExportJob, ExportResult};
use crate::app::{AuditEntry, Effect, IncidentEntry, Msg};
use crate::audit::{AuditLog, Incident};
use crate::clipboard::Clipboard;
use crate::leak::Fingerprints;
use crate::worker::Requests;

pub struct EffectRunner {
    requests: Requests,
    clipboard: Clipboard,
    audit: Option<AuditLog>,
    /// Where timers send their message back to the loop.
    replies: mpsc::UnboundedSender<Msg>,
}

/// What the loop should do after an effect.
// `Feed` carries a `Msg`, which may carry a created token; see `Msg`.
#[allow(clippy::large_enum_variant)]
#[derive(Debug)]
pub enum Next {
    Continue,
    /// Feed this straight back into `update` (how a copy went, say).
    Feed(Msg),
    Quit,
}

impl EffectRunner {
    pub fn new(
        requests: Requests,
        clipboard: Clipboard,
        audit: Option<AuditLog>,
        replies: mpsc::UnboundedSender<Msg>,
    ) -> Self {
        EffectRunner {
            requests,
            clipboard,
            audit,
            replies,
        }
    }

    pub fn run(&mut self, effect: Effect) -> Next {
        match effect {
            Effect::Api { id, req } => {
                if self.requests.send((id, req)).is_err() {
                    tracing::error!("the worker has stopped");
                }
                Next::Continue
            }
            // A clipboard failure is a message in the modal, never a crash.
            Effect::Copy(secret) => Next::Feed(Msg::Copied(self.clipboard.copy(&secret.0))),
            Effect::ScheduleClear(after) => {
                let replies = self.replies.clone();
                tokio::spawn(async move {
                    tokio::time::sleep(after).await;
                    let _ = replies.send(Msg::ClearClipboardDue);
                });
                Next::Continue
            }
            Effect::ClearClipboard => {
                Next::Feed(Msg::ClipboardCleared(self.clipboard.clear_if_unchanged()))
            }
            Effect::Audit(entry) => {
                self.audit(&entry);
                Next::Continue
            }
            Effect::Incident(entry) => {
                self.incident(&entry);
                Next::Continue
            }
            // Local files, small and read once per search: read here, like the clipboard.
            Effect::LoadFingerprints => Next::Feed(Msg::Fingerprints(match &self.audit {
                Some(audit) => Fingerprints::load(audit.dir()),
                None => Fingerprints::unavailable(
                    "no state directory (neither $XDG_STATE_HOME nor $HOME is set)",
                ),
            })),
            // One file, written at once: here, like the clipboard.
            Effect::Export(job) => Next::Feed(Msg::Exported(export(job))),
            // A command that may take a while: in the worker, answered with `Msg::Delivered`.
            Effect::Deliver(job) => {
                crate::worker::deliver(*job, self.audit.clone(), self.replies.clone());
                Next::Continue
            }
            Effect::Quit => Next::Quit,
        }
    }

    fn audit(&self, e: &AuditEntry) {
        let Some(audit) = &self.audit else { return };
        if let Err(err) = audit.record(
            &e.account,
            e.provider,
            e.op,
            &e.token,
            e.outcome,
            e.error.as_deref(),
        ) {
            tracing::warn!(error = %err, "could not write the audit log");
        }
    }

    fn incident(&self, e: &IncidentEntry) {
        let Some(audit) = &self.audit else { return };
        let record = Incident {
            account: &e.account,
            provider: e.provider,
            token: &e.token,
            matched_by: e.matched_by,
            op: e.op,
            outcome: e.outcome,
            error: e.error.as_deref(),
            verification: e.verification,
            fingerprint_prefix: &e.fingerprint_prefix,
        };
        if let Err(err) = audit.incident(&record) {
            tracing::warn!(error = %err, "could not write the incident record");
        }
    }
}

/// Write an export's rows where it says, privately (see [`crate::inventory::write_private`]).
fn export(job: ExportJob) -> ExportResult {
    let text = job.format.render(&job.rows);
    let path = crate::inventory::expand_home(&job.path);
    let written = crate::inventory::write_private(&path, text.as_bytes(), job.replace)?;
    Ok((written.display().to_string(), job.rows.len()))
}
