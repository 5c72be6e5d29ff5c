//! qovery's policy API tokens, the only tokens of these APIs with an expiry: the client against
//! the qovery fake over real loopback HTTP, listed beside the organization tokens, created with
//! an expiry and deleted at their own path.

use secrecy::ExposeSecret;
use serde_json::json;
use time::{Duration, OffsetDateTime};
use tokdash::model::{ApiError, Expiry, NewToken, Privilege, TokenId};
use tokdash::provider::ProviderKind;
use tokdash::sandbox::{Sandbox, SandboxOptions};

mod common {
    pub mod sandbox;
}

use common::sandbox::{client, credential, find, requests_to, start};

const ACCOUNT: &str = "qovery-1";

fn org(sandbox: &Sandbox) -> String {
    let account = sandbox.account(ACCOUNT).expect("qovery-1 exists");
    account
        .setting("organization_id")
        .unwrap()
        .as_str()
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn policy_tokens_are_listed_beside_the_others_marked_and_with_their_expiry() {
    let sb = start(SandboxOptions::default()).await;
    let q = client(&sb, ACCOUNT);
    let listing = q.list().await.expect("list");
    assert!(listing.is_complete(), "{:?}", listing.partial);
    let policy: Vec<_> = listing
        .tokens
        .iter()
        .filter(|t| t.kind == Some("policy"))
        .collect();
    let regular = listing.tokens.iter().filter(|t| t.kind.is_none()).count();
    assert!(
        regular > 0 && policy.len() >= 3,
        "{} / {}",
        regular,
        policy.len()
    );
    let now = OffsetDateTime::now_utc();
    let states: Vec<Expiry> = policy
        .iter()
        .map(|t| Expiry::at(t.expires_at, now, 14))
        .collect();
    assert!(states.contains(&Expiry::Expired), "{states:?}");
    assert!(
        states.iter().any(|s| matches!(s, Expiry::Soon(_))),
        "{states:?}"
    );
    assert!(states.contains(&Expiry::Never), "{states:?}");
    assert!(
        listing
            .tokens
            .iter()
            .filter(|t| t.kind.is_none())
            .all(|t| t.expires_at.is_none()),
        "organization API tokens do not expire"
    );
    // Without a role a policy token acts as an organization admin, bounded only by its policy.
    let unbound = policy
        .iter()
        .find(|t| t.role.is_none())
        .expect("a seeded policy token without a role");
    assert_eq!(unbound.privilege, Privilege::Admin);
    assert!(
        unbound
            .extra
            .iter()
            .any(|(k, v)| k == "opa policy" && v.contains("allow")),
        "{:?}",
        unbound.extra
    );
    let org = org(&sb);
    let reqs = requests_to(&sb, ProviderKind::Qovery);
    let auth = format!("Token {}", credential(&sb, ACCOUNT));
    assert!(
        reqs.iter()
            .all(|r| r.header("authorization") == Some(auth.as_str()))
    );
    let paths: Vec<String> = reqs.iter().map(|r| r.uri.clone()).collect();
    assert_eq!(
        paths,
        [
            format!("/organization/{org}/apiToken"),
            format!("/organization/{org}/policyApiToken")
        ]
    );
}

#[tokio::test]
async fn a_policy_token_is_created_with_its_expiry_listed_and_deleted_at_its_own_path() {
    let sb = start(SandboxOptions::default()).await;
    let q = client(&sb, ACCOUNT);
    let roles = q.form_choices("role_id").await.expect("roles");
    let viewer = roles.iter().find(|r| r.label == "Viewer").unwrap();
    let expires = (OffsetDateTime::now_utc() + Duration::days(30))
        .replace_nanosecond(0)
        .unwrap();
    let new = NewToken {
        opa_policy: Some("allow if { input.method == \"GET\" }".into()),
        expires_at: Some(expires),
        role_id: Some(viewer.id.clone()),
        ..NewToken::named("reader-agent")
    };
    let created = q.create(new).await.expect("create a policy token");
    assert!(created.secret.expose_secret().starts_with("qov_"));
    assert_eq!(created.token.kind, Some("policy"));
    assert_eq!(created.token.expires_at, Some(expires));
    assert_eq!(created.token.privilege, Privilege::Read);

    let org = org(&sb);
    let post = requests_to(&sb, ProviderKind::Qovery)
        .into_iter()
        .find(|r| r.method == "POST")
        .expect("a create was sent");
    assert_eq!(post.uri, format!("/organization/{org}/policyApiToken"));
    assert_eq!(
        post.json(),
        Some(json!({
            "name": "reader-agent",
            "opa_policy": "allow if { input.method == \"GET\" }",
            "role_id": viewer.id,
            "expires_at": tokdash::model::format_timestamp(expires),
        }))
    );

    let listed = q.list().await.unwrap().tokens;
    let token = find(&listed, &created.token.id).expect("listed after the create");
    assert_eq!(token.expires_at, Some(expires));
    assert_eq!(token.kind, Some("policy"));

    sb.clear_requests();
    q.delete(created.token.id.clone()).await.expect("delete");
    let reqs = requests_to(&sb, ProviderKind::Qovery);
    assert_eq!(reqs.len(), 1, "the kind was known: one request");
    assert_eq!(reqs[0].method, "DELETE");
    assert_eq!(
        reqs[0].uri,
        format!("/organization/{org}/policyApiToken/{}", created.token.id)
    );
    assert!(find(&q.list().await.unwrap().tokens, &created.token.id).is_none());
}

#[tokio::test]
async fn a_policy_token_not_seen_yet_is_looked_up_never_deleted_at_both_paths() {
    let sb = start(SandboxOptions::default()).await;
    let lister = client(&sb, ACCOUNT);
    let victim = lister
        .list()
        .await
        .unwrap()
        .tokens
        .into_iter()
        .find(|t| t.kind == Some("policy"))
        .unwrap()
        .id;
    sb.clear_requests();
    // A fresh client, as `tokdash delete` is: it has listed nothing.
    let q = client(&sb, ACCOUNT);
    q.delete(victim.clone()).await.expect("delete");
    let org = org(&sb);
    let sent: Vec<(String, String)> = requests_to(&sb, ProviderKind::Qovery)
        .iter()
        .map(|r| (r.method.to_string(), r.uri.clone()))
        .collect();
    assert_eq!(
        sent,
        [
            ("GET".into(), format!("/organization/{org}/policyApiToken")),
            (
                "DELETE".into(),
                format!("/organization/{org}/policyApiToken/{victim}")
            ),
        ]
    );
    // And a regular token, by a fresh client: looked up, then deleted at the regular path.
    let regular = lister.list().await.unwrap().tokens[0].id.clone();
    sb.clear_requests();
    client(&sb, ACCOUNT).delete(regular.clone()).await.unwrap();
    let deletes: Vec<String> = requests_to(&sb, ProviderKind::Qovery)
        .iter()
        .filter(|r| r.method == "DELETE")
        .map(|r| r.uri.clone())
        .collect();
    assert_eq!(deletes, [format!("/organization/{org}/apiToken/{regular}")]);
}

#[tokio::test]
async fn an_expiry_without_a_policy_is_refused_and_never_sent() {
    let sb = start(SandboxOptions::default()).await;
    let q = client(&sb, ACCOUNT);
    let new = NewToken {
        expires_at: Some(OffsetDateTime::now_utc() + Duration::days(3)),
        ..NewToken::named("short-lived")
    };
    let err = q.create(new).await.unwrap_err();
    assert!(matches!(err, ApiError::Invalid(_)), "{err:?}");
    assert!(err.to_string().contains("policy"), "{err}");
    assert!(requests_to(&sb, ProviderKind::Qovery).is_empty());
}

#[tokio::test]
async fn the_fake_refuses_what_the_spec_and_its_descriptions_refuse() {
    let sb = start(SandboxOptions::default()).await;
    let q = client(&sb, ACCOUNT);
    let with = |name: &str, policy: &str| NewToken {
        opa_policy: Some(policy.into()),
        ..NewToken::named(name)
    };
    let err = q
        .create(with("pkg", "package x\nallow := true"))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("package"), "{err}");
    let err = q
        .create(with("no-allow", "deny := true"))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("allow"), "{err}");
    q.create(with("twice", "allow := true")).await.unwrap();
    let err = q.create(with("twice", "allow := true")).await.unwrap_err();
    assert!(matches!(err, ApiError::Conflict(_)), "{err:?}");
    // An id that names no token of either kind: looked up, then 404, said as not found.
    let err = q
        .delete(TokenId::new("00000000-0000-4000-8000-000000000000"))
        .await
        .unwrap_err();
    assert!(matches!(err, ApiError::NotFound(_)), "{err:?}");
}

#[tokio::test]
async fn policy_tokens_that_cannot_be_listed_make_the_list_partial_not_failed() {
    let sb = start(SandboxOptions::default()).await;
    sb.state().qovery.lock().unwrap().policy_list_forbidden = true;
    let q = client(&sb, ACCOUNT);
    let listing = q
        .list()
        .await
        .expect("the organization API tokens still list");
    assert!(!listing.tokens.is_empty());
    assert!(listing.tokens.iter().all(|t| t.kind.is_none()));
    let reason = listing.partial.expect("marked partial");
    assert!(
        reason.starts_with("qovery-1: policy API tokens could not be listed")
            && reason.contains("forbidden"),
        "{reason}"
    );
}
