//! The sematext client against the sematext fake, over real loopback HTTP.

use std::time::Duration;

use reqwest::StatusCode;
use secrecy::ExposeSecret;
use serde_json::{Value, json};
use tokdash::model::{ApiError, NewToken, Token, TokenId, TokenUpdate};
use tokdash::provider::ProviderKind;
use tokdash::sandbox::faults::{FaultKind, FaultOp, FaultRule};
use tokdash::sandbox::{RecordedRequest, Sandbox, SandboxOptions};

mod common {
    pub mod sandbox;
}

use common::sandbox::{client, client_from, credential, find, requests_to, start};

const ACCOUNT: &str = "sematext-1";

/// The sematext app the sandbox gave an account.
fn app_id(sandbox: &Sandbox, account: &str) -> i64 {
    let account = sandbox.account(account).expect("the account exists");
    account.setting("app_id").unwrap().as_integer().unwrap()
}

/// The one request of `method` made since the log was last cleared.
fn only(sandbox: &Sandbox, method: &str) -> RecordedRequest {
    let mut found: Vec<RecordedRequest> = requests_to(sandbox, ProviderKind::Sematext)
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
    let sb = start(SandboxOptions::default()).await;
    let s = client(&sb, ACCOUNT);
    let tokens_path = format!("/users-web/api/v3/apps/{}/tokens", app_id(&sb, ACCOUNT));

    let seeded = s.list().await.expect("list").tokens;
    assert!(seeded.iter().all(|t| t.enabled.is_some()));
    assert!(seeded.iter().any(|t| t.enabled == Some(false)));

    // Create.
    sb.clear_requests();
    let new = NewToken {
        readable: Some(true),
        writeable: Some(true),
        ..NewToken::named("ci-shipper")
    };
    let created = s.create(new).await.expect("create");
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
        Some(format!("apiKey {}", credential(&sb, ACCOUNT)).as_str())
    );
    let id = created.token.id.clone();
    assert!(id.as_str().parse::<i64>().is_ok());
    let first_secret = created.secret.expose_secret().to_owned();

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
    let listed = s.list().await.unwrap().tokens;
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
    let listed = s.list().await.unwrap().tokens;
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
}

#[tokio::test]
async fn default_create_is_read_only_and_spelled_writeable() {
    let sb = start(SandboxOptions::default()).await;
    let s = client(&sb, ACCOUNT);
    sb.clear_requests();
    let created = s.create(NewToken::named("reader")).await.unwrap();
    assert_eq!(created.token.scopes, ["read"]);
    assert_eq!(
        only(&sb, "POST").json(),
        Some(json!({"name": "reader", "readable": true, "writeable": false}))
    );
}

#[tokio::test]
async fn writeable_alone_creates_a_write_only_token() {
    let sb = start(SandboxOptions::default()).await;
    let s = client(&sb, ACCOUNT);
    sb.clear_requests();
    let shipper = NewToken {
        writeable: Some(true),
        ..NewToken::named("shipper")
    };
    let created = s.create(shipper).await.unwrap();
    assert_eq!(created.token.scopes, ["write"]);
    assert_eq!(
        only(&sb, "POST").json(),
        Some(json!({"name": "shipper", "readable": false, "writeable": true}))
    );
    let tokens = s.list().await.unwrap().tokens;
    let listed = find(&tokens, &created.token.id).expect("listed");
    assert_eq!(listed.scopes, ["write"]);
}

#[tokio::test]
async fn success_false_in_a_200_is_an_error() {
    let sb = start(SandboxOptions::default()).await;
    let s = client(&sb, ACCOUNT);
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
    assert!(
        s.list()
            .await
            .unwrap()
            .tokens
            .iter()
            .all(|t| t.name != "nope")
    );
}

#[tokio::test]
async fn unknown_and_malformed_ids() {
    let sb = start(SandboxOptions::default()).await;
    let s = client(&sb, ACCOUNT);
    let err = s.regenerate(TokenId::new("12345")).await.unwrap_err();
    assert_eq!(err, ApiError::NotFound("Token not found".into()));
    sb.clear_requests();
    let err = s.delete(TokenId::new("12/../../x")).await.unwrap_err();
    assert!(err.to_string().contains("whole numbers"), "{err}");
    assert!(
        requests_to(&sb, ProviderKind::Sematext).is_empty(),
        "a bad id is never sent"
    );
}

#[tokio::test]
async fn a_refused_update_has_the_envelopes_words() {
    let sb = start(SandboxOptions::default()).await;
    sb.set_faults(vec![FaultRule::new(
        ACCOUNT,
        FaultOp::Update,
        FaultKind::Status(403),
    )]);
    let rename = TokenUpdate {
        name: Some("x".into()),
        enabled: None,
    };
    let err = client(&sb, ACCOUNT)
        .update(TokenId::new("1"), rename)
        .await
        .unwrap_err();
    assert_eq!(err, ApiError::Forbidden("Forbidden".into()));
}

#[tokio::test]
async fn a_regenerate_that_times_out_has_an_unknown_outcome() {
    let sb = start(SandboxOptions::default()).await;
    let mut config = sb.config();
    config.http.request_timeout = Duration::from_millis(500);
    let s = client_from(&config, ACCOUNT);
    let victim = s.list().await.unwrap().tokens.remove(0);
    sb.set_faults(vec![FaultRule::new(
        "sematext",
        FaultOp::Regenerate,
        FaultKind::Timeout,
    )]);
    let err = s.regenerate(victim.id.clone()).await.unwrap_err();
    assert!(matches!(err, ApiError::Timeout(_)), "{err:?}");
    assert!(err.outcome_unknown());
    sb.set_faults(Vec::new());
    let listed = s.list().await.unwrap().tokens;
    assert_ne!(
        secret_of(find(&listed, &victim.id).unwrap()),
        secret_of(&victim),
        "the fake regenerated before hanging"
    );
}

