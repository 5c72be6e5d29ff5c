//! What every provider client does alike, each against its fake over real loopback HTTP: one test
//! per behaviour, run for the four providers in turn from the table in [`ROWS`], each with a
//! sandbox of its own. A failure names the provider. What only one provider does (fluid's login,
//! lagrello's paging, qovery's roles, sematext's rename, enable and regenerate, what each fake
//! refuses) is tested in its own `tests/provider_*.rs`.

use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::sync::atomic::{AtomicU16, Ordering};
use std::time::Duration;

use axum::response::IntoResponse;

use futures::FutureExt;
use secrecy::ExposeSecret;
use tokdash::credential::CredentialSource;
use tokdash::model::{ApiError, NewToken, Privilege, Token, TokenId};
use tokdash::provider::ProviderKind;
use tokdash::sandbox::faults::{FaultKind, FaultOp, FaultRule};
use tokdash::sandbox::{Sandbox, SandboxOptions, Variants};

mod common {
    pub mod sandbox;
}

use common::sandbox::{client, client_from, client_with, credential, find, start};

/// What the tests need to know of one provider, where the providers legitimately differ.
struct Row {
    /// The account the tests use (fluid-2 is fluid's session-cookie account; logging in is
    /// fluid's own, in tests/provider_fluid.rs).
    account: &'static str,
    /// A create with the fields this provider's form takes.
    new_token: fn(&str) -> NewToken,
    /// An id of the provider's shape that names no token, and the provider's words for deleting it.
    unknown_id: &'static str,
    not_found: &'static str,
    /// A credential the fake does not know, and how the provider refuses it.
    wrong_credential: &'static str,
    refused: fn(&ApiError) -> bool,
    /// The provider's own words for some refused lists, by status.
    list_words: &'static [(u16, &'static str)],
    /// Every privilege the fake's seeded tokens show (its mapping is unit-tested in the
    /// provider's file), and the one a token made by `new_token` gets.
    privileges: &'static [Privilege],
    created_privilege: Privilege,
}

const ROWS: [Row; 4] = [
    Row {
        account: "fluid-2",
        new_token: |name| NewToken::named(name),
        unknown_id: "HTK-0000000000000000",
        not_found: "no such host token in org `acme-2`",
        // A session cookie of the right shape.
        wrong_credential: "0000000000000000000000000000000000000000000000000000000000000000",
        refused: |e| matches!(e, ApiError::Unauthorized(m) if m.contains("update the credential")),
        list_words: &[(404, "there is no org `acme-2`")],
        // A host token acts in the org but cannot administer it.
        privileges: &[Privilege::Write],
        created_privilege: Privilege::Write,
    },
    Row {
        account: "lagrello-1",
        new_token: |name| NewToken {
            permissions: vec!["WRITE".into()],
            ..NewToken::named(name)
        },
        unknown_id: "ffd12fb4-da5b-4751-a9f6-d3214b418139",
        not_found: "token could not be found",
        wrong_credential: "not-a-real-token",
        // lagrello answers an unknown token with 403, not 401; its words say it is wrong.
        refused: |e| {
            *e == ApiError::Unauthorized(
                "The access token used to access resource is wrong (lagrello answered 403)".into(),
            )
        },
        list_words: &[],
        // The highest of READ, WRITE and ADMIN.
        privileges: &[Privilege::Admin, Privilege::Write, Privilege::Read],
        created_privilege: Privilege::Write,
    },
    Row {
        account: "qovery-1",
        new_token: |name| NewToken::named(name),
        unknown_id: "00000000-0000-4000-8000-000000000000",
        not_found: "Organization Api Token not found",
        wrong_credential: "qov_wrong",
        refused: |e| {
            matches!(e, ApiError::Unauthorized(m)
                if m.starts_with("Invalid API token; sent as `Token`")
                    && m.contains("set auth_scheme = \"bearer\""))
        },
        // The `{status, detail}` body is read.
        list_words: &[(403, "Forbidden")],
        // By role; the fake's custom role "Deployer" is unknown, and a token made without a
        // role has none.
        privileges: &[
            Privilege::Admin,
            Privilege::Write,
            Privilege::Read,
            Privilege::Unknown,
        ],
        created_privilege: Privilege::Unknown,
    },
    Row {
        account: "sematext-1",
        new_token: |name| NewToken {
            readable: Some(true),
            writeable: Some(true),
            ..NewToken::named(name)
        },
        unknown_id: "12345",
        not_found: "Token not found",
        wrong_credential: "e5f18450-205a-48eb-8589-7d49edaea813",
        refused: |e| matches!(e, ApiError::Unauthorized(m) if m.contains("Invalid or missing API key")),
        // The envelope's message is read.
        list_words: &[(401, "Unauthorized")],
        // writeable, readable alone, or neither flag.
        privileges: &[Privilege::Write, Privilege::Read, Privilege::Unknown],
        created_privilege: Privilege::Write,
    },
];

