//! The fluid client against the fluid fake, over real loopback HTTP.

use std::sync::Arc;
use std::time::Duration;

use axum::http::Method;
use secrecy::ExposeSecret;
use serde_json::json;
use tokdash::model::{ApiError, NewToken, Token};
use tokdash::provider::Provider;
use tokdash::sandbox::faults::{FaultKind, FaultOp, FaultRule};
use tokdash::sandbox::{RecordedRequest, Sandbox, SandboxOptions};

mod common {
    pub mod sandbox;
}

use common::sandbox::{assert_sanitised, client, client_from, requests_under};

/// Two fluid accounts: fluid-1 logs in with a password, fluid-2 has a session cookie.
async fn sandbox(opts: SandboxOptions) -> Sandbox {
    common::sandbox::sandbox_with(SandboxOptions {
        accounts_per_provider: 2,
        ..opts
    })
    .await
}

/// A client for the `member` user of fluid-1's org, who may list but not change tokens.
fn member_client(sandbox: &Sandbox) -> Arc<dyn Provider> {
    let (email, password) = sandbox
        .state()
        .fluid
        .lock()
        .unwrap()
        .member_login("fluid-1")
        .expect("fluid-1 has a member");
    let mut config = sandbox.config();
    let account = config
        .accounts
        .iter_mut()
        .find(|a| a.name == "fluid-1")
        .unwrap();
    account.provider_keys.set(
        "login",
        json!({"email": email, "password": {"value": password}}),
    );
    client_from(&config, "fluid-1")
}

fn fluid_requests(sandbox: &Sandbox) -> Vec<RecordedRequest> {
    requests_under(sandbox, &["/v1/orgs/", "/v1/auth/"])
}

fn logins(sandbox: &Sandbox) -> usize {
    fluid_requests(sandbox)
        .iter()
        .filter(|r| r.uri == "/v1/auth/login")
        .count()
}

fn ids(tokens: &[Token]) -> Vec<String> {
    tokens.iter().map(|t| t.id.to_string()).collect()
}

#[tokio::test]
async fn create_list_delete_round_trip_with_login() {
    let sandbox = sandbox(SandboxOptions::default()).await;
    let fluid = client(&sandbox, "fluid-1");

    let before = fluid.list().await.unwrap();
    assert_eq!(before.len(), 12);
    let created = fluid.create(NewToken::named("rack-99")).await.unwrap();
    let secret = created.secret.expose_secret().to_owned();
    assert_eq!(secret.len(), 64);
    assert!(secret.bytes().all(|b| b.is_ascii_hexdigit()));
    let id = created.token.id.to_string();
    assert!(id.starts_with("HTK-") && id.len() == 20, "{id}");
    assert_eq!(created.token.name, "rack-99");
    assert!(created.token.created_at.is_some());

    let listed = fluid.list().await.unwrap();
    assert_eq!(listed.len(), 13);
    assert_eq!(listed[0].id.to_string(), id, "newest first");
    assert!(listed.iter().all(|t| t.secret.is_none()));

    fluid.delete(created.token.id.clone()).await.unwrap();
    let after = fluid.list().await.unwrap();
    assert!(!ids(&after).contains(&id));
    assert_eq!(ids(&after), ids(&before));

    // Logged in once, lazily, before the first call.
    let requests = fluid_requests(&sandbox);
    assert_eq!(requests[0].uri, "/v1/auth/login");
    assert_eq!(logins(&sandbox), 1);
    let login = sandbox.account("fluid-1").unwrap();
    let email = login.setting("login.email").unwrap().as_str().unwrap();
    let password = login
        .setting("login.password.value")
        .unwrap()
        .as_str()
        .unwrap();
    assert_eq!(
        requests[0].json(),
        Some(json!({"email": email, "password": password}))
    );

    let create = requests
        .iter()
        .find(|r| r.method == Method::POST && r.uri == "/v1/orgs/acme-1/hosts/tokens")
        .unwrap();
    assert_eq!(&create.body[..], br#"{"name":"rack-99"}"#);
    assert_eq!(create.header("content-type"), Some("application/json"));
    for r in &requests[1..] {
        let cookie = r.header("cookie").expect("cookie sent");
        assert!(
            cookie.starts_with("fluid_session=") && cookie.len() == 14 + 64,
            "{cookie}"
        );
        assert!(r.header("authorization").is_none());
    }
    let delete = requests
        .iter()
        .find(|r| r.method == Method::DELETE)
        .unwrap();
    assert_eq!(delete.uri, format!("/v1/orgs/acme-1/hosts/tokens/{id}"));
}

#[tokio::test]
async fn a_session_credential_goes_in_the_cookie_without_logging_in() {
    let sandbox = sandbox(SandboxOptions::default()).await;
    let session = sandbox
        .account("fluid-2")
        .unwrap()
        .credential
        .clone()
        .unwrap();
    let tokens = client(&sandbox, "fluid-2").list().await.unwrap();
    assert_eq!(tokens.len(), 12);
    let requests = fluid_requests(&sandbox);
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].uri, "/v1/orgs/acme-2/hosts/tokens");
    assert_eq!(
        requests[0].header("cookie"),
        Some(format!("fluid_session={session}").as_str())
    );
}

