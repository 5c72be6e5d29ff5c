//! lagrello's paging over real loopback HTTP: against the fake numbering its pages from 0 or 1,
//! with its links on another origin, and against small servers that misbehave as Prism or a
//! careless server would. Requests are counted on the server side, never timed.

use std::collections::HashSet;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::extract::{RawQuery, State};
use axum::routing::get;
use serde_json::json;
use tokdash::config::NetworkSettings;
use tokdash::config::{AccountConfig, Config};
use tokdash::credential::CredentialSource;
use tokdash::model::Listing;
use tokdash::provider::ProviderKind;
use tokdash::sandbox::lagrello::Paging;
use tokdash::sandbox::{Sandbox, SandboxOptions, Variants};

mod common {
    pub mod sandbox;
}

use common::sandbox::{client, client_from, client_with, credential, requests_to, start};

/// A sandbox whose lagrello-1 has `tokens` tokens, its pages numbered from `first_page`, its
/// links on `link_origin` (the sandbox's own when `None`).
async fn lagrello(tokens: usize, first_page: usize, link_origin: Option<String>) -> Sandbox {
    start(SandboxOptions {
        tokens_per_account: tokens,
        // Enough for the window to fill; nothing is timed.
        latency: Duration::from_millis(2),
        variants: Variants {
            lagrello_paging: Paging {
                first_page,
                link_origin,
            },
            ..Variants::default()
        },
        ..SandboxOptions::default()
    })
    .await
}

/// The page numbers lagrello-1's list asked for, in the order asked (`None`: the first page,
/// asked for without a number). Every request must carry the account's bearer token.
fn pages_asked(sandbox: &Sandbox) -> Vec<Option<usize>> {
    let bearer = format!("Bearer {}", credential(sandbox, "lagrello-1"));
    requests_to(sandbox, ProviderKind::Lagrello)
        .iter()
        .map(|r| {
            assert_eq!(r.header("authorization"), Some(bearer.as_str()));
            let query = r.uri.strip_prefix("/v1/tokens?").expect("a list request");
            let page = query
                .split('&')
                .find_map(|kv| kv.strip_prefix("page="))
                .map(|p| p.parse().expect("a page number"));
            assert!(query.starts_with("size=20"), "{query}");
            page
        })
        .collect()
}

/// The listing is the whole tenant, in the fake's order.
fn assert_lists_every_token(sandbox: &Sandbox, listing: &Listing) {
    assert!(listing.is_complete(), "{:?}", listing.partial);
    let listed: Vec<&str> = listing.tokens.iter().map(|t| t.id.as_str()).collect();
    let keys = sandbox
        .state()
        .lagrello
        .lock()
        .unwrap()
        .token_keys("lagrello-1");
    assert_eq!(listed, keys, "every token, once, in the server's order");
}

#[tokio::test]
async fn pages_numbered_from_0_or_from_1_list_every_token_in_order() {
    for first_page in [0, 1] {
        // 100 pages, the last one short.
        let sandbox = lagrello(1_990, first_page, None).await;
        let listing = client(&sandbox, "lagrello-1").list().await.unwrap();
        assert_lists_every_token(&sandbox, &listing);
        let asked = pages_asked(&sandbox);
        assert_eq!(
            asked[0], None,
            "the first page is asked for without a number"
        );
        let numbered: Vec<usize> = asked[1..].iter().map(|p| p.unwrap()).collect();
        let unique: HashSet<_> = numbered.iter().collect();
        assert_eq!(unique.len(), numbered.len(), "no page asked twice");
        // The numbers the link named: the second page is `first_page + 1`.
        let last = first_page + 99;
        assert!(
            (first_page + 1..=last).all(|p| unique.contains(&p)),
            "from {first_page}: {numbered:?}"
        );
        assert!(numbered.iter().all(|p| *p > first_page), "{numbered:?}");
    }
}

#[tokio::test]
async fn a_long_list_is_read_several_pages_at_a_time_and_stops_within_a_window_of_its_end() {
    // 150 pages, the last one short.
    let sandbox = lagrello(2_990, 1, None).await;
    let listing = client(&sandbox, "lagrello-1").list().await.unwrap();
    assert_lists_every_token(&sandbox, &listing);
    let most = sandbox.most_concurrent_requests();
    assert!(
        (2..=NetworkSettings::default().requests_per_account).contains(&most),
        "{most} requests at once"
    );
    let past_end = pages_asked(&sandbox)
        .into_iter()
        .flatten()
        .filter(|p| *p > 150)
        .count();
    assert!(
        past_end < NetworkSettings::default().requests_per_account,
        "{past_end} pages asked for past the end"
    );
}

/// A listener that counts the connections made to it and answers none.
async fn counting_listener() -> (String, Arc<AtomicUsize>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let count = Arc::new(AtomicUsize::new(0));
    let counted = count.clone();
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            counted.fetch_add(1, Ordering::SeqCst);
            drop(socket);
        }
    });
    (format!("http://{addr}"), count)
}