/// Run `check` for every row, each with a fresh sandbox started with `opts` (two accounts per
/// provider, for fluid-2), then fail naming every provider it failed for.
async fn for_each_provider(opts: SandboxOptions, check: impl AsyncFn(&Row, &Sandbox)) {
    let mut failed = Vec::new();
    for row in &ROWS {
        let sandbox = start(SandboxOptions {
            accounts_per_provider: 2,
            ..opts.clone()
        })
        .await;
        if let Err(panic) = AssertUnwindSafe(check(row, &sandbox)).catch_unwind().await {
            let message = panic
                .downcast_ref::<String>()
                .map(String::as_str)
                .or_else(|| panic.downcast_ref::<&str>().copied())
                .unwrap_or("(no message)");
            failed.push(format!("{}: {message}", row.account));
        }
    }
    assert!(
        failed.is_empty(),
        "failed for {} of {} providers:\n{}",
        failed.len(),
        ROWS.len(),
        failed.join("\n")
    );
}

fn ids(tokens: &[Token]) -> Vec<TokenId> {
    tokens.iter().map(|t| t.id.clone()).collect()
}

#[tokio::test]
async fn create_list_delete_round_trip() {
    for_each_provider(SandboxOptions::default(), async |row, sandbox| {
        let c = client(sandbox, row.account);
        let lists_secrets = c.caps().secret_on_list;

        let before = c.list().await.unwrap().tokens;
        assert_eq!(before.len(), 12);
        assert!(before.iter().all(|t| t.created_at.is_some()));
        assert!(before.iter().all(|t| t.secret.is_some() == lists_secrets));

        let created = c.create((row.new_token)("round-trip")).await.unwrap();
        assert_eq!(created.token.name, "round-trip");
        assert!(created.token.created_at.is_some());
        let secret = created.secret.expose_secret().to_owned();
        assert!(!secret.is_empty());

        let listed = c.list().await.unwrap().tokens;
        assert_eq!(listed.len(), 13);
        let token = find(&listed, &created.token.id).expect("the new token is listed");
        assert_eq!(token.name, "round-trip");
        match &token.secret {
            Some(listed) => assert!(lists_secrets && listed.expose_secret() == secret),
            None => assert!(!lists_secrets, "the list carries no secret"),
        }

        c.delete(created.token.id.clone()).await.unwrap();
        let after = c.list().await.unwrap().tokens;
        assert!(find(&after, &created.token.id).is_none());
        assert_eq!(ids(&after), ids(&before), "the others are as they were");
    })
    .await;
}

/// Does an error have the kind a status should map to?
type ErrorCheck = fn(&ApiError) -> bool;

const STATUSES: [(u16, ErrorCheck); 7] = [
    (401, |e| matches!(e, ApiError::Unauthorized(_))),
    (403, |e| matches!(e, ApiError::Forbidden(_))),
    (404, |e| matches!(e, ApiError::NotFound(_))),
    (409, |e| matches!(e, ApiError::Conflict(_))),
    (
        429,
        |e| matches!(e, ApiError::RateLimited { retry_after: Some(d), .. } if *d == Duration::from_secs(1)),
    ),
    (500, |e| matches!(e, ApiError::Server { status: 500, .. })),
    // The proxy's HTML page is not taken for a message.
    (
        502,
        |e| matches!(e, ApiError::Server { status: 502, message } if message == "Bad Gateway"),
    ),
];

/// The message an error carries from the provider (or the status's reason), if it has one.
fn message(e: &ApiError) -> Option<&str> {
    match e {
        ApiError::Unauthorized(m)
        | ApiError::Forbidden(m)
        | ApiError::NotFound(m)
        | ApiError::Conflict(m) => Some(m),
        ApiError::RateLimited { message, .. }
        | ApiError::BadRequest { message, .. }
        | ApiError::Server { message, .. } => Some(message),
        _ => None,
    }
}

