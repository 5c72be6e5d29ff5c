//! Where an account's credential comes from, and fetching it when it is first needed.
//!
//! Credentials are resolved lazily, per account, so that one account whose password manager is
//! locked fails alone instead of stopping tokdash from starting.

use std::fmt;

use secrecy::SecretString;
use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use tokio::sync::OnceCell;

use crate::model::ApiError;

mod command;
pub mod run;

pub use command::{COMMAND_TIMEOUT, MAX_OUTPUT, ProgramProblem, find_program};

#[derive(Clone)]
pub enum CredentialSource {
    /// Read from an environment variable.
    Env(String),
    /// Run a program (no shell) and take its standard output, trimmed (see `command.rs`).
    Command(Vec<String>),
    /// A literal value from the config file.
    Value(SecretString),
}

impl fmt::Debug for CredentialSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CredentialSource::Env(var) => write!(f, "Env({var})"),
            CredentialSource::Command(argv) => {
                write!(f, "Command({})", argv.first().map_or("", String::as_str))
            }
            CredentialSource::Value(_) => f.write_str("Value([redacted])"),
        }
    }
}

/// The newtype name a literal secret (`{ value = "…" }`) is deserialised under, wherever it
/// appears, so that the configuration reader can refuse it in a file others can read.
pub const LITERAL_SECRET: &str = "tokdash::credential::LiteralSecret";

const EXPECTED: &str = "{ env = \"VAR\" }, { command = [\"prog\", \"arg\"] } or { value = \"…\" }";
const EXPECTED_COMMAND: &str =
    "a non-empty array of strings: the program and its arguments, run without a shell";

/// `{ env = "VAR" }`, `{ command = ["prog", "arg"] }` or `{ value = "…" }`: exactly one source.
/// The configuration's `credential` and every credential-shaped key of a provider's settings
/// (fluid's `login.password`) are read with this.
impl<'de> Deserialize<'de> for CredentialSource {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_struct("CredentialSource", &["env", "command", "value"], Source)
    }
}

struct Source;

#[derive(Deserialize)]
#[serde(field_identifier, rename_all = "lowercase")]
enum SourceKey {
    Env,
    Command,
    Value,
}

impl<'de> Visitor<'de> for Source {
    type Value = CredentialSource;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(EXPECTED)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<CredentialSource, A::Error> {
        let mut sources = Vec::new();
        while let Some(key) = map.next_key::<SourceKey>()? {
            sources.push(match key {
                SourceKey::Env => CredentialSource::Env(map.next_value::<EnvVar>()?.0),
                SourceKey::Command => CredentialSource::Command(map.next_value::<Argv>()?.0),
                SourceKey::Value => CredentialSource::Value(map.next_value::<Literal>()?.0),
            });
        }
        match (sources.pop(), sources.is_empty()) {
            (Some(source), true) => Ok(source),
            _ => Err(de::Error::custom(format!(
                "give exactly one source; expected {EXPECTED}"
            ))),
        }
    }
}

/// The name of an environment variable: not blank.
struct EnvVar(String);

impl<'de> Deserialize<'de> for EnvVar {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let var = String::deserialize(deserializer)?;
        if var.trim().is_empty() {
            return Err(de::Error::custom(
                "expected the name of an environment variable",
            ));
        }
        Ok(EnvVar(var))
    }
}

/// A program and its arguments: a non-empty array of strings, the first not empty, and not a
/// program given by a relative path or one that group or others could change (a program that is
/// not there yet is reported when the credential is needed).
struct Argv(Vec<String>);

impl<'de> Deserialize<'de> for Argv {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let expected = || de::Error::custom(format!("expected {EXPECTED_COMMAND}"));
        let argv = Vec::<String>::deserialize(deserializer).map_err(|_| expected())?;
        match argv.first() {
            Some(program) if !program.is_empty() => {
                let path = std::env::var_os("PATH");
                if let Err(ProgramProblem::Unsafe(why)) = find_program(program, path.as_deref()) {
                    return Err(de::Error::custom(why));
                }
                Ok(Argv(argv))
            }
            _ => Err(expected()),
        }
    }
}

/// A literal secret, read under [`LITERAL_SECRET`].
struct Literal(SecretString);

