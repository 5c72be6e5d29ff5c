//! `tokdash find` and `tokdash revoke --from-stdin`: incident response for a leaked secret. The
//! secret is read from standard input, never from an argument; every account is listed at once
//! and the matching is [`crate::leak`]'s.
//!
//! Exit codes: 0 matches found (find) or the token verified revoked (revoke); 1 no match, or the
//! revoke failed, was refused or could not be verified; 2 usage; 3 some account or fingerprint
//! file could not be searched (it says which), whatever else happened.

mod find;
mod revoke;
mod tty;

use clap::{Args, Subcommand};
use futures::future::join_all;
use serde::Serialize;
use time::OffsetDateTime;

use super::trail::Trail;
use super::{EXIT_FAILED, EXIT_OK, EXIT_PARTIAL, EXIT_USAGE, Format};
use crate::audit::AuditLog;
use crate::leak::{
    self, Findings, Fingerprints, Match, MatchStatus, MatchedBy, Searched, Unsearched,
};
use crate::model::{ApiError, Listing, OpKind, Token, format_timestamp};
use crate::provider::{Account, ProviderKind, Registry};
use crate::secret::SecretString;
use crate::text::sanitize;

#[derive(Debug, Subcommand)]
pub enum IncidentCommand {
    /// Find the token a leaked secret belongs to. The secret is read from standard input
    Find(FindArgs),
    /// Revoke the token a leaked secret belongs to, then re-list to verify it is gone
    Revoke(RevokeArgs),
}

#[derive(Debug, Args)]
pub struct FindArgs {}

#[derive(Debug, Args)]
pub struct RevokeArgs {
    /// Read the leaked secret from standard input (required: a secret is never an argument)
    #[arg(long, required = true)]
    pub from_stdin: bool,
    /// Disable the token instead of deleting it (reversible; sematext only)
    #[arg(long)]
    pub disable: bool,
    /// Revoke every matching token (refused otherwise when several match)
    #[arg(long)]
    pub all: bool,
    /// Do not ask for confirmation (required when there is no terminal to ask on)
    #[arg(long, short = 'y')]
    pub yes: bool,
}

pub async fn run(command: IncidentCommand, registry: &Registry, format: Format, demo: bool) -> i32 {
    if registry.accounts.is_empty() {
        eprintln!("tokdash: no accounts are configured: there is nothing to search");
        return EXIT_USAGE;
    }
    if let IncidentCommand::Revoke(args) = &command
        && !args.yes
        && !tty::can_ask()
    {
        eprintln!(
            "tokdash: refusing to revoke without confirmation: there is no terminal to ask on \
             (the secret takes standard input); pass --yes to revoke anyway"
        );
        return EXIT_USAGE;
    }
    let secret = match tty::read_secret().await {
        Ok(s) => s,
        Err(message) => {
            eprintln!("tokdash: {message}");
            return EXIT_USAGE;
        }
    };
    let findings = search_all(&secret, registry, demo).await;
    match command {
        IncidentCommand::Find(_) => find::run(&findings, format),
        IncidentCommand::Revoke(args) => {
            revoke::run(
                &args,
                &secret,
                &findings,
                registry,
                format,
                &Trail::from_env(demo),
            )
            .await
        }
    }
}

