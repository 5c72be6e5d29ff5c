//! A config file written for a test and loaded as tokdash loads it, for the config tests.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use tokdash::config::{Config, ConfigError, load_file};
use tokdash::provider::Registry;

pub fn write(dir: &Path, name: &str, text: &str, mode: u32) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).unwrap();
    path
}

/// Load a file and check every account's settings, as tokdash does before it starts.
pub fn load(path: &Path) -> Result<Config, ConfigError> {
    let config = load_file(path)?;
    Registry::from_config(&config, false)?;
    Ok(config)
}

/// Load `text` from a private file and return the error, checking its file:line prefix.
pub fn error_of(text: &str, line: usize) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "config.toml", text, 0o600);
    let err: ConfigError = load(&path).expect_err("the config should be refused");
    let shown = err.to_string();
    let prefix = format!("{}:{line}: ", path.display());
    assert!(
        shown.starts_with(&prefix),
        "expected `{prefix}…`, got `{shown}`"
    );
    shown[prefix.len()..].to_owned()
}

pub const SEMATEXT: &str = r#"
[[accounts]]
name = "st"
provider = "sematext"
base_url = "http://127.0.0.1:9"
app_id = 7
credential = { env = "ST_KEY" }
"#;
