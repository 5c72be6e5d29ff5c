//! The fluid client against the fluid fake, over real loopback HTTP.

use std::sync::Arc;

use axum::http::Method;
use secrecy::ExposeSecret;
use serde_json::json;
use tokdash::model::{ApiError, NewToken};
use tokdash::provider::{Provider, ProviderKind};
use tokdash::sandbox::faults::{FaultKind, FaultOp, FaultRule};
use tokdash::sandbox::{Sandbox, SandboxOptions, Variants};

mod common {
    pub mod sandbox;
}

use common::sandbox::{client, client_with, credential, requests_to, start};

/// Two fluid accounts: fluid-1 logs in with a password, fluid-2 has a session cookie.
async fn sandbox() -> Sandbox {
    start(SandboxOptions {
        accounts_per_provider: 2,
        ..SandboxOptions::default()
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
    client_with(sandbox, "fluid-1", |a| {
        let login = json!({"email": email, "password": {"value": password}});
        a.provider_keys.set("login", login);
    })
}

fn logins(sandbox: &Sandbox) -> usize {
    requests_to(sandbox, ProviderKind::Fluid)
        .iter()
        .filter(|r| r.uri == "/v1/auth/login")
        .count()
}

#[tokio::test]
async fn a_login_account_logs_in_once_and_sends_its_session_cookie() {
    let sandbox = sandbox().await;
    let fluid = client(&sandbox, "fluid-1");

    fluid.list().await.unwrap();
    let created = fluid.create(NewToken::named("rack-99")).await.unwrap();
    let secret = created.secret.expose_secret().to_owned();
    assert_eq!(secret.len(), 64);
    assert!(secret.bytes().all(|b| b.is_ascii_hexdigit()));
    let id = created.token.id.to_string();
    assert!(id.starts_with("HTK-") && id.len() == 20, "{id}");
    let listed = fluid.list().await.unwrap().tokens;
    assert_eq!(listed[0].id.to_string(), id, "newest first");
    fluid.delete(created.token.id.clone()).await.unwrap();

    // Logged in once, lazily, before the first call.
    let requests = requests_to(&sandbox, ProviderKind::Fluid);
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
    let sandbox = sandbox().await;
    let session = credential(&sandbox, "fluid-2");
    let tokens = client(&sandbox, "fluid-2").list().await.unwrap().tokens;
    assert_eq!(tokens.len(), 12);
    let requests = requests_to(&sandbox, ProviderKind::Fluid);
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].uri, "/v1/orgs/acme-2/hosts/tokens");
    assert_eq!(
        requests[0].header("cookie"),
        Some(format!("fluid_session={session}").as_str())
    );
}

#[tokio::test]
async fn an_expired_session_means_logging_in_again_once() {
    let sandbox = sandbox().await;
    let fluid = client(&sandbox, "fluid-1");
    fluid.list().await.unwrap();
    sandbox.state().fluid.lock().unwrap().invalidate_sessions();

    let created = fluid.create(NewToken::named("after-expiry")).await.unwrap();
    assert_eq!(logins(&sandbox), 2);
    let creates: Vec<_> = requests_to(&sandbox, ProviderKind::Fluid)
        .into_iter()
        .filter(|r| r.method == Method::POST && r.uri.ends_with("/tokens"))
        .collect();
    assert_eq!(creates.len(), 2, "the refused create is repeated once");
    assert_ne!(creates[0].header("cookie"), creates[1].header("cookie"));
    let named: Vec<_> = fluid
        .list()
        .await
        .unwrap()
        .tokens
        .into_iter()
        .filter(|t| t.name == "after-expiry")
        .collect();
    assert_eq!(named.len(), 1, "exactly one token was minted");
    assert_eq!(named[0].id, created.token.id);
}

#[tokio::test]
async fn an_expired_session_credential_is_reported_not_retried() {
    let sandbox = sandbox().await;
    let session = credential(&sandbox, "fluid-2");
    let fluid = client(&sandbox, "fluid-2");
    sandbox.state().fluid.lock().unwrap().invalidate_sessions();
    let err = fluid.list().await.unwrap_err();
    assert!(matches!(err, ApiError::Unauthorized(_)), "{err:?}");
    assert!(err.to_string().contains("credential"), "{err}");
    assert!(!format!("{err:?} {err}").contains(&session));
    assert_eq!(logins(&sandbox), 0);
    assert_eq!(requests_to(&sandbox, ProviderKind::Fluid).len(), 1);
}

#[tokio::test]
async fn a_wrong_password_says_the_login_failed() {
    let sandbox = sandbox().await;
    let fluid = client_with(&sandbox, "fluid-1", |a| {
        a.provider_keys.set("login.password.value", "wrong");
    });
    let err = fluid.list().await.unwrap_err();
    assert!(matches!(err, ApiError::Unauthorized(_)), "{err:?}");
    assert!(err.to_string().contains("login"), "{err}");
    assert!(!format!("{err} {err:?}").contains("wrong"));
    assert_eq!(logins(&sandbox), 1, "no retry loop on a refused login");
}

