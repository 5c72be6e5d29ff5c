//! Provider clients. Each provider lives in its own file with all of its wire types; this module
//! holds the trait they implement and the registry, the one place that names all four.

pub mod fluid;
pub mod http;
pub mod lagrello;
pub mod qovery;
pub mod sematext;

use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

use futures::future::BoxFuture;
use serde::{Deserialize, Serialize};

use crate::config::{AccountConfig, Config};
use crate::model::{
    ApiError, Caps, Created, NewToken, OpKind, Refusal, Token, TokenId, TokenUpdate, gate,
};
use http::{Endpoint, HttpSettings, build_client, check_base_url};

/// The providers tokdash speaks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ProviderKind {
    Fluid,
    Lagrello,
    Qovery,
    Sematext,
}

impl ProviderKind {
    pub const ALL: [ProviderKind; 4] = [
        ProviderKind::Fluid,
        ProviderKind::Lagrello,
        ProviderKind::Qovery,
        ProviderKind::Sematext,
    ];

    pub fn name(self) -> &'static str {
        match self {
            ProviderKind::Fluid => "fluid",
            ProviderKind::Lagrello => "lagrello",
            ProviderKind::Qovery => "qovery",
            ProviderKind::Sematext => "sematext",
        }
    }

    pub fn caps(self) -> &'static Caps {
        match self {
            ProviderKind::Fluid => &fluid::CAPS,
            ProviderKind::Lagrello => &lagrello::CAPS,
            ProviderKind::Qovery => &qovery::CAPS,
            ProviderKind::Sematext => &sematext::CAPS,
        }
    }

    /// Check the provider-specific keys of an account entry. The error names the offending key so
    /// the config loader can point at its line.
    pub fn check_account(self, account: &AccountConfig) -> Result<(), AccountProblem> {
        match self {
            ProviderKind::Fluid => fluid::check_account(account),
            ProviderKind::Lagrello => lagrello::check_account(account),
            ProviderKind::Qovery => qovery::check_account(account),
            ProviderKind::Sematext => sematext::check_account(account),
        }
    }

    /// The base URL used when an account does not set one.
    pub fn default_base_url(self, account: &AccountConfig) -> Result<String, AccountProblem> {
        match self {
            ProviderKind::Fluid => fluid::default_base_url(account),
            ProviderKind::Lagrello => lagrello::default_base_url(account),
            ProviderKind::Qovery => qovery::default_base_url(account),
            ProviderKind::Sematext => sematext::default_base_url(account),
        }
    }
}

impl fmt::Display for ProviderKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for ProviderKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ProviderKind::ALL
            .into_iter()
            .find(|k| k.name() == s)
            .ok_or_else(|| {
                format!("unknown provider `{s}`; expected one of fluid, lagrello, qovery, sematext")
            })
    }
}

/// A problem with one key of an account entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountProblem {
    /// The config key at fault (`org_slug`, `credential`, …).
    pub key: &'static str,
    /// What was expected, in a sentence.
    pub message: String,
}

impl AccountProblem {
    pub fn new(key: &'static str, message: impl Into<String>) -> Self {
        AccountProblem {
            key,
            message: message.into(),
        }
    }
}

/// The account must name a `credential`; `what` says what it is for this provider.
pub fn require_credential(account: &AccountConfig, what: &str) -> Result<(), AccountProblem> {
    match account.credential {
        Some(_) => Ok(()),
        None => Err(AccountProblem::new(
            "credential",
            format!("{} accounts need a credential: {what}", account.provider),
        )),
    }
}

/// A choice for a [`crate::model::FieldKind::RemoteChoice`] field, such as a qovery role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice {
    pub id: String,
    pub label: String,
}

/// The operations every provider client offers. Methods a provider lacks answer with
/// [`Refusal::Unsupported`]; callers ask [`gate`] first, so that only happens on misuse.
pub trait Provider: Send + Sync {
    fn kind(&self) -> ProviderKind;
    fn caps(&self) -> &'static Caps {
        self.kind().caps()
    }
    fn list(&self) -> BoxFuture<'_, Result<Vec<Token>, ApiError>>;
    fn create(&self, new: NewToken) -> BoxFuture<'_, Result<Created, ApiError>>;
    fn delete(&self, id: TokenId) -> BoxFuture<'_, Result<(), ApiError>>;
    fn update(&self, id: TokenId, change: TokenUpdate) -> BoxFuture<'_, Result<Token, ApiError>> {
        let _ = (id, change);
        let op = OpKind::Rename;
        unsupported(self.kind(), op)
    }
    fn regenerate(&self, id: TokenId) -> BoxFuture<'_, Result<Created, ApiError>> {
        let _ = id;
        unsupported(self.kind(), OpKind::Regenerate)
    }
    /// Values for a field of kind `RemoteChoice` (qovery's roles); empty for other fields.
    fn form_choices(&self, field: &'static str) -> BoxFuture<'_, Result<Vec<Choice>, ApiError>> {
        let _ = field;
        Box::pin(async { Ok(Vec::new()) })
    }
}

