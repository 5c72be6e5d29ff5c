//! The audit trail: every change attempted through tokdash, and a fingerprint of every secret it
//! created, appended as JSON lines under the state directory (0700) with mode 0600, never through
//! a symbolic link (see [`crate::paths::open_private_append`]).
//!
//! A change that is sent to a provider leaves two records with the same `attempt` id: `pending`
//! before the request goes out, and its outcome when the answer (or the lack of one) is known. So
//! a process killed mid-request still leaves the attempt on record: a `pending` record with no
//! later record of its attempt is a change whose outcome nobody saw. A change refused before any
//! request leaves one record.
//!
//! A delivery of a new secret to a sink leaves one `delivery` record: the sink, the token and
//! how it went.
//!
//! The secret itself is never written. A fingerprint is its SHA-256, so a secret pasted later can
//! be matched to the account and token it came from. Ids that may themselves be secrets (see
//! `Caps::id_is_secret`) are written masked, by the same rule as on screen
//! ([`crate::model::masked_id`]).

use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use serde::Serialize;
use time::OffsetDateTime;

use crate::model::{Caps, OpKind, TokenId, format_timestamp, masked_id};
use crate::provider::ProviderKind;
use crate::secret::{SecretString, fingerprint};

pub const AUDIT_FILE: &str = "audit.jsonl";
pub const FINGERPRINTS_FILE: &str = "fingerprints.jsonl";

/// How an attempted change ended, or that it has not ended yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// The request is about to be sent; a later record of the same attempt says how it ended.
    Pending,
    Ok,
    Failed,
    /// Refused before any request: read-only, or the provider lacks the operation.
    Refused,
    /// No answer came back (a timeout): the change may or may not have happened.
    Unknown,
}

/// Which token a record is about, as it may be written to disk.
#[derive(Debug, Clone, Default)]
pub struct TokenLabel {
    pub id: Option<String>,
    pub name: Option<String>,
}

impl TokenLabel {
    /// The id as it may be stored: masked by [`masked_id`] where the provider's ids double as
    /// secrets, exactly as the screen shows it.
    pub fn new(id: Option<&TokenId>, name: Option<&str>, caps: &Caps) -> Self {
        TokenLabel {
            id: id.map(|id| masked_id(id, caps)),
            name: name.map(str::to_owned),
        }
    }
}

/// One attempted change: what both of its records (`pending`, then the outcome) share.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attempt {
    id: String,
    account: String,
    provider: ProviderKind,
    op: OpKind,
}

impl Attempt {
    /// A new attempt with an id no other attempt has: the time, the process id and a counter,
    /// so two tokdash processes writing to one trail never share one.
    pub fn new(account: &str, provider: ProviderKind, op: OpKind) -> Self {
        static NEXT: AtomicU64 = AtomicU64::new(0);
        let now = OffsetDateTime::now_utc().unix_timestamp_nanos();
        let seq = NEXT.fetch_add(1, Ordering::Relaxed);
        Attempt {
            id: format!("{now:x}-{:x}-{seq}", std::process::id()),
            account: account.to_owned(),
            provider,
            op,
        }
    }

    /// The `attempt` field of its records.
    pub fn id(&self) -> &str {
        &self.id
    }

    pub fn account(&self) -> &str {
        &self.account
    }

    pub fn provider(&self) -> ProviderKind {
        self.provider
    }

    pub fn op(&self) -> OpKind {
        self.op
    }
}

/// What every record of a change says, whether an attempt's or an incident's.
#[derive(Serialize)]
struct ChangeFields<'a> {
    account: &'a str,
    provider: ProviderKind,
    token_id: Option<&'a str>,
    token_name: Option<&'a str>,
    operation: &'a str,
    outcome: Outcome,
    error: Option<&'a str>,
}

#[derive(Serialize)]
struct AuditLine<'a> {
    time: String,
    attempt: &'a str,
    #[serde(flatten)]
    change: ChangeFields<'a>,
}

#[derive(Serialize)]
struct FingerprintLine<'a> {
    time: String,
    account: &'a str,
    provider: ProviderKind,
    token_id: Option<&'a str>,
    token_name: Option<&'a str>,
    sha256: String,
}

/// Appends to the audit and fingerprint files in one directory.
#[derive(Debug, Clone)]
pub struct AuditLog {
    dir: PathBuf,
}

