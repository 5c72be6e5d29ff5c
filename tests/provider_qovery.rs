//! The qovery client against the qovery fake, over real loopback HTTP.

use std::sync::Arc;
use std::time::Duration;

use reqwest::StatusCode;
use secrecy::ExposeSecret;
use serde_json::{Value, json};
use tokdash::config::Config;
use tokdash::model::{ApiError, NewToken, TokenId};
use tokdash::provider::Provider;
use tokdash::sandbox::faults::{FaultKind, FaultOp, FaultRule};
use tokdash::sandbox::{RecordedRequest, Sandbox, SandboxAccount, SandboxOptions};

mod common {
    pub mod sandbox;
}

use common::sandbox::{assert_sanitised, find, requests_under, sandbox_with};

const ACCOUNT: &str = "qovery-1";

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
    sandbox.account(ACCOUNT).expect("qovery-1 exists").clone()
}

fn qovery_requests(sandbox: &Sandbox) -> Vec<RecordedRequest> {
    requests_under(sandbox, &["/organization/"])
}

#[tokio::test]
async fn create_list_delete_round_trip() {
    let sb = sandbox().await;
    let q = client(&sb);
    let acct = account(&sb);
    let seeded = q.list().await.expect("list");
    assert_eq!(seeded.len(), 12);
    assert!(seeded.iter().all(|t| t.secret.is_none()));
    assert!(seeded.iter().all(|t| t.created_at.is_some()));

    let created = q
        .create(NewToken::named("deploy-bot"))
        .await
        .expect("create");
    assert_eq!(created.token.name, "deploy-bot");
    assert!(created.secret.expose_secret().starts_with("qov_"));
    assert!(created.token.scopes.is_empty(), "no role was chosen");

    let listed = q.list().await.expect("list after create");
    let token = find(&listed, &created.token.id).expect("the new token is listed");
    assert_eq!(token.name, "deploy-bot");
    assert!(token.secret.is_none(), "qovery never lists secrets");

    q.delete(created.token.id.clone()).await.expect("delete");
    let after = q.list().await.expect("list after delete");
    assert!(find(&after, &created.token.id).is_none());
    assert_eq!(after.len(), 12);

    let reqs = qovery_requests(&sb);
    let org = acct.setting("organization_id").unwrap().as_str().unwrap();
    let post = reqs
        .iter()
        .find(|r| r.method == "POST")
        .expect("a create was sent");
    assert_eq!(post.uri, format!("/organization/{org}/apiToken"));
    assert_eq!(
        post.json(),
        Some(json!({"name": "deploy-bot", "role_id": null})),
        "role_id is sent as null, and description is left out"
    );
    assert_eq!(post.header("content-type"), Some("application/json"));
    let expected_auth = format!("Token {}", acct.credential.as_deref().unwrap());
    assert!(
        reqs.iter()
            .all(|r| r.header("authorization") == Some(expected_auth.as_str()))
    );
    let del = reqs.iter().find(|r| r.method == "DELETE").expect("delete");
    assert_eq!(
        del.uri,
        format!("/organization/{org}/apiToken/{}", created.token.id)
    );
}

#[tokio::test]
async fn roles_are_offered_and_a_chosen_role_is_sent() {
    let sb = sandbox().await;
    let q = client(&sb);
    let roles = q.form_choices("role_id").await.expect("roles");
    let admin = roles
        .iter()
        .find(|c| c.label == "Admin")
        .expect("an Admin role");
    assert!(roles.iter().any(|c| c.label == "Viewer"));
    assert!(q.form_choices("name").await.unwrap().is_empty());

    let new = NewToken {
        description: Some("CI deploys".into()),
        role_id: Some(admin.id.clone()),
        ..NewToken::named("gh-actions")
    };
    let created = q.create(new).await.expect("create with a role");
    assert_eq!(created.token.scopes, vec!["Admin".to_owned()]);
    assert_eq!(created.token.description.as_deref(), Some("CI deploys"));
    let listed = q.list().await.unwrap();
    let token = find(&listed, &created.token.id).unwrap();
    assert_eq!(token.scopes, vec!["Admin".to_owned()]);
    assert!(
        token
            .extra
            .iter()
            .any(|(k, v)| k == "role id" && v == &admin.id)
    );

    let post = qovery_requests(&sb)
        .into_iter()
        .find(|r| r.method == "POST")
        .unwrap();
    assert_eq!(
        post.json(),
        Some(json!({"name": "gh-actions", "description": "CI deploys", "role_id": admin.id}))
    );
}

#[tokio::test]
async fn a_blank_description_is_left_out() {
    let sb = sandbox().await;
    let q = client(&sb);
    let new = NewToken {
        description: Some("   ".into()),
        ..NewToken::named("blank-desc")
    };
    q.create(new).await.expect("create");
    let post = qovery_requests(&sb)
        .into_iter()
        .find(|r| r.method == "POST")
        .unwrap();
    assert!(
        !post
            .json()
            .unwrap()
            .as_object()
            .unwrap()
            .contains_key("description")
    );
}

