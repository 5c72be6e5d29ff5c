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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secret::ExposeSecret;
    use std::os::unix::fs::PermissionsExt;

    const PLAIN: Caps = Caps {
        rename: false,
        toggle: false,
        regenerate: false,
        secret_on_list: false,
        id_is_secret: false,
        form: &[],
    };
    const SECRET_IDS: Caps = Caps {
        id_is_secret: true,
        ..PLAIN
    };

    #[test]
    fn records_are_json_lines_in_a_private_file() {
        let dir = tempfile::tempdir().unwrap();
        let log = AuditLog::new(dir.path());
        let label = TokenLabel::new(Some(&TokenId::new("1201")), Some("ci"), &PLAIN);
        log.record(
            "s-1",
            ProviderKind::Sematext,
            OpKind::Delete,
            &label,
            Outcome::Ok,
            None,
        )
        .unwrap();
        log.record(
            "s-1",
            ProviderKind::Sematext,
            OpKind::Rename,
            &label,
            Outcome::Failed,
            Some("not found"),
        )
        .unwrap();
        let path = dir.path().join(AUDIT_FILE);
        let text = std::fs::read_to_string(&path).unwrap();
        let lines: Vec<serde_json::Value> = text
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0]["operation"], "delete");
        assert_eq!(lines[0]["outcome"], "ok");
        assert_eq!(lines[0]["token_id"], "1201");
        assert_eq!(lines[1]["error"], "not found");
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }

    #[test]
    fn an_attempt_is_pending_then_ends_under_one_id() {
        let dir = tempfile::tempdir().unwrap();
        let log = AuditLog::new(dir.path());
        let label = TokenLabel::new(Some(&TokenId::new("1201")), Some("ci"), &PLAIN);
        let first = Attempt::new("s-1", ProviderKind::Sematext, OpKind::Delete);
        let second = Attempt::new("s-1", ProviderKind::Sematext, OpKind::Delete);
        assert_ne!(first.id(), second.id());
        log.pending(&first, &label).unwrap();
        log.pending(&second, &label).unwrap();
        log.finish(&first, &label, Outcome::Ok, None).unwrap();
        log.record(
            "s-1",
            ProviderKind::Sematext,
            OpKind::Rename,
            &label,
            Outcome::Refused,
            Some("read-only"),
        )
        .unwrap();
        let text = std::fs::read_to_string(dir.path().join(AUDIT_FILE)).unwrap();
        let lines: Vec<serde_json::Value> = text
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        let outcomes: Vec<(&str, &str)> = lines
            .iter()
            .map(|l| {
                (
                    l["attempt"].as_str().unwrap(),
                    l["outcome"].as_str().unwrap(),
                )
            })
            .collect();
        assert_eq!(
            outcomes[..3],
            [
                (first.id(), "pending"),
                (second.id(), "pending"),
                (first.id(), "ok"),
            ]
        );
        // A refusal is an attempt of its own, with one record.
        assert_eq!(outcomes[3].1, "refused");
        assert!(![first.id(), second.id()].contains(&outcomes[3].0));
        assert_eq!(lines[0]["operation"], "delete");
        assert_eq!(lines[0]["token_id"], "1201");
        assert!(lines[0]["error"].is_null());
    }

    #[test]
    fn fingerprints_hold_the_hash_not_the_secret_and_mask_secret_ids() {
        let dir = tempfile::tempdir().unwrap();
        let log = AuditLog::new(dir.path());
        let secret = SecretString::from("13777603-bdf9-48f7-a493-3b4a94e8be02".to_owned());
        let id = TokenId::new(secret.expose_secret());
        let label = TokenLabel::new(Some(&id), Some("ci-deploy"), &SECRET_IDS);
        log.fingerprint("l-1", ProviderKind::Lagrello, &label, &secret)
            .unwrap();
        let text = std::fs::read_to_string(dir.path().join(FINGERPRINTS_FILE)).unwrap();
        assert!(!text.contains(secret.expose_secret()), "{text}");
        assert!(text.contains(&fingerprint(&secret)));
        assert!(text.contains("\"token_id\":\"••••e8be02\""), "{text}");
    }

    #[test]
    fn demo_sessions_keep_their_trail_apart() {
        let (Some(real), Some(demo)) = (
            AuditLog::default_location(false),
            AuditLog::default_location(true),
        ) else {
            return; // no home directory: nowhere to write at all
        };
        assert_eq!(demo.dir(), real.dir().join("demo"));
    }

    #[test]
    fn an_existing_open_file_is_narrowed_to_0600() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(AUDIT_FILE);
        std::fs::write(&path, "").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        AuditLog::new(dir.path())
            .record(
                "a",
                ProviderKind::Fluid,
                OpKind::Create,
                &TokenLabel::default(),
                Outcome::Refused,
                Some("read-only"),
            )
            .unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }

    #[test]
    fn a_symlinked_trail_is_refused_and_its_target_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        let victim = dir.path().join("victim");
        std::fs::write(&victim, "").unwrap();
        std::fs::set_permissions(&victim, std::fs::Permissions::from_mode(0o644)).unwrap();
        let state = dir.path().join("state");
        std::fs::create_dir(&state).unwrap();
        for file in [AUDIT_FILE, FINGERPRINTS_FILE] {
            std::os::unix::fs::symlink(&victim, state.join(file)).unwrap();
        }
        let log = AuditLog::new(&state);
        let label = TokenLabel::default();
        let err = log
            .record(
                "a",
                ProviderKind::Fluid,
                OpKind::Create,
                &label,
                Outcome::Refused,
                None,
            )
            .unwrap_err();
        assert!(err.to_string().contains("symbolic link"), "{err}");
        let secret = SecretString::from("s".to_owned());
        assert!(
            log.fingerprint("a", ProviderKind::Fluid, &label, &secret)
                .is_err()
        );
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "");
        let mode = std::fs::metadata(&victim).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o644, "the link's target keeps its mode");
        let mode = std::fs::metadata(&state).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o700, "the state directory is narrowed to 0700");
    }

    #[test]
    fn incident_records_keep_only_a_fingerprint_prefix() {
        let dir = tempfile::tempdir().unwrap();
        let label = TokenLabel {
            id: Some("1202".into()),
            name: Some("shipper".into()),
        };
        let full = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
        AuditLog::new(dir.path())
            .incident(&Incident {
                account: "s-1",
                provider: ProviderKind::Sematext,
                token: &label,
                matched_by: "listed_secret",
                op: OpKind::Delete,
                outcome: Outcome::Ok,
                error: None,
                verification: "gone",
                fingerprint_prefix: full,
            })
            .unwrap();
        let text = std::fs::read_to_string(dir.path().join(AUDIT_FILE)).unwrap();
        let v: serde_json::Value = serde_json::from_str(text.trim()).unwrap();
        assert_eq!(v["kind"], "incident");
        assert_eq!(v["operation"], "delete");
        assert_eq!(v["verification"], "gone");
        assert_eq!(v["fingerprint_prefix"], "0123456789ab");
        assert!(!text.contains(full));
    }
}
