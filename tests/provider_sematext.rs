//! The sematext client against the sematext fake, over real loopback HTTP.

use std::sync::Arc;
use std::time::Duration;

use reqwest::StatusCode;
use secrecy::ExposeSecret;
use serde_json::{Value, json};
use tokdash::config::Config;
use tokdash::model::{ApiError, NewToken, Token, TokenId, TokenUpdate};
use tokdash::provider::Provider;
use tokdash::sandbox::faults::{FaultKind, FaultOp, FaultRule};
use tokdash::sandbox::{RecordedRequest, Sandbox, SandboxAccount, SandboxOptions};

mod common {
    pub mod sandbox;
}

use common::sandbox::{assert_sanitised, find, requests_under, sandbox_with};

const ACCOUNT: &str = "sematext-1";

async fn sandbox() -> Sandbox {
    sandbox_with(SandboxOptions::default()).await
}

fn client_from(config: &Config) -> Arc<dyn Provider> {
    common::sandbox::client_from(config, ACCOUNT)
}

fn client(sandbox: &Sandbox) -> Arc<dyn Provider> {
    common::sandbox::client(sandbox, ACCOUNT)
}

fn account(sandbox: &Sandbox) -> SandboxAccount {
    sandbox.account(ACCOUNT).expect("sematext-1 exists").clone()
}

fn app_id(account: &SandboxAccount) -> i64 {
    account.setting("app_id").unwrap().as_integer().unwrap()
}

fn sematext_requests(sandbox: &Sandbox) -> Vec<RecordedRequest> {
    requests_under(sandbox, &["/users-web/"])
}

/// The one request of `method` made since the log was last cleared.
fn only(sandbox: &Sandbox, method: &str) -> RecordedRequest {
    let mut found: Vec<RecordedRequest> = sematext_requests(sandbox)
        .into_iter()
        .filter(|r| r.method == method)
        .collect();
    assert_eq!(found.len(), 1, "exactly one {method}");
    found.remove(0)
}

fn secret_of(token: &Token) -> String {
    token
        .secret
        .as_ref()
        .expect("sematext lists secrets")
        .expose_secret()
        .to_owned()
}

#[tokio::test]
async fn full_lifecycle_over_http() {
    let sb = sandbox().await;
    let s = client(&sb);
    let acct = account(&sb);
    let tokens_path = format!("/users-web/api/v3/apps/{}/tokens", app_id(&acct));

    let seeded = s.list().await.expect("list");
    assert_eq!(seeded.len(), 12);
    assert!(
        seeded
            .iter()
            .all(|t| t.secret.is_some() && t.enabled.is_some())
    );
    assert!(seeded.iter().any(|t| t.enabled == Some(false)));
    assert!(seeded.iter().all(|t| t.created_at.is_some()));

    // Create.
    sb.clear_requests();
    let new = NewToken {
        readable: Some(true),
        writeable: Some(true),
        ..NewToken::named("ci-shipper")
    };
    let created = s.create(new).await.expect("create");
    assert_eq!(created.token.name, "ci-shipper");
    assert_eq!(created.token.enabled, Some(true));
    assert_eq!(created.token.scopes, ["read", "write"]);
    let post = only(&sb, "POST");
    assert_eq!(post.uri, tokens_path);
    assert_eq!(
        post.json(),
        Some(json!({"name": "ci-shipper", "readable": true, "writeable": true}))
    );
    assert_eq!(post.header("content-type"), Some("application/json"));
    assert_eq!(
        post.header("authorization"),
        Some(format!("apiKey {}", acct.credential.clone().unwrap()).as_str())
    );
    let id = created.token.id.clone();
    assert!(id.as_str().parse::<i64>().is_ok());
    let first_secret = created.secret.expose_secret().to_owned();

    let listed = s.list().await.unwrap();
    let token = find(&listed, &id).expect("the new token is listed");
    assert_eq!(secret_of(token), first_secret);

    // Rename: only the name goes.
    sb.clear_requests();
    let renamed = s
        .update(
            id.clone(),
            TokenUpdate {
                name: Some("ci-shipper-2".into()),
                enabled: None,
            },
        )
        .await
        .expect("rename");
    assert_eq!(renamed.name, "ci-shipper-2");
    assert_eq!(renamed.enabled, Some(true));
    let put = only(&sb, "PUT");
    assert_eq!(put.uri, format!("{tokens_path}/{id}"));
    assert_eq!(put.json(), Some(json!({"name": "ci-shipper-2"})));

    // Disable, then enable: only the flag goes.
    sb.clear_requests();
    let off = s
        .update(
            id.clone(),
            TokenUpdate {
                name: None,
                enabled: Some(false),
            },
        )
        .await
        .expect("disable");
    assert_eq!(off.enabled, Some(false));
    assert_eq!(off.name, "ci-shipper-2");
    assert_eq!(only(&sb, "PUT").json(), Some(json!({"enabled": false})));
    let listed = s.list().await.unwrap();
    assert_eq!(find(&listed, &id).unwrap().enabled, Some(false));
    let on = s
        .update(
            id.clone(),
            TokenUpdate {
                name: None,
                enabled: Some(true),
            },
        )
        .await
        .expect("enable");
    assert_eq!(on.enabled, Some(true));

    // Regenerate: same id, new secret, no body.
    sb.clear_requests();
    let again = s.regenerate(id.clone()).await.expect("regenerate");
    assert_eq!(again.token.id, id);
    assert_ne!(again.secret.expose_secret(), first_secret);
    let regen = only(&sb, "POST");
    assert_eq!(regen.uri, format!("{tokens_path}/{id}/regenerate"));
    assert!(regen.body.is_empty(), "regenerate sends no body");
    let listed = s.list().await.unwrap();
    assert_eq!(
        secret_of(find(&listed, &id).unwrap()),
        again.secret.expose_secret()
    );

    // Delete.
    sb.clear_requests();
    s.delete(id.clone()).await.expect("delete");
    let del = only(&sb, "DELETE");
    assert_eq!(del.uri, format!("{tokens_path}/{id}"));
    assert!(del.body.is_empty());
    let listed = s.list().await.unwrap();
    assert!(find(&listed, &id).is_none());
    assert_eq!(listed.len(), 12);
}

