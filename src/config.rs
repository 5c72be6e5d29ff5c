//! The configuration file: where it is, what it holds, and errors that name the file, line and
//! key before any terminal mode is entered.

use std::path::PathBuf;

use crate::credential::CredentialSource;
use crate::provider::ProviderKind;
use crate::provider::http::HttpSettings;

/// The whole configuration, validated.
#[derive(Debug, Clone)]
pub struct Config {
    /// The file it came from, if any.
    pub path: Option<PathBuf>,
    pub accounts: Vec<AccountConfig>,
    /// Tokens older than this are marked stale.
    pub stale_after_days: u32,
    pub http: HttpSettings,
    pub ui: UiConfig,
    /// `[keys]`: action name → key spec, as written; the dashboard interprets them.
    pub keys: Vec<(String, String)>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            path: None,
            accounts: Vec::new(),
            stale_after_days: 90,
            http: HttpSettings::default(),
            ui: UiConfig::default(),
            keys: Vec::new(),
        }
    }
}

/// `[ui]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UiConfig {
    pub mouse: bool,
    /// `auto`, `native`, `osc52` or `off`.
    pub clipboard: String,
    pub clipboard_clear_secs: u64,
}

impl Default for UiConfig {
    fn default() -> Self {
        UiConfig {
            mouse: false,
            clipboard: "auto".into(),
            clipboard_clear_secs: 30,
        }
    }
}

/// One `[[accounts]]` entry.
#[derive(Debug, Clone)]
pub struct AccountConfig {
    pub name: String,
    pub provider: ProviderKind,
    pub base_url: Option<String>,
    /// sematext: `us` or `eu`.
    pub region: Option<String>,
    pub read_only: bool,
    pub allow_insecure_http: bool,
    /// fluid: the organisation slug.
    pub org_slug: Option<String>,
    /// fluid: the session cookie's name (`fluid_session` by default).
    pub cookie_name: Option<String>,
    /// qovery: the organisation UUID.
    pub organization_id: Option<String>,
    /// sematext: the app's int64 id.
    pub app_id: Option<i64>,
    pub credential: Option<CredentialSource>,
    /// fluid: log in with email and password instead of a session `credential`.
    pub login: Option<LoginConfig>,
}

impl AccountConfig {
    /// An entry with only the required keys set; for tests and the sandbox.
    pub fn new(name: impl Into<String>, provider: ProviderKind) -> Self {
        AccountConfig {
            name: name.into(),
            provider,
            base_url: None,
            region: None,
            read_only: false,
            allow_insecure_http: false,
            org_slug: None,
            cookie_name: None,
            organization_id: None,
            app_id: None,
            credential: None,
            login: None,
        }
    }
}

/// fluid's `login = { email = "…", password = <credential> }`.
#[derive(Debug, Clone)]
pub struct LoginConfig {
    pub email: String,
    pub password: CredentialSource,
}
