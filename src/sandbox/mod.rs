//! A stateful fake of every provider, speaking each one's real wire format on one loopback
//! listener. The demo, the tests and the benchmarks run against it.
//!
//! The fakes never import the clients' wire types: each defines its own, so a wrong field name in
//! a client fails against its fake instead of agreeing with itself.

pub mod faults;
pub mod fluid;
pub mod lagrello;
pub mod qovery;
pub mod sematext;
pub mod store;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};
use time::OffsetDateTime;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::config::{AccountConfig, Config, LoginConfig};
use crate::credential::CredentialSource;
use crate::provider::ProviderKind;
use faults::{FaultKind, FaultOp, FaultRule};

/// How the sandbox is seeded and how it misbehaves.
#[derive(Debug, Clone)]
pub struct SandboxOptions {
    pub addr: SocketAddr,
    pub accounts_per_provider: usize,
    pub tokens_per_account: usize,
    /// Mean delay before every response; each response waits 50–150 % of it.
    pub latency: Duration,
    pub seed: u64,
    pub hostile_names: bool,
    pub faults: Vec<FaultRule>,
    /// Seeded creation dates are spread over the two years before this moment.
    pub anchor: OffsetDateTime,
}

impl Default for SandboxOptions {
    fn default() -> Self {
        SandboxOptions {
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            accounts_per_provider: 1,
            tokens_per_account: 12,
            latency: Duration::ZERO,
            seed: 1,
            hostile_names: false,
            faults: Vec::new(),
            anchor: store::default_anchor(),
        }
    }
}

/// What a fake needs to seed itself.
#[derive(Debug, Clone)]
pub struct SeedOptions {
    pub seed: u64,
    pub accounts: usize,
    pub tokens: usize,
    pub hostile: bool,
    pub anchor: OffsetDateTime,
}

/// One account the sandbox serves, with everything a tokdash config needs to reach it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SandboxAccount {
    /// `fluid-1`, `lagrello-1`, …
    pub name: String,
    pub provider: ProviderKind,
    /// The session cookie, bearer token, API token or API key. `None` for fluid accounts that log
    /// in with `login` instead.
    pub credential: Option<String>,
    /// fluid: email and password for `POST /v1/auth/login`.
    pub login: Option<(String, String)>,
    pub org_slug: Option<String>,
    pub organization_id: Option<String>,
    pub app_id: Option<i64>,
}

/// One request as the sandbox received it, for tests that check exactly what a client sent.
#[derive(Debug, Clone)]
pub struct RecordedRequest {
    pub method: Method,
    /// Path and query.
    pub uri: String,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl RecordedRequest {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    pub fn json(&self) -> Option<serde_json::Value> {
        serde_json::from_slice(&self.body).ok()
    }
}

/// State shared by every fake and the middleware.
pub struct SandboxState {
    pub anchor: OffsetDateTime,
    /// `http://127.0.0.1:PORT`, for absolute URLs such as lagrello's paging links.
    pub base_url: String,
    latency: Duration,
    faults: RwLock<Vec<FaultRule>>,
    rng: Mutex<StdRng>,
    requests: Mutex<Vec<RecordedRequest>>,
    pub fluid: Mutex<fluid::FluidState>,
    pub lagrello: Mutex<lagrello::LagrelloState>,
    pub qovery: Mutex<qovery::QoveryState>,
    pub sematext: Mutex<sematext::SematextState>,
}

impl SandboxState {
    /// A fresh random value for ids and secrets of tokens created while running.
    pub fn with_rng<T>(&self, f: impl FnOnce(&mut StdRng) -> T) -> T {
        f(&mut self.rng.lock().expect("sandbox rng lock"))
    }
}

/// A running sandbox. Dropping it stops the server.
pub struct Sandbox {
    addr: SocketAddr,
    accounts: Vec<SandboxAccount>,
    state: Arc<SandboxState>,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl Sandbox {
    /// Seed every fake, bind the listener and start serving in the background.
    pub async fn start(opts: SandboxOptions) -> std::io::Result<Sandbox> {
        let listener = tokio::net::TcpListener::bind(opts.addr).await?;
        let addr = listener.local_addr()?;
        let seed = SeedOptions {
            seed: opts.seed,
            accounts: opts.accounts_per_provider,
            tokens: opts.tokens_per_account,
            hostile: opts.hostile_names,
            anchor: opts.anchor,
        };
        let (fluid, mut accounts) = fluid::seed(&seed);
        let (lagrello, more) = lagrello::seed(&seed);
        accounts.extend(more);
        let (qovery, more) = qovery::seed(&seed);
        accounts.extend(more);
        let (sematext, more) = sematext::seed(&seed);
        accounts.extend(more);

        let state = Arc::new(SandboxState {
            anchor: opts.anchor,
            base_url: format!("http://{addr}"),
            latency: opts.latency,
            faults: RwLock::new(opts.faults),
            rng: Mutex::new(StdRng::seed_from_u64(opts.seed.wrapping_add(0x5eed))),
            requests: Mutex::new(Vec::new()),
            fluid: Mutex::new(fluid),
            lagrello: Mutex::new(lagrello),
            qovery: Mutex::new(qovery),
            sematext: Mutex::new(sematext),
        });

        let app = Router::new()
            .merge(fluid::routes())
            .merge(lagrello::routes())
            .merge(qovery::routes())
            .merge(sematext::routes())
            .fallback(|| async {
                (
                    StatusCode::NOT_FOUND,
                    "no such endpoint in the tokdash sandbox\n",
                )
            })
            .layer(middleware::from_fn_with_state(state.clone(), intercept))
            .with_state(state.clone());

        let (tx, rx) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            let server = axum::serve(listener, app).with_graceful_shutdown(async {
                let _ = rx.await;
            });
            if let Err(e) = server.await {
                tracing::error!("sandbox server stopped: {e}");
            }
        });
        Ok(Sandbox {
            addr,
            accounts,
            state,
            shutdown: Some(tx),
            task: Some(task),
        })
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    pub fn base_url(&self) -> String {
        self.state.base_url.clone()
    }