#[tokio::test]
async fn default_create_is_read_only_and_spelled_writeable() {
    let sb = sandbox().await;
    let s = client(&sb);
    sb.clear_requests();
    let created = s.create(NewToken::named("reader")).await.unwrap();
    assert_eq!(created.token.scopes, ["read"]);
    assert_eq!(
        only(&sb, "POST").json(),
        Some(json!({"name": "reader", "readable": true, "writeable": false}))
    );
}

#[tokio::test]
async fn success_false_in_a_200_is_an_error() {
    let sb = sandbox().await;
    let s = client(&sb);
    sb.state().sematext.lock().unwrap().fail_with_200 = true;
    let err = s.list().await.unwrap_err();
    assert_eq!(
        err,
        ApiError::BadRequest {
            status: 200,
            message: "Operation could not be completed".into()
        }
    );
    let err = s.create(NewToken::named("nope")).await.unwrap_err();
    assert!(
        matches!(err, ApiError::BadRequest { status: 200, .. }),
        "{err:?}"
    );
    sb.state().sematext.lock().unwrap().fail_with_200 = false;
    assert!(s.list().await.unwrap().iter().all(|t| t.name != "nope"));
}

#[tokio::test]
async fn unknown_and_malformed_ids() {
    let sb = sandbox().await;
    let s = client(&sb);
    let err = s.regenerate(TokenId::new("12345")).await.unwrap_err();
    assert_eq!(err, ApiError::NotFound("Token not found".into()));
    let err = s.delete(TokenId::new("12345")).await.unwrap_err();
    assert_eq!(err, ApiError::NotFound("Token not found".into()));
    sb.clear_requests();
    let err = s.delete(TokenId::new("12/../../x")).await.unwrap_err();
    assert!(err.to_string().contains("whole numbers"), "{err}");
    assert!(sematext_requests(&sb).is_empty(), "a bad id is never sent");
}

