//! Reading a configuration file into [`Config`], key by key, so that every error can name the
//! file, the line and the key, and say what was expected.
//!
//! The document is parsed into toml's spanned tables rather than deserialised with toml's serde
//! deserializer: its errors know the span but not the key, and a key-by-key walk also lets one
//! error point at the `[[accounts]]` header when a required key is missing.
//!
//! Of an `[[accounts]]` entry only the keys every account has are read here. The rest are the
//! provider's: they are kept as written, with the line of every key ([`ProviderKeys`],
//! [`Origin`]), and the provider layer reads them into its own settings type with our own serde
//! deserializer (`de.rs`), which knows the key and reports in the same terms. Every `credential` goes through that reader
//! too, so the shared one and a provider's (fluid's `login.password`) are read by one piece of code.

use std::collections::HashMap;
use std::ops::Range;
use std::path::Path;
use std::str::FromStr;

use toml::Spanned;
use toml::de::{DeString, DeTable, DeValue};

use super::de::{self, closest};
use super::keys::{Node, Origin, ProviderKeys, SHARED_ACCOUNT_KEYS};
use super::{AccountConfig, Config, ConfigError, ThemeConfig, UiConfig};
use crate::model::ProviderKind;

mod sinks;

const TOP_KEYS: &[&str] = &[
    "stale_after_days",
    "expiring_within_days",
    "http",
    "ui",
    "theme",
    "keys",
    "accounts",
    "sinks",
    "network",
];
const HTTP_KEYS: &[&str] = &["connect_timeout_secs", "timeout_secs", "max_response_mb"];
const NETWORK_KEYS: &[&str] = &[
    "requests_per_account",
    "requests_in_flight",
    "accounts_at_once",
    "list_deadline_secs",
    "list_memory_mb",
    "read_retries",
    "max_retry_after_secs",
];
const UI_KEYS: &[&str] = &["mouse", "clipboard", "clipboard_clear_secs", "refresh_secs"];
/// The shortest automatic refresh: more often would hammer the providers' list endpoints.
const MIN_REFRESH_SECS: i64 = 10;
const THEME_KEYS: &[&str] = &["accent", "warn", "error", "ok", "muted", "view"];

/// Parse and validate `text`, read from `path`. `shared_mode` holds the file's permission bits
/// when group or others can read it: literal secrets are then refused.
pub(super) fn parse(
    path: &Path,
    text: &str,
    shared_mode: Option<u32>,
) -> Result<Config, ConfigError> {
    let doc = Doc::new(path, text, shared_mode);
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
    if let Some(days) = top.integer_in("stale_after_days", 1..=36_500, "a number of days")? {
        config.stale_after_days = days as u32;
    }
    if let Some(days) = top.integer_in("expiring_within_days", 0..=36_500, "a number of days")? {
        config.expiring_within_days = days as u32;
    }
    if let Some(http) = top.table("http")? {
        http.check_keys(HTTP_KEYS)?;
        if let Some(s) = http.integer_in("connect_timeout_secs", 1..=600, "a number of seconds")? {
            config.http.connect_timeout = std::time::Duration::from_secs(s as u64);
        }
        if let Some(s) = http.integer_in("timeout_secs", 1..=3_600, "a number of seconds")? {
            config.http.request_timeout = std::time::Duration::from_secs(s as u64);
        }
        if let Some(mb) = http.integer_in("max_response_mb", 1..=4_096, "a size in MiB")? {
            config.http.max_response_bytes = mb as usize * 1024 * 1024;
        }
    }
    if let Some(network) = top.table("network")? {
        network.check_keys(NETWORK_KEYS)?;
        read_network(&network, &mut config.network)?;
    }
    if let Some(ui) = top.table("ui")? {
        ui.check_keys(UI_KEYS)?;
        config.ui = read_ui(&ui)?;
    }
    if let Some(theme) = top.table("theme")? {
        theme.check_keys(THEME_KEYS)?;
        config.theme = Box::new(read_theme(&theme)?);
    }
    if let Some(keys) = top.table("keys")? {
        config.keys_origin = Origin {
            path: path.to_owned(),
            line: Some(doc.line(&keys.span)),
            key_lines: Vec::new(),
            shared_mode,
        };
        record_lines(&doc, keys.table, "keys.", &mut config.keys_origin.key_lines);
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
        let mut seen: HashMap<String, usize> = HashMap::with_capacity(items.len());
        for item in items.iter() {
            config.accounts.push(read_account(&doc, item, &mut seen)?);
        }
    }
    config.sinks = sinks::read_sinks(&top, &doc)?;
    sinks::check_account_sinks(&config.accounts, &config.sinks)?;
    Ok(config)
}

