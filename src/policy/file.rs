//! The policy file (`tokdash audit --policy FILE`), read by the configuration's reader so its
//! errors name the file, line and key like the configuration's. `policy.example.toml` documents
//! every key.

use std::path::Path;

use serde::Deserialize;

use super::{Policy, half};
use crate::config::{ConfigError, Origin, read_toml_file};
use crate::model::Privilege;

/// Every key is optional: what a file leaves out keeps its default.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct PolicyFile {
    max_age_days: Option<i64>,
    privileged: Option<String>,
    privileged_max_age_days: Option<i64>,
    no_duplicate_names: Option<bool>,
    disabled_max_age_days: Option<i64>,
    privileged_accounts: Option<Vec<String>>,
}

/// The longest age a rule may set: a hundred years, as `stale_after_days`.
const MAX_DAYS: i64 = 36_500;

/// Read the policy at `path`. What it leaves out is [`Policy::defaults`] for
/// `stale_after_days`, except that `privileged_max_age_days` defaults to half the file's
/// `max_age_days` when it sets one. `accounts` are the configured accounts' names, which
/// `privileged_accounts` must be among.
pub fn load(path: &Path, stale_after_days: u32, accounts: &[&str]) -> Result<Policy, ConfigError> {
    let (file, origin) = read_toml_file::<PolicyFile>(path)?;
    resolve(file, &origin, stale_after_days, accounts)
}

fn resolve(
    file: PolicyFile,
    origin: &Origin,
    stale_after_days: u32,
    accounts: &[&str],
) -> Result<Policy, ConfigError> {
    let days = |key: &str, value: Option<i64>, min: i64| -> Result<Option<u32>, ConfigError> {
        match value {
            None => Ok(None),
            Some(n) if (min..=MAX_DAYS).contains(&n) => Ok(u32::try_from(n).ok()),
            Some(n) => Err(origin.error(
                Some(key),
                format!("{n} is out of range; expected {min} to {MAX_DAYS} days"),
            )),
        }
    };
    let mut policy = Policy::defaults(stale_after_days);
    if let Some(max) = days("max_age_days", file.max_age_days, 1)? {
        policy.max_age_days = max;
        policy.privileged_max_age_days = half(max);
    }
    if let Some(max) = days("privileged_max_age_days", file.privileged_max_age_days, 1)? {
        policy.privileged_max_age_days = max;
    }
    policy.disabled_max_age_days = days("disabled_max_age_days", file.disabled_max_age_days, 0)?;
    if let Some(level) = file.privileged {
        policy.privileged = match level.parse::<Privilege>() {
            Ok(p @ (Privilege::Admin | Privilege::Write)) => p,
            _ => {
                return Err(origin.error(
                    Some("privileged"),
                    format!(
                        "`{level}` is not a level privileged tokens start at; expected \"admin\" \
                         (admin tokens) or \"write\" (write and admin tokens)"
                    ),
                ));
            }
        };
    }
    if let Some(no) = file.no_duplicate_names {
        policy.no_duplicate_names = no;
    }
    if let Some(allowed) = file.privileged_accounts {
        if let Some(unknown) = allowed.iter().find(|a| !accounts.contains(&a.as_str())) {
            return Err(origin.error(
                Some("privileged_accounts"),
                format!(
                    "no account named `{}`; configured: {}",
                    crate::text::sanitize(unknown),
                    if accounts.is_empty() {
                        "none".to_owned()
                    } else {
                        accounts.join(", ")
                    }
                ),
            ));
        }
        policy.privileged_accounts = Some(allowed);
    }
    Ok(policy)
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;

    fn load_text(text: &str) -> Result<Policy, String> {
        let mut f = tempfile::NamedTempFile::new().unwrap();
        f.write_all(text.as_bytes()).unwrap();
        let path = f.path().to_owned();
        load(&path, 90, &["prod", "lab"]).map_err(|e| {
            let shown = e.to_string();
            shown.replace(&path.display().to_string(), "policy.toml")
        })
    }

    #[test]
    fn an_empty_file_is_the_defaults() {
        assert_eq!(load_text(""), Ok(Policy::defaults(90)));
    }

    #[test]
    fn what_a_file_sets_replaces_the_default() {
        let p = load_text(
            "max_age_days = 60\nprivileged = \"write\"\nno_duplicate_names = false\n\
             disabled_max_age_days = 0\nprivileged_accounts = [\"prod\"]\n",
        )
        .unwrap();
        assert_eq!(
            p,
            Policy {
                max_age_days: 60,
                privileged: Privilege::Write,
                privileged_max_age_days: 30,
                no_duplicate_names: false,
                disabled_max_age_days: Some(0),
                privileged_accounts: Some(vec!["prod".into()]),
            }
        );
        let p = load_text("max_age_days = 60\nprivileged_max_age_days = 7\n").unwrap();
        assert_eq!(p.privileged_max_age_days, 7);
    }

    #[test]
    fn mistakes_name_the_file_line_and_key() {
        let cases = [
            (
                "max_age_days = 30\nmax_age = 3\n",
                "policy.toml:2: key `max_age`: unknown key (did you mean `max_age_days`?); \
                 expected one of: max_age_days, privileged, privileged_max_age_days, \
                 no_duplicate_names, disabled_max_age_days, privileged_accounts",
            ),
            (
                "\n\nmax_age_days = \"90d\"\n",
                "policy.toml:3: key `max_age_days`: expected an integer, found string",
            ),
            (
                "max_age_days = 0\n",
                "policy.toml:1: key `max_age_days`: 0 is out of range; expected 1 to 36500 days",
            ),
            (
                "privileged = \"owner\"\n",
                "policy.toml:1: key `privileged`: `owner` is not a level privileged tokens \
                 start at; expected \"admin\" (admin tokens) or \"write\" (write and admin tokens)",
            ),
            (
                "# prod only\nprivileged_accounts = [\"prod\", \"staging\"]\n",
                "policy.toml:2: key `privileged_accounts`: no account named `staging`; \
                 configured: prod, lab",
            ),
            (
                "no_duplicate_names = yes\n",
                "policy.toml:1: not valid TOML: string values must be quoted, expected literal string",
            ),
        ];
        for (text, want) in cases {
            assert_eq!(load_text(text).unwrap_err(), want, "{text}");
        }
    }

    #[test]
    fn the_example_policy_reads_cleanly() {
        let example = include_str!("../../policy.example.toml");
        let mut f = tempfile::NamedTempFile::new().unwrap();
        f.write_all(example.as_bytes()).unwrap();
        let p = load(f.path(), 90, &["prod-qovery", "lagrello-admin"]).unwrap();
        assert_ne!(p, Policy::defaults(90), "the example sets the rules");
    }
}
