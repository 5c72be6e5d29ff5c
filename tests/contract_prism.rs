//! Contract tests: each provider client against Prism serving that provider's own OpenAPI
//! document from `../shared/providers/specs/`. Prism validates every request against the spec and
//! flags a violation with a 4xx or an `sl-violations` response header, so these tests prove the
//! clients send what the providers' own schemas describe, independently of our sandbox.
//!
//! A loopback recording proxy (`common::prism`) sits between client and Prism so the tests can
//! see Prism's response headers without the client having to expose them. How the clients take
//! every status and random data Prism can answer with is `contract_prism_answers.rs`.

mod common {
    pub mod prism;
    pub mod spec;
}

use std::path::{Path, PathBuf};

use common::prism::{Prism, Proxy, prerequisites, sematext_spec_with_apps, value};
use common::spec::operations;
use tokdash::config::AccountConfig;
use tokdash::model::{NewToken, TokenId, TokenUpdate};
use tokdash::provider::{Account, ProviderKind};

const QOVERY_ORG: &str = "5d2a3c1e-8f4b-4a7e-9c3d-2b1f0e6a7d90";
const QOVERY_TOKEN_ID: &str = "8e4b1a52-0c1d-4a58-b0a1-6f2d9c3e7b11";

/// Prism for one spec, a recording proxy in front of it, and one tokdash account pointed at the
/// proxy.
struct Harness {
    spec: PathBuf,
    _prism: Prism,
    proxy: Proxy,
    account: Account,
}

impl Harness {
    async fn start(spec: impl AsRef<Path>, account: AccountConfig) -> Harness {
        let spec = spec.as_ref().to_owned();
        let prism = Prism::start(&spec);
        let proxy = Proxy::start(&prism, None).await;
        let account = proxy.account(account);
        Harness {
            spec,
            _prism: prism,
            proxy,
            account,
        }
    }

    /// Every request so far was valid by the spec: no 4xx from Prism's validator and no
    /// `sl-violations` header.
    fn assert_all_valid(&self) {
        assert!(!self.proxy.seen().is_empty(), "no request reached Prism");
        let invalid = self.proxy.invalid_requests();
        assert!(
            invalid.is_empty(),
            "requests that violate the spec: {invalid:#?}"
        );
    }

    /// Every operation of the spec but those `unused` names was sent, so each was validated.
    fn assert_sent_every_operation(&self, unused: &[&str]) {
        let seen = self.proxy.seen();
        let missing: Vec<String> = operations(&self.spec)
            .into_iter()
            .filter(|op| !unused.contains(&op.name().as_str()))
            .filter(|op| {
                !seen
                    .iter()
                    .any(|ex| op.matches(&ex.method, ex.path.split('?').next().unwrap_or_default()))
            })
            .map(|op| op.name())
            .collect();
        assert!(
            missing.is_empty(),
            "operations no client call sent: {missing:?}"
        );
    }

    fn methods(&self) -> Vec<String> {
        self.proxy.seen().into_iter().map(|e| e.method).collect()
    }
}

#[tokio::test]
async fn fluid_list_create_delete_match_the_spec() {
    if prerequisites().is_none() {
        return;
    }
    let mut account = AccountConfig::new("fluid-contract", ProviderKind::Fluid);
    account.provider_keys.set("org_slug", "acme-1");
    account.credential = value(&"ab".repeat(32));
    let h = Harness::start("fluid.yaml", account).await;
    let client = &h.account.client;

    // Prism's list example is `{}`: no tokens, not an error.
    assert!(client.list().await.unwrap().tokens.is_empty());
    // Prism's create example has "created_at": "created_at"; the client must cope.
    let created = client.create(NewToken::named("rack-01")).await.unwrap();
    assert_eq!(created.token.name, "name");
    client
        .delete(TokenId::new("HTK-3f9a1c02b7de4e58"))
        .await
        .unwrap();

    h.assert_all_valid();
    h.assert_sent_every_operation(&[]);
    assert_eq!(h.methods(), ["GET", "POST", "DELETE"]);
}

#[tokio::test]
async fn lagrello_list_create_delete_match_the_spec() {
    if prerequisites().is_none() {
        return;
    }
    let mut account = AccountConfig::new("lagrello-contract", ProviderKind::Lagrello);
    account.credential = value("lagrello-access-token");
    let h = Harness::start("lagrello.yaml", account).await;
    let client = &h.account.client;

    // The example page repeats one token twice and points `next` at another host: the client
    // keeps both rows and does not follow the foreign link.
    let tokens = client.list().await.unwrap().tokens;
    assert_eq!(tokens.len(), 2);
    let mut new = NewToken::named("ci-deploy");
    new.permissions = vec!["READ".into(), "WRITE".into()];
    client.create(new).await.unwrap();
    client
        .delete(TokenId::new("ffd12fb4-da5b-4751-a9f6-d3214b418139"))
        .await
        .unwrap();

    h.assert_all_valid();
    h.assert_sent_every_operation(&[]);
    assert_eq!(h.methods(), ["GET", "POST", "DELETE"]);
}

