//! Reading a configuration file into [`Config`], key by key, so that every error can name the
//! file, the line and the key, and say what was expected.
//!
//! The document is parsed into toml's spanned tables rather than deserialised with serde: serde's
//! errors know the span but not the key, and a key-by-key walk also lets one error point at the
//! `[[accounts]]` header when a required key is missing.

use std::ops::Range;
use std::path::Path;
use std::str::FromStr;

use secrecy::SecretString;
use toml::Spanned;
use toml::de::{DeString, DeTable, DeValue};

use super::{AccountConfig, Config, ConfigError, LoginConfig, UiConfig};
use crate::credential::CredentialSource;
use crate::model::ProviderKind;
use crate::provider::http::check_base_url;

const TOP_KEYS: &[&str] = &["stale_after_days", "http", "ui", "keys", "accounts"];
const HTTP_KEYS: &[&str] = &["connect_timeout_secs", "timeout_secs", "max_response_mb"];
const UI_KEYS: &[&str] = &["mouse", "clipboard", "clipboard_clear_secs"];
const ACCOUNT_KEYS: &[&str] = &[
    "name",
    "provider",
    "base_url",
    "region",
    "read_only",
    "allow_insecure_http",
    "org_slug",
    "cookie_name",
    "organization_id",
    "app_id",
    "credential",
    "login",
];
const CREDENTIAL_KEYS: &[&str] = &["env", "command", "value"];
const LOGIN_KEYS: &[&str] = &["email", "password"];

/// Parse and validate `text`, read from `path`. `shared_mode` holds the file's permission bits
/// when group or others can read it: literal secrets are then refused.
pub(super) fn parse(
    path: &Path,
    text: &str,
    shared_mode: Option<u32>,
) -> Result<Config, ConfigError> {
    let doc = Doc {
        path,
        text,
        shared_mode,
    };
    let root = DeTable::parse(text).map_err(|e| ConfigError {
        path: path.to_owned(),
        line: e.span().map(|s| doc.line(&s)),
        key: None,
        problem: format!("not valid TOML: {}", e.message()),
    })?;
    let top = Table {
        doc: &doc,
        table: root.get_ref(),
        span: 0..0,
        prefix: String::new(),
    };
    top.check_keys(TOP_KEYS)?;

    let mut config = Config::default();
    if let Some(days) = top.integer_in("stale_after_days", 1..=36_500)? {
        config.stale_after_days = days as u32;
    }
    if let Some(http) = top.table("http")? {
        http.check_keys(HTTP_KEYS)?;
        if let Some(s) = http.integer_in("connect_timeout_secs", 1..=600)? {
            config.http.connect_timeout = std::time::Duration::from_secs(s as u64);
        }
        if let Some(s) = http.integer_in("timeout_secs", 1..=3_600)? {
            config.http.request_timeout = std::time::Duration::from_secs(s as u64);
        }
        if let Some(mb) = http.integer_in("max_response_mb", 1..=4_096)? {
            config.http.max_response_bytes = mb as usize * 1024 * 1024;
        }
    }
    if let Some(ui) = top.table("ui")? {
        ui.check_keys(UI_KEYS)?;
        config.ui = read_ui(&ui)?;
    }
    if let Some(keys) = top.table("keys")? {
        for (key, value) in keys.entries() {
            let Some(spec) = value.get_ref().as_str() else {
                return Err(keys.error_at(
                    value.span(),
                    key.get_ref(),
                    format!(
                        "expected a key spec string such as \"ctrl-r\", found {}",
                        value.get_ref().type_str()
                    ),
                ));
            };
            config
                .keys
                .push((key.get_ref().to_string(), spec.to_owned()));
        }
    }
    if let Some(accounts) = top.get("accounts") {
        let Some(items) = accounts.get_ref().as_array() else {
            return Err(top.error_at(
                accounts.span(),
                "accounts",
                "expected [[accounts]] entries (an array of tables)".into(),
            ));
        };
        let mut seen: Vec<(String, usize)> = Vec::new();
        for item in items.iter() {
            config.accounts.push(read_account(&doc, item, &mut seen)?);
        }
    }
    Ok(config)
}

