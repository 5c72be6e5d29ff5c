//! The configuration file: where it is, what it holds, and errors that name the file, line and
//! key before any terminal mode is entered.
//!
//! Of each `[[accounts]]` entry, this module reads only what every account shares (name,
//! provider, base_url, credential, read_only, allow_insecure_http). The other keys belong to the
//! entry's provider: they are kept as written ([`ProviderKeys`], with [`Origin`] recording where
//! each was), and the provider layer reads them into its own serde settings type with
//! [`AccountConfig::read_settings`] when it builds the account's client, so its errors name the
//! file, line and key too. This module knows no provider beyond [`ProviderKind`]'s names.

use std::path::PathBuf;
use std::time::Duration;

use crate::clipboard::ClipboardMode;
use crate::credential::CredentialSource;
use crate::model::ProviderKind;
use crate::sink::Sink;
use crate::text::sanitize;

/// The whole configuration, validated, but for each provider's own keys (checked by the
/// provider layer when it builds the clients, before any terminal mode is entered).
#[derive(Debug, Clone)]
pub struct Config {
    /// The file it came from, if any.
    pub path: Option<PathBuf>,
    pub accounts: Vec<AccountConfig>,
    /// Tokens older than this are marked stale.
    pub stale_after_days: u32,
    /// Tokens that expire within this many days (or have expired) are marked and get a view.
    pub expiring_within_days: u32,
    pub http: HttpSettings,
    pub network: NetworkSettings,
    pub ui: UiConfig,
    /// `[theme]`: colours by role. Boxed: read once, and it would double what a `Loaded` moves.
    pub theme: Box<ThemeConfig>,
    /// `[keys]`: action name → key spec, as written; the dashboard interprets them.
    pub keys: Vec<(String, String)>,
    /// Where `[keys]` was written: the dashboard's errors about an entry name its line.
    pub keys_origin: Origin,
    /// `[[sinks]]`: where a new secret can be delivered, by name.
    pub sinks: Vec<Sink>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            path: None,
            accounts: Vec::new(),
            stale_after_days: 90,
            expiring_within_days: crate::model::DEFAULT_EXPIRING_WITHIN_DAYS,
            http: HttpSettings::default(),
            network: NetworkSettings::default(),
            ui: UiConfig::default(),
            theme: Box::default(),
            keys: Vec::new(),
            keys_origin: Origin::unread("configuration"),
            sinks: Vec::new(),
        }
    }
}

impl Config {
    /// A problem with the `[keys]` entry `name`, located in its file.
    pub fn keys_error(&self, name: &str, problem: impl Into<String>) -> ConfigError {
        self.keys_origin
            .error(Some(&format!("keys.{name}")), problem)
    }
}

/// `[http]`: limits applied to every request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HttpSettings {
    pub connect_timeout: Duration,
    pub request_timeout: Duration,
    pub max_response_bytes: usize,
}

impl Default for HttpSettings {
    fn default() -> Self {
        HttpSettings {
            connect_timeout: Duration::from_secs(5),
            request_timeout: Duration::from_secs(20),
            max_response_bytes: 8 * 1024 * 1024,
        }
    }
}

/// `[network]`: how much tokdash asks of the network at once, how often a read is tried again,
/// and how long and how much memory one account's list may take. Applied by the provider layer
/// (`src/provider/http/`); see ARCHITECTURE.md.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NetworkSettings {
    /// Requests in flight to one account at once (the most its adaptive window grows to).
    pub requests_per_account: usize,
    /// Requests in flight overall, across every account.
    pub requests_in_flight: usize,
    /// Accounts listed at once (the dashboard's refresh, `list`, `find`, `audit`).
    pub accounts_at_once: usize,
    /// How long one account's list may take, retries included, before it stops.
    pub list_deadline: Duration,
    /// How many bytes all the pages of one account's list may take together.
    pub list_memory_bytes: usize,
    /// How many times a failed read (429, 5xx, no connection, timeout) is tried again.
    pub read_retries: usize,
    /// The longest `Retry-After` honoured; a longer one is waited this long.
    pub max_retry_after: Duration,
}

