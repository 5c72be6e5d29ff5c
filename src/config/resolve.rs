//! Which configuration file to read: `--config PATH`, else `$TOKDASH_CONFIG`, else
//! `$XDG_CONFIG_HOME/tokdash/config.toml` (`~/.config/tokdash/config.toml`, on macOS too, so the
//! file is where people who live in terminals expect it).

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use etcetera::BaseStrategy;

use super::ConfigError;

/// What resolution depends on, read once so tests can supply their own.
#[derive(Debug, Clone, Default)]
pub struct ConfigEnv {
    pub tokdash_config: Option<OsString>,
    /// The XDG configuration directory: `$XDG_CONFIG_HOME`, or `~/.config` when the variable is
    /// unset, empty or relative. `None` when there is no home directory.
    pub config_home: Option<PathBuf>,
}

impl ConfigEnv {
    pub fn from_process() -> Self {
        ConfigEnv {
            tokdash_config: std::env::var_os("TOKDASH_CONFIG"),
            // The base strategy is XDG on macOS too, so the file is where it is on Linux.
            config_home: etcetera::choose_base_strategy()
                .ok()
                .map(|s| s.config_dir()),
        }
    }

    /// `$XDG_CONFIG_HOME/tokdash/config.toml`, or `~/.config/tokdash/config.toml`.
    pub fn default_path(&self) -> Option<PathBuf> {
        self.config_home
            .as_ref()
            .map(|dir| dir.join("tokdash").join("config.toml"))
    }
}

/// Where the configuration is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Located {
    Found(PathBuf),
    /// Nothing at the default location; `looked` lists every place tried, for the message.
    NotFound {
        looked: Vec<PathBuf>,
    },
}

/// Resolve the configuration path. A file named explicitly (by `--config` or `$TOKDASH_CONFIG`)
/// must exist; only the default location may be absent.
pub fn locate(explicit: Option<&Path>, env: &ConfigEnv) -> Result<Located, ConfigError> {
    if let Some(path) = explicit {
        return must_exist(path, "--config");
    }
    if let Some(var) = env.tokdash_config.as_ref().filter(|v| !v.is_empty()) {
        return must_exist(Path::new(var), "$TOKDASH_CONFIG");
    }
    let Some(path) = env.default_path() else {
        return Ok(Located::NotFound { looked: Vec::new() });
    };
    Ok(match path.try_exists() {
        Ok(false) => Located::NotFound { looked: vec![path] },
        // An unreadable directory is reported when the file is read.
        Ok(true) | Err(_) => Located::Found(path),
    })
}

fn must_exist(path: &Path, named_by: &str) -> Result<Located, ConfigError> {
    match path.try_exists() {
        Ok(false) => Err(ConfigError {
            path: path.to_owned(),
            line: None,
            key: None,
            problem: format!("no such file (named by {named_by})"),
        }),
        Ok(true) | Err(_) => Ok(Located::Found(path.to_owned())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_file_is_under_the_config_home() {
        let env = ConfigEnv {
            tokdash_config: None,
            config_home: Some("/x/conf".into()),
        };
        assert_eq!(
            env.default_path(),
            Some(PathBuf::from("/x/conf/tokdash/config.toml"))
        );
        assert_eq!(ConfigEnv::default().default_path(), None);
    }

    #[test]
    fn missing_default_reports_where_it_looked() {
        let dir = tempfile::tempdir().unwrap();
        let env = ConfigEnv {
            tokdash_config: None,
            config_home: Some(dir.path().into()),
        };
        assert_eq!(
            locate(None, &env).unwrap(),
            Located::NotFound {
                looked: vec![dir.path().join("tokdash/config.toml")]
            }
        );
    }

    #[test]
    fn a_named_file_must_exist() {
        let env = ConfigEnv {
            tokdash_config: Some("/nonexistent/tokdash.toml".into()),
            ..ConfigEnv::default()
        };
        let err = locate(None, &env).unwrap_err();
        assert!(err.to_string().contains("$TOKDASH_CONFIG"), "{err}");
        let err = locate(Some(Path::new("/nonexistent/x.toml")), &env).unwrap_err();
        assert_eq!(
            err.to_string(),
            "/nonexistent/x.toml: no such file (named by --config)"
        );
    }
}