#[tokio::test]
async fn an_expired_session_means_logging_in_again_once() {
    let sandbox = sandbox(SandboxOptions::default()).await;
    let fluid = client(&sandbox, "fluid-1");
    fluid.list().await.unwrap();
    sandbox.state().fluid.lock().unwrap().invalidate_sessions();

    let created = fluid.create(NewToken::named("after-expiry")).await.unwrap();
    assert_eq!(logins(&sandbox), 2);
    let creates: Vec<_> = fluid_requests(&sandbox)
        .into_iter()
        .filter(|r| r.method == Method::POST && r.uri.ends_with("/tokens"))
        .collect();
    assert_eq!(creates.len(), 2, "the refused create is repeated once");
    assert_ne!(creates[0].header("cookie"), creates[1].header("cookie"));
    let named: Vec<_> = fluid
        .list()
        .await
        .unwrap()
        .into_iter()
        .filter(|t| t.name == "after-expiry")
        .collect();
    assert_eq!(named.len(), 1, "exactly one token was minted");
    assert_eq!(named[0].id, created.token.id);
}

#[tokio::test]
async fn an_expired_session_credential_is_reported_not_retried() {
    let sandbox = sandbox(SandboxOptions::default()).await;
    let fluid = client(&sandbox, "fluid-2");
    sandbox.state().fluid.lock().unwrap().invalidate_sessions();
    let err = fluid.list().await.unwrap_err();
    assert!(matches!(err, ApiError::Unauthorized(_)), "{err:?}");
    assert!(err.to_string().contains("credential"), "{err}");
    assert_eq!(logins(&sandbox), 0);
    assert_eq!(fluid_requests(&sandbox).len(), 1);
}

#[tokio::test]
async fn a_wrong_password_says_the_login_failed() {
    let sandbox = sandbox(SandboxOptions::default()).await;
    let mut config = sandbox.config();
    let account = config
        .accounts
        .iter_mut()
        .find(|a| a.name == "fluid-1")
        .unwrap();
    account.provider_keys.set("login.password.value", "wrong");
    let err = client_from(&config, "fluid-1").list().await.unwrap_err();
    assert!(matches!(err, ApiError::Unauthorized(_)), "{err:?}");
    assert!(err.to_string().contains("login"), "{err}");
    assert!(!format!("{err} {err:?}").contains("wrong"));
    assert_eq!(logins(&sandbox), 1, "no retry loop on a refused login");
}

