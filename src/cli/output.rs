//! What the headless commands print: aligned tables, JSON and CSV.
//!
//! Tables and `key  value` blocks are for the terminal: every cell goes through [`sanitize`]
//! (provider strings were sanitised when they entered, `Token::new`; account names, and ids shown
//! whole by `--show-secrets`, are sanitised here), so nothing printed can drive the terminal.
//!
//! JSON and CSV are for programs and spreadsheets, so they keep names, accounts, scopes and
//! descriptions exact, as the provider or the configuration spelled them: a JSON `account` can be
//! passed back to `--account`. JSON stays terminal-safe all the same: every control, format or
//! invisible character is written as a `\uXXXX` escape ([`to_json`]). A CSV cell cannot escape,
//! so CSV printed to a terminal is sanitised like a table; written to a pipe or a file it is
//! exact, but for the `'` that defuses a cell a spreadsheet would run as a formula.
//!
//! A list is written as it is formatted, record by record into a buffer over stdout (a table
//! in two passes: one measures the columns, one writes), so 100,000 tokens are never held a
//! second time as text.

mod json;

use std::io::{self, BufWriter, StdoutLock, Write};

use secrecy::{ExposeSecret, SecretString};
use serde::Serialize;
use unicode_width::UnicodeWidthStr;

pub use json::{Seq, to_json, write_json};
// The formula defusing is shared with the dashboard's export.
use crate::inventory::defuse_formula;
use crate::model::{Expiry, Token, format_timestamp, human_age, human_time};
use crate::provider::ProviderKind;
use crate::record::{Clock, FIELDS, TokenRecord};
use crate::text::{sanitize, truncate};

/// Longest cell a table shows; JSON and CSV are never cut.
const MAX_CELL: usize = 60;

/// One token with the account it belongs to, and how its id may be printed.
pub struct Row<'a> {
    pub account: &'a str,
    pub provider: ProviderKind,
    pub token: &'a Token,
    pub ids: Ids,
}

impl Row<'_> {
    /// The token's id as this output may print it.
    fn id(&self) -> String {
        self.ids.show(&self.token.id, self.provider)
    }

    /// The token as an export carries it: every field, aged by `clock`; `partial` says its
    /// account was listed only in part.
    pub fn record(&self, clock: &Clock, partial: bool) -> TokenRecord {
        TokenRecord::new(
            self.account,
            self.provider,
            self.token,
            self.ids,
            clock,
            partial,
        )
    }
}

/// How the commands print token ids that are secrets themselves; shared with every export.
pub use crate::record::Ids;

/// The JSON shape of a token, its strings exact. The secret is deliberately not part of it.
#[derive(Serialize)]
pub struct TokenJson {
    account: String,
    provider: ProviderKind,
    id: String,
    name: String,
    enabled: Option<bool>,
    created_at: Option<String>,
    scopes: Vec<String>,
    description: Option<String>,
    kind: Option<&'static str>,
    expires_at: Option<String>,
}

impl TokenJson {
    pub fn new(row: &Row<'_>) -> Self {
        let t = row.token;
        TokenJson {
            account: row.account.to_owned(),
            provider: row.provider,
            id: row.id(),
            name: t.exact_name().to_owned(),
            enabled: t.enabled,
            created_at: t.created_at.map(format_timestamp),
            scopes: t.exact_scopes().to_vec(),
            description: t.exact_description().map(str::to_owned),
            kind: t.kind,
            expires_at: t.expires_at.map(format_timestamp),
        }
    }
}

/// An account that did not answer a `list`, or answered only in part.
#[derive(Serialize)]
pub struct ListError {
    /// As the configuration spells it.
    pub account: String,
    pub provider: ProviderKind,
    /// Why: the failure, or what is missing from a partial list and why.
    pub error: String,
    /// `true` when the account was listed in part (its tokens are in `tokens`, marked
    /// `partial`); `false` when it could not be listed at all.
    pub partial: bool,
    /// The failure with the account and what to do about it, for the human-readable output.
    #[serde(skip)]
    pub message: String,
}

const LIST_HEADERS: [&str; 10] = [
    "ACCOUNT",
    "PROVIDER",
    "ID",
    "NAME",
    "ENABLED",
    "CREATED (UTC)",
    "AGE",
    "PRIVILEGE",
    "SCOPES",
    "EXPIRES (UTC)",
];

/// What marks a stale token's age in a table, as in the dashboard: `1y 2m !`.
const STALE: &str = "!";

/// The tokens as a table: a readable subset of the fields, with ages as people say them
/// (`!` marks the stale ones). JSON and CSV carry every field. `rows` is asked twice: the
/// columns are measured before the first line is written.
pub fn write_list_table<'a, I>(
    out: impl Write,
    rows: impl Fn() -> I,
    clock: &Clock,
) -> io::Result<()>
where
    I: Iterator<Item = Row<'a>>,
{
    write_table(out, &LIST_HEADERS, || rows().map(|r| list_cells(&r, clock)))
}