/// Every account listed once, `[network] accounts_at_once` at a time, and the secret looked for in the lists and the
/// fingerprint files.
async fn search_all(secret: &SecretString, registry: &Registry, demo: bool) -> Findings {
    let lists = join_all(registry.accounts.iter().map(|a| async move {
        a.allows(OpKind::List).map_err(|r| r.to_string())?;
        a.list().await.map_err(|e| api_error_text(&e))
    }))
    .await;
    let accounts: Vec<Searched<'_>> = registry
        .accounts
        .iter()
        .zip(&lists)
        .map(|(a, listed)| Searched {
            account: &a.name,
            provider: a.kind,
            listing: listed
                .as_ref()
                .map(|l| l.tokens.as_slice())
                .map_err(String::as_str),
        })
        .collect();
    let fingerprints = match AuditLog::default_location(demo) {
        Some(log) => Fingerprints::load(log.dir()),
        None => Fingerprints::unavailable(
            "no state directory (neither $XDG_STATE_HOME nor $HOME is set)",
        ),
    };
    let mut findings = leak::search(secret, &accounts, &fingerprints);
    // An account listed in part was not searched whole: its matches stand, but "not listed"
    // cannot be told, and "no match" is not the answer.
    for (a, listed) in registry.accounts.iter().zip(&lists) {
        let Ok(Listing {
            partial: Some(reason),
            ..
        }) = listed
        else {
            continue;
        };
        findings.searched = findings.searched.saturating_sub(1);
        findings.unsearched.push(Unsearched {
            account: a.name.clone(),
            provider: a.kind,
            error: format!("listed in part: {reason}"),
        });
        for m in findings.matches.iter_mut() {
            if m.account == a.name && m.provider == a.kind && m.status == MatchStatus::NotListed {
                m.status = MatchStatus::AccountNotSearched;
            }
        }
    }
    tracing::info!(
        matches = findings.matches.len(),
        method = findings.method.map(|m| m.key()),
        searched = findings.searched,
        unsearched = findings.unsearched.len(),
        "leak search"
    );
    findings
}

/// An error with what to do about it.
fn api_error_text(e: &ApiError) -> String {
    match e.advice() {
        Some(advice) => format!("{e}; {advice}"),
        None => e.to_string(),
    }
}

/// `account (provider)`, safe to print.
fn account_label(account: &str, provider: ProviderKind) -> String {
    format!("{} ({provider})", sanitize(account))
}

/// `name (id)`, safe to print; the id masked where ids are secrets.
fn token_label(m: &Match) -> String {
    let name = m.name.as_deref().unwrap_or("(unnamed)");
    match &m.shown_id {
        Some(id) => format!("{name} ({id})"),
        None => name.to_owned(),
    }
}

fn registry_account<'a>(registry: &'a Registry, m: &Match) -> Option<&'a Account> {
    registry
        .accounts
        .iter()
        .find(|a| a.name == m.account && a.kind == m.provider)
}

/// Tell on stderr what could not be searched: the accounts and fingerprint files.
fn report_unsearched(f: &Findings) {
    for u in &f.unsearched {
        eprintln!(
            "tokdash: account {} could not be searched: {}",
            account_label(&u.account, u.provider),
            u.error
        );
    }
    for p in &f.unreadable {
        let path = p.path.display();
        eprintln!(
            "tokdash: fingerprint file {path} could not be searched: {}",
            p.error
        );
    }
    for (path, n) in &f.skipped_lines {
        eprintln!(
            "tokdash: warning: {} line(s) of {} are not fingerprint records and were skipped",
            n,
            path.display()
        );
    }
}

/// When nothing matched: say so without ever looking like "not found" if the search was
/// partial, then where the value could be from. Returns the exit code.
fn report_no_match(f: &Findings) -> i32 {
    let files = f.fingerprint_files.len();
    let searched = format!(
        "the listed secrets of {} account(s) and {files} fingerprint file(s)",
        f.searched
    );
    if f.is_partial() {
        let mut missing: Vec<String> = f.unsearched.iter().map(|u| sanitize(&u.account)).collect();
        missing.extend(f.unreadable.iter().map(|p| p.path.display().to_string()));
        eprintln!(
            "tokdash: no match in {searched}, but the search was partial: {} could not be \
             searched, and the secret may belong there",
            missing.join(", ")
        );
    } else {
        eprintln!("tokdash: no token matches this secret (searched {searched})");
    }
    for hint in &f.hints {
        eprintln!("tokdash: hint: the value {}", hint.sentence());
    }
    if f.hints.is_empty() {
        eprintln!("tokdash: hint: the value fits no provider's secret format");
    }
    if f.is_partial() {
        EXIT_PARTIAL
    } else {
        EXIT_FAILED
    }
}

/// The exit code once everything else went well.
fn ok_or_partial(f: &Findings) -> i32 {
    if f.is_partial() {
        EXIT_PARTIAL
    } else {
        EXIT_OK
    }
}