fn read_ui(ui: &Table<'_, '_>) -> Result<UiConfig, ConfigError> {
    let mut out = UiConfig::default();
    if let Some(mouse) = ui.boolean("mouse")? {
        out.mouse = mouse;
    }
    if let Some((clipboard, span)) = ui.string("clipboard")? {
        out.clipboard = clipboard
            .parse()
            .map_err(|problem| ui.error_at(span, "clipboard", problem))?;
    }
    if let Some(secs) = ui.integer_in("clipboard_clear_secs", 1..=86_400)? {
        out.clipboard_clear_secs = secs as u64;
    }
    Ok(out)
}

fn read_account(
    doc: &Doc<'_>,
    item: &Spanned<DeValue<'_>>,
    seen: &mut Vec<(String, usize)>,
) -> Result<AccountConfig, ConfigError> {
    let Some(table) = item.get_ref().as_table() else {
        return Err(doc.error(
            item.span(),
            Some("accounts".into()),
            format!(
                "expected an account table, found {}",
                item.get_ref().type_str()
            ),
        ));
    };
    let entry = Table {
        doc,
        table,
        span: item.span(),
        prefix: String::new(),
    };
    entry.check_keys(ACCOUNT_KEYS)?;

    let Some((name, name_span)) = entry.string("name")? else {
        return Err(entry.missing("name", "every [[accounts]] entry needs a unique name"));
    };
    if name.trim().is_empty() {
        return Err(entry.error_at(name_span, "name", "the name is empty".into()));
    }
    let line = doc.line(&name_span);
    if let Some((_, first)) = seen.iter().find(|(n, _)| *n == name) {
        return Err(entry.error_at(
            name_span,
            "name",
            format!("account name `{name}` is already used on line {first}; names must be unique"),
        ));
    }
    seen.push((name.clone(), line));

    let Some((provider, provider_span)) = entry.string("provider")? else {
        return Err(entry.missing(
            "provider",
            &format!("expected one of {}", ProviderKind::NAMES.join(", ")),
        ));
    };
    let kind = ProviderKind::from_str(&provider)
        .map_err(|problem| entry.error_at(provider_span, "provider", problem))?;

    let mut account = AccountConfig::new(name, kind);
    account.base_url = entry.string("base_url")?.map(|(s, _)| s);
    account.region = entry.string("region")?.map(|(s, _)| s);
    account.read_only = entry.boolean("read_only")?.unwrap_or(false);
    account.allow_insecure_http = entry.boolean("allow_insecure_http")?.unwrap_or(false);
    account.org_slug = entry.string("org_slug")?.map(|(s, _)| s);
    account.cookie_name = entry.string("cookie_name")?.map(|(s, _)| s);
    account.organization_id = entry.string("organization_id")?.map(|(s, _)| s);
    account.app_id = entry.integer("app_id")?.map(|(n, _)| n);
    account.credential = read_credential(&entry, "credential")?;
    if let Some(login) = entry.table("login")? {
        login.check_keys(LOGIN_KEYS)?;
        let Some((email, _)) = login.string("email")? else {
            return Err(login.missing("email", "login needs the account's email address"));
        };
        let Some(password) = read_credential(&login, "password")? else {
            return Err(login.missing(
                "password",
                "login needs a password: { env = \"VAR\" }, { command = [\"prog\", \"arg\"] } or { value = \"…\" }",
            ));
        };
        account.login = Some(LoginConfig { email, password });
    }

    kind.check_account(&account)
        .map_err(|p| entry.problem_at(p.key, p.message))?;
    check_url(&entry, &account)?;
    Ok(account)
}

/// The base URL, given or the provider's default, must be one tokdash will talk to.
fn check_url(entry: &Table<'_, '_>, account: &AccountConfig) -> Result<(), ConfigError> {
    let raw = match &account.base_url {
        Some(url) => url.clone(),
        None => account
            .provider
            .default_base_url(account)
            .map_err(|p| entry.problem_at(p.key, p.message))?,
    };
    check_base_url(&raw, account.allow_insecure_http)
        .map(|_| ())
        .map_err(|e| entry.problem_at("base_url", e.to_string()))
}

