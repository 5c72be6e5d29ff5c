//! Provider clients. Each provider lives in its own file with all of its wire types and its
//! settings: the keys of an `[[accounts]]` entry only it has, read with serde, and checked once,
//! when the registry builds its client. This module holds the traits they implement and the
//! registry, the one place that names all four.

pub mod fluid;
pub mod http;
pub mod lagrello;
pub mod lenient;
pub mod qovery;
pub mod sematext;

use std::fmt;
use std::sync::Arc;

use futures::future::BoxFuture;
use serde::de::DeserializeOwned;

use crate::config::{AccountConfig, Config, ConfigError};
use crate::credential::CredentialSource;
use crate::model::{
    ApiError, Caps, Created, Listing, NewToken, OpKind, Refusal, Token, TokenId, TokenUpdate, gate,
};
use http::{Endpoint, HttpSettings, Limits, OnRetry, bounded_list, build_client, check_base_url};

pub use crate::model::ProviderKind;

// The provider layer adds what each provider can do to the low-level `ProviderKind`.
impl ProviderKind {
    pub fn caps(self) -> &'static Caps {
        match self {
            ProviderKind::Fluid => &fluid::CAPS,
            ProviderKind::Lagrello => &lagrello::CAPS,
            ProviderKind::Qovery => &qovery::CAPS,
            ProviderKind::Sematext => &sematext::CAPS,
        }
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

/// The account's `credential`, which `kind` requires; `what` says what it is for this provider.
pub fn require_credential(
    kind: ProviderKind,
    credential: Option<CredentialSource>,
    what: &str,
) -> Result<CredentialSource, AccountProblem> {
    credential.ok_or_else(|| {
        AccountProblem::new(
            "credential",
            format!("{kind} accounts need a credential: {what}"),
        )
    })
}

/// A provider client as the registry builds it from an `[[accounts]]` entry. Each provider file
/// implements it for its client.
pub trait Client: Provider + Sized + 'static {
    /// The entry's keys only this provider has (the shared ones are [`AccountConfig`]'s), read
    /// with serde by [`AccountConfig::read_settings`]: unknown keys and wrong types are refused
    /// there, with the file, line and key.
    type Settings: DeserializeOwned;
    /// The settings once checked, together with the shared credential: everything the client
    /// needs but its endpoint.
    type Checked;
    /// Check the settings: the one place this provider's keys are validated. A problem names
    /// the key at fault, so the error can point at its line.
    fn check(
        settings: Self::Settings,
        credential: Option<CredentialSource>,
    ) -> Result<Self::Checked, AccountProblem>;
    /// The base URL of an entry that sets none.
    fn default_base_url(checked: &Self::Checked) -> Result<&'static str, AccountProblem>;
    fn new(endpoint: Endpoint, checked: Self::Checked) -> Self;
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
    /// Every token of the account, or as many as could be listed with the reason the rest are
    /// missing ([`Listing::partial`]): a list is never silently short.
    fn list(&self) -> BoxFuture<'_, Result<Listing, ApiError>>;
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
    /// The registry's share of the network, which every account's list goes through.
    limits: Arc<Limits>,
}

impl Account {
    /// The account's tokens, listed within `[network]`: after a place among the accounts listed
    /// at once, with the list's deadline and memory budget. The one way a front end lists (the
    /// dashboard's worker and every CLI command), so refreshing 10,000 accounts lists
    /// `accounts_at_once` of them at a time.
    pub async fn list(&self) -> Result<Listing, ApiError> {
        self.list_telling(None).await
    }

    /// [`Account::list`], telling `on_retry` of each read tried again meanwhile.
    pub async fn list_telling(&self, on_retry: Option<OnRetry>) -> Result<Listing, ApiError> {
        bounded_list(&self.limits, &self.name, on_retry, self.client.list()).await
    }

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
    /// Build a client for every account, reading and checking each provider's settings on the
    /// way: a problem is a [`ConfigError`] naming the file, line and key. `read_only` forces every
    /// account read-only (the `--read-only` flag).
    pub fn from_config(config: &Config, read_only: bool) -> Result<Registry, ConfigError> {
        let settings = config.http;
        let client = build_client(&settings);
        let limits = Limits::new(config.network);
        let mut accounts = Vec::with_capacity(config.accounts.len());
        for account in &config.accounts {
            // The registry: one line per provider.
            let connect = match account.provider {
                ProviderKind::Fluid => connect::<fluid::Fluid>,
                ProviderKind::Lagrello => connect::<lagrello::Lagrello>,
                ProviderKind::Qovery => connect::<qovery::Qovery>,
                ProviderKind::Sematext => connect::<sematext::Sematext>,
            };
            accounts.push(Account {
                name: account.name.clone(),
                kind: account.provider,
                read_only: read_only || account.read_only,
                client: connect(account, client.clone(), &settings, &limits)?,
                limits: limits.clone(),
            });
        }
        Ok(Registry { accounts })
    }

    pub fn get(&self, name: &str) -> Option<&Account> {
        self.accounts.iter().find(|a| a.name == name)
    }
}

/// Read and check one entry's settings, settle its base URL and build its client.
fn connect<C: Client>(
    account: &AccountConfig,
    client: reqwest::Client,
    settings: &HttpSettings,
    limits: &Arc<Limits>,
) -> Result<Arc<dyn Provider>, ConfigError> {
    let problem = |p: AccountProblem| account.error(p.key, p.message);
    let checked =
        C::check(account.read_settings()?, account.credential.clone()).map_err(problem)?;
    let raw = match &account.base_url {
        Some(url) => url.clone(),
        None => C::default_base_url(&checked).map_err(problem)?.to_owned(),
    };
    let base = check_base_url(&raw, account.allow_insecure_http)
        .map_err(|e| account.error("base_url", e.to_string()))?;
    Ok(Arc::new(C::new(
        Endpoint::new(client, base, settings)
            .for_account(&account.name)
            .with_limits(limits.clone()),
        checked,
    )))
}

impl ProviderKind {
    /// What this provider's token secrets look like, for the hints of a leak search.
    pub fn secret_format(self) -> &'static crate::model::SecretFormat {
        match self {
            ProviderKind::Fluid => &fluid::SECRET_FORMAT,
            ProviderKind::Lagrello => &lagrello::SECRET_FORMAT,
            ProviderKind::Qovery => &qovery::SECRET_FORMAT,
            ProviderKind::Sematext => &sematext::SECRET_FORMAT,
        }
    }
}