#[tokio::test]
async fn an_app_of_another_account_is_not_found() {
    let sb = sandbox_with(SandboxOptions {
        accounts_per_provider: 2,
        ..SandboxOptions::default()
    })
    .await;
    let mut config = sb.config();
    let other_app = app_id(sb.account("sematext-2").unwrap());
    for a in &mut config.accounts {
        if a.name == ACCOUNT {
            a.provider_keys.set("app_id", other_app);
        }
    }
    let err = client_from(&config).list().await.unwrap_err();
    assert_eq!(err, ApiError::NotFound("App not found".into()));
}

#[tokio::test]
async fn a_wrong_key_is_unauthorized_with_the_envelope_message() {
    let sb = sandbox().await;
    let mut config = sb.config();
    config.accounts.retain(|a| a.name == ACCOUNT);
    for a in &mut config.accounts {
        a.credential = Some(tokdash::credential::CredentialSource::Value(
            "e5f18450-205a-48eb-8589-7d49edaea813".to_owned().into(),
        ));
    }
    let err = client_from(&config).list().await.unwrap_err();
    let ApiError::Unauthorized(message) = err else {
        panic!("expected 401, got {err:?}");
    };
    assert!(message.contains("Invalid or missing API key"), "{message}");
}

async fn error_with(sb: &Sandbox, op: FaultOp, kind: FaultKind) -> ApiError {
    sb.set_faults(vec![FaultRule::new("sematext", op, kind)]);
    let s = client(sb);
    match op {
        FaultOp::Update => s
            .update(
                TokenId::new("1"),
                TokenUpdate {
                    name: Some("x".into()),
                    enabled: None,
                },
            )
            .await
            .map(|_| ())
            .expect_err("the fault makes update fail"),
        _ => common::sandbox::list_error_with(sb, "sematext", ACCOUNT, kind).await,
    }
}

#[tokio::test]
async fn every_fault_maps_to_its_error() {
    let sb = sandbox().await;
    let list = FaultOp::List;
    assert_eq!(
        error_with(&sb, list, FaultKind::Status(401)).await,
        ApiError::Unauthorized("Unauthorized".into())
    );
    assert_eq!(
        error_with(&sb, FaultOp::Update, FaultKind::Status(403)).await,
        ApiError::Forbidden("Forbidden".into())
    );
    assert!(matches!(
        error_with(&sb, list, FaultKind::Status(404)).await,
        ApiError::NotFound(_)
    ));
    assert!(matches!(
        error_with(&sb, list, FaultKind::Status(429)).await,
        ApiError::RateLimited { retry_after: Some(d), .. } if d == Duration::from_secs(30)
    ));
    assert!(matches!(
        error_with(&sb, list, FaultKind::Status(500)).await,
        ApiError::Server { status: 500, .. }
    ));
    assert_eq!(
        error_with(&sb, list, FaultKind::Status(502)).await,
        ApiError::Server {
            status: 502,
            message: "Bad Gateway".into()
        }
    );
    common::sandbox::assert_broken_lists_are_errors(&sb, "sematext", ACCOUNT).await;
}

#[tokio::test]
async fn a_regenerate_that_times_out_has_an_unknown_outcome() {
    let sb = sandbox().await;
    let mut config = sb.config();
    config.http.request_timeout = Duration::from_millis(500);
    let s = client_from(&config);
    let victim = s.list().await.unwrap().remove(0);
    sb.set_faults(vec![FaultRule::new(
        "sematext",
        FaultOp::Regenerate,
        FaultKind::Timeout,
    )]);
    let err = s.regenerate(victim.id.clone()).await.unwrap_err();
    assert!(matches!(err, ApiError::Timeout(_)), "{err:?}");
    assert!(err.outcome_unknown());
    sb.set_faults(Vec::new());
    let listed = s.list().await.unwrap();
    assert_ne!(
        secret_of(find(&listed, &victim.id).unwrap()),
        secret_of(&victim),
        "the fake regenerated before hanging"
    );
}