/// `{ env = "VAR" }`, `{ command = ["prog", "arg"] }` or `{ value = "…" }`.
fn read_credential(
    parent: &Table<'_, '_>,
    key: &str,
) -> Result<Option<CredentialSource>, ConfigError> {
    const EXPECTED: &str =
        "expected { env = \"VAR\" }, { command = [\"prog\", \"arg\"] } or { value = \"…\" }";
    let Some(raw) = parent.get(key) else {
        return Ok(None);
    };
    let Some(table) = raw.get_ref().as_table() else {
        return Err(parent.error_at(
            raw.span(),
            key,
            format!("{EXPECTED}, found {}", raw.get_ref().type_str()),
        ));
    };
    let cred = Table {
        doc: parent.doc,
        table,
        span: raw.span(),
        prefix: parent.qualify(key) + ".",
    };
    cred.check_keys(CREDENTIAL_KEYS)?;
    let given: Vec<_> = cred.entries();
    let [(which, value)] = given.as_slice() else {
        return Err(parent.error_at(
            raw.span(),
            key,
            format!("give exactly one source; {EXPECTED}"),
        ));
    };
    let which: &str = which.get_ref();
    let source = match which {
        "env" => {
            let (var, span) = cred.string("env")?.unwrap_or_default();
            if var.trim().is_empty() {
                return Err(cred.error_at(
                    span,
                    "env",
                    "expected the name of an environment variable".into(),
                ));
            }
            CredentialSource::Env(var)
        }
        "command" => CredentialSource::Command(read_command(&cred, value)?),
        _ => {
            let (secret, span) = cred.string("value")?.unwrap_or_default();
            if let Some(mode) = parent.doc.shared_mode {
                return Err(cred.error_at(
                    span,
                    "value",
                    format!(
                        "a literal secret in a file that group or others can read (mode {mode:o}); run `chmod 600 {}`, or use {{ env = \"VAR\" }} or {{ command = [\"prog\", \"arg\"] }} instead",
                        parent.doc.path.display()
                    ),
                ));
            }
            CredentialSource::Value(SecretString::from(secret))
        }
    };
    Ok(Some(source))
}

fn read_command(
    cred: &Table<'_, '_>,
    value: &Spanned<DeValue<'_>>,
) -> Result<Vec<String>, ConfigError> {
    let expected =
        "expected a non-empty array of strings: the program and its arguments, run without a shell";
    let Some(items) = value.get_ref().as_array() else {
        return Err(cred.error_at(value.span(), "command", expected.into()));
    };
    let argv: Option<Vec<String>> = items
        .iter()
        .map(|v| v.get_ref().as_str().map(str::to_owned))
        .collect();
    match argv {
        Some(argv) if argv.first().is_some_and(|p| !p.is_empty()) => Ok(argv),
        _ => Err(cred.error_at(value.span(), "command", expected.into())),
    }
}

/// The valid key a typo most likely meant: a letter or two off (a swap counts once), or a
/// shortened form such as `timeout` for `timeout_secs`.
fn closest<'k>(typo: &str, allowed: &[&'k str]) -> Option<&'k str> {
    let limit = (typo.chars().count() / 3).max(1);
    allowed
        .iter()
        .map(|a| (strsim::osa_distance(a, typo), *a))
        .filter(|(d, a)| *d <= limit || a.starts_with(typo) || typo.starts_with(a))
        .min_by_key(|(d, _)| *d)
        .map(|(_, a)| a)
}

/// The file being read.
struct Doc<'a> {
    path: &'a Path,
    text: &'a str,
    shared_mode: Option<u32>,
}

impl Doc<'_> {
    /// The 1-based line of a byte offset.
    fn line(&self, span: &Range<usize>) -> usize {
        let end = span.start.min(self.text.len());
        self.text.as_bytes()[..end]
            .iter()
            .filter(|b| **b == b'\n')
            .count()
            + 1
    }

    fn error(&self, span: Range<usize>, key: Option<String>, problem: String) -> ConfigError {
        ConfigError {
            path: self.path.to_owned(),
            line: Some(self.line(&span)),
            key,
            problem,
        }
    }
}

/// One table of the document, with where to point when one of its keys is missing.
struct Table<'a, 'i> {
    doc: &'a Doc<'a>,
    table: &'a DeTable<'i>,
    /// The table's header, or its inline value.
    span: Range<usize>,
    /// Prepended to key names in errors: `http.`, `credential.`.
    prefix: String,
}

type Entry<'a, 'i> = (&'a Spanned<DeString<'i>>, &'a Spanned<DeValue<'i>>);

impl<'a, 'i> Table<'a, 'i> {
    /// The entries in file order (the parsed map is sorted by key).
    fn entries(&self) -> Vec<Entry<'a, 'i>> {
        let mut all: Vec<_> = self.table.iter().collect();
        all.sort_by_key(|(k, _)| k.span().start);
        all
    }

