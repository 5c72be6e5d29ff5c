//! The background worker: owns the provider registry, runs each request in its own task (a few
//! at a time) and always answers with `Msg::Api`, errors included. The UI never waits on it.
//! Every change it runs leaves two audit records under one attempt id, `pending` before the
//! request is sent and the outcome before the answer goes to the UI, and every new secret a
//! fingerprint; none ever holds the secret. So when a change's `Msg::Api` arrives its outcome is
//! on record, and a change still in flight when the dashboard quits is on record as `pending`.

use std::sync::Arc;

use tokio::sync::mpsc;
use tracing::Instrument;

use crate::app::modal::DeliverJob;
use crate::app::{ApiRequest, ApiResult, Msg, ReqId};
use crate::audit::{Attempt, AuditLog, Delivery, Outcome, TokenLabel};
use crate::model::{ApiError, Caps};
use crate::provider::http::{OnRetry, Retrying};
use crate::provider::{Account, Registry};

pub type Requests = mpsc::UnboundedSender<(ReqId, ApiRequest)>;

/// Start the worker on the current tokio runtime; changes are recorded in `audit` when there is
/// one. It stops when the returned sender is dropped.
pub fn spawn(
    registry: Registry,
    replies: mpsc::UnboundedSender<Msg>,
    audit: Option<AuditLog>,
) -> Requests {
    let (tx, mut rx) = mpsc::unbounded_channel::<(ReqId, ApiRequest)>();
    let registry = Arc::new(registry);
    let audit = Arc::new(audit);
    tokio::spawn(async move {
        while let Some((id, req)) = rx.recv().await {
            let registry = registry.clone();
            let audit = audit.clone();
            let replies = replies.clone();
            // No cap here: the provider layer bounds what reaches the network (`[network]`: the
            // accounts listed at once, requests per account and overall).
            tokio::spawn(async move {
                let result = run(&registry, audit.as_ref().as_ref(), id, req, &replies).await;
                // The UI may have quit already; nothing is left to tell.
                let _ = replies.send(Msg::Api { id, result });
            });
        }
    });
    tx
}

async fn run(
    registry: &Registry,
    audit: Option<&AuditLog>,
    id: ReqId,
    req: ApiRequest,
    replies: &mpsc::UnboundedSender<Msg>,
) -> ApiResult {
    let Some(account) = registry.accounts.get(req.account()).cloned() else {
        return failed(&req, ApiError::Credential("no such account".into()));
    };
    let span = tracing::info_span!("request", id, provider = %account.kind, account = %account.name, op = op_name(&req));
    // A change is on record before its request can go out.
    let attempt = req
        .op()
        .map(|op| Attempt::new(&account.name, account.kind, op));
    if let (Some(audit), Some(attempt)) = (audit, &attempt) {
        let label = label_before(&req, account.kind.caps());
        if let Err(e) = audit.pending(attempt, &label) {
            tracing::warn!(parent: &span, error = %e, "could not write the audit log");
        }
    }
    let job_req = req.clone();
    let client = account.client.clone();
    let listed = account.clone();
    // Each read tried again while listing shows on the account's row ("retrying 2/3 (429)").
    let replies = replies.clone();
    let on_retry: OnRetry = Arc::new(move |retrying: &Retrying| {
        let _ = replies.send(Msg::Retrying {
            id,
            retrying: retrying.clone(),
        });
    });
    // Run the call in its own task so a bug that panics in a client becomes an error row
    // instead of a request that never answers.
    let job = tokio::spawn(
        async move {
            match job_req {
                ApiRequest::List { .. } => {
                    ApiResult::List(listed.list_telling(Some(on_retry)).await)
                }
                ApiRequest::Create { new, .. } => {
                    ApiResult::Created(client.create(new).await.map(Box::new))
                }
                ApiRequest::Delete { token, .. } => ApiResult::Changed(client.delete(token).await),
                ApiRequest::Update { token, change, .. } => {
                    ApiResult::Changed(client.update(token, change).await.map(|_| ()))
                }
                ApiRequest::Regenerate { token, .. } => {
                    ApiResult::Created(client.regenerate(token).await.map(Box::new))
                }
                ApiRequest::Choices { field, .. } => {
                    ApiResult::Choices(client.form_choices(field).await)
                }
            }
        }
        .instrument(span.clone()),
    );
    let result = match job.await {
        Ok(result) => result,
        Err(e) => {
            tracing::error!(parent: &span, panicked = e.is_panic(), "request task failed");
            failed(
                &req,
                ApiError::Network("internal error (see the log)".into()),
            )
        }
    };
    match &result {
        ApiResult::List(Ok(listing)) => match &listing.partial {
            None => tracing::info!(parent: &span, count = listing.tokens.len(), "listed"),
            Some(reason) => {
                tracing::warn!(parent: &span, count = listing.tokens.len(), reason = %reason, "listed in part")
            }
        },
        ApiResult::Created(Ok(_)) | ApiResult::Changed(Ok(())) => {
            tracing::info!(parent: &span, "done")
        }
        ApiResult::Choices(Ok(c)) => tracing::debug!(parent: &span, count = c.len(), "choices"),
        ApiResult::List(Err(e))
        | ApiResult::Created(Err(e))
        | ApiResult::Changed(Err(e))
        | ApiResult::Choices(Err(e)) => {
            tracing::warn!(parent: &span, error = e.short(), "request failed")
        }
    }
    if let (Some(audit), Some(attempt)) = (audit, &attempt) {
        record(audit, attempt, &account, &req, &result);
    }
    result
}

