//! The lagrello client against the lagrello fake (and a small foreign-paging server), over real
//! loopback HTTP.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::extract::{RawQuery, State};
use axum::http::Method;
use axum::routing::get;
use secrecy::ExposeSecret;
use serde_json::json;
use tokdash::config::{AccountConfig, Config};
use tokdash::credential::CredentialSource;
use tokdash::model::{ApiError, NewToken, TokenId};
use tokdash::provider::{Provider, ProviderKind};
use tokdash::sandbox::faults::{FaultKind, FaultOp, FaultRule};
use tokdash::sandbox::{RecordedRequest, Sandbox, SandboxOptions};

mod common {
    pub mod sandbox;
}

use common::sandbox::{
    assert_sanitised, client, client_from, requests_under, sandbox_with as sandbox,
};

/// lagrello-1 as seen through a different credential.
fn client_with(sandbox: &Sandbox, credential: &str) -> Arc<dyn Provider> {
    let mut config = sandbox.config();
    let account = config
        .accounts
        .iter_mut()
        .find(|a| a.name == "lagrello-1")
        .unwrap();
    account.credential = Some(CredentialSource::Value(credential.to_owned().into()));
    client_from(&config, "lagrello-1")
}

fn lagrello_requests(sandbox: &Sandbox) -> Vec<RecordedRequest> {
    requests_under(sandbox, &["/v1/tokens"])
}

fn new_token(name: &str, permissions: &[&str]) -> NewToken {
    NewToken {
        permissions: permissions.iter().map(|p| p.to_string()).collect(),
        ..NewToken::named(name)
    }
}

#[tokio::test]
async fn create_list_delete_round_trip() {
    let sandbox = sandbox(SandboxOptions::default()).await;
    let credential = sandbox
        .account("lagrello-1")
        .unwrap()
        .credential
        .clone()
        .unwrap();
    let lagrello = client(&sandbox, "lagrello-1");

    let before = lagrello.list().await.unwrap();
    assert_eq!(before.len(), 12);
    let created = lagrello
        .create(new_token("ci-deploy-2", &["WRITE"]))
        .await
        .unwrap();
    let key = created.secret.expose_secret().to_owned();
    assert!(uuid::Uuid::parse_str(&key).is_ok(), "tokenKey is a UUID");
    assert_eq!(
        created.token.id.as_str(),
        key,
        "the tokenKey is also the id"
    );
    assert_eq!(created.token.name, "ci-deploy-2");
    assert_eq!(created.token.scopes, vec!["READ", "WRITE"]);
    assert_eq!(
        created.token.extra,
        vec![("created by".to_owned(), "admin@tenant-1.example".to_owned())]
    );
    assert!(created.token.created_at.is_some());

    let listed = lagrello.list().await.unwrap();
    assert_eq!(listed.len(), 13);
    assert!(listed.iter().any(|t| t.id.as_str() == key));

    lagrello.delete(created.token.id.clone()).await.unwrap();
    let after = lagrello.list().await.unwrap();
    assert_eq!(after.len(), 12);
    assert!(!after.iter().any(|t| t.id.as_str() == key));

    let requests = lagrello_requests(&sandbox);
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
    let sandbox = sandbox(SandboxOptions {
        tokens_per_account: 30,
        ..SandboxOptions::default()
    })
    .await;
    let tokens = client(&sandbox, "lagrello-1").list().await.unwrap();
    assert!(
        tokens
            .iter()
            .all(|t| t.scopes.first().map(String::as_str) == Some("READ"))
    );
    let kinds: HashSet<_> = tokens.iter().map(|t| t.scopes.clone()).collect();
    assert!(kinds.len() > 1, "{kinds:?}");
    assert!(
        tokens
            .iter()
            .all(|t| t.extra.iter().any(|(k, _)| k == "created by"))
    );
}

#[tokio::test]
async fn the_list_follows_pages_to_the_end() {
    let sandbox = sandbox(SandboxOptions {
        tokens_per_account: 45,
        ..SandboxOptions::default()
    })
    .await;
    let tokens = client(&sandbox, "lagrello-1").list().await.unwrap();
    assert_eq!(tokens.len(), 45);
    let unique: HashSet<_> = tokens.iter().map(|t| t.id.clone()).collect();
    assert_eq!(unique.len(), 45);
    let uris: Vec<_> = lagrello_requests(&sandbox)
        .into_iter()
        .map(|r| r.uri)
        .collect();
    assert_eq!(
        uris,
        [
            "/v1/tokens?size=20",
            "/v1/tokens?size=20&page=2",
            "/v1/tokens?size=20&page=3"
        ]
    );
}

