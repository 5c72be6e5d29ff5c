//! Contract tests: each provider client against Prism serving that provider's own OpenAPI
//! document from `../shared/providers/specs/`. Prism validates every request against the spec and
//! flags a violation with a 4xx or an `sl-violations` response header, so these tests prove the
//! clients send what the providers' own schemas describe, independently of our sandbox.
//!
//! A loopback recording proxy sits between client and Prism so the tests can see Prism's response
//! headers without the client having to expose them.
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
use tokdash::model::{NewToken, TokenId, TokenUpdate};
use tokdash::provider::{Account, ProviderKind, Registry};

const QOVERY_ORG: &str = "5d2a3c1e-8f4b-4a7e-9c3d-2b1f0e6a7d90";
const QOVERY_TOKEN_ID: &str = "8e4b1a52-0c1d-4a58-b0a1-6f2d9c3e7b11";

fn specs_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/providers/specs")
}

fn prism_bin() -> PathBuf {
    match std::env::var_os("TOKDASH_PRISM") {
        Some(p) => PathBuf::from(p),
        None => {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(".tools/prism/node_modules/.bin/prism")
        }
    }
}

/// `None` (after saying why) when the contract tests cannot run here.
fn prerequisites() -> Option<()> {
    let in_ci = std::env::var("CI").is_ok_and(|v| v == "true" || v == "1");
    if !specs_dir().is_dir() {
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
            "SKIP: Prism not found at {}; install it with `npm install --prefix .tools/prism @stoplight/prism-cli@5.14.2`",
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
struct Prism {
    child: Child,
    port: u16,
}

impl Prism {
    /// Serve `spec`: a file of the shared specs folder, or a path of its own.
    fn start(spec: &Path) -> Prism {
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
            std::thread::sleep(Duration::from_millis(200));
        }
        prism
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
struct Exchange {
    method: String,
    path: String,
    status: u16,
    violations: Option<String>,
}

#[derive(Clone)]
struct ProxyState {
    upstream: String,
    client: reqwest::Client,
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
    });
    let mut out = Response::builder().status(status);
    for (name, value) in resp.headers() {
        if name != "content-length" && name != "transfer-encoding" && name != "connection" {
            out = out.header(name, value);
        }
    }
    out.body(Body::from(resp.bytes().await.unwrap())).unwrap()
}

/// Prism for one spec, a recording proxy in front of it, and one tokdash account pointed at the
/// proxy.
struct Harness {
    _prism: Prism,
    seen: Arc<Mutex<Vec<Exchange>>>,
    account: Account,
}

impl Harness {
    async fn start(spec: impl AsRef<Path>, account: AccountConfig) -> Harness {
        let prism = Prism::start(spec.as_ref());
        let seen = Arc::new(Mutex::new(Vec::new()));
        let state = ProxyState {
            upstream: format!("http://127.0.0.1:{}", prism.port),
            client: reqwest::Client::new(),
            seen: seen.clone(),
        };
        let listener = tokio::net::TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0)))
            .await
            .unwrap();
        let addr = listener.local_addr().unwrap();
        let app = axum::Router::new().fallback(forward).with_state(state);
        tokio::spawn(async move { axum::serve(listener, app).await });

        let mut account = account;
        account.base_url = Some(format!("http://{addr}"));
        let config = Config {
            accounts: vec![account],
            ..Config::default()
        };
        let registry = Registry::from_config(&config, false).expect("registry");
        Harness {
            _prism: prism,
            seen,
            account: registry.accounts[0].clone(),
        }
    }

    /// Every request so far was valid by the spec: no 4xx from Prism's validator and no
    /// `sl-violations` header.
    fn assert_all_valid(&self) {
        let seen = self.seen.lock().unwrap();
        assert!(!seen.is_empty(), "no request reached Prism");
        for ex in seen.iter() {
            assert!(
                ex.violations.is_none(),
                "{} {} violates the spec: {}",
                ex.method,
                ex.path,
                ex.violations.as_deref().unwrap_or_default()
            );
            assert!(
                ex.status < 400,
                "{} {} got HTTP {}",
                ex.method,
                ex.path,
                ex.status
            );
        }
    }

    fn methods(&self) -> Vec<String> {
        self.seen
            .lock()
            .unwrap()
            .iter()
            .map(|e| e.method.clone())
            .collect()
    }
}

fn value(v: &str) -> Option<CredentialSource> {
    Some(CredentialSource::Value(v.to_owned().into()))
}

#[tokio::test]
async fn fluid_list_create_delete_match_the_spec() {
    if prerequisites().is_none() {
        return;
    }
    let mut account = AccountConfig::new("fluid-contract", ProviderKind::Fluid);
    account.provider_keys.set("org_slug", "acme-1");
    account.credential = value(&"ab".repeat(32));
    let h = Harness::start("fluid.yaml", account).await;
    let client = &h.account.client;

    // Prism's list example is `{}`: no tokens, not an error.
    assert!(client.list().await.unwrap().tokens.is_empty());
    // Prism's create example has "created_at": "created_at"; the client must cope.
    let created = client.create(NewToken::named("rack-01")).await.unwrap();
    assert_eq!(created.token.name, "name");
    client
        .delete(TokenId::new("HTK-3f9a1c02b7de4e58"))
        .await
        .unwrap();

    h.assert_all_valid();
    assert_eq!(h.methods(), ["GET", "POST", "DELETE"]);
}