#[tokio::test]
async fn a_member_may_list_but_not_change_tokens() {
    let sandbox = sandbox(SandboxOptions::default()).await;
    let member = member_client(&sandbox);
    let tokens = member.list().await.unwrap();
    assert_eq!(tokens.len(), 12);
    let err = member.create(NewToken::named("nope")).await.unwrap_err();
    assert!(matches!(err, ApiError::Forbidden(_)), "{err:?}");
    assert!(err.to_string().contains("owner or admin"), "{err}");
    let err = member.delete(tokens[0].id.clone()).await.unwrap_err();
    assert!(matches!(err, ApiError::Forbidden(_)), "{err:?}");
    assert_eq!(member.list().await.unwrap().len(), 12);
}

#[tokio::test]
async fn deleting_an_unknown_token_is_not_found() {
    let sandbox = sandbox(SandboxOptions::default()).await;
    let fluid = client(&sandbox, "fluid-2");
    let err = fluid
        .delete(tokdash::model::TokenId::new("HTK-0000000000000000"))
        .await
        .unwrap_err();
    assert!(matches!(err, ApiError::NotFound(_)), "{err:?}");
}

/// Does an error have the kind a status should map to?
type ErrorCheck = fn(&ApiError) -> bool;

#[tokio::test]
async fn every_status_maps_to_its_error() {
    let sandbox = sandbox(SandboxOptions::default()).await;
    let fluid = client(&sandbox, "fluid-2");
    let cases: [(u16, ErrorCheck); 7] = [
        (401, |e| matches!(e, ApiError::Unauthorized(_))),
        (403, |e| matches!(e, ApiError::Forbidden(_))),
        (
            404,
            |e| matches!(e, ApiError::NotFound(m) if m.contains("acme-2")),
        ),
        (409, |e| matches!(e, ApiError::Conflict(_))),
        (
            429,
            |e| matches!(e, ApiError::RateLimited { retry_after: Some(d), .. } if *d == Duration::from_secs(30)),
        ),
        (500, |e| matches!(e, ApiError::Server { status: 500, .. })),
        (
            502,
            |e| matches!(e, ApiError::Server { status: 502, message } if !message.contains('<')),
        ),
    ];
    for (status, expected) in cases {
        sandbox.set_faults(vec![FaultRule::new(
            "fluid-2",
            FaultOp::List,
            FaultKind::Status(status),
        )]);
        let err = fluid.list().await.unwrap_err();
        assert!(expected(&err), "{status}: {err:?}");
    }
}

#[tokio::test]
async fn a_401_on_a_login_account_is_retried_once_then_reported() {
    let sandbox = sandbox(SandboxOptions::default()).await;
    let fluid = client(&sandbox, "fluid-1");
    fluid.list().await.unwrap();
    sandbox.set_faults(vec![FaultRule::new(
        "fluid",
        FaultOp::List,
        FaultKind::Status(401),
    )]);
    let err = fluid.list().await.unwrap_err();
    assert!(matches!(err, ApiError::Unauthorized(_)), "{err:?}");
    assert_eq!(logins(&sandbox), 2);
}

#[tokio::test]
async fn broken_responses_are_errors_not_panics() {
    let sandbox = sandbox(SandboxOptions::default()).await;
    let fluid = client(&sandbox, "fluid-2");
    let fault = |kind| vec![FaultRule::new("fluid", FaultOp::Any, kind)];
    common::sandbox::assert_broken_lists_are_errors(&sandbox, "fluid", "fluid-2").await;

    // A create whose answer is malformed may still have minted a token.
    sandbox.set_faults(fault(FaultKind::Malformed));
    let err = fluid.create(NewToken::named("maybe")).await.unwrap_err();
    assert!(err.outcome_unknown(), "{err:?}");
    sandbox.set_faults(Vec::new());
    assert!(
        fluid
            .list()
            .await
            .unwrap()
            .iter()
            .any(|t| t.name == "maybe")
    );
}

