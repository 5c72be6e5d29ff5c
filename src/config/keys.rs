//! The part of an `[[accounts]]` entry the configuration does not read itself: the provider's own
//! keys, kept as written, and where the entry is, so that the provider layer can still report a
//! problem with the file, line and key.

use std::fmt;
use std::path::PathBuf;

use secrecy::SecretString;
use serde::Serialize;

use super::ConfigError;

/// The keys every `[[accounts]]` entry may have, whatever its provider; the configuration reads
/// these itself. Any other key is the provider's (see [`ProviderKeys`]).
pub const SHARED_ACCOUNT_KEYS: &[&str] = &[
    "name",
    "provider",
    "base_url",
    "read_only",
    "allow_insecure_http",
    "credential",
    "sinks",
];

/// A value as written, owned. Strings are held as secrets (zeroised when dropped, never shown by
/// `Debug`), since a provider's keys may hold a literal password.
#[derive(Clone)]
pub(super) enum Node {
    String(SecretString),
    Integer(i64),
    Float(f64),
    Boolean(bool),
    Datetime(String),
    Array(Vec<Node>),
    /// In the order written.
    Table(Vec<(String, Node)>),
}

impl Node {
    /// The TOML name of the value's type, for "expected …, found …".
    pub(super) fn type_str(&self) -> &'static str {
        match self {
            Node::String(_) => "string",
            Node::Integer(_) => "integer",
            Node::Float(_) => "float",
            Node::Boolean(_) => "boolean",
            Node::Datetime(_) => "datetime",
            Node::Array(_) => "array",
            Node::Table(_) => "table",
        }
    }

    fn from_toml(value: toml::Value) -> Node {
        match value {
            toml::Value::String(s) => Node::String(s.into()),
            toml::Value::Integer(n) => Node::Integer(n),
            toml::Value::Float(f) => Node::Float(f),
            toml::Value::Boolean(b) => Node::Boolean(b),
            toml::Value::Datetime(d) => Node::Datetime(d.to_string()),
            toml::Value::Array(items) => {
                Node::Array(items.into_iter().map(Node::from_toml).collect())
            }
            toml::Value::Table(table) => Node::Table(
                table
                    .into_iter()
                    .map(|(k, v)| (k, Node::from_toml(v)))
                    .collect(),
            ),
        }
    }
}

/// The keys of an `[[accounts]]` entry that only its provider knows (`org_slug`, `app_id`, …),
/// as written and in file order. The configuration does not look inside: the provider reads them
/// into its own settings type with [`super::AccountConfig::read_settings`].
#[derive(Clone, Default)]
pub struct ProviderKeys {
    pub(super) entries: Vec<(String, Node)>,
}

impl ProviderKeys {
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The keys, in the order written.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.entries.iter().map(|(k, _)| k.as_str())
    }

    /// Set `key` to `value` as if it were written in the file, replacing what was there; a dotted
    /// key (`login.password`) reaches into a table, which is created if need be. For entries built
    /// in code: the sandbox's and the tests'.
    ///
    /// # Panics
    ///
    /// If `value` has no TOML form (a unit, a `None`) or the key runs into a value that is not a
    /// table; both are mistakes in the calling code.
    pub fn set(&mut self, key: &str, value: impl Serialize) -> &mut Self {
        let value = toml::Value::try_from(value)
            .unwrap_or_else(|e| panic!("the value for `{key}` has no TOML form: {e}"));
        let mut table = &mut self.entries;
        let mut parts = key.split('.').peekable();
        while let Some(part) = parts.next() {
            let at = match table.iter().position(|(k, _)| k == part) {
                Some(i) => i,
                None => {
                    table.push((part.to_owned(), Node::Table(Vec::new())));
                    table.len() - 1
                }
            };
            if parts.peek().is_none() {
                table[at].1 = Node::from_toml(value);
                break;
            }
            let Node::Table(inner) = &mut table[at].1 else {
                panic!("`{key}`: `{part}` is not a table");
            };
            table = inner;
        }
        self
    }

    pub(super) fn push(&mut self, key: String, value: Node) {
        self.entries.push((key, value));
    }
}

/// The key names only: the values may be secrets.
impl fmt::Debug for ProviderKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.keys()).finish()
    }
}

/// Where an `[[accounts]]` entry (or the `[keys]` table) was written, so that a problem found
/// after loading (by the provider layer reading its own keys, by the dashboard reading its key
/// bindings) still names the file, line and key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    /// The file; for an entry built in code, `account NAME`.
    pub(super) path: PathBuf,
    /// The entry's `[[accounts]]` line; `None` for an entry built in code.
    pub(super) line: Option<usize>,
    /// The line of every key of the entry, dotted (`login.password.value`).
    pub(super) key_lines: Vec<(String, usize)>,
    /// The file's permission bits when group or others can read it: literal secrets are refused.
    pub(super) shared_mode: Option<u32>,
}

impl Origin {
    /// An entry built in code rather than read from a file.
    pub fn built(name: &str) -> Self {
        Origin::unread(&format!("account {name}"))
    }

    /// Settings that come from no file; `what` stands for the file in errors.
    pub fn unread(what: &str) -> Self {
        Origin {
            path: PathBuf::from(what),
            line: None,
            key_lines: Vec::new(),
            shared_mode: None,
        }
    }

    /// A problem with `key` (dotted: `login.email`), or with the entry as a whole. It points at
    /// the key's line if the key is there, else at the nearest enclosing key that is, else at the
    /// entry's `[[accounts]]` line: a missing key is reported where it belongs.
    pub fn error(&self, key: Option<&str>, problem: impl Into<String>) -> ConfigError {
        let mut line = self.line;
        if let Some(key) = key {
            let mut prefix = key;
            loop {
                if let Some((_, l)) = self.key_lines.iter().find(|(k, _)| k == prefix) {
                    line = Some(*l);
                    break;
                }
                match prefix.rsplit_once('.') {
                    Some((parent, _)) => prefix = parent,
                    None => break,
                }
            }
        }
        ConfigError {
            path: self.path.clone(),
            line,
            key: key.map(str::to_owned),
            problem: problem.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_reaches_into_tables_and_debug_shows_no_values() {
        let mut keys = ProviderKeys::default();
        keys.set("org_slug", "acme")
            .set("login.email", "a@b.c")
            .set("login.password.value", "hunter2");
        keys.set("login.password.value", "hunter3");
        assert_eq!(keys.keys().collect::<Vec<_>>(), ["org_slug", "login"]);
        let Node::Table(login) = &keys.entries[1].1 else {
            panic!("login is a table")
        };
        assert_eq!(login.len(), 2);
        let shown = format!("{keys:?}");
        assert_eq!(shown, r#"{"org_slug", "login"}"#);
    }

    #[test]
    fn errors_point_at_the_key_or_what_encloses_it() {
        let origin = Origin {
            path: "c.toml".into(),
            line: Some(3),
            key_lines: vec![("login".into(), 7), ("login.email".into(), 8)],
            shared_mode: None,
        };
        let at = |key: Option<&str>| origin.error(key, "x").line;
        assert_eq!(at(Some("login.email")), Some(8));
        assert_eq!(at(Some("login.password")), Some(7));
        assert_eq!(at(Some("app_id")), Some(3));
        assert_eq!(at(None), Some(3));
        assert_eq!(
            Origin::built("q")
                .error(Some("app_id"), "missing")
                .to_string(),
            "account q: key `app_id`: missing"
        );
    }
}
