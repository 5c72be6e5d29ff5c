//! Prism for the contract tests: the mock server process for one of `../shared/providers/specs/`
//! (their operations are read by `spec`, which a crate using this module includes too), and a
//! loopback proxy between a
//! client and Prism that records every exchange and can add a `Prefer` header (`code=NNN`,
//! `dynamic=true`) to the requests of one operation. tokdash's clients never send `Prefer`, so
//! the proxy is how a test makes Prism answer an operation with a given status or with random
//! data, while every other request (sematext's apps list before a create, qovery's re-list
//! after a 403) gets Prism's ordinary answer.
//!
//! Prism is installed by `.ci/run` into `.tools/prism` (or set `TOKDASH_PRISM`). Without it, or
//! without `../shared`, the tests skip with a message, except under CI (`CI=true`), where a
//! missing Prism fails them.

use std::net::{SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::extract::{Request, State};
use axum::response::Response;
use tokdash::config::{AccountConfig, Config};
use tokdash::credential::CredentialSource;
use tokdash::provider::{Account, Registry};

use super::spec::Operation;
pub use super::spec::specs_dir;

fn prism_bin() -> PathBuf {
    match std::env::var_os("TOKDASH_PRISM") {
        Some(p) => PathBuf::from(p),
        None => {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(".tools/prism/node_modules/.bin/prism")
        }
    }
}

/// `None` (after saying why) when the contract tests cannot run here. Under `CI=true` a missing
/// Prism or specs folder fails the test instead.
pub fn prerequisites() -> Option<()> {
    let in_ci = std::env::var("CI").is_ok_and(|v| v == "true" || v == "1");
    if !specs_dir().is_dir() {
        assert!(
            !in_ci,
            "../shared/providers/specs is missing under CI; the contract tests need it"
        );
        eprintln!(
            "SKIP: ../shared/providers/specs not found; contract tests need the shared folder beside the checkout"
        );
        return None;
    }
    if !prism_bin().exists() {
        assert!(
            !in_ci,
            "Prism is missing at {} under CI; .ci/run must install it",
            prism_bin().display()
        );
        eprintln!(
            "SKIP: Prism not found at {}; install it with scripts/install-prism.sh",
            prism_bin().display()
        );
        return None;
    }
    Some(())
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A Prism mock server process, stopped on drop.
pub struct Prism {
    child: Child,
    port: u16,
}

impl Prism {
    /// Serve `spec`: a file of the shared specs folder, or a path of its own.
    pub fn start(spec: &Path) -> Prism {
        let port = free_port();
        let child = Command::new(prism_bin())
            .args(["mock", "-h", "127.0.0.1", "-p", &port.to_string()])
            .arg(specs_dir().join(spec))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start prism");
        let prism = Prism { child, port };
        let deadline = Instant::now() + Duration::from_secs(60);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "Prism did not start serving {} within 60s",
                spec.display()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        prism
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
}

impl Drop for Prism {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// What the proxy saw of each exchange.
#[derive(Debug, Clone)]
pub struct Exchange {
    pub method: String,
    /// Path and query.
    pub path: String,
    pub status: u16,
    pub violations: Option<String>,
    /// Whether the proxy added its `Prefer` header to this request.
    pub preferred: bool,
}

/// A `Prefer` header for the requests of one operation.
#[allow(dead_code)] // the request-validity tests never ask Prism for a status
#[derive(Debug, Clone)]
pub struct Prefer {
    pub operation: Operation,
    /// `code=404`, `dynamic=true`.
    pub value: String,
}

#[derive(Clone)]
struct ProxyState {
    upstream: String,
    client: reqwest::Client,
    prefer: Option<Prefer>,
    seen: Arc<Mutex<Vec<Exchange>>>,
}

async fn forward(State(state): State<ProxyState>, req: Request) -> Response {
    let (parts, body) = req.into_parts();
    let body = axum::body::to_bytes(body, 1 << 20).await.unwrap();
    let path = parts
        .uri
        .path_and_query()
        .map(|p| p.to_string())
        .unwrap_or_default();
    let mut upstream = state
        .client
        .request(parts.method.clone(), format!("{}{}", state.upstream, path))
        .body(body.to_vec());
    for (name, value) in &parts.headers {
        if name != "host" && name != "content-length" {
            upstream = upstream.header(name, value);
        }
    }
    let prefer = state
        .prefer
        .as_ref()
        .filter(|p| p.operation.matches(parts.method.as_str(), parts.uri.path()));
    if let Some(prefer) = prefer {
        upstream = upstream.header("prefer", &prefer.value);
    }
    let resp = upstream.send().await.unwrap();
    let status = resp.status();
    let violations = resp
        .headers()
        .get("sl-violations")
        .map(|v| v.to_str().unwrap_or("?").to_owned());
    state.seen.lock().unwrap().push(Exchange {
        method: parts.method.to_string(),
        path,
        status: status.as_u16(),
        violations,
        preferred: prefer.is_some(),
    });
    let mut out = Response::builder().status(status);
    for (name, value) in resp.headers() {
        if name != "content-length" && name != "transfer-encoding" && name != "connection" {
            out = out.header(name, value);
        }
    }
    out.body(Body::from(resp.bytes().await.unwrap())).unwrap()
}

/// A recording proxy in front of Prism, serving until the test's runtime ends.
pub struct Proxy {
    pub addr: SocketAddr,
    seen: Arc<Mutex<Vec<Exchange>>>,
}

impl Proxy {
    pub async fn start(prism: &Prism, prefer: Option<Prefer>) -> Proxy {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let state = ProxyState {
            upstream: prism.url(),
            client: reqwest::Client::new(),
            prefer,
            seen: seen.clone(),
        };
        let listener = tokio::net::TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0)))
            .await
            .unwrap();
        let addr = listener.local_addr().unwrap();
        let app = axum::Router::new().fallback(forward).with_state(state);
        tokio::spawn(async move { axum::serve(listener, app).await });
        Proxy { addr, seen }
    }

    /// Every exchange so far, oldest first.
    pub fn seen(&self) -> Vec<Exchange> {
        self.seen.lock().unwrap().clone()
    }

    /// A tokdash account built from `account` the way tokdash builds it, pointed at this proxy.
    pub fn account(&self, mut account: AccountConfig) -> Account {
        account.base_url = Some(format!("http://{}", self.addr));
        let config = Config {
            accounts: vec![account],
            ..Config::default()
        };
        let registry = Registry::from_config(&config, false).expect("registry");
        registry.accounts[0].clone()
    }

    /// The requests Prism found invalid by the spec: an `sl-violations` header, or a 4xx the
    /// proxy did not ask for. Empty when every request so far was valid.
    pub fn invalid_requests(&self) -> Vec<String> {
        self.seen()
            .iter()
            .filter(|ex| ex.violations.is_some() || (ex.status >= 400 && !ex.preferred))
            .map(|ex| {
                format!(
                    "{} {} got HTTP {} ({})",
                    ex.method,
                    ex.path,
                    ex.status,
                    ex.violations
                        .as_deref()
                        .unwrap_or("no sl-violations header")
                )
            })
            .collect()
    }
}

pub fn value(v: &str) -> Option<CredentialSource> {
    Some(CredentialSource::Value(v.to_owned().into()))
}

/// The apps list, `GET /users-web/api/v3/apps`, which the shared `sematext.yaml` left out when it
/// was trimmed: the operation `listUsingGET` and its `AppsResponse` as in the spec it was trimmed
/// from (sematext/sematext-api-client-go `stcloud/api/swagger.yaml` @ 78ea593, with `operationID`
/// unmangled like the rest of the copy), `App` cut to the fields a client could read, with the
/// token values it carries.
const SEMATEXT_APPS_PATH: &str = r#"  /users-web/api/v3/apps:
    get:
      tags:
      - Apps
      summary: Get all apps accessible by account identified with apiKey
      operationId: listUsingGET
      responses:
        '200':
          description: 'Response data key: apps, Response data type: List of Apps'
          content:
            application/json:
              schema:
                $ref: '#/components/schemas/AppsResponse'
        '401':
          description: Unauthorized
          content: {}
        '403':
          description: Forbidden
          content: {}
        '404':
          description: Not Found
          content: {}
      security:
      - api_key:
        - global
"#;

const SEMATEXT_APPS_SCHEMAS: &str = r#"    App:
      type: object
      properties:
        appType:
          type: string
        description:
          type: string
        id:
          type: integer
          format: int64
        name:
          type: string
        readToken:
          type: string
        readWriteToken:
          type: string
        status:
          type: string
        token:
          type: string
        tokens:
          type: array
          items:
            type: string
        writeToken:
          type: string
    AppsResponseEntry:
      type: object
      properties:
        apps:
          type: array
          items:
            $ref: '#/components/schemas/App'
    AppsResponse:
      type: object
      properties:
        data:
          $ref: '#/components/schemas/AppsResponseEntry'
        errors:
          type: array
          items:
            $ref: '#/components/schemas/Error'
        message:
          type: string
        success:
          type: boolean
      example:
        data:
          apps:
          - appType: appType
            description: description
            id: 5
            name: name
            readToken: readToken
            readWriteToken: readWriteToken
            status: status
            token: token
            tokens:
            - tokens
            - tokens
            writeToken: writeToken
        success: true
        message: message
        errors:
        - code: code
          message: message
"#;

/// The shared sematext spec with the apps list added, written into `dir`.
pub fn sematext_spec_with_apps(dir: &Path) -> PathBuf {
    let shared = std::fs::read_to_string(specs_dir().join("sematext.yaml")).unwrap();
    let once = |text: &str, anchor: &str, insert: &str| {
        assert_eq!(
            text.matches(anchor).count(),
            1,
            "one `{anchor:?}` in sematext.yaml"
        );
        text.replacen(anchor, &format!("{anchor}{insert}"), 1)
    };
    let spec = once(&shared, "\npaths:\n", SEMATEXT_APPS_PATH);
    let spec = once(&spec, "\n  schemas:\n", SEMATEXT_APPS_SCHEMAS);
    let path = dir.join("sematext-with-apps.yaml");
    std::fs::write(&path, spec).unwrap();
    path
}