#[tokio::test]
async fn a_duplicate_name_is_a_clear_conflict() {
    let sb = sandbox().await;
    let q = client(&sb);
    let existing = q.list().await.unwrap()[0].name.clone();
    let err = q
        .create(NewToken::named(existing.clone()))
        .await
        .unwrap_err();
    let ApiError::Conflict(message) = &err else {
        panic!("expected a conflict, got {err:?}");
    };
    assert!(
        message.contains(&format!(
            "a token named \"{existing}\" already exists in this organization"
        )),
        "{message}"
    );
    assert!(
        message.contains("already taken"),
        "the provider's detail is kept: {message}"
    );
}

#[tokio::test]
async fn forbidden_delete_of_a_live_token_stays_forbidden() {
    let sb = sandbox().await;
    let q = client(&sb);
    let victim = q.list().await.unwrap()[0].id.clone();
    sb.set_faults(vec![FaultRule::new(
        "qovery",
        FaultOp::Delete,
        FaultKind::Status(403),
    )]);
    sb.clear_requests();
    let err = q.delete(victim.clone()).await.unwrap_err();
    assert!(matches!(err, ApiError::Forbidden(_)), "{err:?}");
    let methods: Vec<String> = qovery_requests(&sb)
        .iter()
        .map(|r| r.method.to_string())
        .collect();
    assert_eq!(
        methods,
        ["DELETE", "GET"],
        "a 403 is checked with a re-list"
    );
    assert!(find(&q.list().await.unwrap(), &victim).is_some());
}

#[tokio::test]
async fn forbidden_delete_of_a_missing_token_is_not_found() {
    let sb = sandbox().await;
    let q = client(&sb);
    sb.set_faults(vec![FaultRule::new(
        "qovery",
        FaultOp::Delete,
        FaultKind::Status(403),
    )]);
    let gone = TokenId::new("00000000-0000-4000-8000-000000000000");
    let err = q.delete(gone).await.unwrap_err();
    assert!(matches!(err, ApiError::NotFound(_)), "{err:?}");
}

#[tokio::test]
async fn qovery_style_403_for_unknown_ids_is_seen_through() {
    let sb = sandbox().await;
    sb.state().qovery.lock().unwrap().missing_as_forbidden = true;
    let q = client(&sb);
    let gone = TokenId::new("00000000-0000-4000-8000-000000000000");
    let err = q.delete(gone).await.unwrap_err();
    assert!(matches!(err, ApiError::NotFound(_)), "{err:?}");
}

#[tokio::test]
async fn unknown_and_malformed_ids_are_not_found() {
    let sb = sandbox().await;
    let q = client(&sb);
    let err = q
        .delete(TokenId::new("00000000-0000-4000-8000-000000000000"))
        .await
        .unwrap_err();
    assert_eq!(
        err,
        ApiError::NotFound("Organization Api Token not found".into())
    );
    sb.clear_requests();
    let err = q.delete(TokenId::new("../../admin")).await.unwrap_err();
    assert!(err.to_string().contains("UUID"), "{err}");
    assert!(qovery_requests(&sb).is_empty(), "a bad id is never sent");
}

#[tokio::test]
async fn a_wrong_credential_is_unauthorized() {
    let sb = sandbox().await;
    let mut config = sb.config();
    config.accounts.retain(|a| a.name == ACCOUNT);
    for a in &mut config.accounts {
        a.credential = Some(tokdash::credential::CredentialSource::Value(
            "qov_wrong".to_owned().into(),
        ));
    }
    let err = client_from(&config).list().await.unwrap_err();
    assert_eq!(err, ApiError::Unauthorized("Invalid API token".into()));
}

async fn list_error_with(sb: &Sandbox, kind: FaultKind) -> ApiError {
    common::sandbox::list_error_with(sb, "qovery", ACCOUNT, kind).await
}

#[tokio::test]
async fn every_fault_maps_to_its_error() {
    let sb = sandbox().await;
    assert!(matches!(
        list_error_with(&sb, FaultKind::Status(401)).await,
        ApiError::Unauthorized(_)
    ));
    assert_eq!(
        list_error_with(&sb, FaultKind::Status(403)).await,
        ApiError::Forbidden("Forbidden".into()),
        "the {{status, detail}} body is read"
    );
    assert!(matches!(
        list_error_with(&sb, FaultKind::Status(404)).await,
        ApiError::NotFound(_)
    ));
    assert!(matches!(
        list_error_with(&sb, FaultKind::Status(429)).await,
        ApiError::RateLimited { retry_after: Some(d), .. } if d == Duration::from_secs(30)
    ));
    assert!(matches!(
        list_error_with(&sb, FaultKind::Status(500)).await,
        ApiError::Server { status: 500, .. }
    ));
    assert_eq!(
        list_error_with(&sb, FaultKind::Status(502)).await,
        ApiError::Server {
            status: 502,
            message: "Bad Gateway".into()
        },
        "an HTML page is not taken for a message"
    );
    common::sandbox::assert_broken_lists_are_errors(&sb, "qovery", ACCOUNT).await;
}