impl Default for NetworkSettings {
    fn default() -> Self {
        NetworkSettings {
            requests_per_account: 8,
            requests_in_flight: 128,
            accounts_at_once: 64,
            list_deadline: Duration::from_secs(120),
            list_memory_bytes: 64 * 1024 * 1024,
            read_retries: 3,
            max_retry_after: Duration::from_secs(30),
        }
    }
}

/// `[ui]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UiConfig {
    pub mouse: bool,
    pub clipboard: ClipboardMode,
    pub clipboard_clear_secs: u64,
    /// `[ui] refresh_secs`: re-list every account this often; 0 (the default) never.
    pub refresh_secs: u64,
}

impl Default for UiConfig {
    fn default() -> Self {
        UiConfig {
            // Clicks and the wheel, as in k9s and lazygit; most terminals still select text with
            // shift held.
            mouse: true,
            clipboard: ClipboardMode::default(),
            clipboard_clear_secs: 30,
            refresh_secs: 0,
        }
    }
}

/// `[theme]`: a colour for each role the dashboard draws with; `None` keeps the default. A
/// colour is a name (`cyan`, `lightred`, `darkgray`…), `#rrggbb` or an index of the 256-colour
/// palette.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ThemeConfig {
    pub accent: Option<ratatui::style::Color>,
    pub warn: Option<ratatui::style::Color>,
    pub error: Option<ratatui::style::Color>,
    pub ok: Option<ratatui::style::Color>,
    pub muted: Option<ratatui::style::Color>,
    pub view: Option<ratatui::style::Color>,
}

/// One `[[accounts]]` entry: the keys every account has, read by the configuration, and the
/// provider's own keys, kept as written for the provider to read (see
/// [`AccountConfig::read_settings`]).
#[derive(Debug, Clone)]
pub struct AccountConfig {
    pub name: String,
    pub provider: ProviderKind,
    pub base_url: Option<String>,
    pub read_only: bool,
    pub allow_insecure_http: bool,
    pub credential: Option<CredentialSource>,
    /// The `[[sinks]]` its new secrets are offered to first (names, checked to exist).
    pub sinks: Vec<String>,
    /// Every other key of the entry (`org_slug`, `app_id`, …): the provider's.
    pub provider_keys: ProviderKeys,
    /// Where the entry was written, for problems found after loading.
    pub origin: Origin,
}

impl AccountConfig {
    /// An entry with only the required keys set; for tests and the sandbox.
    pub fn new(name: impl Into<String>, provider: ProviderKind) -> Self {
        let name = name.into();
        AccountConfig {
            origin: Origin::built(&name),
            name,
            provider,
            base_url: None,
            read_only: false,
            allow_insecure_http: false,
            credential: None,
            sinks: Vec::new(),
            provider_keys: ProviderKeys::default(),
        }
    }

    /// Read the provider's keys into its settings type `T` (serde). Unknown keys (with the
    /// likely intended one suggested, from `T`'s fields and the shared keys), wrong types and
    /// literal secrets in a file others can read are refused with the file, line and key.
    pub fn read_settings<T: serde::de::DeserializeOwned>(&self) -> Result<T, ConfigError> {
        let node = keys::Node::Table(self.provider_keys.entries.clone());
        let ctx = de::Ctx {
            path: &self.origin.path,
            shared_mode: self.origin.shared_mode,
            shared_keys: SHARED_ACCOUNT_KEYS,
        };
        de::from_node(&node, "", &ctx).map_err(|e| self.origin.error(e.key.as_deref(), e.problem))
    }

    /// A problem with one of the entry's keys (dotted: `login.email`), located in its file.
    pub fn error(&self, key: &str, problem: impl Into<String>) -> ConfigError {
        self.origin.error(Some(key), problem)
    }
}

mod de;
mod keys;
mod read;
mod resolve;

pub(crate) use de::closest;
pub use keys::{Origin, ProviderKeys, SHARED_ACCOUNT_KEYS};
pub use resolve::{ConfigEnv, Located, locate};