impl<'de> Deserialize<'de> for Literal {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct LiteralVisitor;
        impl<'de> Visitor<'de> for LiteralVisitor {
            type Value = Literal;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_newtype_struct<D: Deserializer<'de>>(
                self,
                deserializer: D,
            ) -> Result<Literal, D::Error> {
                String::deserialize(deserializer).map(|s| Literal(SecretString::from(s)))
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<Literal, E> {
                Ok(Literal(SecretString::from(s.to_owned())))
            }
        }
        deserializer.deserialize_newtype_struct(LITERAL_SECRET, LiteralVisitor)
    }
}

impl CredentialSource {
    /// Fetch the credential now. Error messages say where it was looked for, never what it is.
    pub async fn fetch(&self) -> Result<SecretString, ApiError> {
        match self {
            CredentialSource::Value(v) => Ok(v.clone()),
            CredentialSource::Env(var) => match std::env::var(var) {
                Ok(v) if !v.trim().is_empty() => Ok(SecretString::from(v.trim().to_owned())),
                Ok(_) => Err(ApiError::Credential(format!(
                    "environment variable {var} is empty"
                ))),
                Err(_) => Err(ApiError::Credential(format!(
                    "environment variable {var} is not set"
                ))),
            },
            CredentialSource::Command(argv) => command::run(argv).await,
        }
    }
}

/// A credential fetched on first use and kept for the life of the account.
pub struct LazyCredential {
    source: CredentialSource,
    cell: OnceCell<SecretString>,
}

impl LazyCredential {
    pub fn new(source: CredentialSource) -> Self {
        LazyCredential {
            source,
            cell: OnceCell::new(),
        }
    }

    pub async fn get(&self) -> Result<&SecretString, ApiError> {
        self.cell.get_or_try_init(|| self.source.fetch()).await
    }
}

impl fmt::Debug for LazyCredential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "LazyCredential({:?})", self.source)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use secrecy::ExposeSecret;

    #[tokio::test]
    async fn command_output_is_trimmed() {
        let src = CredentialSource::Command(vec!["echo".into(), "  abc  ".into()]);
        assert_eq!(src.fetch().await.unwrap().expose_secret(), "abc");
    }

    #[tokio::test]
    async fn failing_command_says_so_without_output() {
        let src =
            CredentialSource::Command(vec!["sh".into(), "-c".into(), "echo leaked; exit 3".into()]);
        let err = src.fetch().await.unwrap_err().to_string();
        assert!(err.contains("exited"), "{err}");
        assert!(!err.contains("leaked"), "{err}");
    }

    #[tokio::test]
    async fn missing_program_is_named() {
        let src = CredentialSource::Command(vec!["/nonexistent/tokdash-pw".into()]);
        let err = src.fetch().await.unwrap_err().to_string();
        assert!(err.contains("/nonexistent/tokdash-pw"), "{err}");
    }

    #[tokio::test]
    async fn unset_env_is_named() {
        let src = CredentialSource::Env("TOKDASH_TEST_SURELY_UNSET_VAR".into());
        let err = src.fetch().await.unwrap_err().to_string();
        assert!(
            err.contains("TOKDASH_TEST_SURELY_UNSET_VAR is not set"),
            "{err}"
        );
    }

    #[test]
    fn any_serde_format_reads_exactly_one_source() {
        let read = |json: &str| serde_json::from_str::<CredentialSource>(json);
        assert!(matches!(read(r#"{"env": "X"}"#), Ok(CredentialSource::Env(v)) if v == "X"));
        assert!(matches!(
            read(r#"{"command": ["pass", "show"]}"#),
            Ok(CredentialSource::Command(argv)) if argv == ["pass", "show"]
        ));
        assert!(matches!(
            read(r#"{"value": "hunter2"}"#),
            Ok(CredentialSource::Value(v)) if v.expose_secret() == "hunter2"
        ));
        let two = read(r#"{"env": "X", "value": "y"}"#)
            .unwrap_err()
            .to_string();
        assert!(two.starts_with("give exactly one source"), "{two}");
        assert!(read(r#"{}"#).is_err());
        assert!(read(r#"{"env": " "}"#).is_err());
        assert!(read(r#"{"command": []}"#).is_err());
        assert!(read(r#"{"command": [""]}"#).is_err());
        assert!(read(r#"{"evn": "X"}"#).is_err());
    }

    #[test]
    fn debug_never_shows_a_value() {
        let src = CredentialSource::Value(SecretString::from("hunter2".to_owned()));
        assert!(!format!("{src:?}").contains("hunter2"));
    }
}