#[tokio::test]
async fn a_create_that_times_out_has_an_unknown_outcome() {
    let sb = sandbox().await;
    sb.set_faults(vec![FaultRule::new(
        "qovery",
        FaultOp::Create,
        FaultKind::Timeout,
    )]);
    let mut config = sb.config();
    config.http.request_timeout = Duration::from_millis(500);
    let q = client_from(&config);
    let err = q.create(NewToken::named("slowpoke")).await.unwrap_err();
    assert!(matches!(err, ApiError::Timeout(_)), "{err:?}");
    assert!(err.outcome_unknown());
    sb.set_faults(Vec::new());
    let listed = q.list().await.unwrap();
    assert!(
        listed.iter().any(|t| t.name == "slowpoke"),
        "the fake did the work before hanging"
    );
}

/// What the fake itself accepts and refuses, independent of the client.
#[tokio::test]
async fn the_fake_is_as_strict_as_the_spec() {
    let sb = sandbox().await;
    let acct = account(&sb);
    let org = acct
        .setting("organization_id")
        .unwrap()
        .as_str()
        .unwrap()
        .to_owned();
    let auth = format!("Token {}", acct.credential.clone().unwrap());
    let http = reqwest::Client::new();
    let url = format!("{}/organization/{org}/apiToken", sb.base_url());
    let post = |body: Value| {
        http.post(&url)
            .header("authorization", &auth)
            .json(&body)
            .send()
    };

    let missing_role = post(json!({"name": "x"})).await.unwrap();
    assert_eq!(missing_role.status(), StatusCode::BAD_REQUEST);
    let body: Value = missing_role.json().await.unwrap();
    assert_eq!(body["status"], 400);
    assert!(body["detail"].as_str().unwrap().contains("role_id"));
    for bad in [
        json!({"role_id": null}),
        json!({"name": "", "role_id": null}),
        json!({"name": "x", "role_id": null, "description": null}),
        json!({"name": "x", "role_id": "00000000-0000-4000-8000-000000000000"}),
        json!({"name": "x", "role_id": null, "scope": "OWNER"}),
    ] {
        let status = post(bad.clone()).await.unwrap().status();
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}");
    }
    let ok = post(json!({"name": "x", "role_id": null, "scope": null}))
        .await
        .unwrap();
    assert_eq!(ok.status(), StatusCode::CREATED);
    let created: Value = ok.json().await.unwrap();
    assert!(created["token"].is_string());
    assert!(created["role_name"].is_null());

    let list: Value = http
        .get(format!("{url}?name=x"))
        .header("authorization", &auth)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let results = list["results"].as_array().unwrap();
    assert!(!results.is_empty());
    assert!(results.iter().all(|t| t.get("token").is_none()));
    assert!(
        results
            .iter()
            .all(|t| t["name"].as_str().unwrap().to_lowercase().contains('x'))
    );
    let by_creator: Value = http
        .get(format!("{url}?creatorName=sandbox-api"))
        .header("authorization", &auth)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let names: Vec<&str> = by_creator["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["x"], "only the token created through the API");

    let bearer = http
        .get(&url)
        .header(
            "authorization",
            format!("Bearer {}", acct.credential.unwrap()),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(bearer.status(), StatusCode::UNAUTHORIZED);
    let body: Value = bearer.json().await.unwrap();
    assert_eq!(body["status"], 401);
    assert!(body["detail"].is_string());
    let other_org = http
        .get(format!(
            "{}/organization/00000000-0000-4000-8000-000000000000/apiToken",
            sb.base_url()
        ))
        .header("authorization", &auth)
        .send()
        .await
        .unwrap();
    assert_eq!(other_org.status(), StatusCode::FORBIDDEN);
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
    let q = client(&sb);
    let credential = account(&sb).credential.unwrap();
    let created = q.create(NewToken::named("leak-check")).await.unwrap();
    let secret = created.secret.expose_secret().to_owned();
    let listed = q.list().await.unwrap();
    let err = q.create(NewToken::named("leak-check")).await.unwrap_err();
    for dbg in [
        format!("{created:?}"),
        format!("{listed:?}"),
        format!("{err:?}"),
        format!("{err}"),
    ] {
        assert!(!dbg.contains(&secret), "{dbg}");
        assert!(!dbg.contains(&credential), "{dbg}");
    }
}