/// A token's cells in a list table.
fn list_cells(r: &Row<'_>, clock: &Clock) -> [String; 10] {
    let t = r.token;
    let age = match t.created_at {
        Some(c) if clock.is_stale(Some(c)) => format!("{} {STALE}", human_age(c, clock.now)),
        Some(c) => human_age(c, clock.now),
        None => "-".into(),
    };
    [
        r.account.to_owned(),
        // A second kind of token is named beside its provider: `qovery/policy`.
        match t.kind {
            Some(kind) => format!("{}/{kind}", r.provider.name()),
            None => r.provider.name().to_owned(),
        },
        r.id(),
        t.name.clone(),
        match t.enabled {
            Some(true) => "yes".into(),
            Some(false) => "no".into(),
            None => "-".into(),
        },
        t.created_at.map(human_time).unwrap_or_else(|| "-".into()),
        age,
        t.privilege.name().to_owned(),
        if t.scopes.is_empty() {
            "-".into()
        } else {
            t.scopes.join(",")
        },
        expires_cell(t.expires_at, clock),
    ]
}

/// When a token expires, in minutes (UTC), and how that stands: `EXPIRED`, or the days left
/// within `expiring_within_days`; `-` for a token that does not expire.
fn expires_cell(expires_at: Option<time::OffsetDateTime>, clock: &Clock) -> String {
    let Some(at) = expires_at else {
        return "-".into();
    };
    let when = human_time(at);
    match Expiry::at(Some(at), clock.now, clock.expiring_within_days) {
        Expiry::Expired => format!("{when} EXPIRED"),
        Expiry::Soon(days) => format!("{when} (in {days}d)"),
        Expiry::Never | Expiry::Later => when,
    }
}

/// `{"tokens":[…],"errors":[…]}`: every field of every token, and the accounts that failed or
/// were listed in part, written as the records come.
pub fn write_list_json(
    out: impl Write,
    records: impl Iterator<Item = TokenRecord>,
    errors: &[ListError],
) -> io::Result<()> {
    #[derive(Serialize)]
    #[serde(bound(serialize = "Seq<I>: Serialize"))]
    struct Out<'a, I> {
        tokens: Seq<I>,
        errors: &'a [ListError],
    }
    write_json(
        out,
        &Out {
            tokens: Seq::new(records),
            errors,
        },
    )
}

/// Where CSV goes: a terminal gets every field sanitised, anything else gets it exact.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CsvTo {
    Terminal,
    Pipe,
}

impl CsvTo {
    /// Where standard output goes now.
    pub fn detect() -> Self {
        if std::io::IsTerminal::is_terminal(&std::io::stdout()) {
            CsvTo::Terminal
        } else {
            CsvTo::Pipe
        }
    }
}

/// The tokens as CSV (RFC 4180, CRLF line ends), the same fields as JSON under the same names,
/// their strings exact (sanitised for a terminal), every field defused by [`defuse_formula`],
/// written as the records come.
pub fn write_list_csv(
    out: impl Write,
    records: impl Iterator<Item = TokenRecord>,
    to: CsvTo,
) -> io::Result<()> {
    // The dashboard's export writes its CSV the same way (`inventory::csv`), into memory.
    let mut w = ::csv::WriterBuilder::new()
        .terminator(::csv::Terminator::CRLF)
        .from_writer(out);
    let header = FIELDS.map(str::to_owned);
    for fields in std::iter::once(header).chain(records.map(|r| r.csv_fields())) {
        let fields = match to {
            CsvTo::Pipe => fields,
            CsvTo::Terminal => fields.map(|f| sanitize(&f)),
        };
        let defused = fields.each_ref().map(|f| defuse_formula(f));
        w.write_record(defused.iter().map(|f| f.as_bytes()))?;
    }
    w.flush()
}

/// A token as `key  value` lines, for create, regenerate and the updates.
pub fn token_block(row: &Row<'_>, secret: Option<&SecretString>) -> String {
    let t = row.token;
    let mut pairs = vec![
        ("account", row.account.to_owned()),
        ("provider", row.provider.name().to_owned()),
        ("id", row.id()),
        ("name", t.name.clone()),
    ];
    if let Some(enabled) = t.enabled {
        pairs.push(("enabled", if enabled { "yes" } else { "no" }.into()));
    }
    if let Some(created) = t.created_at {
        pairs.push(("created", human_time(created)));
    }
    if !t.scopes.is_empty() {
        pairs.push(("scopes", t.scopes.join(", ")));
    }
    if let Some(d) = &t.description {
        pairs.push(("description", d.clone()));
    }
    let facts = t.facts();
    for (k, v) in &facts {
        pairs.push((k.as_str(), v.clone()));
    }
    if let Some(secret) = secret {
        // A hostile provider could put escape sequences in a "secret" too: sanitised below.
        pairs.push(("secret", secret.expose_secret().to_owned()));
    }
    let width = pairs.iter().map(|(k, _)| k.width()).max().unwrap_or(0);
    pairs
        .iter()
        .map(|(k, v)| format!("{}  {}\n", pad(&sanitize(k), width), sanitize(v)))
        .collect()
}