#[tokio::test]
async fn every_status_maps_to_its_error() {
    for_each_provider(SandboxOptions::default(), async |row, sandbox| {
        // How each status reads, not how reads recover (tests/network.rs): no retries to wait
        // through.
        let mut config = sandbox.config();
        config.network.read_retries = 0;
        let c = client_from(&config, row.account);
        for op in [FaultOp::List, FaultOp::Create] {
            for (status, expected) in STATUSES {
                let fault = FaultRule::new(row.account, op, FaultKind::Status(status));
                sandbox.set_faults(vec![fault]);
                let err = match op {
                    FaultOp::List => c.list().await.unwrap_err(),
                    _ => c.create((row.new_token)("refused")).await.unwrap_err(),
                };
                assert!(expected(&err), "{op:?} {status}: {err:?}");
                let words = row.list_words.iter().find(|(s, _)| *s == status);
                if let (FaultOp::List, Some((_, words))) = (op, words) {
                    let said = message(&err).unwrap_or_default();
                    assert!(said.starts_with(*words), "{status}: {err:?}");
                }
            }
        }
        sandbox.set_faults(Vec::new());
        assert_eq!(
            c.list().await.unwrap().tokens.len(),
            12,
            "no fault created a token"
        );
    })
    .await;
}

/// The error a list gets while the sandbox answers `row`'s account with `kind`.
async fn list_error(sandbox: &Sandbox, row: &Row, kind: FaultKind) -> ApiError {
    sandbox.set_faults(vec![FaultRule::new(row.account, FaultOp::List, kind)]);
    let err = client(sandbox, row.account).list().await;
    err.expect_err("the fault makes list fail")
}

#[tokio::test]
async fn broken_responses_are_errors_not_panics() {
    for_each_provider(SandboxOptions::default(), async |row, sandbox| {
        let err = list_error(sandbox, row, FaultKind::Malformed).await;
        assert!(matches!(err, ApiError::Decode(_)), "malformed: {err:?}");
        let err = list_error(sandbox, row, FaultKind::Truncated).await;
        assert!(matches!(err, ApiError::Network(_)), "truncated: {err:?}");
        let err = list_error(sandbox, row, FaultKind::Huge).await;
        assert!(
            matches!(&err, ApiError::Decode(m) if m.contains("larger than")),
            "huge: {err:?}"
        );

        // A create whose answer is malformed may still have minted a token.
        let c = client(sandbox, row.account);
        let fault = FaultRule::new(row.account, FaultOp::Create, FaultKind::Malformed);
        sandbox.set_faults(vec![fault]);
        let err = c.create((row.new_token)("maybe")).await.unwrap_err();
        assert!(err.outcome_unknown(), "{err:?}");
        sandbox.set_faults(Vec::new());
        let listed = c.list().await.unwrap().tokens;
        assert!(listed.iter().any(|t| t.name == "maybe"), "it was minted");
    })
    .await;
}

#[tokio::test]
async fn a_hung_call_times_out_and_a_hung_create_has_an_unknown_outcome() {
    for_each_provider(SandboxOptions::default(), async |row, sandbox| {
        let mut config = sandbox.config();
        config.http.request_timeout = Duration::from_millis(300);
        let c = client_from(&config, row.account);
        let hang = |op| vec![FaultRule::new(row.account, op, FaultKind::Timeout)];

        sandbox.set_faults(hang(FaultOp::List));
        let err = c.list().await.unwrap_err();
        assert!(matches!(err, ApiError::Timeout(_)), "list: {err:?}");

        sandbox.set_faults(hang(FaultOp::Create));
        let err = c.create((row.new_token)("slowpoke")).await.unwrap_err();
        assert!(matches!(err, ApiError::Timeout(_)), "create: {err:?}");
        assert!(err.outcome_unknown());
        sandbox.set_faults(Vec::new());
        let listed = client(sandbox, row.account).list().await.unwrap().tokens;
        assert!(
            listed.iter().any(|t| t.name == "slowpoke"),
            "the fake did the work before hanging"
        );
    })
    .await;
}

