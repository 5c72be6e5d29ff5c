//! sematext's declared "201, no content" (create, update, regenerate) and "204" (delete): the
//! change happened, so the client takes the token and its secret from the list.

use secrecy::ExposeSecret;
use tokdash::model::{ApiError, NewToken, TokenUpdate};
use tokdash::sandbox::SandboxOptions;
use tokdash::sandbox::faults::{FaultKind, FaultOp, FaultRule};

mod common {
    pub mod sandbox;
}

use common::sandbox::{client, find, start};

const ACCOUNT: &str = "sematext-1";

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