/// A ready-made failure for a method the provider lacks.
pub fn unsupported<'a, T: Send + 'a>(
    provider: ProviderKind,
    op: OpKind,
) -> BoxFuture<'a, Result<T, ApiError>> {
    Box::pin(async move { Err(ApiError::Refused(Refusal::Unsupported { provider, op })) })
}

/// One configured account with its client.
#[derive(Clone)]
pub struct Account {
    pub name: String,
    pub kind: ProviderKind,
    pub read_only: bool,
    pub client: Arc<dyn Provider>,
}

impl Account {
    /// Ask the gate whether `op` may run on this account.
    pub fn allows(&self, op: OpKind) -> Result<(), Refusal> {
        gate(op, &self.name, self.read_only, self.kind, self.kind.caps())
    }
}

impl fmt::Debug for Account {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Account")
            .field("name", &self.name)
            .field("kind", &self.kind)
            .field("read_only", &self.read_only)
            .finish_non_exhaustive()
    }
}

/// Every configured account, in config order, sharing one HTTP client.
#[derive(Clone, Debug, Default)]
pub struct Registry {
    pub accounts: Vec<Account>,
}

impl Registry {
    /// Build a client for every account. `read_only` forces every account read-only (the
    /// `--read-only` flag). The config has been validated, so this fails only on a base URL that
    /// cannot be used.
    pub fn from_config(config: &Config, read_only: bool) -> Result<Registry, String> {
        let settings = config.http;
        let client = build_client(&settings);
        let mut accounts = Vec::with_capacity(config.accounts.len());
        for account in &config.accounts {
            accounts.push(connect(account, client.clone(), &settings, read_only)?);
        }
        Ok(Registry { accounts })
    }

    pub fn get(&self, name: &str) -> Option<&Account> {
        self.accounts.iter().find(|a| a.name == name)
    }
}

fn connect(
    account: &AccountConfig,
    client: reqwest::Client,
    settings: &HttpSettings,
    read_only: bool,
) -> Result<Account, String> {
    let kind = account.provider;
    let raw = match &account.base_url {
        Some(url) => url.clone(),
        None => kind
            .default_base_url(account)
            .map_err(|p| format!("account {}: {}: {}", account.name, p.key, p.message))?,
    };
    let base = check_base_url(&raw, account.allow_insecure_http)
        .map_err(|e| format!("account {}: base_url: {e}", account.name))?;
    let endpoint = Endpoint::new(client, base, settings);
    let problem = |p: AccountProblem| format!("account {}: {}: {}", account.name, p.key, p.message);
    let provider: Arc<dyn Provider> = match kind {
        ProviderKind::Fluid => Arc::new(fluid::Fluid::new(endpoint, account).map_err(problem)?),
        ProviderKind::Lagrello => {
            Arc::new(lagrello::Lagrello::new(endpoint, account).map_err(problem)?)
        }
        ProviderKind::Qovery => Arc::new(qovery::Qovery::new(endpoint, account).map_err(problem)?),
        ProviderKind::Sematext => {
            Arc::new(sematext::Sematext::new(endpoint, account).map_err(problem)?)
        }
    };
    Ok(Account {
        name: account.name.clone(),
        kind,
        read_only: read_only || account.read_only,
        client: provider,
    })
}

impl ProviderKind {
    /// What this provider's token secrets look like, for the hints of a leak search.
    pub fn secret_format(self) -> &'static crate::leak::SecretFormat {
        match self {
            ProviderKind::Fluid => &fluid::SECRET_FORMAT,
            ProviderKind::Lagrello => &lagrello::SECRET_FORMAT,
            ProviderKind::Qovery => &qovery::SECRET_FORMAT,
            ProviderKind::Sematext => &sematext::SECRET_FORMAT,
        }
    }
}