/// `[network]`: each key bounded, so a typo cannot open ten thousand connections or wait forever.
fn read_network(
    table: &Table<'_, '_>,
    network: &mut super::NetworkSettings,
) -> Result<(), ConfigError> {
    use std::time::Duration;
    let count = |key, max| table.integer_in(key, 1..=max, "a number of requests");
    if let Some(n) = count("requests_per_account", 256)? {
        network.requests_per_account = n as usize;
    }
    if let Some(n) = count("requests_in_flight", 4_096)? {
        network.requests_in_flight = n as usize;
    }
    if let Some(n) = table.integer_in("accounts_at_once", 1..=1_024, "a number of accounts")? {
        network.accounts_at_once = n as usize;
    }
    if let Some(s) = table.integer_in("list_deadline_secs", 1..=3_600, "a number of seconds")? {
        network.list_deadline = Duration::from_secs(s as u64);
    }
    if let Some(mb) = table.integer_in("list_memory_mb", 1..=16_384, "a size in MiB")? {
        network.list_memory_bytes = mb as usize * 1024 * 1024;
    }
    if let Some(n) = table.integer_in("read_retries", 0..=10, "a number of retries")? {
        network.read_retries = n as usize;
    }
    if let Some(s) = table.integer_in("max_retry_after_secs", 0..=600, "a number of seconds")? {
        network.max_retry_after = Duration::from_secs(s as u64);
    }
    Ok(())
}

/// Read a whole TOML document other than the configuration (the audit policy) into `T`, with
/// the reader that reads a provider's keys: unknown keys (with a suggestion), wrong types and
/// missing keys are refused with the file, line and key. The [`Origin`] returned locates later
/// problems with a key the same way.
pub(super) fn parse_document<T: serde::de::DeserializeOwned>(
    path: &Path,
    text: &str,
) -> Result<(T, Origin), ConfigError> {
    let doc = Doc::new(path, text, None);
    let root = DeTable::parse(text).map_err(|e| ConfigError {
        path: path.to_owned(),
        line: e.span().map(|s| doc.line(&s)),
        key: None,
        problem: format!("not valid TOML: {}", e.message()),
    })?;
    let mut origin = Origin {
        path: path.to_owned(),
        line: None,
        key_lines: Vec::new(),
        shared_mode: None,
    };
    record_lines(&doc, root.get_ref(), "", &mut origin.key_lines);
    let mut entries: Vec<_> = root.get_ref().iter().collect();
    entries.sort_by_key(|(k, _)| k.span().start);
    let node = Node::Table(
        entries
            .into_iter()
            .map(|(k, v)| Ok((k.get_ref().to_string(), to_node(&doc, k.get_ref(), v)?)))
            .collect::<Result<_, ConfigError>>()?,
    );
    let ctx = de::Ctx {
        path,
        shared_mode: None,
        shared_keys: &[],
    };
    let value =
        de::from_node(&node, "", &ctx).map_err(|e| origin.error(e.key.as_deref(), e.problem))?;
    Ok((value, origin))
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
    if let Some(secs) = ui.integer_in("clipboard_clear_secs", 1..=86_400, "a number of seconds")? {
        out.clipboard_clear_secs = secs as u64;
    }
    let what = "a number of seconds (0 is off)";
    if let Some(secs) = ui.integer_in("refresh_secs", 0..=86_400, what)? {
        if (1..MIN_REFRESH_SECS).contains(&secs)
            && let Some(value) = ui.get("refresh_secs")
        {
            return Err(ui.error_at(
                value.span(),
                "refresh_secs",
                format!(
                    "{secs} is too often: expected 0 (off) or at least {MIN_REFRESH_SECS} \
                     seconds, so the providers are not listed nonstop"
                ),
            ));
        }
        out.refresh_secs = secs as u64;
    }
    Ok(out)
}

