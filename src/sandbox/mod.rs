//! A stateful fake of every provider, speaking each one's real wire format on one loopback
//! listener. The demo, the tests and the benchmarks run against it.
//!
//! The fakes never import the clients' wire types: each defines its own, so a wrong field name in
//! a client fails against its fake instead of agreeing with itself.

pub mod faults;
pub mod fluid;
mod intercept;
pub mod lagrello;
pub mod qovery;
pub mod sematext;
pub mod store;

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::http::{HeaderMap, Method, StatusCode};
use axum::middleware;
use rand::SeedableRng;
use rand::rngs::StdRng;
use serde::Serialize;
use time::OffsetDateTime;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::config::Config;
use crate::model::ProviderKind;
use faults::FaultRule;

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
    /// The `Retry-After` a 429 fault sends: 1 s, short enough that a demo or a test that meets
    /// it is not held up by the retries tokdash makes after it.
    pub retry_after: Duration,
    /// Seeded creation dates are spread over the two years before this moment.
    pub anchor: OffsetDateTime,
    /// Where the real services may differ from the fakes' defaults, within what their specs
    /// allow.
    pub variants: Variants,
}

/// Choices a provider's spec leaves open, or a deployment makes, that a client must cope with.
/// The defaults are the fakes' usual answers; each variant is as strict as a real service may
/// be, and no stricter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Variants {
    /// lagrello's page numbers and paging links.
    pub lagrello_paging: lagrello::Paging,
    /// Errors whose spec declares no content come without a body (qovery's 400, 401, 403, 404
    /// and 409; the other specs give every error a body).
    pub empty_error_bodies: bool,
    /// The name of fluid's session cookie (`deer_session` on deer.sh builds).
    pub fluid_cookie_name: String,
}

impl Default for Variants {
    fn default() -> Self {
        Variants {
            lagrello_paging: lagrello::Paging::default(),
            empty_error_bodies: false,
            fluid_cookie_name: fluid::DEFAULT_COOKIE_NAME.to_owned(),
        }
    }
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
            retry_after: Duration::from_secs(1),
            anchor: store::default_anchor(),
            variants: Variants::default(),
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
#[derive(Debug, Clone, PartialEq)]
pub struct SandboxAccount {
    /// `fluid-1`, `lagrello-1`, …
    pub name: String,
    pub provider: ProviderKind,
    /// The session cookie, bearer token, API token or API key. `None` for fluid accounts that log
    /// in with `login` instead.
    pub credential: Option<String>,
    /// The provider's own keys of the account's `[[accounts]]` entry (`org_slug`, `app_id`, fluid's
    /// `login`, …), as the provider's fake describes them.
    pub settings: toml::Table,
}

impl SandboxAccount {
    /// One of the provider's keys, dotted for a nested one (`login.email`).
    pub fn setting(&self, key: &str) -> Option<&toml::Value> {
        let (first, rest) = key
            .split_once('.')
            .map_or((key, None), |(f, r)| (f, Some(r)));
        let value = self.settings.get(first)?;
        match rest {
            None => Some(value),
            Some(rest) => rest.split('.').try_fold(value, |v, part| v.get(part)),
        }
    }

    /// Every secret handed out for the account: the credential and each literal
    /// `{ value = "…" }` among the provider's keys (fluid's login password).
    pub fn secrets(&self) -> Vec<String> {
        fn literals(table: &toml::Table, out: &mut Vec<String>) {
            for (key, value) in table {
                match value {
                    toml::Value::String(s) if key == "value" => out.push(s.clone()),
                    toml::Value::Table(inner) => literals(inner, out),
                    _ => {}
                }
            }
        }
        let mut out: Vec<String> = self.credential.iter().cloned().collect();
        literals(&self.settings, &mut out);
        out
    }
}

/// The provider-specific keys of a fake's account, from the fake's own `Serialize` description.
fn account_keys(keys: &impl Serialize) -> toml::Table {
    toml::Table::try_from(keys).expect("a fake's account keys form a TOML table")
}

/// `{ value = "…" }`: a literal credential, as the sandbox writes its fakes' secrets.
#[derive(Debug, Clone, Serialize)]
struct Literal {
    value: String,
}

/// One request as the sandbox received it, for tests that check exactly what a client sent.
#[derive(Debug, Clone)]
pub struct RecordedRequest {
    pub method: Method,
    /// Path and query.
    pub uri: String,
    pub headers: HeaderMap,
    pub body: Bytes,
    /// When the sandbox saw it: how far apart a retry came.
    pub at: std::time::Instant,
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
    empty_error_bodies: bool,
    retry_after: Duration,
    faults: RwLock<Vec<FaultRule>>,
    rng: Mutex<StdRng>,
    requests: Mutex<Vec<RecordedRequest>>,
    /// Requests being answered now, and the most ever answered at once.
    in_flight: AtomicUsize,
    most_in_flight: AtomicUsize,
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
        let invalid = |e: String| std::io::Error::new(std::io::ErrorKind::InvalidInput, e);
        let variants = opts.variants;
        fluid::check_cookie_name(&variants.fluid_cookie_name).map_err(invalid)?;
        let paging = variants.lagrello_paging.checked().map_err(invalid)?;
        let (fluid, mut accounts) = fluid::seed(&seed, &variants.fluid_cookie_name);
        let (mut lagrello, more) = lagrello::seed(&seed);
        lagrello.set_paging(paging);
        accounts.extend(more);
        let (qovery, more) = qovery::seed(&seed);
        accounts.extend(more);
        let (sematext, more) = sematext::seed(&seed);
        accounts.extend(more);
        for rule in &opts.faults {
            rule.check_target(accounts.iter().map(|a| a.name.as_str()))
                .map_err(invalid)?;
        }

