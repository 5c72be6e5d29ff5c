//! The token inventory as a file: one row per token with the columns an audit asks for, written
//! as CSV or JSON, and the way that file is written (mode 0600, never through a symbolic link).
//! The dashboard's `e` writes its view with it; the CSV writer ([`csv`], which defuses
//! spreadsheet formulas) is the CLI's too.
//!
//! A row never holds a secret: not the token's secret, and an id that is one (lagrello's
//! `tokenKey`) only as [`masked_id`] shows it.
//!
//! Below the app and the CLI: it knows tokens, not who asks. [`write_private`] is the only I/O,
//! and only `effects` calls it.

use std::borrow::Cow;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use serde::Serialize;
use time::OffsetDateTime;

use crate::model::{Caps, ProviderKind, Token, age_days, format_timestamp, is_stale, masked_id};
use crate::record::{CSV_SCOPE_SEPARATOR, FIELDS};
use crate::text::{is_unsafe, sanitize};

/// The columns, in order: the CSV header and the JSON keys. The same as `tokdash list`'s export
/// ([`FIELDS`]), so a file from either reads the same.
pub const COLUMNS: [&str; 18] = FIELDS;

/// One token as the inventory has it. Strings come sanitised (tokens are sanitised when listed;
/// the account name here).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InventoryRow {
    pub account: String,
    pub provider: ProviderKind,
    /// `name (id)`, where the provider keeps tokens per app (sematext).
    pub app: Option<String>,
    /// Masked where the id is a secret itself.
    pub id: String,
    pub name: String,
    pub enabled: Option<bool>,
    /// RFC 3339.
    pub created_at: Option<String>,
    /// Whole days since it was created, at the time of the export.
    pub age_days: Option<i64>,
    /// Older than `stale_after_days`; a token without a date is not called stale.
    pub stale: bool,
    pub privilege: &'static str,
    /// In the provider's own words.
    pub scopes: Vec<String>,
    pub role: Option<String>,
    pub created_by: Option<String>,
    pub updated_at: Option<String>,
    pub description: Option<String>,
    /// Why the account's list is partial, if it is: tokens of it may be missing from the file.
    pub partial: Option<String>,
    /// Which of its provider's kinds of token it is (qovery's `policy`); `None` for the usual.
    pub kind: Option<&'static str>,
    /// RFC 3339; `None` for a token that does not expire. Last, so the columns before it keep
    /// their places.
    pub expires_at: Option<String>,
}

impl InventoryRow {
    /// A token of `account` (whose provider's capabilities are `caps`), as of `now` (without a
    /// time, no age and nothing stale).
    pub fn new(
        account: &str,
        provider: ProviderKind,
        caps: &Caps,
        token: &Token,
        partial: Option<&str>,
        now: Option<OffsetDateTime>,
        stale_after_days: u32,
    ) -> InventoryRow {
        InventoryRow {
            account: sanitize(account),
            provider,
            app: token.app.as_ref().map(|a| a.to_string()),
            id: masked_id(&token.id, caps),
            name: token.name.clone(),
            enabled: token.enabled,
            created_at: token.created_at.map(format_timestamp),
            age_days: token.created_at.zip(now).map(|(c, n)| age_days(c, n)),
            stale: now.is_some_and(|n| is_stale(token.created_at, n, stale_after_days)),
            privilege: token.privilege.name(),
            scopes: token.scopes.clone(),
            role: token.role.clone(),
            created_by: token.created_by.clone(),
            updated_at: token.updated_at.map(format_timestamp),
            description: token.description.clone(),
            partial: partial.map(sanitize),
            kind: token.kind,
            expires_at: token.expires_at.map(format_timestamp),
        }
    }

    fn record(&self) -> [String; 18] {
        let text = |s: &Option<String>| s.clone().unwrap_or_default();
        [
            self.account.clone(),
            self.provider.name().to_owned(),
            text(&self.app),
            self.id.clone(),
            self.name.clone(),
            self.enabled.map(|e| e.to_string()).unwrap_or_default(),
            text(&self.created_at),
            self.age_days.map(|d| d.to_string()).unwrap_or_default(),
            self.stale.to_string(),
            self.privilege.to_owned(),
            self.scopes.join(CSV_SCOPE_SEPARATOR),
            text(&self.role),
            text(&self.created_by),
            text(&self.updated_at),
            text(&self.description),
            text(&self.partial),
            self.kind.unwrap_or_default().to_owned(),
            text(&self.expires_at),
        ]
    }
}

/// CSV or JSON, by the file's name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Json,
}

