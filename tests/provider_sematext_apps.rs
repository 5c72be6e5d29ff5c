//! The sematext client across apps, against the sematext fake over real loopback HTTP (and a
//! small server of its own where one app must fail): an account covers every app of its API key
//! unless `app_id` or `apps` narrow it, every token carries its app, and a change goes to the
//! token's own app. sematext-1 of the default sandbox has two apps.

use std::collections::BTreeSet;

use axum::Router;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::get;
use reqwest::Method;
use serde_json::{Value, json};
use tokdash::config::{AccountConfig, Config, ProviderKeys};
use tokdash::credential::CredentialSource;
use tokdash::model::{ApiError, NewToken, Token, TokenUpdate};
use tokdash::provider::ProviderKind;
use tokdash::sandbox::{Sandbox, SandboxOptions};

mod common {
    pub mod sandbox;
}

use common::sandbox::{client, client_from, client_with, credential, requests_to, start};

const ACCOUNT: &str = "sematext-1";
const APPS: &str = "/users-web/api/v3/apps";

/// The account's client without `app_id`: every app of its API key.
fn every_app(sandbox: &Sandbox) -> std::sync::Arc<dyn tokdash::provider::Provider> {
    client_with(sandbox, ACCOUNT, |a| {
        a.provider_keys = ProviderKeys::default()
    })
}

/// The ids of the apps the tokens are in, in order of first appearance.
fn app_ids(tokens: &[Token]) -> Vec<String> {
    let mut ids: Vec<String> = Vec::new();
    for t in tokens {
        let id = &t
            .app
            .as_ref()
            .expect("every sematext token carries its app")
            .id;
        if !ids.contains(id) {
            ids.push(id.clone());
        }
    }
    ids
}

/// The configured app (the sandbox sets the first) and the account's other one.
fn first_and_second(sandbox: &Sandbox, tokens: &[Token]) -> (String, String) {
    let first = sandbox
        .account(ACCOUNT)
        .and_then(|a| a.setting("app_id"))
        .and_then(|v| v.as_integer())
        .expect("the sandbox sets app_id")
        .to_string();
    let ids = app_ids(tokens);
    assert_eq!(ids.len(), 2, "{ACCOUNT} has two apps");
    let second = ids.into_iter().find(|id| *id != first).unwrap();
    (first, second)
}

#[tokio::test]
async fn without_app_id_every_apps_tokens_are_listed() {
    let sb = start(SandboxOptions::default()).await;
    let configured = client(&sb, ACCOUNT).list().await.unwrap();
    let listing = every_app(&sb).list().await.unwrap();
    assert!(listing.is_complete(), "{:?}", listing.partial);
    let (first, second) = first_and_second(&sb, &listing.tokens);
    // The app_id account sees its one app; without it, both.
    assert_eq!(app_ids(&configured.tokens), vec![first.clone()]);
    let in_first = listing
        .tokens
        .iter()
        .filter(|t| t.app.as_ref().unwrap().id == first);
    assert_eq!(in_first.count(), configured.tokens.len());
    let in_second: Vec<&Token> = listing
        .tokens
        .iter()
        .filter(|t| t.app.as_ref().unwrap().id == second)
        .collect();
    assert_eq!(in_second.len(), 3);
    assert!(
        in_second
            .iter()
            .all(|t| t.app.as_ref().unwrap().name.ends_with("-2"))
    );
    // One apps list, then each app's tokens.
    let uris: BTreeSet<String> = requests_to(&sb, ProviderKind::Sematext)
        .into_iter()
        .map(|r| r.uri)
        .collect();
    assert!(uris.contains(APPS));
    assert!(uris.contains(&format!("{APPS}/{second}/tokens")));
}

#[tokio::test]
async fn apps_restricts_the_account() {
    let sb = start(SandboxOptions::default()).await;
    let all = every_app(&sb).list().await.unwrap().tokens;
    let (_, second) = first_and_second(&sb, &all);
    let only_second = client_with(&sb, ACCOUNT, |a| {
        a.provider_keys = ProviderKeys::default();
        a.provider_keys
            .set("apps", [second.parse::<i64>().unwrap()]);
    });
    let tokens = only_second.list().await.unwrap().tokens;
    assert_eq!(app_ids(&tokens), [second]);
    assert_eq!(tokens.len(), 3);
}

