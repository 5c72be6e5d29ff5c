//! The qovery client against the qovery fake, over real loopback HTTP.

use reqwest::StatusCode;
use secrecy::ExposeSecret;
use serde_json::{Value, json};
use tokdash::model::{ApiError, NewToken, TokenId};
use tokdash::provider::ProviderKind;
use tokdash::sandbox::faults::{FaultKind, FaultOp, FaultRule};
use tokdash::sandbox::{Sandbox, SandboxOptions};

mod common {
    pub mod sandbox;
}

use common::sandbox::{client, credential, find, requests_to, start};

const ACCOUNT: &str = "qovery-1";

/// The organization the sandbox gave qovery-1.
fn org(sandbox: &Sandbox) -> String {
    let account = sandbox.account(ACCOUNT).expect("qovery-1 exists");
    let org = account.setting("organization_id").unwrap();
    org.as_str().unwrap().to_owned()
}

#[tokio::test]
async fn what_create_list_and_delete_send_and_get() {
    let sb = start(SandboxOptions::default()).await;
    let q = client(&sb, ACCOUNT);
    q.list().await.expect("list");
    let created = q
        .create(NewToken::named("deploy-bot"))
        .await
        .expect("create");
    assert!(created.secret.expose_secret().starts_with("qov_"));
    assert!(created.token.scopes.is_empty(), "no role was chosen");
    q.delete(created.token.id.clone()).await.expect("delete");

    let reqs = requests_to(&sb, ProviderKind::Qovery);
    let org = org(&sb);
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
    let expected_auth = format!("Token {}", credential(&sb, ACCOUNT));
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
    let sb = start(SandboxOptions::default()).await;
    let q = client(&sb, ACCOUNT);
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
    let listed = q.list().await.unwrap().tokens;
    let token = find(&listed, &created.token.id).unwrap();
    assert_eq!(token.scopes, vec!["Admin".to_owned()]);
    assert!(
        token
            .extra
            .iter()
            .any(|(k, v)| k == "role id" && v == &admin.id)
    );

    let post = requests_to(&sb, ProviderKind::Qovery)
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
    let sb = start(SandboxOptions::default()).await;
    let q = client(&sb, ACCOUNT);
    let new = NewToken {
        description: Some("   ".into()),
        ..NewToken::named("blank-desc")
    };
    q.create(new).await.expect("create");
    let post = requests_to(&sb, ProviderKind::Qovery)
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
    let sb = start(SandboxOptions::default()).await;
    let q = client(&sb, ACCOUNT);
    let existing = q.list().await.unwrap().tokens[0].name.clone();
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

    // The refusal shows neither the first token's secret nor the credential.
    let created = q.create(NewToken::named("leak-check")).await.unwrap();
    let err = q.create(NewToken::named("leak-check")).await.unwrap_err();
    let shown = format!("{err:?} {err}");
    assert!(!shown.contains(created.secret.expose_secret()), "{shown}");
    assert!(!shown.contains(&credential(&sb, ACCOUNT)), "{shown}");
}

#[tokio::test]
async fn forbidden_delete_of_a_live_token_stays_forbidden() {
    let sb = start(SandboxOptions::default()).await;
    let q = client(&sb, ACCOUNT);
    let victim = q.list().await.unwrap().tokens[0].id.clone();
    sb.set_faults(vec![FaultRule::new(
        "qovery",
        FaultOp::Delete,
        FaultKind::Status(403),
    )]);
    sb.clear_requests();
    let err = q.delete(victim.clone()).await.unwrap_err();
    assert!(matches!(err, ApiError::Forbidden(_)), "{err:?}");
    let methods: Vec<String> = requests_to(&sb, ProviderKind::Qovery)
        .iter()
        .map(|r| r.method.to_string())
        .collect();
    assert_eq!(
        methods,
        ["DELETE", "GET"],
        "a 403 is checked with a re-list"
    );
    assert!(find(&q.list().await.unwrap().tokens, &victim).is_some());
}

#[tokio::test]
async fn forbidden_delete_of_a_missing_token_is_not_found() {
    let sb = start(SandboxOptions::default()).await;
    let q = client(&sb, ACCOUNT);
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
    let sb = start(SandboxOptions::default()).await;
    sb.state().qovery.lock().unwrap().missing_as_forbidden = true;
    let q = client(&sb, ACCOUNT);
    let gone = TokenId::new("00000000-0000-4000-8000-000000000000");
    let err = q.delete(gone).await.unwrap_err();
    assert!(matches!(err, ApiError::NotFound(_)), "{err:?}");
}

#[tokio::test]
async fn a_malformed_id_is_refused_and_never_sent() {
    let sb = start(SandboxOptions::default()).await;
    let q = client(&sb, ACCOUNT);
    let err = q.delete(TokenId::new("../../admin")).await.unwrap_err();
    assert!(err.to_string().contains("UUID"), "{err}");
    assert!(
        requests_to(&sb, ProviderKind::Qovery).is_empty(),
        "a bad id is never sent"
    );
}

/// What the fake itself accepts and refuses, independent of the client.
#[tokio::test]
async fn the_fake_is_as_strict_as_the_spec() {
    let sb = start(SandboxOptions::default()).await;
    let org = org(&sb);
    let credential = credential(&sb, ACCOUNT);
    let auth = format!("Token {credential}");
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
        .header("authorization", format!("Bearer {credential}"))
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

/// qovery-1's client with `auth_scheme` and `credential` set as given.
fn client_sending(
    sb: &Sandbox,
    scheme: Option<&str>,
    credential: String,
) -> std::sync::Arc<dyn tokdash::provider::Provider> {
    common::sandbox::client_with(sb, ACCOUNT, |a| {
        if let Some(scheme) = scheme {
            a.provider_keys.set("auth_scheme", scheme);
        }
        a.credential = Some(tokdash::credential::CredentialSource::Value(
            credential.into(),
        ));
    })
}

fn jwt(sb: &Sandbox) -> String {
    sb.state().qovery.lock().unwrap().jwt_of(ACCOUNT).unwrap()
}

#[tokio::test]
async fn a_jwt_goes_as_bearer_when_auth_scheme_says_so() {
    let sb = start(SandboxOptions::default()).await;
    let jwt = jwt(&sb);
    let q = client_sending(&sb, Some("bearer"), jwt.clone());
    sb.clear_requests();
    q.list().await.expect("list with a JWT");
    let reqs = requests_to(&sb, ProviderKind::Qovery);
    assert_eq!(
        reqs[0].header("authorization"),
        Some(format!("Bearer {jwt}").as_str())
    );
}

#[tokio::test]
async fn a_401_says_which_scheme_went_and_how_to_send_the_other() {
    let sb = start(SandboxOptions::default()).await;
    // A JWT sent as `Token` (the default): qovery does not know it as an API token.
    let err = client_sending(&sb, None, jwt(&sb))
        .list()
        .await
        .unwrap_err();
    assert!(matches!(err, ApiError::Unauthorized(_)), "{err:?}");
    let text = err.to_string();
    assert!(text.contains("set auth_scheme = \"bearer\""), "{text}");
    // An API token sent as `Bearer`: undocumented, so not relied on.
    let api_token = credential(&sb, ACCOUNT);
    let err = client_sending(&sb, Some("bearer"), api_token)
        .list()
        .await
        .unwrap_err();
    let text = err.to_string();
    assert!(text.contains("set auth_scheme = \"token\""), "{text}");
    assert!(!text.contains("qov_"), "never the credential: {text}");
}
