//! Why a command stopped, and how it is said. The failure and its advice are worded once, by
//! [`ApiError::failure_text`], for the dashboard and the CLI alike; here the CLI names the
//! account, the operation and the token, and the command that lists the account's tokens.

use super::{EXIT_FAILED, EXIT_USAGE, output};
use crate::audit::Outcome as AuditOutcome;
use crate::model::{ApiError, OpKind, Refusal};
use crate::provider::Account;
use crate::text::sanitize;

/// Why a command stopped.
pub enum Failure {
    /// Bad flags, or a missing `--yes` where nobody can be asked: exit 2.
    Usage(String),
    /// The gate said no, or the user answered no; nothing was sent: exit 1.
    Refused(String),
    /// The provider refused or could not be reached: exit 1.
    Failed(String),
    /// A change got no answer (a timeout), so it may have happened: exit 1.
    Unknown(String),
    /// A second signal came while the change was in flight: tokdash quits without its outcome,
    /// which stays `pending` in the audit trail. Exits with the code given (128 + the signal).
    Abandoned(String, i32),
}

impl Failure {
    /// What the user is told, and what the audit record keeps.
    pub fn message(&self) -> &str {
        match self {
            Failure::Usage(m)
            | Failure::Refused(m)
            | Failure::Failed(m)
            | Failure::Unknown(m)
            | Failure::Abandoned(m, _) => m,
        }
    }

    pub fn exit_code(&self) -> i32 {
        match self {
            Failure::Usage(_) => EXIT_USAGE,
            Failure::Refused(_) | Failure::Failed(_) | Failure::Unknown(_) => EXIT_FAILED,
            Failure::Abandoned(_, code) => *code,
        }
    }

    /// How the attempt ends up in the audit log: [`AuditOutcome::Pending`] (no outcome record)
    /// when it was abandoned in flight.
    pub fn audit_outcome(&self) -> AuditOutcome {
        match self {
            Failure::Usage(_) | Failure::Refused(_) => AuditOutcome::Refused,
            Failure::Failed(_) => AuditOutcome::Failed,
            Failure::Unknown(_) => AuditOutcome::Unknown,
            Failure::Abandoned(..) => AuditOutcome::Pending,
        }
    }
}

/// A command's end: its exit code, or why it stopped.
pub type Outcome = Result<i32, Failure>;

impl From<Refusal> for Failure {
    fn from(r: Refusal) -> Self {
        Failure::Refused(r.to_string())
    }
}

/// The command that lists an account's tokens, for messages that send the user there.
pub fn list_command(account: &Account) -> String {
    format!(
        "tokdash list --account {}",
        output::shell_word(&sanitize(&account.name))
    )
}

/// An operation as the CLI's messages name it: "account ci-1 (fluid): delete token HTK-1001".
/// `token` is the token's name or its id as it may be shown.
pub fn subject(account: &Account, op: OpKind, token: Option<&str>) -> String {
    let what = match (op, token) {
        (OpKind::List, _) => "list tokens".to_owned(),
        (_, Some(t)) => format!("{} token {t}", op.verb()),
        (_, None) => format!("{} a token", op.verb()),
    };
    format!(
        "account {} ({}): {what}",
        sanitize(&account.name),
        account.kind
    )
}

/// A provider call that failed, said with the account and token it was about and what to do.
pub fn api_failure(e: ApiError, account: &Account, op: OpKind, token: Option<&str>) -> Failure {
    if let ApiError::Refused(r) = e {
        return r.into();
    }
    let what = subject(account, op, token);
    Failure::Failed(e.failure_text(&what, Some(&list_command(account))))
}

/// A change that got no answer (a timeout, a broken connection, a 502 or 504) may still have
/// happened at the provider. Say so plainly and point at the check; never retry, which could
/// make a second token.
pub fn outcome_unknown(e: ApiError, account: &Account, op: OpKind, token: &str) -> Failure {
    if !e.outcome_unknown() {
        return api_failure(e, account, op, Some(token));
    }
    let why = match op {
        OpKind::Create => ", so as not to make a second one",
        _ => "",
    };
    Failure::Unknown(format!(
        "{}; run `{}` to check before trying again{why}",
        e.unknown_outcome_text(&subject(account, op, Some(token)), op),
        list_command(account)
    ))
}