#[tokio::test]
async fn an_app_the_key_cannot_see_is_a_clear_error_naming_it() {
    let sb = start(SandboxOptions {
        accounts_per_provider: 2,
        ..SandboxOptions::default()
    })
    .await;
    let other = sb
        .account("sematext-2")
        .and_then(|a| a.setting("app_id"))
        .and_then(|v| v.as_integer())
        .unwrap();
    for key in ["app_id", "apps"] {
        let s = client_with(&sb, ACCOUNT, |a| {
            a.provider_keys = ProviderKeys::default();
            match key {
                "app_id" => a.provider_keys.set("app_id", other),
                _ => a.provider_keys.set("apps", [other]),
            };
        });
        let err = s.list().await.unwrap_err();
        let ApiError::Misconfigured(message) = &err else {
            panic!("{key}: {err:?}");
        };
        assert!(
            message.starts_with(&format!(
                "{key} names sematext app {other}, which this API key cannot see"
            )),
            "{message}"
        );
        // Changes are refused the same way, before any token request.
        sb.clear_requests();
        let err = s
            .delete(tokdash::model::TokenId::new("1"))
            .await
            .unwrap_err();
        assert!(matches!(err, ApiError::Misconfigured(_)), "{err:?}");
        let sent = requests_to(&sb, ProviderKind::Sematext);
        assert!(sent.iter().all(|r| r.uri == APPS), "{sent:?}");
    }
}

#[tokio::test]
async fn a_change_goes_to_the_tokens_own_app() {
    let sb = start(SandboxOptions::default()).await;
    let s = every_app(&sb);
    let tokens = s.list().await.unwrap().tokens;
    let (_, second) = first_and_second(&sb, &tokens);
    let victim = tokens
        .iter()
        .find(|t| t.app.as_ref().unwrap().id == second)
        .unwrap()
        .clone();
    let path = format!("{APPS}/{second}/tokens/{}", victim.id);

    sb.clear_requests();
    let rename = TokenUpdate {
        name: Some("moved-nowhere".into()),
        enabled: None,
    };
    let renamed = s.update(victim.id.clone(), rename).await.unwrap();
    assert_eq!(renamed.app.as_ref().unwrap().id, second);
    let disable = TokenUpdate {
        name: None,
        enabled: Some(false),
    };
    s.update(victim.id.clone(), disable).await.unwrap();
    let regenerated = s.regenerate(victim.id.clone()).await.unwrap();
    assert_eq!(regenerated.token.app.as_ref().unwrap().id, second);
    s.delete(victim.id.clone()).await.unwrap();
    let requests = requests_to(&sb, ProviderKind::Sematext);
    let auth = format!("apiKey {}", credential(&sb, ACCOUNT));
    assert!(
        requests
            .iter()
            .all(|r| r.header("authorization") == Some(auth.as_str()))
    );
    let sent: Vec<(Method, String)> = requests.into_iter().map(|r| (r.method, r.uri)).collect();
    assert_eq!(
        sent,
        [
            (Method::PUT, path.clone()),
            (Method::PUT, path.clone()),
            (Method::POST, format!("{path}/regenerate")),
            (Method::DELETE, path),
        ]
    );
}

#[tokio::test]
async fn a_fresh_client_finds_a_tokens_app_by_listing() {
    let sb = start(SandboxOptions::default()).await;
    let tokens = every_app(&sb).list().await.unwrap().tokens;
    let (_, second) = first_and_second(&sb, &tokens);
    let victim = tokens
        .iter()
        .find(|t| t.app.as_ref().unwrap().id == second)
        .unwrap();
    // As `tokdash delete --id` does: a new client that has listed nothing.
    sb.clear_requests();
    every_app(&sb).delete(victim.id.clone()).await.unwrap();
    let deletes: Vec<String> = requests_to(&sb, ProviderKind::Sematext)
        .into_iter()
        .filter(|r| r.method == Method::DELETE)
        .map(|r| r.uri)
        .collect();
    assert_eq!(deletes, [format!("{APPS}/{second}/tokens/{}", victim.id)]);
    // An id in no app is not found, and says where it was looked for.
    let err = every_app(&sb)
        .delete(tokdash::model::TokenId::new("12345"))
        .await
        .unwrap_err();
    assert_eq!(
        err,
        ApiError::NotFound("no sematext app of this account has a token 12345".into())
    );
}

