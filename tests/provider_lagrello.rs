//! The lagrello client against the lagrello fake (and a small foreign-paging server), over real
//! loopback HTTP.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::extract::{RawQuery, State};
use axum::http::Method;
use axum::routing::get;
use secrecy::ExposeSecret;
use serde_json::json;
use tokdash::config::{AccountConfig, Config};
use tokdash::credential::CredentialSource;
use tokdash::model::{ApiError, NewToken};
use tokdash::provider::ProviderKind;
use tokdash::sandbox::SandboxOptions;

mod common {
    pub mod sandbox;
}

use common::sandbox::{client, client_from, client_with, credential, requests_to, start};

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
async fn the_list_follows_pages_to_the_end() {
    let sandbox = start(SandboxOptions {
        tokens_per_account: 45,
        ..SandboxOptions::default()
    })
    .await;
    let tokens = client(&sandbox, "lagrello-1").list().await.unwrap().tokens;
    assert_eq!(tokens.len(), 45);
    let unique: HashSet<_> = tokens.iter().map(|t| t.id.clone()).collect();
    assert_eq!(unique.len(), 45);
    let uris: Vec<_> = requests_to(&sandbox, ProviderKind::Lagrello)
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
    let sandbox = start(SandboxOptions {
        tokens_per_account: 40,
        ..SandboxOptions::default()
    })
    .await;
    let tokens = client(&sandbox, "lagrello-1").list().await.unwrap().tokens;
    assert_eq!(tokens.len(), 40);
    assert_eq!(requests_to(&sandbox, ProviderKind::Lagrello).len(), 2);
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
async fn a_foreign_next_is_never_followed_and_a_repeated_page_is_partial() {
    let (base, seen) = prism_like_server().await;
    let listing = client_from(&config_for("prism", base, None), "prism")
        .list()
        .await
        .unwrap();
    // Page 1's foreign link made the client ask for page 2 by number on its own origin; page 2
    // repeated page 1, so the list stops there and says it is partial. Ids repeated within a page
    // are all kept.
    assert_eq!(listing.tokens.len(), 20);
    assert_eq!(*seen.lock().unwrap(), ["size=20", "size=20&page=2"]);
    let reason = listing
        .partial
        .expect("a repeated page is no complete list");
    assert!(
        reason.starts_with("prism: ") && reason.contains("page 2"),
        "{reason}"
    );
}

fn config_for(name: &str, base: String, max_pages: Option<i64>) -> Config {
    let mut account = AccountConfig::new(name, ProviderKind::Lagrello);
    account.base_url = Some(base);
    account.credential = Some(CredentialSource::Value("k".to_owned().into()));
    if let Some(n) = max_pages {
        account.provider_keys.set("max_pages", n);
    }
    Config {
        accounts: vec![account],
        ..Config::default()
    }
}

/// A server that honours page numbers, with `pages` full pages of distinct tokens, but whose
/// `next` always points back at the page just served.
async fn self_linking_server(pages: usize) -> (String, Arc<Mutex<Vec<String>>>) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let app = Router::new()
        .route(
            "/v1/tokens",
            get(
                move |State(seen): State<Arc<Mutex<Vec<String>>>>,
                      RawQuery(query): RawQuery,
                      headers: axum::http::HeaderMap| async move {
                    let query = query.unwrap_or_default();
                    seen.lock().unwrap().push(query.clone());
                    let page: usize = query
                        .split('&')
                        .find_map(|kv| kv.strip_prefix("page="))
                        .map_or(1, |p| p.parse().unwrap());
                    let data: Vec<_> = (0..20)
                        .filter(|_| page <= pages)
                        .map(|i| {
                            json!({"tokenKey": format!("key-{page}-{i}"), "tokenName": "n",
                            "createdBy": "c", "createdAt": "2021-09-20T10:11:12.000+00:00",
                            "permissions": ["READ"]})
                        })
                        .collect();
                    let host = headers["host"].to_str().unwrap().to_owned();
                    let next = format!("http://{host}/v1/tokens?{query}");
                    axum::Json(json!({"data": data, "paging": {"previous": null, "next": next}}))
                },
            ),
        )
        .with_state(seen.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    (format!("http://{addr}"), seen)
}

#[tokio::test]
async fn a_next_that_points_back_asks_for_the_next_page_by_number() {
    let (base, seen) = self_linking_server(3).await;
    let listing = client_from(&config_for("loop", base, None), "loop")
        .list()
        .await
        .unwrap();
    assert!(listing.is_complete(), "{:?}", listing.partial);
    assert_eq!(listing.tokens.len(), 60);
    assert_eq!(
        *seen.lock().unwrap(),
        [
            "size=20",
            "size=20&page=2",
            "size=20&page=3",
            "size=20&page=4"
        ]
    );
}

#[tokio::test]
async fn past_max_pages_the_list_is_partial_and_says_why() {
    let (base, seen) = self_linking_server(5).await;
    let listing = client_from(&config_for("capped", base, Some(3)), "capped")
        .list()
        .await
        .unwrap();
    assert_eq!(listing.tokens.len(), 60);
    assert_eq!(seen.lock().unwrap().len(), 3);
    let reason = listing.partial.expect("a capped list is partial");
    assert!(
        reason.starts_with("capped: ") && reason.contains("max_pages (now 3)"),
        "{reason}"
    );
}

/// Big tenants list whole, far past the old silent cap of 100 pages (2,000 tokens).
#[tokio::test]
async fn tenants_of_2500_and_10000_tokens_list_completely() {
    for count in [2_500, 10_000] {
        let sandbox = start(SandboxOptions {
            tokens_per_account: count,
            ..SandboxOptions::default()
        })
        .await;
        let listing = client(&sandbox, "lagrello-1").list().await.unwrap();
        assert!(listing.is_complete(), "{count}: {:?}", listing.partial);
        assert_eq!(listing.tokens.len(), count);
        let unique: HashSet<_> = listing.tokens.iter().map(|t| t.id.clone()).collect();
        assert_eq!(unique.len(), count);
        assert_eq!(
            requests_to(&sandbox, ProviderKind::Lagrello).len(),
            count.div_ceil(20)
        );
    }
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