#[tokio::test]
async fn a_hung_create_times_out_with_outcome_unknown() {
    let sandbox = sandbox(SandboxOptions::default()).await;
    let mut config = sandbox.config();
    config.http.request_timeout = Duration::from_millis(300);
    let fluid = client_from(&config, "fluid-2");
    sandbox.set_faults(vec![FaultRule::new(
        "fluid",
        FaultOp::Create,
        FaultKind::Timeout,
    )]);
    let err = fluid.create(NewToken::named("hung")).await.unwrap_err();
    assert!(matches!(err, ApiError::Timeout(_)), "{err:?}");
    assert!(err.outcome_unknown());
}

#[tokio::test]
async fn the_fake_decodes_strictly() {
    let sandbox = sandbox(SandboxOptions::default()).await;
    let session = sandbox
        .account("fluid-2")
        .unwrap()
        .credential
        .clone()
        .unwrap();
    let url = format!("{}/v1/orgs/acme-2/hosts/tokens", sandbox.base_url());
    let http = reqwest::Client::new();
    let post = |body: &'static str| {
        http.post(&url)
            .header("cookie", format!("fluid_session={session}"))
            .header("content-type", "application/json")
            .body(body)
            .send()
    };
    for body in [
        r#"{"name":"x","expires_at":"2030-01-01T00:00:00Z"}"#,
        r#"{"name":""}"#,
        r#"{}"#,
        r#"{"name":"x"} {"name":"y"}"#,
        "not json",
    ] {
        let r = post(body).await.unwrap();
        assert_eq!(r.status(), 400, "{body}");
        let error: serde_json::Value = r.json().await.unwrap();
        assert_eq!(error, json!({"error": "Bad Request", "code": 400}));
    }
    let r = post(r#"{"name":"ok"}"#).await.unwrap();
    assert_eq!(r.status(), 201);
    let created: serde_json::Value = r.json().await.unwrap();
    assert_eq!(created["token"].as_str().unwrap().len(), 64);

    let r = http.get(&url).send().await.unwrap();
    assert_eq!(r.status(), 401);
    let cleared = r.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(
        cleared.starts_with("fluid_session=;") && cleared.contains("Max-Age=0"),
        "{cleared}"
    );

    let r = http
        .get(format!(
            "{}/v1/orgs/nope-org/hosts/tokens",
            sandbox.base_url()
        ))
        .header("cookie", format!("fluid_session={session}"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    let r = http
        .get(format!(
            "{}/v1/orgs/acme-1/hosts/tokens",
            sandbox.base_url()
        ))
        .header("cookie", format!("fluid_session={session}"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403, "not a member of another account's org");

    let list: serde_json::Value = http
        .get(&url)
        .header("cookie", format!("fluid_session={session}"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(list["count"], 13);
    assert!(
        list["tokens"]
            .as_array()
            .unwrap()
            .iter()
            .all(|t| t.get("token").is_none())
    );
}

#[tokio::test]
async fn hostile_names_arrive_sanitised() {
    let sandbox = sandbox(SandboxOptions {
        hostile_names: true,
        ..SandboxOptions::default()
    })
    .await;
    let tokens = client(&sandbox, "fluid-1").list().await.unwrap();
    assert_sanitised(&tokens);
}

#[tokio::test]
async fn debug_output_never_shows_a_secret() {
    let sandbox = sandbox(SandboxOptions::default()).await;
    let session = sandbox
        .account("fluid-2")
        .unwrap()
        .credential
        .clone()
        .unwrap();
    let fluid = client(&sandbox, "fluid-2");
    let created = fluid.create(NewToken::named("dbg")).await.unwrap();
    let secret = created.secret.expose_secret().to_owned();
    let tokens = fluid.list().await.unwrap();
    let dump = format!("{created:?} {tokens:?}");
    assert!(
        !dump.contains(&secret) && !dump.contains(&session),
        "{dump}"
    );

    sandbox.state().fluid.lock().unwrap().invalidate_sessions();
    let err = fluid.list().await.unwrap_err();
    assert!(!format!("{err:?} {err}").contains(&session));
}
