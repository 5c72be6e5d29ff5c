//! Which configuration file to read: `--config PATH`, else `$TOKDASH_CONFIG`, else
//! `$XDG_CONFIG_HOME/tokdash/config.toml` (`~/.config/tokdash/config.toml`, on macOS too, so the
//! file is where people who live in terminals expect it).

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use super::ConfigError;

/// The environment variables resolution depends on, read once so tests can supply their own.
#[derive(Debug, Clone, Default)]
pub struct ConfigEnv {
    pub tokdash_config: Option<OsString>,
    pub xdg_config_home: Option<OsString>,
    pub home: Option<PathBuf>,
}

impl ConfigEnv {
    pub fn from_process() -> Self {
        ConfigEnv {
            tokdash_config: std::env::var_os("TOKDASH_CONFIG"),
            xdg_config_home: std::env::var_os("XDG_CONFIG_HOME"),
            home: etcetera::home_dir().ok(),
        }
    }

    /// `$XDG_CONFIG_HOME/tokdash/config.toml`, or `~/.config/tokdash/config.toml` when the
    /// variable is unset, empty or relative (the XDG spec says to ignore relative values).
    pub fn default_path(&self) -> Option<PathBuf> {
        let xdg = self
            .xdg_config_home
            .as_ref()
            .map(PathBuf::from)
            .filter(|p| p.is_absolute());
        let base = xdg.or_else(|| self.home.as_ref().map(|h| h.join(".config")))?;
        Some(base.join("tokdash").join("config.toml"))
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
    fn xdg_config_home_wins_over_home_when_absolute() {
        let env = ConfigEnv {
            tokdash_config: None,
            xdg_config_home: Some("/x/conf".into()),
            home: Some("/home/u".into()),
        };
        assert_eq!(
            env.default_path(),
            Some(PathBuf::from("/x/conf/tokdash/config.toml"))
        );
        let relative = ConfigEnv {
            xdg_config_home: Some("rel".into()),
            ..env
        };
        assert_eq!(
            relative.default_path(),
            Some(PathBuf::from("/home/u/.config/tokdash/config.toml"))
        );
    }

    #[test]
    fn missing_default_reports_where_it_looked() {
        let dir = tempfile::tempdir().unwrap();
        let env = ConfigEnv {
            tokdash_config: None,
            xdg_config_home: Some(dir.path().into()),
            home: None,
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