/// A token's age in a few characters: `5h`, `12d`.
fn age(created: OffsetDateTime) -> String {
    let d = OffsetDateTime::now_utc() - created;
    if d.whole_days() >= 1 {
        format!("{}d", d.whole_days())
    } else {
        format!("{}h", d.whole_hours().max(0))
    }
}

fn age_days(t: &Token) -> Option<i64> {
    t.created_at
        .map(|c| (OffsetDateTime::now_utc() - c).whole_days())
}

/// The JSON shape of one match. No secret, and the id masked where ids are secrets.
#[derive(Serialize)]
struct MatchJson {
    account: String,
    provider: ProviderKind,
    id: Option<String>,
    name: Option<String>,
    matched_by: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    fingerprint_file: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    recorded_at: Option<String>,
    status: &'static str,
    enabled: Option<bool>,
    created_at: Option<String>,
    age_days: Option<i64>,
    scopes: Vec<String>,
    created_by: Option<String>,
}

impl MatchJson {
    fn new(m: &Match) -> Self {
        let (file, recorded_at) = match &m.matched_by {
            MatchedBy::ListedSecret => (None, None),
            MatchedBy::Fingerprint { file, recorded_at } => {
                (Some(file.display().to_string()), recorded_at.clone())
            }
        };
        let t = m.token.as_ref();
        MatchJson {
            account: m.account.clone(),
            provider: m.provider,
            id: m.shown_id.clone(),
            name: m.name.clone(),
            matched_by: m.matched_by.method().key(),
            fingerprint_file: file,
            recorded_at,
            status: m.status.key(),
            enabled: t.and_then(|t| t.enabled),
            created_at: t.and_then(|t| t.created_at).map(format_timestamp),
            age_days: t.and_then(age_days),
            scopes: t.map(|t| t.scopes.clone()).unwrap_or_default(),
            created_by: m.created_by().map(str::to_owned),
        }
    }
}

#[derive(Serialize)]
struct UnsearchedJson {
    account: String,
    provider: ProviderKind,
    error: String,
}

fn unsearched_json(f: &Findings) -> Vec<UnsearchedJson> {
    f.unsearched
        .iter()
        .map(|u| UnsearchedJson {
            account: u.account.clone(),
            provider: u.provider,
            error: u.error.clone(),
        })
        .collect()
}

#[derive(Serialize)]
struct FileProblemJson {
    path: String,
    error: String,
}

fn unreadable_json(f: &Findings) -> Vec<FileProblemJson> {
    f.unreadable
        .iter()
        .map(|p| FileProblemJson {
            path: p.path.display().to_string(),
            error: p.error.clone(),
        })
        .collect()
}

/// The matches as table rows.
fn match_rows(matches: &[&Match]) -> String {
    let headers = [
        "ACCOUNT",
        "PROVIDER",
        "NAME",
        "ID",
        "MATCHED BY",
        "CREATED (UTC)",
        "AGE",
        "SCOPES",
        "CREATED BY",
        "STATUS",
    ];
    let rows = matches
        .iter()
        .map(|m| {
            let t = m.token.as_ref();
            let dash = || "-".to_owned();
            vec![
                sanitize(&m.account),
                m.provider.name().to_owned(),
                m.name.clone().unwrap_or_else(dash),
                m.shown_id.clone().unwrap_or_else(dash),
                m.matched_by.method().describe().to_owned(),
                t.and_then(|t| t.created_at)
                    .map(crate::model::human_time)
                    .unwrap_or_else(dash),
                t.and_then(|t| t.created_at).map(age).unwrap_or_else(dash),
                t.filter(|t| !t.scopes.is_empty())
                    .map(|t| t.scopes.join(","))
                    .unwrap_or_else(dash),
                m.created_by().map(str::to_owned).unwrap_or_else(dash),
                match t.and_then(|t| t.enabled) {
                    Some(false) => "listed, disabled".to_owned(),
                    _ => m.status.describe().to_owned(),
                },
            ]
        })
        .collect();
    super::output::table(&headers, rows)
}