#[tokio::test]
async fn creating_in_an_account_of_several_apps_asks_which() {
    let sb = start(SandboxOptions::default()).await;
    let err = every_app(&sb)
        .create(NewToken::named("ci"))
        .await
        .unwrap_err();
    let ApiError::Misconfigured(message) = &err else {
        panic!("{err:?}");
    };
    assert!(
        message.contains("covers 2 sematext apps") && message.contains("set app_id"),
        "{message}"
    );
}

/// A sematext server with two apps, whose second app's tokens cannot be listed.
async fn half_broken_server() -> String {
    let app = Router::new()
        .route(
            APPS,
            get(|| async {
                axum::Json(json!({"success": true, "data": {"apps": [
                    {"id": 1, "name": "works"}, {"id": 2, "name": "broken"}]}}))
            }),
        )
        .route(
            "/users-web/api/v3/apps/{app}/tokens",
            get(|Path(app): Path<i64>| async move {
                if app == 1 {
                    axum::Json(json!({"success": true, "data": {"tokens": [
                        {"id": 10, "name": "a", "token": "s", "readable": true, "writeable": false}]}}))
                    .into_response()
                } else {
                    let body = json!({"success": false, "message": "app 2 is locked"});
                    (StatusCode::FORBIDDEN, axum::Json(body)).into_response()
                }
            }),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    format!("http://{addr}")
}

#[tokio::test]
async fn an_app_that_cannot_be_listed_makes_the_list_partial() {
    let mut account = AccountConfig::new("two-apps", ProviderKind::Sematext);
    account.base_url = Some(half_broken_server().await);
    account.credential = Some(CredentialSource::Value("k".to_owned().into()));
    let config = Config {
        accounts: vec![account],
        ..Config::default()
    };
    let listing = client_from(&config, "two-apps").list().await.unwrap();
    assert_eq!(listing.tokens.len(), 1);
    assert_eq!(listing.tokens[0].app.as_ref().unwrap().name, "works");
    assert_eq!(
        listing.partial.as_deref(),
        Some(
            "two-apps: the tokens of sematext app broken (2) could not be listed: forbidden: \
             app 2 is locked"
        )
    );
}

/// A sematext server whose first app lists a token without an id, one with only an id and
/// `null` tokens in the second app: every TokenDto field is optional in the spec.
async fn sparse_server() -> String {
    let app = Router::new()
        .route(
            APPS,
            get(|| async {
                axum::Json(json!({"success": true, "data": {"apps": [
                    {"id": 1, "name": "sparse"}, {"id": 2, "name": "empty"}]}}))
            }),
        )
        .route(
            "/users-web/api/v3/apps/{app}/tokens",
            get(|Path(app): Path<i64>| async move {
                let tokens = if app == 1 {
                    json!([{"name": "no id", "token": "s"}, {"id": 11},
                           {"id": 12, "name": "full", "token": "t", "readable": true,
                            "writeable": false, "enabled": true,
                            "createdAt": "2022-03-01T12:00:00.000+00:00"}])
                } else {
                    Value::Null
                };
                axum::Json(json!({"success": true, "data": {"tokens": tokens}}))
            }),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    format!("http://{addr}")
}

#[tokio::test]
async fn a_sparse_token_or_a_null_list_does_not_fail_the_list() {
    let mut account = AccountConfig::new("sparse", ProviderKind::Sematext);
    account.base_url = Some(sparse_server().await);
    account.credential = Some(CredentialSource::Value("k".to_owned().into()));
    let config = Config {
        accounts: vec![account],
        ..Config::default()
    };
    let listing = client_from(&config, "sparse").list().await.unwrap();
    let ids: Vec<&str> = listing.tokens.iter().map(|t| t.id.as_str()).collect();
    assert_eq!(ids, ["11", "12"]);
    assert_eq!(
        listing.partial.as_deref(),
        Some("sparse: 1 token(s) of sematext app sparse (1) came without an id and are not shown")
    );
}
