//! The lagrello client against the lagrello fake, over real loopback HTTP. Its paging is in
//! tests/provider_lagrello_paging.rs.

use std::collections::HashSet;

use axum::http::Method;
use secrecy::ExposeSecret;
use serde_json::json;
use tokdash::credential::CredentialSource;
use tokdash::model::{ApiError, NewToken};
use tokdash::provider::ProviderKind;
use tokdash::sandbox::SandboxOptions;

mod common {
    pub mod sandbox;
}

use common::sandbox::{client, client_with, credential, requests_to, start};

#[tokio::test]
async fn what_create_list_and_delete_send_and_get() {
    let sandbox = start(SandboxOptions::default()).await;
    let credential = credential(&sandbox, "lagrello-1");
    let lagrello = client(&sandbox, "lagrello-1");

    lagrello.list().await.unwrap();
    let new = NewToken {
        permissions: vec!["WRITE".into()],
        ..NewToken::named("ci-deploy-2")
    };
    let created = lagrello.create(new).await.unwrap();
    let key = created.secret.expose_secret().to_owned();
    assert!(uuid::Uuid::parse_str(&key).is_ok(), "tokenKey is a UUID");
    assert_eq!(
        created.token.id.as_str(),
        key,
        "the tokenKey is also the id"
    );
    assert_eq!(created.token.scopes, vec!["READ", "WRITE"]);
    assert_eq!(
        created.token.created_by.as_deref(),
        Some("admin@tenant-1.example")
    );
    lagrello.list().await.unwrap();
    lagrello.delete(created.token.id.clone()).await.unwrap();
    lagrello.list().await.unwrap();

    let requests = requests_to(&sandbox, ProviderKind::Lagrello);
    for r in &requests {
        assert_eq!(
            r.header("authorization"),
            Some(format!("Bearer {credential}").as_str())
        );
        assert!(r.header("cookie").is_none());
    }
    let lists: Vec<_> = requests
        .iter()
        .filter(|r| r.method == Method::GET)
        .collect();
    assert_eq!(lists.len(), 3);
    assert!(lists.iter().all(|r| r.uri == "/v1/tokens?size=20"));
    let create = requests.iter().find(|r| r.method == Method::POST).unwrap();
    assert_eq!(create.uri, "/v1/tokens");
    assert_eq!(
        create.json(),
        Some(json!({"tokenName": "ci-deploy-2", "permissions": ["WRITE"]}))
    );
    let delete = requests
        .iter()
        .find(|r| r.method == Method::DELETE)
        .unwrap();
    assert_eq!(delete.uri, format!("/v1/tokens/{key}"));
}

#[tokio::test]
async fn seeded_tokens_carry_their_permissions() {
    let sandbox = start(SandboxOptions {
        tokens_per_account: 30,
        ..SandboxOptions::default()
    })
    .await;
    let tokens = client(&sandbox, "lagrello-1").list().await.unwrap().tokens;
    assert!(
        tokens
            .iter()
            .all(|t| t.scopes.first().map(String::as_str) == Some("READ"))
    );
    let kinds: HashSet<_> = tokens.iter().map(|t| t.scopes.clone()).collect();
    assert!(kinds.len() > 1, "{kinds:?}");
    assert!(tokens.iter().all(|t| t.created_by.is_some()));
}

#[tokio::test]
async fn a_read_only_credential_lists_but_cannot_change_tokens() {
    let sandbox = start(SandboxOptions::default()).await;
    let read_only = sandbox
        .state()
        .lagrello
        .lock()
        .unwrap()
        .read_only_credential("lagrello-1")
        .unwrap();
    let lagrello = client_with(&sandbox, "lagrello-1", |a| {
        a.credential = Some(CredentialSource::Value(read_only.into()));
    });
    let tokens = lagrello.list().await.unwrap().tokens;
    assert_eq!(tokens.len(), 12);
    let err = lagrello.create(NewToken::named("x")).await.unwrap_err();
    assert!(
        matches!(&err, ApiError::Forbidden(m) if m.contains("ADMIN")),
        "{err:?}"
    );
    // lagrello's 403 is also its answer to a wrong key: the message says both.
    assert!(
        err.to_string()
            .contains("the key may be wrong, or lack ADMIN"),
        "{err}"
    );
    let err = lagrello.delete(tokens[0].id.clone()).await.unwrap_err();
    assert!(matches!(err, ApiError::Forbidden(_)), "{err:?}");
}

#[tokio::test]
async fn the_fake_validates_like_the_spec_says() {
    let sandbox = start(SandboxOptions::default()).await;
    let credential = credential(&sandbox, "lagrello-1");
    let base = sandbox.base_url();
    let http = reqwest::Client::new();
    let bearer = format!("Bearer {credential}");

    for query in ["size=50", "size=0", "size=abc", "page=0"] {
        let r = http
            .get(format!("{base}/v1/tokens?{query}"))
            .header("authorization", &bearer)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 400, "{query}");
        let body: serde_json::Value = r.json().await.unwrap();
        assert!(
            body["message"].is_string() && body["errorType"].is_string(),
            "{body}"
        );
    }

    for body in [
        json!({"tokenName": "x", "permissions": ["READ", "SUPERUSER"]}),
        json!({"tokenName": ""}),
        json!({"permissions": ["READ"]}),
    ] {
        let r = http
            .post(format!("{base}/v1/tokens"))
            .header("authorization", &bearer)
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 400, "{body}");
    }

    let r = http.get(format!("{base}/v1/tokens")).send().await.unwrap();
    assert_eq!(r.status(), 403, "no bearer token");

    // Paging links are absolute on the sandbox's origin, null at the ends.
    let page = |p: usize| {
        http.get(format!("{base}/v1/tokens?size=5&page={p}"))
            .header("authorization", &bearer)
            .send()
    };
    let first: serde_json::Value = page(1).await.unwrap().json().await.unwrap();
    assert_eq!(first["data"].as_array().unwrap().len(), 5);
    assert!(first["paging"]["previous"].is_null());
    assert_eq!(
        first["paging"]["next"],
        format!("{base}/v1/tokens?size=5&page=2")
    );
    let last: serde_json::Value = page(3).await.unwrap().json().await.unwrap();
    assert_eq!(last["data"].as_array().unwrap().len(), 2);
    assert!(last["paging"]["next"].is_null());
    assert_eq!(
        last["paging"]["previous"],
        format!("{base}/v1/tokens?size=5&page=2")
    );

    let r = http
        .post(format!("{base}/v1/tokens"))
        .header("authorization", &bearer)
        .json(&json!({"tokenName": "fresh"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "create answers 200, not 201");
    let token: serde_json::Value = r.json().await.unwrap();
    assert_eq!(token["permissions"], json!(["READ"]));
}