/// What the fake itself accepts and refuses, independent of the client.
#[tokio::test]
async fn the_fake_is_as_strict_as_the_spec() {
    let sb = sandbox().await;
    let acct = account(&sb);
    let app_id = app_id(&acct);
    let auth = format!("apiKey {}", acct.credential.clone().unwrap());
    let http = reqwest::Client::new();
    let base = format!("{}/users-web/api/v3", sb.base_url());
    let tokens_url = format!("{base}/apps/{app_id}/tokens");

    // Apps are listed with int64 ids; the configured app is among them.
    let apps: Value = http
        .get(format!("{base}/apps"))
        .header("authorization", &auth)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(apps["success"], true);
    assert!(
        apps["data"]["apps"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["id"].as_i64() == Some(app_id) && a["name"].is_string())
    );

    // The misspelling is ignored, so the token cannot write.
    let created: Value = http
        .post(&tokens_url)
        .header("authorization", &auth)
        .json(&json!({"name": "typo", "readable": true, "writable": true}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = &created["data"]["token"];
    assert_eq!(token["writeable"], false);
    assert_eq!(token["enabled"], true);
    assert!(token["token"].is_string());
    let id = token["id"].as_i64().expect("an int64 id");

    // Every TokenDto in the list carries its secret.
    let list: Value = http
        .get(&tokens_url)
        .header("authorization", &auth)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(
        list["data"]["tokens"]
            .as_array()
            .unwrap()
            .iter()
            .all(|t| t["token"].is_string() && t["id"].is_i64())
    );

    // A PUT changes only what it carries.
    let updated: Value = http
        .put(format!("{tokens_url}/{id}"))
        .header("authorization", &auth)
        .json(&json!({"enabled": false}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(updated["data"]["token"]["name"], "typo");
    assert_eq!(updated["data"]["token"]["enabled"], false);

    // Errors are envelopes with success:false.
    let checks = [
        http.get(&tokens_url)
            .header("authorization", acct.credential.clone().unwrap()),
        http.get(format!("{base}/apps/1/tokens"))
            .header("authorization", &auth),
        http.get(format!("{base}/apps/abc/tokens"))
            .header("authorization", &auth),
        http.post(format!("{tokens_url}/{id}/regenerate"))
            .header("authorization", &auth)
            .json(&json!({})),
        http.put(format!("{tokens_url}/{id}"))
            .header("authorization", &auth)
            .json(&json!({"enabled": "no"})),
        http.delete(format!("{tokens_url}/999"))
            .header("authorization", &auth),
    ];
    let expected = [
        StatusCode::UNAUTHORIZED,
        StatusCode::NOT_FOUND,
        StatusCode::BAD_REQUEST,
        StatusCode::BAD_REQUEST,
        StatusCode::BAD_REQUEST,
        StatusCode::NOT_FOUND,
    ];
    for (request, status) in checks.into_iter().zip(expected) {
        let response = request.send().await.unwrap();
        assert_eq!(response.status(), status);
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["success"], false, "{body}");
        assert!(body["message"].is_string(), "{body}");
    }

    // Delete answers a 200 envelope.
    let deleted = http
        .delete(format!("{tokens_url}/{id}"))
        .header("authorization", &auth)
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status(), StatusCode::OK);
    let body: Value = deleted.json().await.unwrap();
    assert_eq!(body["success"], true);
}

#[tokio::test]
async fn hostile_names_arrive_sanitised() {
    let sb = sandbox_with(SandboxOptions {
        hostile_names: true,
        ..SandboxOptions::default()
    })
    .await;
    let tokens = client(&sb).list().await.unwrap();
    assert_sanitised(&tokens);
}

#[tokio::test]
async fn debug_output_never_shows_a_secret() {
    let sb = sandbox().await;
    let s = client(&sb);
    let key = account(&sb).credential.unwrap();
    let listed = s.list().await.unwrap();
    let created = s.create(NewToken::named("leak-check")).await.unwrap();
    let regenerated = s.regenerate(created.token.id.clone()).await.unwrap();
    sb.set_faults(vec![FaultRule::new(
        "sematext",
        FaultOp::List,
        FaultKind::Status(401),
    )]);
    let err = s.list().await.unwrap_err();
    let mut secrets: Vec<String> = listed.iter().map(secret_of).collect();
    secrets.push(created.secret.expose_secret().to_owned());
    secrets.push(regenerated.secret.expose_secret().to_owned());
    secrets.push(key);
    for dbg in [
        format!("{listed:?}"),
        format!("{created:?}"),
        format!("{regenerated:?}"),
        format!("{err:?}"),
    ] {
        for secret in &secrets {
            assert!(!dbg.contains(secret.as_str()), "{dbg}");
        }
    }
}