        let state = Arc::new(SandboxState {
            anchor: opts.anchor,
            base_url: format!("http://{addr}"),
            latency: opts.latency,
            empty_error_bodies: variants.empty_error_bodies,
            retry_after: opts.retry_after,
            faults: RwLock::new(opts.faults),
            rng: Mutex::new(StdRng::seed_from_u64(opts.seed.wrapping_add(0x5eed))),
            requests: Mutex::new(Vec::new()),
            in_flight: AtomicUsize::new(0),
            most_in_flight: AtomicUsize::new(0),
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
            .layer(middleware::from_fn_with_state(
                state.clone(),
                intercept::intercept,
            ))
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

    /// Forget the requests received so far, and the most answered at once.
    pub fn clear_requests(&self) {
        self.state.requests.lock().expect("requests lock").clear();
        self.state.most_in_flight.store(0, Ordering::SeqCst);
    }

    /// The most requests the sandbox was answering at one time (since the last
    /// [`Sandbox::clear_requests`]): how concurrent a client really was.
    pub fn most_concurrent_requests(&self) -> usize {
        self.state.most_in_flight.load(Ordering::SeqCst)
    }

    /// Replace the fault rules while running.
    pub fn set_faults(&self, faults: Vec<FaultRule>) {
        *self.state.faults.write().expect("faults lock") = faults;
    }

    /// A tokdash configuration for every sandbox account, with literal credentials: the
    /// configuration of [`Sandbox::config_toml`], read the way tokdash reads a file.
    pub fn config(&self) -> Config {
        crate::config::parse(std::path::Path::new("sandbox config"), &self.config_toml())
            .unwrap_or_else(|e| panic!("the sandbox writes a valid configuration: {e}"))
    }

    /// The configuration as TOML, ready to be written to a file.
    pub fn config_toml(&self) -> String {
        #[derive(Serialize)]
        struct File<'a> {
            accounts: Vec<Entry<'a>>,
        }
        #[derive(Serialize)]
        struct Entry<'a> {
            name: &'a str,
            provider: ProviderKind,
            base_url: &'a str,
            #[serde(skip_serializing_if = "Option::is_none")]
            credential: Option<Literal>,
            #[serde(flatten)]
            settings: &'a toml::Table,
        }
        let base_url = self.base_url();
        let file = File {
            accounts: self
                .accounts
                .iter()
                .map(|a| Entry {
                    name: &a.name,
                    provider: a.provider,
                    base_url: &base_url,
                    credential: a.credential.clone().map(|value| Literal { value }),
                    settings: &a.settings,
                })
                .collect(),
        };
        let body = toml::to_string(&file).expect("the sandbox's configuration serialises");
        format!(
            "# Written by `tokdash sandbox`: every account of the running sandbox.\n\
             # The credentials are the sandbox's own fakes; they work nowhere else.\n\n{body}"
        )
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

/// Does the request say its body is JSON? The media type before any parameter, in any case
/// (`Application/JSON; charset=utf-8` is JSON too: media types are case-insensitive).
pub(crate) fn is_json(headers: &HeaderMap) -> bool {
    headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|media| media.trim().eq_ignore_ascii_case("application/json"))
}
