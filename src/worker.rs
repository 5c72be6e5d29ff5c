//! The background worker: owns the provider registry, runs each request in its own task (a few
//! at a time) and always answers with `Msg::Api`, errors included. The UI never waits on it.
//! Every change it runs leaves an audit record, and every new secret a fingerprint; neither
//! ever holds the secret.

use std::sync::Arc;

use tokio::sync::{Semaphore, mpsc};
use tracing::Instrument;

use crate::app::{ApiRequest, ApiResult, Msg, ReqId};
use crate::audit::{AuditLog, Outcome, TokenLabel};
use crate::model::ApiError;
use crate::provider::{Account, Registry};

/// How many requests run at once; enough for every account of a typical config to load together.
pub const CONCURRENCY: usize = 16;

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
    let limit = Arc::new(Semaphore::new(CONCURRENCY));
    tokio::spawn(async move {
        while let Some((id, req)) = rx.recv().await {
            let registry = registry.clone();
            let audit = audit.clone();
            let limit = limit.clone();
            let replies = replies.clone();
            tokio::spawn(async move {
                let _permit = limit.acquire_owned().await;
                let result = run(&registry, audit.as_ref().as_ref(), id, req).await;
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
) -> ApiResult {
    let Some(account) = registry.accounts.get(req.account()).cloned() else {
        return failed(&req, ApiError::Credential("no such account".into()));
    };
    let span = tracing::info_span!("request", id, provider = %account.kind, account = %account.name, op = op_name(&req));
    let job_req = req.clone();
    let client = account.client.clone();
    // Run the call in its own task so a bug that panics in a client becomes an error row
    // instead of a request that never answers.
    let job = tokio::spawn(
        async move {
            match job_req {
                ApiRequest::List { .. } => ApiResult::List(client.list().await),
                ApiRequest::Create { new, .. } => ApiResult::Created(client.create(new).await),
                ApiRequest::Delete { token, .. } => ApiResult::Changed(client.delete(token).await),
                ApiRequest::Update { token, change, .. } => {
                    ApiResult::Changed(client.update(token, change).await.map(|_| ()))
                }
                ApiRequest::Regenerate { token, .. } => {
                    ApiResult::Created(client.regenerate(token).await)
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
        ApiResult::List(Ok(tokens)) => {
            tracing::info!(parent: &span, count = tokens.len(), "listed")
        }
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
    if let Some(audit) = audit {
        record(audit, &account, &req, &result);
    }
    result
}

/// Append the audit record (and the fingerprint of a new secret) for a change.
fn record(audit: &AuditLog, account: &Account, req: &ApiRequest, result: &ApiResult) {
    let Some(op) = req.op() else { return };
    let caps = account.kind.caps();
    let label = match (req, result) {
        (ApiRequest::Create { .. } | ApiRequest::Regenerate { .. }, ApiResult::Created(Ok(c))) => {
            TokenLabel::new(Some(&c.token.id), Some(&c.token.name), caps)
        }
        (ApiRequest::Create { new, .. }, _) => TokenLabel::new(None, Some(&new.name), caps),
        (
            ApiRequest::Delete { token, name, .. }
            | ApiRequest::Update { token, name, .. }
            | ApiRequest::Regenerate { token, name, .. },
            _,
        ) => TokenLabel::new(Some(token), Some(name), caps),
        _ => TokenLabel::default(),
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
    if let Err(e) = audit.record(
        &account.name,
        account.kind,
        op,
        &label,
        outcome,
        message.as_deref(),
    ) {
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