#[tokio::test]
async fn exactly_two_full_pages_stop_at_a_null_next() {
    let sandbox = sandbox(SandboxOptions {
        tokens_per_account: 40,
        ..SandboxOptions::default()
    })
    .await;
    let tokens = client(&sandbox, "lagrello-1").list().await.unwrap();
    assert_eq!(tokens.len(), 40);
    assert_eq!(lagrello_requests(&sandbox).len(), 2);
}

/// A server that answers like Prism: full pages that all repeat one tokenKey, whose `next` first
/// points at a foreign host, then at the very URL just fetched.
async fn prism_like_server() -> (String, Arc<Mutex<Vec<String>>>) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    async fn page(
        State(seen): State<Arc<Mutex<Vec<String>>>>,
        RawQuery(query): RawQuery,
        headers: axum::http::HeaderMap,
    ) -> axum::Json<serde_json::Value> {
        let query = query.unwrap_or_default();
        let host = headers["host"].to_str().unwrap().to_owned();
        seen.lock().unwrap().push(query.clone());
        let item = json!({"tokenKey": "13777603-bdf9-48f7-a493-3b4a94e8be02", "tokenName": "n",
            "createdBy": "createdBy", "createdAt": "2021-09-20T10:11:12.000+00:00",
            "permissions": ["permissions", "permissions"], "extra": {"x": 1}});
        let next = if query.contains("page=2") {
            format!("http://{host}/v1/tokens?{query}")
        } else {
            "https://openapi-generator.tech".to_owned()
        };
        axum::Json(json!({
            "data": vec![item; 20],
            "paging": {"previous": "https://openapi-generator.tech", "next": next},
        }))
    }
    let app = Router::new()
        .route("/v1/tokens", get(page))
        .with_state(seen.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    (format!("http://{addr}"), seen)
}

#[tokio::test]
async fn a_foreign_next_is_never_followed_and_a_repeated_one_stops() {
    let (base, seen) = prism_like_server().await;
    let mut account = AccountConfig::new("prism", ProviderKind::Lagrello);
    account.base_url = Some(base);
    account.credential = Some(CredentialSource::Value("k".to_owned().into()));
    let config = Config {
        accounts: vec![account],
        ..Config::default()
    };
    let tokens = client_from(&config, "prism").list().await.unwrap();
    // Page 1's foreign link made the client ask for page 2 by number on its own origin; page 2
    // pointed at itself, so listing stopped there. Repeated ids are all kept.
    assert_eq!(tokens.len(), 40);
    assert_eq!(*seen.lock().unwrap(), ["size=20", "size=20&page=2"]);
}

#[tokio::test]
async fn a_read_only_credential_lists_but_cannot_change_tokens() {
    let sandbox = sandbox(SandboxOptions::default()).await;
    let read_only = sandbox
        .state()
        .lagrello
        .lock()
        .unwrap()
        .read_only_credential("lagrello-1")
        .unwrap();
    let lagrello = client_with(&sandbox, &read_only);
    let tokens = lagrello.list().await.unwrap();
    assert_eq!(tokens.len(), 12);
    let err = lagrello.create(new_token("x", &[])).await.unwrap_err();
    assert!(
        matches!(&err, ApiError::Forbidden(m) if m.contains("ADMIN")),
        "{err:?}"
    );
    let err = lagrello.delete(tokens[0].id.clone()).await.unwrap_err();
    assert!(matches!(err, ApiError::Forbidden(_)), "{err:?}");
}

#[tokio::test]
async fn a_wrong_token_is_forbidden_with_the_providers_words() {
    let sandbox = sandbox(SandboxOptions::default()).await;
    let err = client_with(&sandbox, "not-a-real-token")
        .list()
        .await
        .unwrap_err();
    assert_eq!(
        err,
        ApiError::Forbidden("The access token used to access resource is wrong".into())
    );
}