impl Format {
    /// JSON for a name ending in `.json` (any case), CSV otherwise.
    pub fn of_path(path: &str) -> Format {
        let lower = path.trim().to_ascii_lowercase();
        if lower.ends_with(".json") {
            Format::Json
        } else {
            Format::Csv
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Format::Csv => "CSV",
            Format::Json => "JSON",
        }
    }

    /// The rows in this format.
    pub fn render(self, rows: &[InventoryRow]) -> String {
        match self {
            Format::Csv => to_csv(rows),
            Format::Json => to_json(rows),
        }
    }
}

/// The rows as CSV with a header line ([`COLUMNS`]); scopes joined by `;`.
pub fn to_csv(rows: &[InventoryRow]) -> String {
    csv(
        COLUMNS.map(str::to_owned),
        rows.iter().map(InventoryRow::record),
    )
}

/// The rows as a JSON array of objects keyed by [`COLUMNS`], scopes as an array.
pub fn to_json(rows: &[InventoryRow]) -> String {
    // Plain structs of strings always serialise; an empty array is a safe fallback.
    let mut s = serde_json::to_string_pretty(rows).unwrap_or_else(|_| "[]".into());
    s.push('\n');
    s
}

/// A header and records as CSV: the `csv` crate quotes what needs it (commas, quotes, line
/// breaks) and doubles quotes; lines end in CRLF as RFC 4180 has it. Every field is defused by
/// [`defuse_formula`] first.
pub fn csv<const N: usize>(
    header: [String; N],
    records: impl Iterator<Item = [String; N]>,
) -> String {
    let mut w = ::csv::WriterBuilder::new()
        .terminator(::csv::Terminator::CRLF)
        .from_writer(Vec::new());
    for record in std::iter::once(header).chain(records) {
        // Writing to memory cannot fail; a record that somehow did is left out, not half-written.
        let _ = w.write_record(record.iter().map(|f| defuse_formula(f).into_owned()));
    }
    let bytes = w.into_inner().unwrap_or_default();
    // Every field went in as a `String`, so the output is UTF-8.
    String::from_utf8(bytes).unwrap_or_default()
}

/// A field a spreadsheet would run as a formula (a token named `=HYPERLINK(…)`, say) gets a
/// leading `'`, so an audit export opened in a spreadsheet shows text, not a live formula.
///
/// A field is a formula when its first character, after any whitespace (a no-break space
/// included) and invisible characters, is one of [`FORMULA_TRIGGERS`]: `= + - @`, their
/// full-width and small forms (`＝ ＋ － ＠`, `﹦ ﹢ ﹣ ﹫`, which some spreadsheets fold into the ASCII
/// ones) and the minus sign `−`; a field that starts with a tab or a line break is defused too.
/// Plain decimal numbers such as `-5` or `+1.5e3` are left alone; `-inf`, `+NaN` and the like
/// are not numbers here.
pub fn defuse_formula(field: &str) -> Cow<'_, str> {
    let first = field.chars().find(|c| !c.is_whitespace() && !is_unsafe(*c));
    let formula = first.is_some_and(|c| FORMULA_TRIGGERS.contains(&c))
        || field.starts_with(['\t', '\r', '\n']);
    if formula && !is_plain_number(field) {
        Cow::Owned(format!("'{field}"))
    } else {
        Cow::Borrowed(field)
    }
}

/// The characters that start a spreadsheet formula, in any of their forms.
pub const FORMULA_TRIGGERS: &[char] = &[
    '=', '+', '-', '@', '\u{FF1D}', '\u{FF0B}', '\u{FF0D}', '\u{FF20}', '\u{FE66}', '\u{FE62}',
    '\u{FE63}', '\u{FE6B}', '\u{2212}',
];

/// `[+-]digits[.digits][e[+-]digits]`, in ASCII and nothing else: what every spreadsheet reads
/// as a number and never as a formula.
pub(crate) fn is_plain_number(s: &str) -> bool {
    let s = s.strip_prefix(['+', '-']).unwrap_or(s);
    let (mantissa, exponent) = match s.split_once(['e', 'E']) {
        Some((m, e)) => (m, Some(e.strip_prefix(['+', '-']).unwrap_or(e))),
        None => (s, None),
    };
    let digits = |d: &str| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit());
    let mantissa_ok = match mantissa.split_once('.') {
        Some((int, frac)) => {
            (digits(int) || int.is_empty())
                && (digits(frac) || frac.is_empty())
                && !(int.is_empty() && frac.is_empty())
        }
        None => digits(mantissa),
    };
    mantissa_ok && exponent.is_none_or(digits)
}

