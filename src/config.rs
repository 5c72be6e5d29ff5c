//! The configuration file: where it is, what it holds, and errors that name the file, line and
//! key before any terminal mode is entered.

use std::path::PathBuf;

use crate::clipboard::ClipboardMode;
use crate::credential::CredentialSource;
use crate::model::ProviderKind;
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
    pub clipboard: ClipboardMode,
    pub clipboard_clear_secs: u64,
}

impl Default for UiConfig {
    fn default() -> Self {
        UiConfig {
            mouse: false,
            clipboard: ClipboardMode::default(),
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

mod read;
mod resolve;

pub use resolve::{ConfigEnv, Located, locate};

/// A configuration problem, located in its file where possible.
///
/// Displays as `path:line: key `k`: problem`; the line and key are left out when they are not
/// known (a file that cannot be read has neither).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    pub path: PathBuf,
    pub line: Option<usize>,
    /// The key at fault, dotted from its table: `credential.env`, `http.timeout_secs`.
    pub key: Option<String>,
    /// What is wrong and what was expected.
    pub problem: String,
}

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.path.display())?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        if let Some(key) = &self.key {
            write!(f, ": key `{key}`")?;
        }
        write!(f, ": {}", self.problem)
    }
}

impl std::error::Error for ConfigError {}

/// The outcome of looking for and loading the configuration.
#[derive(Debug)]
pub enum Loaded {
    Config(Config),
    /// No file at the default location (and none named by `--config` or `$TOKDASH_CONFIG`):
    /// the dashboard falls back to its demo, the headless commands stop.
    NotFound {
        looked: Vec<PathBuf>,
    },
}

/// Find the configuration file (`explicit` is `--config`) and load it.
pub fn load(explicit: Option<&std::path::Path>, env: &ConfigEnv) -> Result<Loaded, ConfigError> {
    match locate(explicit, env)? {
        Located::Found(path) => load_file(&path).map(Loaded::Config),
        Located::NotFound { looked } => Ok(Loaded::NotFound { looked }),
    }
}

/// Load and validate one file.
pub fn load_file(path: &std::path::Path) -> Result<Config, ConfigError> {
    let text = std::fs::read_to_string(path).map_err(|e| ConfigError {
        path: path.to_owned(),
        line: None,
        key: None,
        problem: format!("cannot read the configuration file: {e}"),
    })?;
    let shared_mode = group_or_other_readable(path);
    let mut config = read::parse(path, &text, shared_mode)?;
    config.path = Some(path.to_owned());
    Ok(config)
}

/// The file's permission bits when group or others may read it, else `None`.
#[cfg(unix)]
fn group_or_other_readable(path: &std::path::Path) -> Option<u32> {
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(path).ok()?.permissions().mode() & 0o777;
    (mode & 0o044 != 0).then_some(mode)
}

#[cfg(not(unix))]
fn group_or_other_readable(_path: &std::path::Path) -> Option<u32> {
    None
}