/// What the fake itself accepts and refuses, independent of the client.
#[tokio::test]
async fn the_fake_is_as_strict_as_the_spec() {
    let sb = start(SandboxOptions::default()).await;
    let app_id = app_id(&sb, ACCOUNT);
    let credential = credential(&sb, ACCOUNT);
    let auth = format!("apiKey {credential}");
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
        http.get(&tokens_url).header("authorization", &credential),
        http.get(format!("{base}/apps/1/tokens"))
            .header("authorization", &auth),
        http.get(format!("{base}/apps/abc/tokens"))
            .header("authorization", &auth),
        // No body, or `{}` as generated clients send, is taken; a body with content is not.
        http.post(format!("{tokens_url}/{id}/regenerate"))
            .header("authorization", &auth)
            .json(&json!({"name": "x"})),
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

// sematext's declared "201, no content" (create, update, regenerate) and "204" (delete): the
// change happened, so the client takes the token and its secret from the list.

fn no_content(op: FaultOp) -> Vec<FaultRule> {
    vec![FaultRule::new("sematext", op, FaultKind::NoContent)]
}

#[tokio::test]
async fn an_update_answered_with_no_content_is_the_listed_token() {
    let sb = start(SandboxOptions::default()).await;
    let s = client(&sb, ACCOUNT);
    let victim = s.list().await.unwrap().tokens.remove(0);
    sb.set_faults(no_content(FaultOp::Update));
    let rename = TokenUpdate {
        name: Some("renamed-quietly".into()),
        enabled: Some(false),
    };
    let updated = s.update(victim.id.clone(), rename).await.expect("update");
    assert_eq!(updated.id, victim.id);
    assert_eq!(updated.name, "renamed-quietly");
    assert_eq!(updated.enabled, Some(false));
}

#[tokio::test]
async fn a_regenerate_answered_with_no_content_takes_the_secret_from_the_list() {
    let sb = start(SandboxOptions::default()).await;
    let s = client(&sb, ACCOUNT);
    let victim = s.list().await.unwrap().tokens.remove(0);
    sb.set_faults(no_content(FaultOp::Regenerate));
    let created = s.regenerate(victim.id.clone()).await.expect("regenerate");
    assert_eq!(created.token.id, victim.id);
    let old = victim.secret.as_ref().unwrap().expose_secret().to_owned();
    assert_ne!(created.secret.expose_secret(), old, "the new secret");
    sb.set_faults(Vec::new());
    let listed = s.list().await.unwrap().tokens;
    let now = find(&listed, &victim.id).unwrap().secret.as_ref().unwrap();
    assert_eq!(created.secret.expose_secret(), now.expose_secret());
}

#[tokio::test]
async fn a_create_answered_with_no_content_finds_the_new_token_by_listing() {
    let sb = start(SandboxOptions::default()).await;
    let s = client(&sb, ACCOUNT);
    sb.set_faults(no_content(FaultOp::Create));
    let created = s.create(NewToken::named("quiet")).await.expect("create");
    assert_eq!(created.token.name, "quiet");
    assert!(!created.secret.expose_secret().is_empty());
    sb.set_faults(Vec::new());
    let listed = s.list().await.unwrap().tokens;
    let token = find(&listed, &created.token.id).expect("listed");
    assert_eq!(
        token.secret.as_ref().unwrap().expose_secret(),
        created.secret.expose_secret()
    );

    // A second one of the same name, after a listing: the new one is the one not seen before.
    sb.set_faults(no_content(FaultOp::Create));
    let again = s.create(NewToken::named("quiet")).await.expect("create");
    assert_ne!(again.token.id, created.token.id);
}

#[tokio::test]
async fn an_ambiguous_create_says_it_happened_and_where_the_secret_is() {
    let sb = start(SandboxOptions::default()).await;
    s_create_twice_unlisted(&sb).await;
}

/// Two tokens of one name created by a client that never listed: which is new is unknown.
async fn s_create_twice_unlisted(sb: &tokdash::sandbox::Sandbox) {
    client(sb, ACCOUNT)
        .create(NewToken::named("twin"))
        .await
        .unwrap();
    sb.set_faults(no_content(FaultOp::Create));
    let err = client(sb, ACCOUNT)
        .create(NewToken::named("twin"))
        .await
        .unwrap_err();
    assert!(matches!(err, ApiError::Decode(_)), "{err:?}");
    assert!(err.outcome_unknown(), "the front ends re-list");
    let text = err.to_string();
    assert!(text.contains("created the token `twin`"), "{text}");
    assert!(text.contains("list the account"), "{text}");
}

#[tokio::test]
async fn a_delete_answered_204_is_done() {
    let sb = start(SandboxOptions::default()).await;
    let s = client(&sb, ACCOUNT);
    let victim = s.list().await.unwrap().tokens.remove(0);
    sb.set_faults(no_content(FaultOp::Delete));
    s.delete(victim.id.clone()).await.expect("delete");
    sb.set_faults(Vec::new());
    assert!(find(&s.list().await.unwrap().tokens, &victim.id).is_none());
}