/// Why a file was not written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WriteError {
    /// Something is there already, and replacing it was not asked for.
    Exists(PathBuf),
    /// The path is a symbolic link, a directory, or the write failed: why, in a sentence that
    /// names the path.
    Failed(String),
}

/// `~/x` under the home directory; other paths as they are (relative ones from the current
/// directory).
pub fn expand_home(path: &str) -> PathBuf {
    match (path.strip_prefix("~/"), std::env::var_os("HOME")) {
        (Some(rest), Some(home)) => Path::new(&home).join(rest),
        _ => PathBuf::from(path),
    }
}

/// Write `bytes` to `path` readable by its owner alone (0600), whole or not at all, and never
/// through a symbolic link: the bytes go to a new file beside it (created exclusively, so no
/// link is followed), which then takes the path's place. An existing file is replaced only
/// with `replace`; a link or a directory there is refused. Returns the absolute path written.
pub fn write_private(path: &Path, bytes: &[u8], replace: bool) -> Result<PathBuf, WriteError> {
    let shown = path.display().to_string();
    let fail = |what: &str, e: io::Error| WriteError::Failed(format!("{shown}: {what}: {e}"));
    match fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_symlink() => {
            return Err(WriteError::Failed(format!(
                "{shown} is a symbolic link; tokdash does not write through one (choose \
                 another name)"
            )));
        }
        Ok(m) if m.is_dir() => {
            return Err(WriteError::Failed(format!("{shown} is a directory")));
        }
        Ok(_) if !replace => return Err(WriteError::Exists(path.to_path_buf())),
        Ok(_) => {}
        Err(e) if e.kind() == io::ErrorKind::NotFound => {}
        Err(e) => return Err(fail("cannot look at it", e)),
    }
    let Some(file_name) = path.file_name() else {
        return Err(WriteError::Failed(format!("{shown} names no file")));
    };
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let temp = dir.join(format!(
        ".{}.tokdash-{}-{}.tmp",
        file_name.to_string_lossy(),
        std::process::id(),
        next_temp()
    ));
    let written = write_new(&temp, bytes).map_err(|e| fail("cannot write it", e));
    if let Err(e) = written {
        let _ = fs::remove_file(&temp);
        return Err(e);
    }
    let placed = if replace {
        fs::rename(&temp, path)
    } else {
        // Takes the name only if it is still free: a file (or link) that appeared meanwhile
        // is never replaced unasked.
        match fs::hard_link(&temp, path) {
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
                let _ = fs::remove_file(&temp);
                return Err(WriteError::Exists(path.to_path_buf()));
            }
            // A file system without hard links: the check above stands.
            Err(_) => fs::rename(&temp, path),
            Ok(()) => fs::remove_file(&temp),
        }
    };
    if let Err(e) = placed {
        let _ = fs::remove_file(&temp);
        return Err(fail("cannot put it in place", e));
    }
    Ok(std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf()))
}