#[tokio::test]
async fn qovery_list_roles_create_delete_match_the_spec() {
    if prerequisites().is_none() {
        return;
    }
    let mut account = AccountConfig::new("qovery-contract", ProviderKind::Qovery);
    account.provider_keys.set("organization_id", QOVERY_ORG);
    account.credential = value("qov_contract_token");
    let h = Harness::start("qovery.yaml", account).await;
    let client = &h.account.client;

    client.list().await.unwrap();
    let roles = client.form_choices("role_id").await.unwrap();
    assert!(!roles.is_empty());
    // Without a role: `role_id` must still be sent, as null.
    client
        .create(NewToken::named("github-actions"))
        .await
        .unwrap();
    // With a role and a description.
    let mut new = NewToken::named("terraform");
    new.description = Some("CI deploys".into());
    new.role_id = Some(roles[0].id.clone());
    client.create(new).await.unwrap();
    client.delete(TokenId::new(QOVERY_TOKEN_ID)).await.unwrap();

    h.assert_all_valid();
    // The list is both kinds of token; a delete of an id not listed first looks up its kind.
    assert_eq!(
        h.methods(),
        ["GET", "GET", "GET", "POST", "POST", "GET", "DELETE"]
    );
}

#[tokio::test]
async fn qovery_policy_tokens_list_create_delete_match_the_spec() {
    if prerequisites().is_none() {
        return;
    }
    let mut account = AccountConfig::new("qovery-contract", ProviderKind::Qovery);
    account.provider_keys.set("organization_id", QOVERY_ORG);
    account.credential = value("qov_contract_token");
    let h = Harness::start("qovery.yaml", account).await;
    let client = &h.account.client;

    let listing = client.list().await.unwrap();
    assert!(listing.is_complete(), "{:?}", listing.partial);
    assert!(listing.tokens.iter().any(|t| t.kind == Some("policy")));
    let roles = client.form_choices("role_id").await.unwrap();
    // The least: a name and a policy (role and expiry sent as null).
    let mut bare = NewToken::named("agent");
    bare.opa_policy = Some("allow := true".into());
    client.create(bare).await.unwrap();
    // Everything: a description, a role and an expiry.
    let mut full = NewToken::named("reader-agent");
    full.description = Some("reads".into());
    full.opa_policy = Some("allow if { input.method == \"GET\" }".into());
    full.role_id = Some(roles[0].id.clone());
    full.expires_at = Some(time::macros::datetime!(2030-01-01 00:00 UTC));
    let created = client.create(full).await.unwrap();
    assert_eq!(created.token.kind, Some("policy"));
    client.delete(created.token.id.clone()).await.unwrap();

    h.assert_all_valid();
    let seen: Vec<(String, String)> = h
        .proxy
        .seen()
        .into_iter()
        .map(|e| (e.method, e.path))
        .collect();
    let policy = format!("/organization/{QOVERY_ORG}/policyApiToken");
    assert_eq!(
        seen.iter()
            .filter(|(_, p)| p.starts_with(&policy))
            .map(|(m, _)| m.as_str())
            .collect::<Vec<_>>(),
        ["GET", "POST", "POST", "DELETE"],
        "{seen:?}"
    );
}

#[tokio::test]
async fn sematext_every_operation_matches_the_spec() {
    if prerequisites().is_none() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let spec = sematext_spec_with_apps(dir.path());
    let mut account = AccountConfig::new("sematext-contract", ProviderKind::Sematext);
    // The app of the apps list's example.
    account.provider_keys.set("app_id", 5);
    account.credential = value("e5f18450-205a-48eb-8589-7d49edaea813");
    let h = Harness::start(&spec, account).await;
    let client = &h.account.client;

    let listed = client.list().await.unwrap();
    assert!(listed.is_complete());
    assert!(
        listed
            .tokens
            .iter()
            .all(|t| t.app.as_ref().unwrap().id == "5")
    );
    let mut new = NewToken::named("ci-shipper");
    new.readable = Some(true);
    new.writeable = Some(true);
    client.create(new).await.unwrap();
    let id = TokenId::new("1201");
    client
        .update(
            id.clone(),
            TokenUpdate {
                name: Some("renamed".into()),
                enabled: None,
            },
        )
        .await
        .unwrap();
    client
        .update(
            id.clone(),
            TokenUpdate {
                name: None,
                enabled: Some(false),
            },
        )
        .await
        .unwrap();
    client.regenerate(id.clone()).await.unwrap();
    client.delete(id).await.unwrap();

    h.assert_all_valid();
    h.assert_sent_every_operation(&[]);
    // The apps list once, then the app's tokens and the changes.
    assert_eq!(
        h.methods(),
        ["GET", "GET", "POST", "PUT", "PUT", "POST", "DELETE"]
    );
    let first = h.proxy.seen()[0].path.clone();
    assert_eq!(first, "/users-web/api/v3/apps");
}
