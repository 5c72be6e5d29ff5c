//! What the headless commands print: aligned tables, JSON and CSV.
//!
//! Provider strings were sanitised when they entered (`Token::new`); account names come from the
//! configuration and are sanitised here, so nothing printed can drive the terminal.

use std::io::Write;

use secrecy::{ExposeSecret, SecretString};
use serde::Serialize;
use time::UtcOffset;
use time::format_description::BorrowedFormatItem;
use time::macros::format_description;
use unicode_width::UnicodeWidthStr;

// The CSV writer (with its formula defusing) is shared with the dashboard's export.
use crate::inventory::csv;
use crate::model::{Token, TokenId, format_timestamp, masked_id};
use crate::provider::ProviderKind;
use crate::text::{sanitize, truncate};

/// Tables show minutes, in UTC; JSON and CSV carry the full RFC 3339 timestamp.
const TABLE_TIME: &[BorrowedFormatItem<'_>] =
    format_description!("[year]-[month]-[day] [hour]:[minute]");

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
}

/// How the commands print token ids that are secrets themselves (lagrello's `tokenKey`, see
/// `Caps::id_is_secret`): masked by [`masked_id`], the rule every screen and file follows, unless
/// `--show-secrets` asks for them in full. Other ids are printed whole either way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ids {
    Masked,
    Full,
}

impl Ids {
    pub fn new(show_secrets: bool) -> Self {
        if show_secrets { Ids::Full } else { Ids::Masked }
    }

    pub fn show(self, id: &TokenId, provider: ProviderKind) -> String {
        match self {
            Ids::Masked => masked_id(id, provider.caps()),
            Ids::Full => id.to_string(),
        }
    }
}

/// The JSON shape of a token. The secret is deliberately not part of it.
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
}

impl TokenJson {
    pub fn new(row: &Row<'_>) -> Self {
        let t = row.token;
        TokenJson {
            account: sanitize(row.account),
            provider: row.provider,
            id: row.id(),
            name: t.name.clone(),
            enabled: t.enabled,
            created_at: t.created_at.map(format_timestamp),
            scopes: t.scopes.clone(),
            description: t.description.clone(),
        }
    }
}

/// An account that did not answer a `list`.
#[derive(Serialize)]
pub struct ListError {
    pub account: String,
    pub provider: ProviderKind,
    pub error: String,
    /// The failure with the account and what to do about it, for the human-readable output.
    #[serde(skip)]
    pub message: String,
}

const LIST_HEADERS: [&str; 8] = [
    "ACCOUNT",
    "PROVIDER",
    "ID",
    "NAME",
    "ENABLED",
    "CREATED (UTC)",
    "SCOPES",
    "DESCRIPTION",
];

const CSV_HEADERS: [&str; 8] = [
    "account",
    "provider",
    "id",
    "name",
    "enabled",
    "created",
    "scopes",
    "description",
];

