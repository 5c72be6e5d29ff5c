//! An in-process sandbox, clients for its accounts built the way tokdash builds them, and the
//! requests it saw.

use std::sync::Arc;

use tokdash::config::{AccountConfig, Config};
use tokdash::model::{Token, TokenId};
use tokdash::provider::{Provider, ProviderKind, Registry};
use tokdash::sandbox::{RecordedRequest, Sandbox, SandboxOptions};

pub async fn start(opts: SandboxOptions) -> Sandbox {
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
#[allow(dead_code)] // the tests of the sandbox itself speak HTTP without a client
pub fn client(sandbox: &Sandbox, account: &str) -> Arc<dyn Provider> {
    client_from(&sandbox.config(), account)
}

/// The client of one sandbox account after `edit` changed its entry in the config.
#[allow(dead_code)] // not every provider test changes an account
pub fn client_with(
    sandbox: &Sandbox,
    account: &str,
    edit: impl FnOnce(&mut AccountConfig),
) -> Arc<dyn Provider> {
    let mut config = sandbox.config();
    let entry = config
        .accounts
        .iter_mut()
        .find(|a| a.name == account)
        .unwrap_or_else(|| panic!("account {account} exists"));
    edit(entry);
    client_from(&config, account)
}

/// The credential the sandbox gave one account (a session cookie, a bearer or API token, an API
/// key).
pub fn credential(sandbox: &Sandbox, account: &str) -> String {
    sandbox
        .account(account)
        .unwrap_or_else(|| panic!("account {account} exists"))
        .credential
        .clone()
        .unwrap_or_else(|| panic!("account {account} has a credential"))
}

/// The requests the sandbox saw for one provider's API, by the paths its fake serves.
#[allow(dead_code)] // the tests of one provider read the wire; the shared ones do not
pub fn requests_to(sandbox: &Sandbox, provider: ProviderKind) -> Vec<RecordedRequest> {
    let prefixes: &[&str] = match provider {
        ProviderKind::Fluid => &["/v1/orgs/", "/v1/auth/"],
        ProviderKind::Lagrello => &["/v1/tokens"],
        ProviderKind::Qovery => &["/organization/"],
        ProviderKind::Sematext => &["/users-web/"],
    };
    sandbox
        .requests()
        .into_iter()
        .filter(|r| prefixes.iter().any(|p| r.uri.starts_with(p)))
        .collect()
}

/// The token with this id, if it is listed.
#[allow(dead_code)] // not every provider test looks a token up by id
pub fn find<'a>(tokens: &'a [Token], id: &TokenId) -> Option<&'a Token> {
    tokens.iter().find(|t| &t.id == id)
}
