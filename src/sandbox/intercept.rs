//! The middleware in front of every fake: it records each request, counts those in flight, adds
//! the configured latency, applies the first matching fault rule, and drops the body of an error
//! whose spec declares none when asked to.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use rand::RngExt;

use super::faults::{FaultKind, FaultOp};
use super::{RecordedRequest, SandboxState, fluid, lagrello, qovery, sematext};
use crate::model::ProviderKind;

/// Which provider a path belongs to. The four APIs' paths do not collide.
fn provider_of(path: &str) -> Option<ProviderKind> {
    if path.starts_with("/v1/orgs/") || path.starts_with("/v1/auth/") {
        Some(ProviderKind::Fluid)
    } else if path.starts_with("/v1/tokens") {
        Some(ProviderKind::Lagrello)
    } else if path.starts_with("/organization/") {
        Some(ProviderKind::Qovery)
    } else if path.starts_with("/users-web/") {
        Some(ProviderKind::Sematext)
    } else {
        None
    }
}

fn op_of(method: &Method, path: &str) -> FaultOp {
    match *method {
        Method::GET => FaultOp::List,
        Method::POST if path.ends_with("/login") => FaultOp::Login,
        Method::POST if path.ends_with("/regenerate") => FaultOp::Regenerate,
        Method::POST => FaultOp::Create,
        Method::PUT | Method::PATCH => FaultOp::Update,
        Method::DELETE => FaultOp::Delete,
        _ => FaultOp::Any,
    }
}

/// The account a request is made as, from its credential, for account-targeted faults.
fn account_of(
    state: &SandboxState,
    provider: ProviderKind,
    headers: &HeaderMap,
    path: &str,
) -> Option<String> {
    match provider {
        ProviderKind::Fluid => fluid::account_for(&*state.fluid.lock().ok()?, headers, path),
        ProviderKind::Lagrello => {
            lagrello::account_for(&*state.lagrello.lock().ok()?, headers, path)
        }
        ProviderKind::Qovery => qovery::account_for(&*state.qovery.lock().ok()?, headers, path),
        ProviderKind::Sematext => {
            sematext::account_for(&*state.sematext.lock().ok()?, headers, path)
        }
    }
}

/// An error response in the provider's own format.
fn error_response(state: &SandboxState, provider: ProviderKind, status: StatusCode) -> Response {
    let message = status.canonical_reason().unwrap_or("error");
    match provider {
        ProviderKind::Fluid => {
            let cookie_name = state
                .fluid
                .lock()
                .expect("fluid lock")
                .cookie_name()
                .to_owned();
            fluid::error_response(status, message, &cookie_name)
        }
        ProviderKind::Lagrello => lagrello::error_response(status, message),
        ProviderKind::Qovery => qovery::error_response(status, message),
        ProviderKind::Sematext => sematext::error_response(status, message),
    }
}

/// How long `slow` waits before answering, and how long `timeout` waits before giving up on the
/// client (far beyond any client timeout).
const SLOW_DELAY: Duration = Duration::from_secs(3);
const HANG: Duration = Duration::from_secs(600);
const HUGE_BYTES: usize = 64 * 1024 * 1024;

/// Does the provider's spec declare this error status without content? Only qovery's does, for
/// 400, 401, 403, 404 and 409 (specs/qovery.yaml); fluid, lagrello and sematext declare a body
/// for every error.
fn declared_bodiless(provider: ProviderKind, status: StatusCode) -> bool {
    match provider {
        ProviderKind::Qovery => matches!(status.as_u16(), 400 | 401 | 403 | 404 | 409),
        ProviderKind::Fluid | ProviderKind::Lagrello | ProviderKind::Sematext => false,
    }
}

/// Counts a request as in flight until it is dropped, keeping the most at once.
struct InFlight<'a>(&'a SandboxState);