#[tokio::test]
async fn a_member_may_list_but_not_change_tokens() {
    let sandbox = sandbox().await;
    let member = member_client(&sandbox);
    let tokens = member.list().await.unwrap().tokens;
    assert_eq!(tokens.len(), 12);
    let err = member.create(NewToken::named("nope")).await.unwrap_err();
    assert!(matches!(err, ApiError::Forbidden(_)), "{err:?}");
    assert!(err.to_string().contains("owner or admin"), "{err}");
    let err = member.delete(tokens[0].id.clone()).await.unwrap_err();
    assert!(matches!(err, ApiError::Forbidden(_)), "{err:?}");
    assert_eq!(member.list().await.unwrap().tokens.len(), 12);
}

#[tokio::test]
async fn a_401_on_a_login_account_is_retried_once_then_reported() {
    let sandbox = sandbox().await;
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
async fn the_fake_decodes_strictly() {
    let sandbox = sandbox().await;
    let session = credential(&sandbox, "fluid-2");
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
async fn a_base_url_ending_in_v1_is_not_doubled() {
    let sandbox = sandbox().await;
    let base = format!("{}/v1/", sandbox.base_url().trim_end_matches('/'));
    for account in ["fluid-1", "fluid-2"] {
        let fluid = client_with(&sandbox, account, |a| a.base_url = Some(base.clone()));
        sandbox.clear_requests();
        fluid
            .list()
            .await
            .expect("list with a base_url ending in /v1");
        let reqs = requests_to(&sandbox, ProviderKind::Fluid);
        assert!(!reqs.is_empty());
        assert!(
            reqs.iter()
                .all(|r| r.uri.starts_with("/v1/") && !r.uri.starts_with("/v1/v1/")),
            "{:?}",
            reqs.iter().map(|r| &r.uri).collect::<Vec<_>>()
        );
    }
}

#[tokio::test]
async fn a_404_names_the_url_asked() {
    let sandbox = sandbox().await;
    let fluid = client_with(&sandbox, "fluid-2", |a| {
        a.provider_keys.set("org_slug", "no-such-org");
    });
    let err = fluid.list().await.unwrap_err();
    assert!(matches!(err, ApiError::NotFound(_)), "{err:?}");
    let text = err.to_string();
    let url = format!(
        "{}/v1/orgs/no-such-org/hosts/tokens",
        sandbox.base_url().trim_end_matches('/')
    );
    assert!(text.contains(&url), "{text}");
    assert!(!text.contains(&credential(&sandbox, "fluid-2")), "{text}");
}

/// A server built to call its session cookie `deer_session` (deer.sh) accepts only that name.
#[tokio::test]
async fn a_session_cookie_of_another_name_is_learned_from_the_login() {
    let sandbox = start(SandboxOptions {
        accounts_per_provider: 2,
        variants: Variants {
            fluid_cookie_name: "deer_session".into(),
            ..Variants::default()
        },
        ..SandboxOptions::default()
    })
    .await;
    // fluid-2 carries a session value, so its entry names the cookie; without the name the fake
    // refuses it, as the real server would. (First: the login account below expires every session.)
    let session = credential(&sandbox, "fluid-2");
    let setting = sandbox.account("fluid-2").unwrap().setting("cookie_name");
    assert_eq!(setting.and_then(|v| v.as_str()), Some("deer_session"));
    assert_eq!(
        client(&sandbox, "fluid-2")
            .list()
            .await
            .unwrap()
            .tokens
            .len(),
        12
    );
    let unnamed = client_with(&sandbox, "fluid-2", |a| {
        a.provider_keys.set("cookie_name", "fluid_session");
    });
    let err = unnamed.list().await.unwrap_err();
    assert!(matches!(err, ApiError::Unauthorized(_)), "{err:?}");
    assert!(!format!("{err:?} {err}").contains(&session));

    // fluid-1 logs in, and its entry does not name the cookie: the login's `Set-Cookie` does.
    sandbox.clear_requests();
    assert!(
        sandbox
            .account("fluid-1")
            .unwrap()
            .setting("cookie_name")
            .is_none()
    );
    let fluid = client(&sandbox, "fluid-1");
    assert_eq!(fluid.list().await.unwrap().tokens.len(), 12);
    // Again after the session expired: the new login's cookie is sent under the same name.
    sandbox.state().fluid.lock().unwrap().invalidate_sessions();
    fluid.create(NewToken::named("rack-deer")).await.unwrap();
    assert_eq!(logins(&sandbox), 2);
    let sent: Vec<_> = requests_to(&sandbox, ProviderKind::Fluid)
        .into_iter()
        .filter(|r| r.uri != "/v1/auth/login")
        .collect();
    assert_eq!(sent.len(), 3, "list, the refused create, the create again");
    for r in &sent {
        let cookie = r.header("cookie").unwrap_or_default();
        assert!(cookie.starts_with("deer_session="), "{cookie}");
    }
}

#[tokio::test]
async fn the_one_cookie_a_login_sets_is_taken_whatever_name_was_configured() {
    let sandbox = sandbox().await;
    let fluid = client_with(&sandbox, "fluid-1", |a| {
        a.provider_keys.set("cookie_name", "deer_session");
    });
    // The fake's login sets only `fluid_session`: that one cookie is taken.
    assert_eq!(fluid.list().await.unwrap().tokens.len(), 12);
}