impl AuditLog {
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        AuditLog { dir: dir.into() }
    }

    /// The log in the user's state directory, if there is a home to put it in. Demo sessions
    /// (whose accounts and secrets are the sandbox's fakes) keep theirs in a `demo` folder
    /// beside it, so an auditor's trail holds only real accounts.
    pub fn default_location(demo: bool) -> Option<Self> {
        crate::paths::state_dir()
            .map(|dir| AuditLog::new(if demo { dir.join("demo") } else { dir }))
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Record an attempt that ended before any request was sent (a refusal): its one record.
    pub fn record(
        &self,
        account: &str,
        provider: ProviderKind,
        op: OpKind,
        token: &TokenLabel,
        outcome: Outcome,
        error: Option<&str>,
    ) -> io::Result<()> {
        let attempt = Attempt::new(account, provider, op);
        self.finish(&attempt, token, outcome, error)
    }

    /// Record that `attempt`'s request is about to be sent: write this before sending it, and
    /// [`AuditLog::finish`] the attempt when its outcome is known.
    pub fn pending(&self, attempt: &Attempt, token: &TokenLabel) -> io::Result<()> {
        self.write(attempt, token, Outcome::Pending, None)
    }

    /// Record how `attempt` ended. `outcome` is never [`Outcome::Pending`].
    pub fn finish(
        &self,
        attempt: &Attempt,
        token: &TokenLabel,
        outcome: Outcome,
        error: Option<&str>,
    ) -> io::Result<()> {
        debug_assert_ne!(outcome, Outcome::Pending, "an outcome ends an attempt");
        self.write(attempt, token, outcome, error)
    }

    fn write(
        &self,
        attempt: &Attempt,
        token: &TokenLabel,
        outcome: Outcome,
        error: Option<&str>,
    ) -> io::Result<()> {
        let line = AuditLine {
            time: now(),
            attempt: &attempt.id,
            change: ChangeFields {
                account: &attempt.account,
                provider: attempt.provider,
                token_id: token.id.as_deref(),
                token_name: token.name.as_deref(),
                operation: attempt.op.verb(),
                outcome,
                error,
            },
        };
        self.append(AUDIT_FILE, &line)
    }

    /// Record the fingerprint of a secret tokdash just created or regenerated.
    pub fn fingerprint(
        &self,
        account: &str,
        provider: ProviderKind,
        token: &TokenLabel,
        secret: &SecretString,
    ) -> io::Result<()> {
        let line = FingerprintLine {
            time: now(),
            account,
            provider,
            token_id: token.id.as_deref(),
            token_name: token.name.as_deref(),
            sha256: fingerprint(secret),
        };
        self.append(FINGERPRINTS_FILE, &line)
    }

    fn append(&self, file: &str, line: &impl Serialize) -> io::Result<()> {
        crate::paths::private_dir(&self.dir)?;
        let path = self.dir.join(file);
        let mut f = crate::paths::open_private_append(&path)?;
        let mut bytes = serde_json::to_vec(line).map_err(io::Error::other)?;
        bytes.push(b'\n');
        // One write call per line, so concurrent tokdash processes do not interleave records.
        f.write_all(&bytes)
    }
}

fn now() -> String {
    format_timestamp(OffsetDateTime::now_utc())
}

/// One action taken on a leaked secret's token (`tokdash revoke --from-stdin`): an audit line of
/// its own kind, saying how the token was matched and whether a re-list confirmed the action.
/// Of the secret it holds only a short fingerprint prefix.
#[derive(Debug, Clone)]
pub struct Incident<'a> {
    pub account: &'a str,
    pub provider: ProviderKind,
    /// The token, with its id as it may be stored.
    pub token: &'a TokenLabel,
    /// `listed_secret` or `fingerprint`.
    pub matched_by: &'a str,
    /// Delete, or disable.
    pub op: OpKind,
    pub outcome: Outcome,
    pub error: Option<&'a str>,
    /// What the re-list showed: `gone`, `disabled`, `still_listed`, `not_verified`, or
    /// `not_run` when the action did not happen.
    pub verification: &'a str,
    /// The first hex digits of the secret's SHA-256; longer values are cut to
    /// [`FINGERPRINT_PREFIX_LEN`].
    pub fingerprint_prefix: &'a str,
}

/// How many hex digits of a secret's SHA-256 may be shown or stored to tell incidents apart:
/// the most of a fingerprint an incident record keeps.
pub const FINGERPRINT_PREFIX_LEN: usize = 12;

#[derive(Serialize)]
struct IncidentLine<'a> {
    time: String,
    kind: &'static str,
    #[serde(flatten)]
    change: ChangeFields<'a>,
    matched_by: &'a str,
    verification: &'a str,
    fingerprint_prefix: String,
}

impl AuditLog {
    /// Record an action taken on a leaked secret's token, in the audit file.
    pub fn incident(&self, incident: &Incident<'_>) -> io::Result<()> {
        let line = IncidentLine {
            time: now(),
            kind: "incident",
            change: ChangeFields {
                account: incident.account,
                provider: incident.provider,
                token_id: incident.token.id.as_deref(),
                token_name: incident.token.name.as_deref(),
                operation: incident.op.verb(),
                outcome: incident.outcome,
                error: incident.error,
            },
            matched_by: incident.matched_by,
            verification: incident.verification,
            fingerprint_prefix: incident
                .fingerprint_prefix
                .chars()
                .take(FINGERPRINT_PREFIX_LEN)
                .collect(),
        };
        self.append(AUDIT_FILE, &line)
    }
}

/// One delivery of a new secret to a sink: which sink, for which token, and how it went. Never
/// the secret, nor what the sink printed (which may quote it): only why it failed.
#[derive(Debug, Clone)]
pub struct Delivery<'a> {
    pub account: &'a str,
    pub provider: ProviderKind,
    /// The token, with its id as it may be stored.
    pub token: &'a TokenLabel,
    pub sink: &'a str,
    /// [`Outcome::Ok`] or [`Outcome::Failed`].
    pub outcome: Outcome,
    pub error: Option<&'a str>,
}

#[derive(Serialize)]
struct DeliveryLine<'a> {
    time: String,
    kind: &'static str,
    account: &'a str,
    provider: ProviderKind,
    token_id: Option<&'a str>,
    token_name: Option<&'a str>,
    sink: &'a str,
    outcome: Outcome,
    error: Option<&'a str>,
}

impl AuditLog {
    /// Record a delivery of a new secret to a sink, in the audit file.
    pub fn delivery(&self, delivery: &Delivery<'_>) -> io::Result<()> {
        let line = DeliveryLine {
            time: now(),
            kind: "delivery",
            account: delivery.account,
            provider: delivery.provider,
            token_id: delivery.token.id.as_deref(),
            token_name: delivery.token.name.as_deref(),
            sink: delivery.sink,
            outcome: delivery.outcome,
            error: delivery.error,
        };
        self.append(AUDIT_FILE, &line)
    }
}

#[cfg(test)]
mod tests;