#[tokio::test]
async fn lagrello_list_create_delete_match_the_spec() {
    if prerequisites().is_none() {
        return;
    }
    let mut account = AccountConfig::new("lagrello-contract", ProviderKind::Lagrello);
    account.credential = value("lagrello-access-token");
    let h = Harness::start("lagrello.yaml", account).await;
    let client = &h.account.client;

    // The example page repeats one token twice and points `next` at another host: the client
    // keeps both rows and does not follow the foreign link.
    let tokens = client.list().await.unwrap().tokens;
    assert_eq!(tokens.len(), 2);
    let mut new = NewToken::named("ci-deploy");
    new.permissions = vec!["READ".into(), "WRITE".into()];
    client.create(new).await.unwrap();
    client
        .delete(TokenId::new("ffd12fb4-da5b-4751-a9f6-d3214b418139"))
        .await
        .unwrap();

    h.assert_all_valid();
    assert_eq!(h.methods(), ["GET", "POST", "DELETE"]);
}

#[tokio::test]
async fn qovery_list_roles_create_delete_match_the_spec() {
    if prerequisites().is_none() {
        return;
    }
    let mut account = AccountConfig::new("qovery-contract", ProviderKind::Qovery);
    account.provider_keys.set("organization_id", QOVERY_ORG);
    account.credential = value("qov_contract_token");
    let h = Harness::start("qovery.yaml", account).await;
    let client = &h.account.client;

    client.list().await.unwrap();
    let roles = client.form_choices("role_id").await.unwrap();
    assert!(!roles.is_empty());
    // Without a role: `role_id` must still be sent, as null.
    client
        .create(NewToken::named("github-actions"))
        .await
        .unwrap();
    // With a role and a description.
    let mut new = NewToken::named("terraform");
    new.description = Some("CI deploys".into());
    new.role_id = Some(roles[0].id.clone());
    client.create(new).await.unwrap();
    client.delete(TokenId::new(QOVERY_TOKEN_ID)).await.unwrap();

    h.assert_all_valid();
    // The list is both kinds of token; a delete of an id not listed first looks up its kind.
    assert_eq!(
        h.methods(),
        ["GET", "GET", "GET", "POST", "POST", "GET", "DELETE"]
    );
}

#[tokio::test]
async fn qovery_policy_tokens_list_create_delete_match_the_spec() {
    if prerequisites().is_none() {
        return;
    }
    let mut account = AccountConfig::new("qovery-contract", ProviderKind::Qovery);
    account.provider_keys.set("organization_id", QOVERY_ORG);
    account.credential = value("qov_contract_token");
    let h = Harness::start("qovery.yaml", account).await;
    let client = &h.account.client;

    let listing = client.list().await.unwrap();
    assert!(listing.is_complete(), "{:?}", listing.partial);
    assert!(listing.tokens.iter().any(|t| t.kind == Some("policy")));
    let roles = client.form_choices("role_id").await.unwrap();
    // The least: a name and a policy (role and expiry sent as null).
    let mut bare = NewToken::named("agent");
    bare.opa_policy = Some("allow := true".into());
    client.create(bare).await.unwrap();
    // Everything: a description, a role and an expiry.
    let mut full = NewToken::named("reader-agent");
    full.description = Some("reads".into());
    full.opa_policy = Some("allow if { input.method == \"GET\" }".into());
    full.role_id = Some(roles[0].id.clone());
    full.expires_at = Some(time::macros::datetime!(2030-01-01 00:00 UTC));
    let created = client.create(full).await.unwrap();
    assert_eq!(created.token.kind, Some("policy"));
    client.delete(created.token.id.clone()).await.unwrap();

    h.assert_all_valid();
    let seen: Vec<(String, String)> = h
        .seen
        .lock()
        .unwrap()
        .iter()
        .map(|e| (e.method.clone(), e.path.clone()))
        .collect();
    let policy = format!("/organization/{QOVERY_ORG}/policyApiToken");
    assert_eq!(
        seen.iter()
            .filter(|(_, p)| p.starts_with(&policy))
            .map(|(m, _)| m.as_str())
            .collect::<Vec<_>>(),
        ["GET", "POST", "POST", "DELETE"],
        "{seen:?}"
    );
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
fn sematext_spec_with_apps(dir: &Path) -> PathBuf {
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

#[tokio::test]
async fn sematext_every_operation_matches_the_spec() {
    if prerequisites().is_none() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let spec = sematext_spec_with_apps(dir.path());
    let mut account = AccountConfig::new("sematext-contract", ProviderKind::Sematext);
    // The app of the apps list's example.
    account.provider_keys.set("app_id", 5);
    account.credential = value("e5f18450-205a-48eb-8589-7d49edaea813");
    let h = Harness::start(&spec, account).await;
    let client = &h.account.client;

    let listed = client.list().await.unwrap();
    assert!(listed.is_complete());
    assert!(
        listed
            .tokens
            .iter()
            .all(|t| t.app.as_ref().unwrap().id == "5")
    );
    let mut new = NewToken::named("ci-shipper");
    new.readable = Some(true);
    new.writeable = Some(true);
    client.create(new).await.unwrap();
    let id = TokenId::new("1201");
    client
        .update(
            id.clone(),
            TokenUpdate {
                name: Some("renamed".into()),
                enabled: None,
            },
        )
        .await
        .unwrap();
    client
        .update(
            id.clone(),
            TokenUpdate {
                name: None,
                enabled: Some(false),
            },
        )
        .await
        .unwrap();
    client.regenerate(id.clone()).await.unwrap();
    client.delete(id).await.unwrap();

    h.assert_all_valid();
    // The apps list once, then the app's tokens and the changes.
    assert_eq!(
        h.methods(),
        ["GET", "GET", "POST", "PUT", "PUT", "POST", "DELETE"]
    );
    let first = h.seen.lock().unwrap()[0].path.clone();
    assert_eq!(first, "/users-web/api/v3/apps");
}