#[tokio::test]
async fn links_to_another_origin_are_asked_of_the_accounts_own_origin_by_number() {
    for first_page in [0, 1] {
        let (elsewhere, connections) = counting_listener().await;
        let sandbox = lagrello(190, first_page, Some(elsewhere.clone())).await;
        let listing = client(&sandbox, "lagrello-1").list().await.unwrap();
        assert_lists_every_token(&sandbox, &listing);
        let asked = pages_asked(&sandbox);
        let numbered: HashSet<usize> = asked.iter().flatten().copied().collect();
        assert_eq!(
            asked.len(),
            numbered.len() + 1,
            "the first without a number"
        );
        assert!(
            (first_page + 1..=first_page + 9).all(|p| numbered.contains(&p)),
            "the numbers the links named, from {first_page}: {asked:?}"
        );
        assert!(numbered.iter().all(|p| *p > first_page), "{asked:?}");
        assert_eq!(
            connections.load(Ordering::SeqCst),
            0,
            "{elsewhere} was never contacted"
        );
    }
}

fn config_for(name: &str, base: String) -> Config {
    let mut account = AccountConfig::new(name, ProviderKind::Lagrello);
    account.base_url = Some(base);
    account.credential = Some(CredentialSource::Value("k".to_owned().into()));
    Config {
        accounts: vec![account],
        ..Config::default()
    }
}

/// A server that answers like Prism: every page full of one repeated tokenKey, whatever page is
/// asked for, with `next` as `next_link` makes it from the host it was reached on.
async fn repeating_server(next_link: fn(&str) -> String) -> (String, Arc<Mutex<Vec<String>>>) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let app = Router::new()
        .route(
            "/v1/tokens",
            get(
                move |State(seen): State<Arc<Mutex<Vec<String>>>>,
                      RawQuery(query): RawQuery,
                      headers: axum::http::HeaderMap| async move {
                    seen.lock().unwrap().push(query.unwrap_or_default());
                    let host = headers["host"].to_str().unwrap();
                    let item = json!({"tokenKey": "13777603-bdf9-48f7-a493-3b4a94e8be02",
                        "tokenName": "n", "createdBy": "createdBy",
                        "createdAt": "2021-09-20T10:11:12.000+00:00",
                        "permissions": ["permissions", "permissions"], "extra": {"x": 1}});
                    axum::Json(json!({
                        "data": vec![item; 20],
                        "paging": {"previous": "https://openapi-generator.tech",
                                   "next": next_link(host)},
                    }))
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
async fn a_next_link_without_a_page_number_ends_the_list_as_partial() {
    // Prism's own example link, and a link back to the first page.
    for next in [
        (|_: &str| "https://openapi-generator.tech".to_owned()) as fn(&str) -> String,
        |host| format!("http://{host}/v1/tokens?size=20"),
    ] {
        let (base, seen) = repeating_server(next).await;
        let listing = client_from(&config_for("prism", base), "prism")
            .list()
            .await
            .unwrap();
        // Ids repeated within a page are all kept.
        assert_eq!(listing.tokens.len(), 20);
        assert_eq!(
            *seen.lock().unwrap(),
            ["size=20"],
            "no page number was guessed"
        );
        let reason = listing.partial.expect("the rest could not be asked for");
        assert!(
            reason.starts_with("prism: ") && reason.contains("no usable page number"),
            "{reason}"
        );
    }
}

#[tokio::test]
async fn a_server_that_ignores_the_page_number_lists_as_partial() {
    let (base, seen) =
        repeating_server(|host| format!("http://{host}/v1/tokens?size=20&page=2")).await;
    let listing = client_from(&config_for("prism", base), "prism")
        .list()
        .await
        .unwrap();
    assert_eq!(
        listing.tokens.len(),
        20,
        "the repeated page is not listed again"
    );
    let reason = listing
        .partial
        .expect("a repeated page is no complete list");
    assert!(
        reason.starts_with("prism: ") && reason.contains("page 2"),
        "{reason}"
    );
    let seen = seen.lock().unwrap();
    assert_eq!(seen[..2], ["size=20", "size=20&page=2"]);
    assert!(seen.len() <= 3, "within the first window: {seen:?}");
}

#[tokio::test]
async fn past_max_pages_the_list_is_partial_and_says_why() {
    for (max_pages, requests) in [(1, 1), (3, 3)] {
        let sandbox = lagrello(100, 1, None).await;
        let capped = client_with(&sandbox, "lagrello-1", |a| {
            a.provider_keys.set("max_pages", max_pages);
        });
        let listing = capped.list().await.unwrap();
        assert_eq!(listing.tokens.len(), 20 * requests);
        assert_eq!(
            pages_asked(&sandbox).len(),
            requests,
            "no page past the cap"
        );
        let reason = listing.partial.expect("a capped list is partial");
        assert!(
            reason.starts_with("lagrello-1: ")
                && reason.contains(&format!("max_pages (now {max_pages})")),
            "{reason}"
        );
    }
}

#[tokio::test]
async fn a_full_last_page_ends_at_its_null_next() {
    let sandbox = lagrello(40, 1, None).await;
    let listing = client(&sandbox, "lagrello-1").list().await.unwrap();
    assert_lists_every_token(&sandbox, &listing);
    // Page 3 may have been asked for beside page 2, in the first window.
    assert!(pages_asked(&sandbox).len() <= 3);
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
        assert_lists_every_token(&sandbox, &listing);
        let asked = pages_asked(&sandbox).len();
        let pages = count.div_ceil(20);
        assert!(
            (pages..pages + NetworkSettings::default().requests_per_account).contains(&asked),
            "{count}: {asked} requests"
        );
    }
}