impl<'a> InFlight<'a> {
    fn enter(state: &'a SandboxState) -> Self {
        let now = state.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        state.most_in_flight.fetch_max(now, Ordering::SeqCst);
        InFlight(state)
    }
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.in_flight.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Count the request while it is answered, and drop the body of an error whose spec declares
/// none when the sandbox is asked to.
pub(super) async fn intercept(
    State(state): State<Arc<SandboxState>>,
    req: Request,
    next: Next,
) -> Response {
    let _in_flight = InFlight::enter(&state);
    let provider = provider_of(req.uri().path());
    let response = answer(&state, req, next).await;
    match provider {
        Some(provider)
            if state.empty_error_bodies && declared_bodiless(provider, response.status()) =>
        {
            let (mut parts, _) = response.into_parts();
            parts.headers.remove(header::CONTENT_TYPE);
            parts.headers.remove(header::CONTENT_LENGTH);
            Response::from_parts(parts, Body::empty())
        }
        _ => response,
    }
}

/// Record the request, add latency, and apply the first matching fault rule.
async fn answer(state: &Arc<SandboxState>, req: Request, next: Next) -> Response {
    let (parts, body) = req.into_parts();
    let body = match axum::body::to_bytes(body, 2 * 1024 * 1024).await {
        Ok(b) => b,
        Err(_) => {
            return (StatusCode::PAYLOAD_TOO_LARGE, "request body too large\n").into_response();
        }
    };
    let path = parts.uri.path().to_owned();
    state
        .requests
        .lock()
        .expect("requests lock")
        .push(RecordedRequest {
            method: parts.method.clone(),
            uri: parts
                .uri
                .path_and_query()
                .map_or(path.clone(), |p| p.to_string()),
            headers: parts.headers.clone(),
            body: body.clone(),
            at: std::time::Instant::now(),
        });

    if !state.latency.is_zero() {
        let ms = state.latency.as_millis() as u64;
        let delay = state.with_rng(|r| r.random_range(ms / 2..=ms + ms / 2));
        tokio::time::sleep(Duration::from_millis(delay)).await;
    }

    let fault = provider_of(&path).and_then(|provider| {
        let op = op_of(&parts.method, &path);
        let account = account_of(state, provider, &parts.headers, &path);
        let rule = state
            .faults
            .read()
            .expect("faults lock")
            .iter()
            .find(|r| r.matches(provider, account.as_deref(), op))
            .cloned()?;
        let hit = rule.rate >= 1.0 || state.with_rng(|r| r.random_bool(rule.rate));
        hit.then_some((provider, op, rule.kind))
    });

    let req = Request::from_parts(parts, Body::from(body));
    let Some((provider, op, kind)) = fault else {
        return next.run(req).await;
    };
    match kind {
        FaultKind::Status(code) => {
            let status = StatusCode::from_u16(code).expect("fault statuses are valid");
            let mut resp = if code == 502 {
                (
                    status,
                    [(header::CONTENT_TYPE, "text/html")],
                    "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>\n",
                )
                    .into_response()
            } else {
                error_response(state, provider, status)
            };
            if code == 429 {
                resp.headers_mut().insert(
                    header::RETRY_AFTER,
                    HeaderValue::from(state.retry_after.as_secs()),
                );
            }
            resp
        }
        FaultKind::Slow => {
            tokio::time::sleep(SLOW_DELAY).await;
            next.run(req).await
        }
        FaultKind::Timeout => {
            // The work is done, but the answer never comes: the case where a create's outcome is
            // unknown to the client.
            let _ = next.run(req).await;
            tokio::time::sleep(HANG).await;
            StatusCode::GATEWAY_TIMEOUT.into_response()
        }
        FaultKind::NoContent => {
            let real = next.run(req).await;
            if !real.status().is_success() {
                return real;
            }
            match op {
                FaultOp::Create | FaultOp::Update | FaultOp::Regenerate => StatusCode::CREATED,
                FaultOp::Delete => StatusCode::NO_CONTENT,
                _ => StatusCode::OK,
            }
            .into_response()
        }
        FaultKind::Malformed => {
            let _ = next.run(req).await;
            (
                StatusCode::OK,
                [(header::CONTENT_TYPE, "application/json")],
                "{\"tokens\": [{\"id\": \"oops\", \"name\": ",
            )
                .into_response()
        }
        FaultKind::Truncated => {
            let real = next.run(req).await;
            let (mut parts, body) = real.into_parts();
            let bytes = axum::body::to_bytes(body, usize::MAX)
                .await
                .unwrap_or_default();
            let half = bytes.slice(..bytes.len() / 2);
            parts.headers.remove(header::CONTENT_LENGTH);
            let stream = futures::stream::iter(vec![
                Ok::<Bytes, std::io::Error>(half),
                Err(std::io::Error::new(
                    std::io::ErrorKind::ConnectionReset,
                    "sandbox fault: truncated",
                )),
            ]);
            Response::from_parts(parts, Body::from_stream(stream))
        }
        FaultKind::Huge => {
            let chunk = Bytes::from(vec![b' '; 64 * 1024]);
            let chunks = HUGE_BYTES / chunk.len();
            let stream = futures::stream::iter(
                std::iter::once(Ok::<Bytes, std::io::Error>(Bytes::from_static(
                    b"{\"padding\": \"",
                )))
                .chain(std::iter::repeat_n(chunk, chunks).map(Ok)),
            );
            (
                StatusCode::OK,
                [(header::CONTENT_TYPE, "application/json")],
                Body::from_stream(stream),
            )
                .into_response()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_route_to_one_provider_each() {
        assert_eq!(
            provider_of("/v1/orgs/acme/hosts/tokens"),
            Some(ProviderKind::Fluid)
        );
        assert_eq!(provider_of("/v1/auth/login"), Some(ProviderKind::Fluid));
        assert_eq!(provider_of("/v1/tokens/abc"), Some(ProviderKind::Lagrello));
        assert_eq!(
            provider_of("/organization/x/apiToken"),
            Some(ProviderKind::Qovery)
        );
        assert_eq!(
            provider_of("/users-web/api/v3/apps/1/tokens"),
            Some(ProviderKind::Sematext)
        );
        assert_eq!(provider_of("/"), None);
    }

    #[test]
    fn methods_map_to_fault_ops() {
        assert_eq!(op_of(&Method::POST, "/v1/auth/login"), FaultOp::Login);
        assert_eq!(
            op_of(
                &Method::POST,
                "/users-web/api/v3/apps/1/tokens/2/regenerate"
            ),
            FaultOp::Regenerate
        );
        assert_eq!(op_of(&Method::POST, "/v1/tokens"), FaultOp::Create);
        assert_eq!(
            op_of(&Method::PUT, "/users-web/api/v3/apps/1/tokens/2"),
            FaultOp::Update
        );
        assert_eq!(op_of(&Method::DELETE, "/v1/tokens/x"), FaultOp::Delete);
        assert_eq!(op_of(&Method::GET, "/v1/tokens"), FaultOp::List);
    }
}