#[tokio::test]
async fn a_wrong_credential_is_refused_in_the_providers_words() {
    for_each_provider(SandboxOptions::default(), async |row, sandbox| {
        let wrong = row.wrong_credential.to_owned();
        let c = client_with(sandbox, row.account, |a| {
            a.credential = Some(CredentialSource::Value(wrong.into()));
        });
        let err = c.list().await.unwrap_err();
        assert!((row.refused)(&err), "{err:?}");
    })
    .await;
}

#[tokio::test]
async fn deleting_an_unknown_token_is_not_found() {
    for_each_provider(SandboxOptions::default(), async |row, sandbox| {
        let c = client(sandbox, row.account);
        let err = c.delete(TokenId::new(row.unknown_id)).await.unwrap_err();
        assert_eq!(err, ApiError::NotFound(row.not_found.into()));
    })
    .await;
}

#[tokio::test]
async fn every_listed_token_carries_its_privilege() {
    let many = SandboxOptions {
        tokens_per_account: 60,
        ..SandboxOptions::default()
    };
    for_each_provider(many, async |row, sandbox| {
        let c = client(sandbox, row.account);
        let created = c.create((row.new_token)("audited")).await.unwrap();
        let tokens = c.list().await.unwrap().tokens;
        let shown: std::collections::BTreeSet<_> = tokens.iter().map(|t| t.privilege).collect();
        let expected: std::collections::BTreeSet<_> = row.privileges.iter().copied().collect();
        assert_eq!(shown, expected, "the levels the seeded tokens show");
        for t in &tokens {
            // Unknown only where the token itself says why: a role tokdash does not know (kept by
            // name), or no scope at all.
            assert!(
                t.privilege != Privilege::Unknown || t.role.is_some() || t.scopes.is_empty(),
                "{t:?}"
            );
        }
        let listed = find(&tokens, &created.token.id).expect("the new token is listed");
        assert_eq!(listed.privilege, row.created_privilege);
        assert_eq!(created.token.privilege, row.created_privilege);
    })
    .await;
}

#[tokio::test]
async fn hostile_names_arrive_sanitised() {
    let hostile = SandboxOptions {
        hostile_names: true,
        ..SandboxOptions::default()
    };
    for_each_provider(hostile, async |row, sandbox| {
        let tokens = client(sandbox, row.account).list().await.unwrap().tokens;
        assert!(
            tokens.iter().any(|t| t.name.contains("\\x1b")),
            "hostile names were seeded"
        );
        // Every string that came in is free of control characters (escape sequences) and bidi
        // overrides.
        for t in &tokens {
            let fields = [t.id.as_str(), t.name.as_str()]
                .into_iter()
                .chain(t.description.as_deref())
                .chain(t.role.as_deref())
                .chain(t.created_by.as_deref())
                .chain(t.app.as_ref().map(|a| a.name.as_str()))
                .chain(t.scopes.iter().map(String::as_str))
                .chain(t.extra.iter().flat_map(|(k, v)| [k.as_str(), v.as_str()]));
            for f in fields {
                assert!(
                    !f.chars().any(|c| c.is_control() || c == '\u{202E}'),
                    "{f:?}"
                );
            }
        }
    })
    .await;
}

/// Debug output (and error messages) never show a secret: not the account's credential, not a
/// secret a create or regenerate returned or a list carried, and not an id where ids double as
/// secrets.
#[tokio::test]
async fn debug_output_never_shows_a_secret_or_credential() {
    for_each_provider(SandboxOptions::default(), async |row, sandbox| {
        let c = client(sandbox, row.account);
        let caps = c.caps();
        let mut secrets = vec![credential(sandbox, row.account)];
        let mut shown = Vec::new();

        let listed = c.list().await.unwrap().tokens;
        let created = c.create((row.new_token)("leak-check")).await.unwrap();
        secrets.push(created.secret.expose_secret().to_owned());
        shown.extend([format!("{listed:?}"), format!("{created:?}")]);
        if caps.regenerate {
            let regenerated = c.regenerate(created.token.id.clone()).await.unwrap();
            secrets.push(regenerated.secret.expose_secret().to_owned());
            shown.push(format!("{regenerated:?}"));
        }
        let relisted = c.list().await.unwrap().tokens;
        shown.push(format!("{relisted:?}"));
        for t in listed.iter().chain(&relisted) {
            secrets.extend(t.secret.as_ref().map(|s| s.expose_secret().to_owned()));
            if caps.id_is_secret {
                secrets.push(t.id.to_string());
            }
        }

        // Errors: a delete of what is gone, and a refused list.
        c.delete(created.token.id.clone()).await.unwrap();
        let gone = c.delete(created.token.id.clone()).await.unwrap_err();
        sandbox.set_faults(vec![FaultRule::new(
            row.account,
            FaultOp::List,
            FaultKind::Status(401),
        )]);
        let refused = c.list().await.unwrap_err();
        for err in [gone, refused] {
            shown.extend([format!("{err:?}"), format!("{err}")]);
        }

        for text in &shown {
            for secret in &secrets {
                assert!(!text.contains(secret.as_str()), "{text}");
            }
        }
    })
    .await;
}