    pub fn accounts(&self) -> &[SandboxAccount] {
        &self.accounts
    }

    pub fn account(&self, name: &str) -> Option<&SandboxAccount> {
        self.accounts.iter().find(|a| a.name == name)
    }

    pub fn state(&self) -> &Arc<SandboxState> {
        &self.state
    }

    /// Every request received so far, oldest first.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.state.requests.lock().expect("requests lock").clone()
    }

    pub fn clear_requests(&self) {
        self.state.requests.lock().expect("requests lock").clear();
    }

    /// Replace the fault rules while running.
    pub fn set_faults(&self, faults: Vec<FaultRule>) {
        *self.state.faults.write().expect("faults lock") = faults;
    }

    /// A tokdash configuration for every sandbox account, with literal credentials.
    pub fn config(&self) -> Config {
        Config {
            accounts: self
                .accounts
                .iter()
                .map(|a| self.account_config(a))
                .collect(),
            ..Config::default()
        }
    }

    /// The `[[accounts]]` entry for one sandbox account.
    pub fn account_config(&self, a: &SandboxAccount) -> AccountConfig {
        let mut c = AccountConfig::new(a.name.clone(), a.provider);
        c.base_url = Some(self.base_url());
        c.org_slug = a.org_slug.clone();
        c.organization_id = a.organization_id.clone();
        c.app_id = a.app_id;
        c.credential = a
            .credential
            .clone()
            .map(|v| CredentialSource::Value(v.into()));
        c.login = a.login.clone().map(|(email, password)| LoginConfig {
            email,
            password: CredentialSource::Value(password.into()),
        });
        c
    }

    /// The same configuration as TOML, ready to be written to a file.
    pub fn config_toml(&self) -> String {
        let mut out = String::from(
            "# Written by `tokdash sandbox`: every account of the running sandbox.\n\
             # The credentials are the sandbox's own fakes; they work nowhere else.\n",
        );
        for a in &self.accounts {
            out.push_str("\n[[accounts]]\n");
            out.push_str(&format!("name = {}\n", toml_str(&a.name)));
            out.push_str(&format!("provider = {}\n", toml_str(a.provider.name())));
            out.push_str(&format!("base_url = {}\n", toml_str(&self.base_url())));
            if let Some(v) = &a.org_slug {
                out.push_str(&format!("org_slug = {}\n", toml_str(v)));
            }
            if let Some(v) = &a.organization_id {
                out.push_str(&format!("organization_id = {}\n", toml_str(v)));
            }
            if let Some(v) = a.app_id {
                out.push_str(&format!("app_id = {v}\n"));
            }
            if let Some(v) = &a.credential {
                out.push_str(&format!("credential = {{ value = {} }}\n", toml_str(v)));
            }
            if let Some((email, password)) = &a.login {
                out.push_str(&format!(
                    "login = {{ email = {}, password = {{ value = {} }} }}\n",
                    toml_str(email),
                    toml_str(password)
                ));
            }
        }
        out
    }

    /// Stop serving and wait for the server task to end.
    pub async fn shutdown(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}

fn toml_str(s: &str) -> String {
    toml::Value::String(s.to_owned()).to_string()
}

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
fn error_response(provider: ProviderKind, status: StatusCode) -> Response {
    let message = status.canonical_reason().unwrap_or("error");
    match provider {
        ProviderKind::Fluid => fluid::error_response(status, message),
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

/// Record the request, add latency, and apply the first matching fault rule.
async fn intercept(State(state): State<Arc<SandboxState>>, req: Request, next: Next) -> Response {
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
        });

    if !state.latency.is_zero() {
        let ms = state.latency.as_millis() as u64;
        let delay = state.with_rng(|r| r.random_range(ms / 2..=ms + ms / 2));
        tokio::time::sleep(Duration::from_millis(delay)).await;
    }

    let fault = provider_of(&path).and_then(|provider| {
        let op = op_of(&parts.method, &path);
        let account = account_of(&state, provider, &parts.headers, &path);
        let rule = state
            .faults
            .read()
            .expect("faults lock")
            .iter()
            .find(|r| r.matches(provider, account.as_deref(), op))
            .cloned()?;
        let hit = rule.rate >= 1.0 || state.with_rng(|r| r.random_bool(rule.rate));
        hit.then_some((provider, rule.kind))
    });

    let req = Request::from_parts(parts, Body::from(body));
    let Some((provider, kind)) = fault else {
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
                error_response(provider, status)
            };
            if code == 429 {
                resp.headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from_static("30"));
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
