//! An in-process sandbox, clients for its accounts built the way tokdash builds them, and the
//! requests it saw.

use std::sync::Arc;

use tokdash::config::Config;
use tokdash::model::{ApiError, Token, TokenId};
use tokdash::provider::{Provider, Registry};
use tokdash::sandbox::faults::{FaultKind, FaultOp, FaultRule};
use tokdash::sandbox::{RecordedRequest, Sandbox, SandboxOptions};

pub async fn sandbox_with(opts: SandboxOptions) -> Sandbox {
    Sandbox::start(opts).await.expect("sandbox starts")
}

/// The client of one account of `config`, built the way tokdash builds it.
pub fn client_from(config: &Config, account: &str) -> Arc<dyn Provider> {
    let registry = Registry::from_config(config, false).expect("config is usable");
    registry
        .get(account)
        .unwrap_or_else(|| panic!("account {account} exists"))
        .client
        .clone()
}

/// The client of one sandbox account.
pub fn client(sandbox: &Sandbox, account: &str) -> Arc<dyn Provider> {
    client_from(&sandbox.config(), account)
}

/// The requests the sandbox saw whose path starts with one of `prefixes`.
pub fn requests_under(sandbox: &Sandbox, prefixes: &[&str]) -> Vec<RecordedRequest> {
    sandbox
        .requests()
        .into_iter()
        .filter(|r| prefixes.iter().any(|p| r.uri.starts_with(p)))
        .collect()
}

#[allow(dead_code)] // not every provider test looks a token up by id
pub fn find<'a>(tokens: &'a [Token], id: &TokenId) -> Option<&'a Token> {
    tokens.iter().find(|t| &t.id == id)
}

/// The error a list of `account` gets while the sandbox injects `kind` into lists for `target`
/// (a provider or account name).
pub async fn list_error_with(
    sandbox: &Sandbox,
    target: &str,
    account: &str,
    kind: FaultKind,
) -> ApiError {
    sandbox.set_faults(vec![FaultRule::new(target, FaultOp::List, kind)]);
    client(sandbox, account)
        .list()
        .await
        .expect_err("the fault makes list fail")
}

/// Broken list answers (not JSON, cut off mid-body, far too large) are errors of the right kind,
/// never a panic. Leaves the sandbox without faults.
pub async fn assert_broken_lists_are_errors(sandbox: &Sandbox, target: &str, account: &str) {
    let err = list_error_with(sandbox, target, account, FaultKind::Malformed).await;
    assert!(matches!(err, ApiError::Decode(_)), "malformed: {err:?}");
    let err = list_error_with(sandbox, target, account, FaultKind::Truncated).await;
    assert!(matches!(err, ApiError::Network(_)), "truncated: {err:?}");
    let err = list_error_with(sandbox, target, account, FaultKind::Huge).await;
    assert!(
        matches!(&err, ApiError::Decode(m) if m.contains("larger than")),
        "huge: {err:?}"
    );
    sandbox.set_faults(Vec::new());
}

/// Tokens listed from a sandbox seeded with hostile names: some were hostile, and every string
/// that came in is free of control characters (escape sequences) and bidi overrides.
pub fn assert_sanitised(tokens: &[Token]) {
    assert!(
        tokens.iter().any(|t| t.name.contains("\\x1b")),
        "hostile names were seeded"
    );
    for t in tokens {
        let fields = [t.id.as_str(), t.name.as_str()]
            .into_iter()
            .chain(t.description.as_deref())
            .chain(t.scopes.iter().map(String::as_str))
            .chain(t.extra.iter().flat_map(|(k, v)| [k.as_str(), v.as_str()]));
        for f in fields {
            assert!(
                !f.chars().any(|c| c.is_control() || c == '\u{202E}'),
                "{f:?}"
            );
        }
    }
}