#[tokio::test]
async fn deleting_an_unknown_token_is_not_found() {
    let sandbox = sandbox(SandboxOptions::default()).await;
    let err = client(&sandbox, "lagrello-1")
        .delete(TokenId::new("ffd12fb4-da5b-4751-a9f6-d3214b418139"))
        .await
        .unwrap_err();
    assert_eq!(err, ApiError::NotFound("token could not be found".into()));
}

/// Does an error have the kind a status should map to?
type ErrorCheck = fn(&ApiError) -> bool;

#[tokio::test]
async fn every_status_maps_to_its_error() {
    let sandbox = sandbox(SandboxOptions::default()).await;
    let lagrello = client(&sandbox, "lagrello-1");
    let cases: [(u16, ErrorCheck); 7] = [
        (401, |e| matches!(e, ApiError::Unauthorized(_))),
        (403, |e| matches!(e, ApiError::Forbidden(_))),
        (404, |e| matches!(e, ApiError::NotFound(_))),
        (409, |e| matches!(e, ApiError::Conflict(_))),
        (
            429,
            |e| matches!(e, ApiError::RateLimited { retry_after: Some(d), .. } if *d == Duration::from_secs(30)),
        ),
        (500, |e| matches!(e, ApiError::Server { status: 500, .. })),
        (
            502,
            |e| matches!(e, ApiError::Server { status: 502, message } if message == "Bad Gateway"),
        ),
    ];
    for (status, expected) in cases {
        sandbox.set_faults(vec![FaultRule::new(
            "lagrello-1",
            FaultOp::Create,
            FaultKind::Status(status),
        )]);
        let err = lagrello.create(new_token("x", &[])).await.unwrap_err();
        assert!(expected(&err), "{status}: {err:?}");
    }
    sandbox.set_faults(Vec::new());
    assert_eq!(
        lagrello.list().await.unwrap().len(),
        12,
        "no fault created a token"
    );
}

#[tokio::test]
async fn broken_responses_are_errors_not_panics() {
    let sandbox = sandbox(SandboxOptions::default()).await;
    common::sandbox::assert_broken_lists_are_errors(&sandbox, "lagrello", "lagrello-1").await;
}

#[tokio::test]
async fn a_hung_list_times_out() {
    let sandbox = sandbox(SandboxOptions::default()).await;
    let mut config = sandbox.config();
    config.http.request_timeout = Duration::from_millis(300);
    sandbox.set_faults(vec![FaultRule::new(
        "lagrello",
        FaultOp::Any,
        FaultKind::Timeout,
    )]);
    let err = client_from(&config, "lagrello-1").list().await.unwrap_err();
    assert!(matches!(err, ApiError::Timeout(_)), "{err:?}");
}

#[tokio::test]
async fn the_fake_validates_like_the_spec_says() {
    let sandbox = sandbox(SandboxOptions::default()).await;
    let credential = sandbox
        .account("lagrello-1")
        .unwrap()
        .credential
        .clone()
        .unwrap();
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

#[tokio::test]
async fn hostile_names_arrive_sanitised() {
    let sandbox = sandbox(SandboxOptions {
        hostile_names: true,
        ..SandboxOptions::default()
    })
    .await;
    let tokens = client(&sandbox, "lagrello-1").list().await.unwrap();
    assert_sanitised(&tokens);
}

#[tokio::test]
async fn debug_output_never_shows_a_key_or_credential() {
    let sandbox = sandbox(SandboxOptions::default()).await;
    let credential = sandbox
        .account("lagrello-1")
        .unwrap()
        .credential
        .clone()
        .unwrap();
    let lagrello = client(&sandbox, "lagrello-1");
    let created = lagrello.create(new_token("dbg", &["ADMIN"])).await.unwrap();
    let key = created.secret.expose_secret().to_owned();
    let tokens = lagrello.list().await.unwrap();
    let dump = format!("{created:?} {tokens:?}");
    assert!(
        !dump.contains(&key) && !dump.contains(&credential),
        "{dump}"
    );
    for t in &tokens {
        assert!(!dump.contains(t.id.as_str()));
    }

    let err = lagrello.delete(created.token.id.clone()).await.map(|_| ());
    assert!(err.is_ok());
    let err = lagrello.delete(created.token.id).await.unwrap_err();
    let shown = format!("{err:?} {err}");
    assert!(
        !shown.contains(&key) && !shown.contains(&credential),
        "{shown}"
    );
}