fn read_theme(theme: &Table<'_, '_>) -> Result<ThemeConfig, ConfigError> {
    let colour = |key: &str| -> Result<Option<ratatui::style::Color>, ConfigError> {
        let Some((name, span)) = theme.string(key)? else {
            return Ok(None);
        };
        name.trim().parse().map(Some).map_err(|_| {
            theme.error_at(
                span,
                key,
                format!(
                    "`{}` is not a colour; use a name (cyan, lightred, darkgray…), #rrggbb or \
                     a number from 0 to 255",
                    crate::text::sanitize(&name)
                ),
            )
        })
    };
    Ok(ThemeConfig {
        accent: colour("accent")?,
        warn: colour("warn")?,
        error: colour("error")?,
        ok: colour("ok")?,
        muted: colour("muted")?,
        view: colour("view")?,
    })
}

fn read_account(
    doc: &Doc<'_>,
    item: &Spanned<DeValue<'_>>,
    seen: &mut HashMap<String, usize>,
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
    let name = entry.unique_name("account", "[[accounts]]", seen)?;

    let Some((provider, provider_span)) = entry.string("provider")? else {
        return Err(entry.missing(
            "provider",
            &format!("expected one of {}", ProviderKind::NAMES.join(", ")),
        ));
    };
    let kind = ProviderKind::from_str(&provider)
        .map_err(|problem| entry.error_at(provider_span, "provider", problem))?;

    let mut account = AccountConfig::new(name, kind);
    account.origin = Origin {
        path: doc.path.to_owned(),
        line: Some(doc.line(&item.span())),
        key_lines: Vec::new(),
        shared_mode: doc.shared_mode,
    };
    record_lines(doc, table, "", &mut account.origin.key_lines);
    account.base_url = entry.string("base_url")?.map(|(s, _)| s);
    account.read_only = entry.boolean("read_only")?.unwrap_or(false);
    account.allow_insecure_http = entry.boolean("allow_insecure_http")?.unwrap_or(false);
    account.sinks = sinks::read_account_sinks(&entry)?;
    if let Some(raw) = entry.get("credential") {
        let node = to_node(doc, "credential", raw)?;
        let ctx = de::Ctx {
            path: doc.path,
            shared_mode: doc.shared_mode,
            shared_keys: &[],
        };
        let credential = de::from_node(&node, "credential", &ctx)
            .map_err(|e| account.origin.error(e.key.as_deref(), e.problem))?;
        account.credential = Some(credential);
    }
    let mut provider_keys = ProviderKeys::default();
    for (key, value) in entry.entries() {
        if !SHARED_ACCOUNT_KEYS.contains(&key.get_ref().as_ref()) {
            provider_keys.push(
                key.get_ref().to_string(),
                to_node(doc, key.get_ref(), value)?,
            );
        }
    }
    account.provider_keys = provider_keys;
    Ok(account)
}

/// Note the line of every key of `table`, dotted from the entry, nested tables included.
fn record_lines(doc: &Doc<'_>, table: &DeTable<'_>, prefix: &str, out: &mut Vec<(String, usize)>) {
    for (key, value) in table.iter() {
        let dotted = format!("{prefix}{}", key.get_ref());
        out.push((dotted.clone(), doc.line(&key.span())));
        if let Some(inner) = value.get_ref().as_table() {
            record_lines(doc, inner, &(dotted + "."), out);
        }
    }
}

