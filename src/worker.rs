//! The background worker: owns the provider registry, runs each request in its own task (a few
//! at a time) and always answers with `Msg::Api`, errors included. The UI never waits on it.

use std::sync::Arc;

use tokio::sync::{Semaphore, mpsc};
use tracing::Instrument;

use crate::app::{ApiRequest, ApiResult, Msg, ReqId};
use crate::model::ApiError;
use crate::provider::Registry;

/// How many requests run at once; enough for every account of a typical config to load together.
pub const CONCURRENCY: usize = 16;

pub type Requests = mpsc::UnboundedSender<(ReqId, ApiRequest)>;

/// Start the worker on the current tokio runtime. It stops when the returned sender is dropped.
pub fn spawn(registry: Registry, replies: mpsc::UnboundedSender<Msg>) -> Requests {
    let (tx, mut rx) = mpsc::unbounded_channel::<(ReqId, ApiRequest)>();
    let registry = Arc::new(registry);
    let limit = Arc::new(Semaphore::new(CONCURRENCY));
    tokio::spawn(async move {
        while let Some((id, req)) = rx.recv().await {
            let registry = registry.clone();
            let limit = limit.clone();
            let replies = replies.clone();
            tokio::spawn(async move {
                let _permit = limit.acquire_owned().await;
                let result = run(registry, id, req.clone()).await;
                // The UI may have quit already; nothing is left to tell.
                let _ = replies.send(Msg::Api { id, result });
            });
        }
    });
    tx
}

async fn run(registry: Arc<Registry>, id: ReqId, req: ApiRequest) -> ApiResult {
    let Some(account) = registry.accounts.get(req.account()).cloned() else {
        return failed(&req, ApiError::Credential("no such account".into()));
    };
    let span = tracing::info_span!("request", id, provider = %account.kind, account = %account.name, op = op_name(&req));
    let job_req = req.clone();
    // Run the call in its own task so a bug that panics in a client becomes an error row
    // instead of a request that never answers.
    let job = tokio::spawn(
        async move {
            match job_req {
                ApiRequest::List { .. } => ApiResult::List(account.client.list().await),
            }
        }
        .instrument(span.clone()),
    );
    let result = match job.await {
        Ok(result) => result,
        Err(e) => {
            tracing::error!(parent: &span, panicked = e.is_panic(), "request task failed");
            return failed(
                &req,
                ApiError::Network("internal error (see the log)".into()),
            );
        }
    };
    match &result {
        ApiResult::List(Ok(tokens)) => {
            tracing::info!(parent: &span, count = tokens.len(), "listed")
        }
        ApiResult::List(Err(e)) => tracing::warn!(parent: &span, error = e.short(), "list failed"),
    }
    result
}

fn op_name(req: &ApiRequest) -> &'static str {
    match req {
        ApiRequest::List { .. } => "list",
    }
}

fn failed(req: &ApiRequest, e: ApiError) -> ApiResult {
    match req {
        ApiRequest::List { .. } => ApiResult::List(Err(e)),
    }
}