/// A server that answers every request with the status in `status` and no body at all, as a
/// proxy or a provider whose spec declares no content may (429 with `Retry-After: 1`, as the
/// sandbox's faults say, so the list's retries wait seconds, not minutes).
async fn bodiless_server() -> (String, Arc<AtomicU16>) {
    let status = Arc::new(AtomicU16::new(500));
    let answer = status.clone();
    let app = axum::Router::new().fallback(move || {
        let code = answer.load(Ordering::SeqCst);
        async move {
            let status = axum::http::StatusCode::from_u16(code).unwrap();
            let mut response = status.into_response();
            if code == 429 {
                let one = axum::http::HeaderValue::from_static("1");
                response.headers_mut().insert("retry-after", one);
            }
            response
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    (format!("http://{addr}"), status)
}

#[tokio::test]
async fn an_error_without_a_body_is_named_by_its_status() {
    for_each_provider(SandboxOptions::default(), async |row, sandbox| {
        let (base, status) = bodiless_server().await;
        let c = client_with(sandbox, row.account, |a| a.base_url = Some(base));
        let more: [(u16, ErrorCheck); 2] = [
            (400, |e| {
                matches!(e, ApiError::BadRequest { status: 400, .. })
            }),
            (503, |e| matches!(e, ApiError::Server { status: 503, .. })),
        ];
        for (code, expected) in STATUSES.into_iter().chain(more) {
            status.store(code, Ordering::SeqCst);
            for op in [FaultOp::List, FaultOp::Create] {
                let err = match op {
                    FaultOp::List => c.list().await.unwrap_err(),
                    _ => c.create((row.new_token)("refused")).await.unwrap_err(),
                };
                assert!(expected(&err), "{op:?} {code}: {err:?}");
                // Named by its kind (what the status means) and, where a kind is broad, the
                // status's number; never an empty message.
                let said = err.to_string();
                let words = message(&err).unwrap_or_default();
                assert!(!words.trim().is_empty(), "{op:?} {code}: {said}");
                if matches!(err, ApiError::BadRequest { .. } | ApiError::Server { .. }) {
                    assert!(said.contains(&format!("HTTP {code}")), "{said}");
                }
            }
        }
    })
    .await;
}

#[tokio::test]
async fn empty_error_bodies_drop_only_the_bodies_a_spec_declares_absent() {
    let bodiless = SandboxOptions {
        variants: Variants {
            empty_error_bodies: true,
            ..Variants::default()
        },
        ..SandboxOptions::default()
    };
    for_each_provider(bodiless, async |row, sandbox| {
        let c = client(sandbox, row.account);
        let err = c.delete(TokenId::new(row.unknown_id)).await.unwrap_err();
        // qovery's spec declares its 404 without content, so its words are gone and the status
        // speaks; the other specs declare a body, which stays.
        let words = match c.kind() {
            ProviderKind::Qovery => "Not Found",
            _ => row.not_found,
        };
        assert_eq!(err, ApiError::NotFound(words.into()));
        let wrong = row.wrong_credential.to_owned();
        let refused = client_with(sandbox, row.account, |a| {
            a.credential = Some(CredentialSource::Value(wrong.into()));
        });
        let err = refused.list().await.unwrap_err();
        assert!(matches!(err, ApiError::Unauthorized(_)), "{err:?}");
        assert_eq!(
            (row.refused)(&err),
            c.kind() != ProviderKind::Qovery,
            "only qovery's refusal loses its words: {err:?}"
        );
    })
    .await;
}