/// Deliver a new secret to a sink in a task of its own, record the delivery in `audit` and answer
/// with `Msg::Delivered`. The secret goes only to the sink; the record and the log hold the
/// sink, the token and the outcome.
pub fn deliver(job: DeliverJob, audit: Option<AuditLog>, replies: mpsc::UnboundedSender<Msg>) {
    tokio::spawn(async move {
        let span = tracing::info_span!("deliver", id = job.id, account = %job.subject.account, sink = %job.sink.name);
        let result = crate::sink::deliver(&job.sink, &job.subject, &job.secret.0)
            .instrument(span.clone())
            .await;
        let (outcome, error) = match &result {
            Ok(_) => (Outcome::Ok, None),
            Err(e) => (Outcome::Failed, Some(e.reason.as_str())),
        };
        match error {
            None => tracing::info!(parent: &span, "delivered"),
            Some(e) => tracing::warn!(parent: &span, error = e, "delivery failed"),
        }
        if let Some(audit) = &audit {
            let token = TokenLabel {
                id: Some(job.subject.id.clone()),
                name: Some(job.subject.name.clone()),
            };
            let record = Delivery {
                account: &job.subject.account,
                provider: job.provider,
                token: &token,
                sink: &job.sink.name,
                outcome,
                error,
            };
            if let Err(e) = audit.delivery(&record) {
                tracing::warn!(error = %e, "could not write the audit log");
            }
        }
        let _ = replies.send(Msg::Delivered { id: job.id, result });
    });
}

/// The token a change is about, as its `pending` record names it.
fn label_before(req: &ApiRequest, caps: &Caps) -> TokenLabel {
    match req {
        ApiRequest::Create { new, .. } => TokenLabel::new(None, Some(&new.name), caps),
        ApiRequest::Delete { token, name, .. }
        | ApiRequest::Update { token, name, .. }
        | ApiRequest::Regenerate { token, name, .. } => {
            TokenLabel::new(Some(token), Some(name), caps)
        }
        ApiRequest::List { .. } | ApiRequest::Choices { .. } => TokenLabel::default(),
    }
}