/// An owned copy of a value, for the provider layer. `key` (dotted) names it in an error.
fn to_node(doc: &Doc<'_>, key: &str, value: &Spanned<DeValue<'_>>) -> Result<Node, ConfigError> {
    Ok(match value.get_ref() {
        DeValue::String(s) => Node::String(s.to_string().into()),
        DeValue::Integer(i) => match i64::from_str_radix(i.as_str(), i.radix()) {
            Ok(n) => Node::Integer(n),
            Err(_) => {
                let too = if i.as_str().starts_with('-') {
                    "small"
                } else {
                    "large"
                };
                return Err(doc.error(
                    value.span(),
                    Some(key.to_owned()),
                    format!(
                        "{i} is too {too}: expected a whole number from {} to {}",
                        i64::MIN,
                        i64::MAX
                    ),
                ));
            }
        },
        DeValue::Float(f) => Node::Float(f.as_str().parse().unwrap_or(f64::NAN)),
        DeValue::Boolean(b) => Node::Boolean(*b),
        DeValue::Datetime(d) => Node::Datetime(d.to_string()),
        DeValue::Array(items) => Node::Array(
            items
                .iter()
                .map(|item| to_node(doc, key, item))
                .collect::<Result<_, _>>()?,
        ),
        DeValue::Table(table) => {
            let mut entries: Vec<_> = table.iter().collect();
            entries.sort_by_key(|(k, _)| k.span().start);
            Node::Table(
                entries
                    .into_iter()
                    .map(|(k, v)| {
                        let dotted = format!("{key}.{}", k.get_ref());
                        Ok((k.get_ref().to_string(), to_node(doc, &dotted, v)?))
                    })
                    .collect::<Result<_, ConfigError>>()?,
            )
        }
    })
}

/// The file being read.
struct Doc<'a> {
    path: &'a Path,
    shared_mode: Option<u32>,
    /// The byte offset of every line break, in order: a line is found by binary search, so
    /// naming the line of every key stays linear in the size of the file.
    breaks: Vec<usize>,
}

impl<'a> Doc<'a> {
    fn new(path: &'a Path, text: &str, shared_mode: Option<u32>) -> Self {
        Doc {
            path,
            shared_mode,
            breaks: memchr::memchr_iter(b'\n', text.as_bytes()).collect(),
        }
    }

    /// The 1-based line of a span's start.
    fn line(&self, span: &Range<usize>) -> usize {
        self.breaks.partition_point(|&b| b < span.start) + 1
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

    /// The entry's `name`: present, not blank, and not used by an entry before it (`seen` holds
    /// the names read so far with their lines). `what` names the entry in messages (`account`),
    /// `array` its table (`[[accounts]]`).
    fn unique_name(
        &self,
        what: &str,
        array: &str,
        seen: &mut HashMap<String, usize>,
    ) -> Result<String, ConfigError> {
        let Some((name, span)) = self.string("name")? else {
            return Err(self.missing("name", &format!("every {array} entry needs a unique name")));
        };
        if name.trim().is_empty() {
            return Err(self.error_at(span, "name", "the name is empty".into()));
        }
        if let Some(first) = seen.get(&name) {
            return Err(self.error_at(
                span,
                "name",
                format!(
                    "{what} name `{name}` is already used on line {first}; names must be unique"
                ),
            ));
        }
        seen.insert(name.clone(), self.doc.line(&span));
        Ok(name)
    }

    /// A required key is absent: point at the table itself.
    fn missing(&self, key: &str, problem: &str) -> ConfigError {
        self.error_at(self.span.clone(), key, format!("missing; {problem}"))
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

    /// An integer within `range`, `what` saying what it counts ("a number of days"). A value
    /// out of range, even beyond any integer, is reported as too small or too large, with what
    /// is expected.
    fn integer_in(
        &self,
        key: &str,
        range: std::ops::RangeInclusive<i64>,
        what: &str,
    ) -> Result<Option<i64>, ConfigError> {
        let Some(value) = self.get(key) else {
            return Ok(None);
        };
        let Some(int) = value.get_ref().as_integer() else {
            return Err(self.type_error(key, value, "an integer"));
        };
        let too = match i64::from_str_radix(int.as_str(), int.radix()) {
            Ok(n) if range.contains(&n) => return Ok(Some(n)),
            Ok(n) if n < *range.start() => "small",
            Ok(_) => "large",
            Err(_) if int.as_str().starts_with('-') => "small",
            Err(_) => "large",
        };
        Err(self.error_at(
            value.span(),
            key,
            format!(
                "{int} is too {too}: expected {what} from {} to {}",
                range.start(),
                range.end()
            ),
        ))
    }
}