fn next_temp() -> u64 {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

/// A new file (never an existing one or a link: `O_EXCL`), 0600 whatever the umask, written and
/// flushed to disk.
fn write_new(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut f: File = OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?;
    f.set_permissions(fs::Permissions::from_mode(0o600))?;
    f.write_all(bytes)?;
    f.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{AppRef, Privilege};
    use std::sync::Arc;
    use time::macros::datetime;

    const PLAIN: Caps = Caps {
        rename: false,
        toggle: false,
        regenerate: false,
        secret_on_list: false,
        id_is_secret: false,
        unique_names: false,
        form: &[],
    };
    const SECRET_IDS: Caps = Caps {
        id_is_secret: true,
        secret_on_list: true,
        ..PLAIN
    };

    fn row(caps: &Caps, token: &Token) -> InventoryRow {
        InventoryRow::new(
            "logs-eu",
            ProviderKind::Sematext,
            caps,
            token,
            Some("logs-eu: app 7: forbidden"),
            Some(datetime!(2026-11-29 12:00 UTC)),
            90,
        )
    }

    fn mode(path: &Path) -> u32 {
        fs::metadata(path).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn a_row_has_every_column_and_never_a_secret() {
        let token = Token::new("lgk_0123456789abcdefghijklmnop", "=HYPERLINK(\"x\")")
            .with_created(Some("2026-05-01T00:00:00Z"))
            .with_enabled(Some(true))
            .with_scopes(["read", "write"])
            .with_privilege(Privilege::Admin)
            .with_role(Some("Owner"))
            .with_app(Some(Arc::new(AppRef::new("42", "prod-logs"))))
            .with_created_by(Some("ana"))
            .with_updated(Some("2026-06-01T00:00:00Z"))
            .with_description(Some("ci"))
            .with_kind(Some("policy"))
            .with_expires(Some("2026-12-01T00:00:00Z"))
            .with_secret(Some("s3cr3t-value".into()));
        let csv = to_csv(&[row(&SECRET_IDS, &token)]);
        let mut lines = csv.lines();
        assert_eq!(lines.next(), Some(COLUMNS.join(",").as_str()));
        assert_eq!(
            lines.next(),
            Some(
                "logs-eu,sematext,prod-logs (42),••••klmnop,\"'=HYPERLINK(\"\"x\"\")\",true,\
                 2026-05-01T00:00:00Z,212,true,admin,read;write,Owner,ana,2026-06-01T00:00:00Z,\
                 ci,logs-eu: app 7: forbidden,policy,2026-12-01T00:00:00Z"
            )
        );
        let json = to_json(&[row(&SECRET_IDS, &token)]);
        for text in [&csv, &json] {
            assert!(!text.contains("s3cr3t"), "{text}");
            assert!(!text.contains("lgk_0123"), "{text}");
        }
        let parsed: serde_json::Value = serde_json::from_str(&json).unwrap();
        let object = parsed[0].as_object().unwrap();
        let keys: Vec<&str> = object.keys().map(String::as_str).collect();
        let mut columns = COLUMNS.to_vec();
        columns.sort_unstable();
        let mut keys = keys.clone();
        keys.sort_unstable();
        assert_eq!(keys, columns);
        assert_eq!(parsed[0]["scopes"], serde_json::json!(["read", "write"]));
        assert_eq!(parsed[0]["age_days"], 212);
        // Ids that are not secrets are written whole; no date, no age, not stale.
        let plain = row(&PLAIN, &Token::new("HTK-1", "n"));
        assert_eq!(
            (plain.id.as_str(), plain.age_days, plain.stale),
            ("HTK-1", None, false)
        );
    }

    #[test]
    fn the_format_follows_the_name() {
        assert_eq!(Format::of_path("x.json"), Format::Json);
        assert_eq!(Format::of_path("X.JSON "), Format::Json);
        assert_eq!(Format::of_path("x.csv"), Format::Csv);
        assert_eq!(Format::of_path("x"), Format::Csv);
    }

    #[test]
    fn csv_quotes_only_what_needs_it() {
        let header = ["a", "b", "c", "d", "e"].map(str::to_owned);
        let fields = ["plain", "a,b", "say \"hi\"", "two\nlines", ""].map(str::to_owned);
        assert_eq!(
            csv(header, std::iter::once(fields)),
            "a,b,c,d,e\r\nplain,\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",\r\n"
        );
    }

    #[test]
    fn files_are_private_whole_and_never_written_through_a_link() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("inventory.csv");
        let written = write_private(&path, b"one", false).unwrap();
        assert!(written.is_absolute());
        assert_eq!(fs::read_to_string(&path).unwrap(), "one");
        assert_eq!(mode(&path), 0o600);

        // There already: asked first, replaced only when told, and 0600 again.
        fs::set_permissions(&path, fs::Permissions::from_mode(0o644)).unwrap();
        assert_eq!(
            write_private(&path, b"two", false),
            Err(WriteError::Exists(path.clone()))
        );
        assert_eq!(fs::read_to_string(&path).unwrap(), "one");
        write_private(&path, b"two", true).unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), "two");
        assert_eq!(mode(&path), 0o600);

        // A link, even to a file that may be written, is refused, and its target left alone.
        let target = dir.path().join("target");
        fs::write(&target, "keep").unwrap();
        let link = dir.path().join("link.csv");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        for replace in [false, true] {
            let Err(WriteError::Failed(why)) = write_private(&link, b"x", replace) else {
                panic!("a link must be refused");
            };
            assert!(why.contains("symbolic link"), "{why}");
        }
        assert_eq!(fs::read_to_string(&target).unwrap(), "keep");
        // A dangling link too.
        let dangling = dir.path().join("dangling.csv");
        std::os::unix::fs::symlink(dir.path().join("nowhere"), &dangling).unwrap();
        assert!(write_private(&dangling, b"x", false).is_err());
        assert!(!dir.path().join("nowhere").exists());

        assert!(matches!(
            write_private(dir.path(), b"x", true),
            Err(WriteError::Failed(_))
        ));
        // No temporary file is left behind.
        let names: Vec<String> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert!(names.iter().all(|n| !n.ends_with(".tmp")), "{names:?}");
    }
}