/// A configuration problem, located in its file where possible.
///
/// Displays as `path:line: key `k`: problem`; the line and key are left out when they are not
/// known (a file that cannot be read has neither). The path, the key and the problem quote what
/// the user wrote (a provider name, a duplicate account name, a `base_url`…), so all three go
/// through [`sanitize`] there: a config file cannot drive the terminal through its errors.
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
        write!(f, "{}", sanitize(&self.path.display().to_string()))?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        if let Some(key) = &self.key {
            write!(f, ": key `{}`", sanitize(key))?;
        }
        write!(f, ": {}", sanitize(&self.problem))
    }
}

impl std::error::Error for ConfigError {}

/// The outcome of looking for and loading the configuration.
// Made once per run and unpacked at once: boxing the config would buy nothing.
#[allow(clippy::large_enum_variant)]
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

/// Load and validate one file. A file that group or others can write, or that belongs to
/// another user, is refused whole: whoever can change it chooses which program tokdash runs for a
/// credential and where it sends credentials. Literal secrets are refused in a file group or
/// others can read.
pub fn load_file(path: &std::path::Path) -> Result<Config, ConfigError> {
    use std::io::Read;
    let refuse = |problem: String| ConfigError {
        path: path.to_owned(),
        line: None,
        key: None,
        problem,
    };
    let cannot_read =
        |e: std::io::Error| refuse(format!("cannot read the configuration file: {e}"));
    // One open file for the checks and the text, so they are about the same file.
    let mut file = std::fs::File::open(path).map_err(cannot_read)?;
    let meta = file.metadata().map_err(cannot_read)?;
    if let Some(problem) = changeable_by_others(&meta, path) {
        return Err(refuse(problem));
    }
    let mut text = String::new();
    file.read_to_string(&mut text).map_err(cannot_read)?;
    let mode = std::os::unix::fs::PermissionsExt::mode(&meta.permissions()) & 0o777;
    let shared_mode = (mode & 0o044 != 0).then_some(mode);
    let mut config = read::parse(path, &text, shared_mode)?;
    config.path = Some(path.to_owned());
    Ok(config)
}

/// Read a TOML file other than the configuration (`tokdash audit --policy`) into `T`, with the
/// configuration's reader: every error names the file, line and key. The [`Origin`] locates
/// problems found later (a value that is well-typed but wrong) the same way.
pub fn read_toml_file<T: serde::de::DeserializeOwned>(
    path: &std::path::Path,
) -> Result<(T, Origin), ConfigError> {
    let text = std::fs::read_to_string(path).map_err(|e| ConfigError {
        path: path.to_owned(),
        line: None,
        key: None,
        problem: format!("cannot read the file: {e}"),
    })?;
    read::parse_document(path, &text)
}

/// Why someone else could change the file, if they could: group or others may write it, or it
/// belongs to another user (root's files excepted).
fn changeable_by_others(meta: &std::fs::Metadata, path: &std::path::Path) -> Option<String> {
    use std::os::unix::fs::MetadataExt;
    let mode = meta.mode() & 0o7777;
    if mode & 0o022 != 0 {
        return Some(format!(
            "group or others can write the configuration file (mode {mode:03o}), so another \
             user could make tokdash run their program or send your credentials to their server; \
             run `chmod go-w {}`",
            path.display()
        ));
    }
    let me = rustix::process::getuid().as_raw();
    if meta.uid() != me && meta.uid() != 0 {
        return Some(format!(
            "the configuration file belongs to another user (uid {}), who can change it at any \
             time; use a copy of your own (`cp {} NEW && chmod 600 NEW`, then --config NEW)",
            meta.uid(),
            path.display()
        ));
    }
    None
}

/// Parse a configuration held in memory (the sandbox's); `name` stands for its file in errors.
/// Literal secrets are allowed, as in a file only its owner can read.
pub fn parse(name: &std::path::Path, text: &str) -> Result<Config, ConfigError> {
    read::parse(name, text, None)
}