    fn get(&self, key: &str) -> Option<&'a Spanned<DeValue<'i>>> {
        self.table
            .iter()
            .find(|(k, _)| k.get_ref() == key)
            .map(|(_, v)| v)
    }

    fn qualify(&self, key: &str) -> String {
        format!("{}{key}", self.prefix)
    }

    fn error_at(&self, span: Range<usize>, key: &str, problem: String) -> ConfigError {
        self.doc.error(span, Some(self.qualify(key)), problem)
    }

    /// A required key is absent: point at the table itself.
    fn missing(&self, key: &str, problem: &str) -> ConfigError {
        self.error_at(self.span.clone(), key, format!("missing; {problem}"))
    }

    /// A problem with `key` (possibly dotted, `login.email`): point at the key if it is there,
    /// else at the deepest table that is.
    fn problem_at(&self, key: &str, problem: String) -> ConfigError {
        let mut span = self.span.clone();
        let mut table = Some(self.table);
        for part in key.split('.') {
            let Some((k, v)) = table.and_then(|t| t.iter().find(|(k, _)| k.get_ref() == part))
            else {
                break;
            };
            span = k.span();
            table = v.get_ref().as_table();
        }
        self.error_at(span, key, problem)
    }

    /// Refuse keys not in `allowed`, naming the valid ones (and the likely intended one).
    fn check_keys(&self, allowed: &[&str]) -> Result<(), ConfigError> {
        for (key, _) in self.entries() {
            let key_str: &str = key.get_ref();
            if allowed.contains(&key_str) {
                continue;
            }
            let suggestion = closest(key_str, allowed)
                .map(|a| format!(" (did you mean `{a}`?)"))
                .unwrap_or_default();
            return Err(self.error_at(
                key.span(),
                key_str,
                format!(
                    "unknown key{suggestion}; expected one of: {}",
                    allowed.join(", ")
                ),
            ));
        }
        Ok(())
    }

    fn type_error(&self, key: &str, value: &Spanned<DeValue<'_>>, expected: &str) -> ConfigError {
        self.error_at(
            value.span(),
            key,
            format!("expected {expected}, found {}", value.get_ref().type_str()),
        )
    }

    fn table(&self, key: &str) -> Result<Option<Table<'a, 'i>>, ConfigError> {
        let Some(value) = self.get(key) else {
            return Ok(None);
        };
        let Some(table) = value.get_ref().as_table() else {
            return Err(self.type_error(key, value, "a table"));
        };
        Ok(Some(Table {
            doc: self.doc,
            table,
            span: value.span(),
            prefix: self.qualify(key) + ".",
        }))
    }

    fn string(&self, key: &str) -> Result<Option<(String, Range<usize>)>, ConfigError> {
        let Some(value) = self.get(key) else {
            return Ok(None);
        };
        match value.get_ref().as_str() {
            Some(s) => Ok(Some((s.to_owned(), value.span()))),
            None => Err(self.type_error(key, value, "a string")),
        }
    }

    fn boolean(&self, key: &str) -> Result<Option<bool>, ConfigError> {
        let Some(value) = self.get(key) else {
            return Ok(None);
        };
        match value.get_ref().as_bool() {
            Some(b) => Ok(Some(b)),
            None => Err(self.type_error(key, value, "true or false")),
        }
    }

    fn integer(&self, key: &str) -> Result<Option<(i64, Range<usize>)>, ConfigError> {
        let Some(value) = self.get(key) else {
            return Ok(None);
        };
        let parsed = value
            .get_ref()
            .as_integer()
            .and_then(|i| i64::from_str_radix(i.as_str(), i.radix()).ok());
        match parsed {
            Some(n) => Ok(Some((n, value.span()))),
            None => Err(self.type_error(key, value, "an integer")),
        }
    }

    fn integer_in(
        &self,
        key: &str,
        range: std::ops::RangeInclusive<i64>,
    ) -> Result<Option<i64>, ConfigError> {
        let Some((n, span)) = self.integer(key)? else {
            return Ok(None);
        };
        if !range.contains(&n) {
            return Err(self.error_at(
                span,
                key,
                format!(
                    "{n} is out of range; expected {} to {}",
                    range.start(),
                    range.end()
                ),
            ));
        }
        Ok(Some(n))
    }
}