/// `{"token":{…},"secret":"…"}` for create and regenerate; `{"token":{…}}` for updates.
pub fn token_json(row: &Row<'_>, secret: Option<&SecretString>) -> String {
    #[derive(Serialize)]
    struct Out<'a> {
        token: TokenJson,
        #[serde(skip_serializing_if = "Option::is_none")]
        secret: Option<&'a str>,
    }
    to_json(&Out {
        token: TokenJson::new(row),
        secret: secret.map(|s| s.expose_secret()),
    })
}

/// `{"account":…,"provider":…,"id":…,"deleted":true}` for a delete; `id` as it may be shown,
/// the account as configured.
pub fn deleted_json(account: &str, provider: ProviderKind, id: &str) -> String {
    #[derive(Serialize)]
    struct Deleted<'a> {
        account: String,
        provider: ProviderKind,
        id: &'a str,
        deleted: bool,
    }
    to_json(&Deleted {
        account: account.to_owned(),
        provider,
        id,
        deleted: true,
    })
}

/// Columns padded to their widest cell, by display width (CJK and emoji take two columns). Every
/// cell is sanitised: a table is for the terminal.
pub fn table(headers: &[&str], rows: Vec<Vec<String>>) -> String {
    let rows: Vec<Vec<String>> = rows
        .into_iter()
        .map(|r| r.iter().map(|c| table_cell(c)).collect())
        .collect();
    let mut widths: Vec<usize> = headers.iter().map(|h| h.width()).collect();
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.width());
        }
    }
    std::iter::once(table_line(headers, &widths))
        .chain(rows.iter().map(|row| table_line(row, &widths)))
        .collect()
}

/// [`table`] written line by line, its rows made twice (`rows` is called once to measure the
/// columns and once to write them) so that no more than a row is held at a time.
pub fn write_table<I, const N: usize>(
    mut out: impl Write,
    headers: &[&str; N],
    rows: impl Fn() -> I,
) -> io::Result<()>
where
    I: Iterator<Item = [String; N]>,
{
    let mut widths = headers.map(|h| h.width());
    for row in rows() {
        for (w, cell) in widths.iter_mut().zip(&row) {
            *w = (*w).max(table_cell(cell).width());
        }
    }
    out.write_all(table_line(headers, &widths).as_bytes())?;
    for row in rows() {
        let cells = row.each_ref().map(|c| table_cell(c));
        out.write_all(table_line(&cells, &widths).as_bytes())?;
    }
    Ok(())
}

/// A cell as a table shows it: sanitised, cut at [`MAX_CELL`].
fn table_cell(cell: &str) -> String {
    truncate(&sanitize(cell), MAX_CELL)
}

/// One line of a table: the cells padded to `widths`, two spaces apart, no trailing blanks.
fn table_line(cells: &[impl AsRef<str>], widths: &[usize]) -> String {
    let line: Vec<String> = cells
        .iter()
        .zip(widths)
        .map(|(cell, w)| pad(cell.as_ref(), *w))
        .collect();
    format!("{}\n", line.join("  ").trim_end())
}

fn pad(s: &str, width: usize) -> String {
    let fill = width.saturating_sub(s.width());
    format!("{s}{}", " ".repeat(fill))
}

/// `word` as one shell word, quoted only when it needs to be, for commands the user may paste.
pub fn shell_word(word: &str) -> String {
    let plain = !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.,:/@+=".contains(c));
    if plain {
        word.to_owned()
    } else {
        format!("'{}'", word.replace('\'', r#"'\''"#))
    }
}

/// Write to stdout; a closed pipe (`tokdash list | head`) is not an error worth reporting.
pub fn print(text: &str) {
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text.as_bytes());
    let _ = out.flush();
}

/// Let `write` write to stdout through a buffer, and flush it. A closed pipe (`tokdash list |
/// head`) is not an error worth reporting: whoever closed it wanted no more.
pub fn to_stdout(
    write: impl FnOnce(&mut BufWriter<StdoutLock<'static>>) -> io::Result<()>,
) -> io::Result<()> {
    let mut out = BufWriter::with_capacity(64 * 1024, std::io::stdout().lock());
    match write(&mut out).and_then(|()| out.flush()) {
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        written => written,
    }
}

#[cfg(test)]
mod tests;