/// Append the outcome record of a change's attempt (and the fingerprint of a new secret).
fn record(
    audit: &AuditLog,
    attempt: &Attempt,
    account: &Account,
    req: &ApiRequest,
    result: &ApiResult,
) {
    let caps = account.kind.caps();
    let label = match result {
        ApiResult::Created(Ok(c)) => TokenLabel::new(Some(&c.token.id), Some(&c.token.name), caps),
        _ => label_before(req, caps),
    };
    let error = match result {
        ApiResult::Created(Err(e)) | ApiResult::Changed(Err(e)) => Some(e),
        _ => None,
    };
    let outcome = match error {
        None => Outcome::Ok,
        Some(ApiError::Refused(_)) => Outcome::Refused,
        Some(e) if e.outcome_unknown() => Outcome::Unknown,
        Some(_) => Outcome::Failed,
    };
    let message = error.map(|e| e.to_string());
    if let Err(e) = audit.finish(attempt, &label, outcome, message.as_deref()) {
        tracing::warn!(error = %e, "could not write the audit log");
    }
    if let ApiResult::Created(Ok(created)) = result
        && let Err(e) = audit.fingerprint(&account.name, account.kind, &label, &created.secret)
    {
        tracing::warn!(error = %e, "could not write the fingerprints file");
    }
}

fn op_name(req: &ApiRequest) -> &'static str {
    match req.op() {
        Some(op) => op.verb(),
        None if matches!(req, ApiRequest::Choices { .. }) => "form_choices",
        None => "list",
    }
}

fn failed(req: &ApiRequest, e: ApiError) -> ApiResult {
    match req {
        ApiRequest::List { .. } => ApiResult::List(Err(e)),
        ApiRequest::Create { .. } | ApiRequest::Regenerate { .. } => ApiResult::Created(Err(e)),
        ApiRequest::Delete { .. } | ApiRequest::Update { .. } => ApiResult::Changed(Err(e)),
        ApiRequest::Choices { .. } => ApiResult::Choices(Err(e)),
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::sandbox::faults::{FaultKind, FaultOp, FaultRule};
    use crate::sandbox::{Sandbox, SandboxOptions};

    fn audit_lines(dir: &std::path::Path) -> Vec<serde_json::Value> {
        std::fs::read_to_string(dir.join(crate::audit::AUDIT_FILE))
            .unwrap_or_default()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }

    /// While a slow delete is in flight, its pending record is already written; when the answer
    /// reaches the UI, the outcome record of the same attempt is too.
    #[tokio::test(flavor = "multi_thread")]
    async fn a_change_is_pending_on_record_while_in_flight_and_ends_under_one_attempt() {
        let sandbox = Sandbox::start(SandboxOptions {
            faults: vec![FaultRule::new("sematext", FaultOp::Delete, FaultKind::Slow)],
            ..SandboxOptions::default()
        })
        .await
        .unwrap();
        let registry = Registry::from_config(&sandbox.config(), false).unwrap();
        let account = registry
            .accounts
            .iter()
            .position(|a| a.name == "sematext-1")
            .unwrap();
        let victim = registry.accounts[account]
            .client
            .list()
            .await
            .unwrap()
            .tokens[0]
            .clone();
        let dir = tempfile::tempdir().unwrap();
        let (replies_tx, mut replies) = mpsc::unbounded_channel();
        let requests = spawn(registry, replies_tx, Some(AuditLog::new(dir.path())));
        let delete = ApiRequest::Delete {
            account,
            token: victim.id.clone(),
            name: victim.name.clone(),
        };
        requests.send((7, delete)).unwrap();

        let mut waited = Duration::ZERO;
        while audit_lines(dir.path()).is_empty() {
            assert!(waited < Duration::from_secs(2), "no pending record");
            tokio::time::sleep(Duration::from_millis(20)).await;
            waited += Duration::from_millis(20);
        }
        assert!(replies.try_recv().is_err(), "the delete is still in flight");
        let pending = audit_lines(dir.path());
        assert_eq!(pending.len(), 1);
        assert_eq!(pending[0]["outcome"], "pending");
        assert_eq!(pending[0]["operation"], "delete");
        assert_eq!(pending[0]["token_name"], victim.name.as_str());

        let Some(Msg::Api { id: 7, result }) = replies.recv().await else {
            panic!("the delete's answer")
        };
        assert!(matches!(result, ApiResult::Changed(Ok(()))));
        let lines = audit_lines(dir.path());
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[1]["outcome"], "ok");
        assert_eq!(lines[1]["attempt"], lines[0]["attempt"]);
    }
}