pub fn list_table(rows: &[Row<'_>]) -> String {
    let cells = rows
        .iter()
        .map(|r| {
            let t = r.token;
            vec![
                sanitize(r.account),
                r.provider.name().to_owned(),
                r.id(),
                t.name.clone(),
                match t.enabled {
                    Some(true) => "yes".into(),
                    Some(false) => "no".into(),
                    None => "-".into(),
                },
                t.created_at
                    .and_then(|c| c.to_offset(UtcOffset::UTC).format(TABLE_TIME).ok())
                    .unwrap_or_else(|| "-".into()),
                if t.scopes.is_empty() {
                    "-".into()
                } else {
                    t.scopes.join(",")
                },
                t.description.clone().unwrap_or_else(|| "-".into()),
            ]
        })
        .collect();
    table(&LIST_HEADERS, cells)
}

pub fn list_json(rows: &[Row<'_>], errors: &[ListError]) -> String {
    #[derive(Serialize)]
    struct Out<'a> {
        tokens: Vec<TokenJson>,
        errors: &'a [ListError],
    }
    let out = Out {
        tokens: rows.iter().map(TokenJson::new).collect(),
        errors,
    };
    to_json(&out)
}

/// The tokens as CSV (RFC 4180, CRLF line ends), every field defused by [`defuse_formula`] first.
pub fn list_csv(rows: &[Row<'_>]) -> String {
    let records = rows.iter().map(|r| {
        let t = r.token;
        [
            sanitize(r.account),
            r.provider.name().to_owned(),
            r.id(),
            t.name.clone(),
            t.enabled.map(|e| e.to_string()).unwrap_or_default(),
            t.created_at.map(format_timestamp).unwrap_or_default(),
            t.scopes.join(";"),
            t.description.clone().unwrap_or_default(),
        ]
    });
    csv(CSV_HEADERS.map(str::to_owned), records)
}

/// A token as `key  value` lines, for create, regenerate and the updates.
pub fn token_block(row: &Row<'_>, secret: Option<&SecretString>) -> String {
    let t = row.token;
    let mut pairs = vec![
        ("account", sanitize(row.account)),
        ("provider", row.provider.name().to_owned()),
        ("id", row.id()),
        ("name", t.name.clone()),
    ];
    if let Some(enabled) = t.enabled {
        pairs.push(("enabled", if enabled { "yes" } else { "no" }.into()));
    }
    if let Some(created) = t.created_at {
        pairs.push(("created", format_timestamp(created)));
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
        // A hostile provider could put escape sequences in a "secret" too.
        pairs.push(("secret", sanitize(secret.expose_secret())));
    }
    let width = pairs.iter().map(|(k, _)| k.width()).max().unwrap_or(0);
    pairs
        .iter()
        .map(|(k, v)| format!("{}  {v}\n", pad(k, width)))
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

/// `{"account":…,"provider":…,"id":…,"deleted":true}` for a delete; `id` as it may be shown.
pub fn deleted_json(account: &str, provider: ProviderKind, id: &str) -> String {
    #[derive(Serialize)]
    struct Deleted<'a> {
        account: String,
        provider: ProviderKind,
        id: &'a str,
        deleted: bool,
    }
    to_json(&Deleted {
        account: sanitize(account),
        provider,
        id,
        deleted: true,
    })
}

pub fn to_json<T: Serialize>(value: &T) -> String {
    // Serialising plain structs of strings cannot fail; an empty object is a safe fallback.
    let mut s = serde_json::to_string_pretty(value).unwrap_or_else(|_| "{}".into());
    s.push('\n');
    s
}

/// Columns padded to their widest cell, by display width (CJK and emoji take two columns).
pub fn table(headers: &[&str], rows: Vec<Vec<String>>) -> String {
    let rows: Vec<Vec<String>> = rows
        .into_iter()
        .map(|r| r.iter().map(|c| truncate(c, MAX_CELL)).collect())
        .collect();
    let mut widths: Vec<usize> = headers.iter().map(|h| h.width()).collect();
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.width());
        }
    }
    let header: Vec<String> = headers.iter().map(|h| h.to_string()).collect();
    std::iter::once(&header)
        .chain(rows.iter())
        .map(|row| {
            let line: Vec<String> = row
                .iter()
                .zip(&widths)
                .map(|(cell, w)| pad(cell, *w))
                .collect();
            format!("{}\n", line.join("  ").trim_end())
        })
        .collect()
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

#[cfg(test)]
mod tests {
    use super::*;

    fn csv_of(fields: [&str; 5]) -> String {
        let header = ["a", "b", "c", "d", "e"].map(str::to_owned);
        csv(header, std::iter::once(fields.map(str::to_owned)))
    }

    #[test]
    fn csv_quotes_only_what_needs_it() {
        assert_eq!(
            csv_of(["plain", "a,b", "say \"hi\"", "two\nlines", ""]),
            "a,b,c,d,e\r\nplain,\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",\r\n"
        );
    }

    #[test]
    fn csv_defuses_spreadsheet_formulas_but_not_numbers() {
        assert_eq!(
            csv_of([
                "=HYPERLINK(\"http://evil\")",
                "@SUM(A1)",
                "-5",
                "+x",
                "\t=1"
            ]),
            "a,b,c,d,e\r\n\"'=HYPERLINK(\"\"http://evil\"\")\",'@SUM(A1),-5,'+x,'\t=1\r\n"
        );
    }

    #[test]
    fn shell_words_are_quoted_only_when_needed() {
        assert_eq!(shell_word("sematext-1"), "sematext-1");
        assert_eq!(shell_word("prod eu"), "'prod eu'");
        assert_eq!(shell_word("it's"), r#"'it'\''s'"#);
        assert_eq!(shell_word(""), "''");
    }

    #[test]
    fn table_aligns_wide_characters_by_display_width() {
        let out = table(
            &["NAME", "ID"],
            vec![
                vec!["日本語".into(), "1".into()],
                vec!["abc".into(), "2".into()],
            ],
        );
        let lines: Vec<&str> = out.lines().collect();
        // "日本語" is six columns wide, so every ID starts in column 8.
        assert_eq!(lines[0], "NAME    ID");
        assert_eq!(lines[1], "日本語  1");
        assert_eq!(lines[2], "abc     2");
    }
}
