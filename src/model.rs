//! The provider-neutral vocabulary shared by the provider clients, the CLI and the dashboard:
//! tokens, operations, capabilities, errors, and the one gate that decides whether an operation
//! may run.

use std::fmt;
use std::time::Duration;

use crate::text::sanitize;

mod age;
mod expiry;
mod kind;
mod listing;
mod natural;
mod privilege;
mod secret_format;
mod token;
pub use age::{age_days, human_age, human_ago, human_time, is_stale};
pub use expiry::{DEFAULT_EXPIRING_WITHIN_DAYS, Expiry, is_expiring, parse_expiry};
pub use kind::ProviderKind;
pub use listing::Listing;
pub use natural::{fold_case, free_name, natural_cmp, natural_cmp_folded, natural_key};
pub use privilege::Privilege;
pub use secret_format::{Alphabet, SecretFormat, Shape};
pub use token::{AppRef, Created, EXPIRES_AT, Token, TokenId, format_timestamp, parse_timestamp};

/// The fields a user fills in to create a token. Which of them a provider takes is described by
/// its [`Caps::form`]; [`NewToken::unsupported_fields`] names the ones it would ignore.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NewToken {
    pub name: String,
    pub description: Option<String>,
    pub permissions: Vec<String>,
    pub role_id: Option<String>,
    pub readable: Option<bool>,
    pub writeable: Option<bool>,
    /// The rego policy of a qovery policy API token: setting it asks for that kind of token.
    pub opa_policy: Option<String>,
    /// When the new token stops working, where the provider takes an expiry.
    pub expires_at: Option<time::OffsetDateTime>,
}

impl NewToken {
    pub fn named(name: impl Into<String>) -> Self {
        NewToken {
            name: name.into(),
            ..Default::default()
        }
    }

    /// The keys of the fields that are set but that `form` does not list.
    pub fn unsupported_fields(&self, form: &[FieldSpec]) -> Vec<&'static str> {
        let set: [(&'static str, bool); 7] = [
            (FIELD_DESCRIPTION, self.description.is_some()),
            (FIELD_OPA_POLICY, self.opa_policy.is_some()),
            (FIELD_EXPIRES_AT, self.expires_at.is_some()),
            (FIELD_PERMISSIONS, !self.permissions.is_empty()),
            (FIELD_ROLE_ID, self.role_id.is_some()),
            (FIELD_READABLE, self.readable.is_some()),
            (FIELD_WRITEABLE, self.writeable.is_some()),
        ];
        set.iter()
            .filter(|(key, is_set)| *is_set && !form.iter().any(|f| f.key == *key))
            .map(|(key, _)| *key)
            .collect()
    }
}

pub const FIELD_NAME: &str = "name";
pub const FIELD_DESCRIPTION: &str = "description";
pub const FIELD_PERMISSIONS: &str = "permissions";
pub const FIELD_ROLE_ID: &str = "role_id";
pub const FIELD_READABLE: &str = "readable";
pub const FIELD_WRITEABLE: &str = "writeable";
pub const FIELD_OPA_POLICY: &str = "opa_policy";
pub const FIELD_EXPIRES_AT: &str = "expires_at";
/// The label a token's policy goes under among its facts (qovery's policy tokens), so that a
/// rotation can give the twin the same policy.
pub const OPA_POLICY_FACT: &str = "opa policy";

/// The one table of create-form fields: each `FIELD_*` key with the `tokdash create` flag that
/// sets it. Providers' forms ([`Caps::form`]) say which of these they take, by key.
const FIELD_FLAGS: [(&str, &str); 8] = [
    (FIELD_NAME, "--name"),
    (FIELD_DESCRIPTION, "--description"),
    (FIELD_PERMISSIONS, "--permission"),
    (FIELD_ROLE_ID, "--role-id"),
    (FIELD_READABLE, "--readable"),
    (FIELD_WRITEABLE, "--writeable"),
    (FIELD_OPA_POLICY, "--opa-policy"),
    (FIELD_EXPIRES_AT, "--expires-at"),
];

/// The `tokdash create` flag that sets the field `key`.
pub fn field_flag(key: &str) -> &'static str {
    FIELD_FLAGS
        .iter()
        .find(|(k, _)| *k == key)
        .map_or("(a field the command line cannot set)", |(_, flag)| flag)
}

/// What kind of input a create-form field takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldKind {
    /// Free text.
    Text,
    /// Any subset of fixed choices. `default` is what the provider grants when none is sent,
    /// so a form starts with it checked: it shows what will be sent.
    MultiChoice {
        choices: &'static [&'static str],
        default: &'static [&'static str],
    },
    /// On or off.
    Flag { default: bool },
    /// One value from a list the provider serves ([`crate::provider::Provider::form_choices`]),
    /// or none.
    RemoteChoice,
}

/// One field of a provider's create form, as data, so neither the UI nor the CLI branches on the
/// provider.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldSpec {
    /// One of the `FIELD_*` keys; [`FieldSpec::flag`] is the CLI flag that sets it.
    pub key: &'static str,
    pub label: &'static str,
    pub kind: FieldKind,
    pub required: bool,
    pub help: &'static str,
}

impl FieldSpec {
    /// The `tokdash create` flag that sets this field.
    pub fn flag(&self) -> &'static str {
        field_flag(self.key)
    }
}

/// What a provider can do beyond list, create and delete.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Caps {
    pub rename: bool,
    pub toggle: bool,
    pub regenerate: bool,
    /// The list response carries each token's secret.
    pub secret_on_list: bool,
    /// The token id is, or may be, the secret itself: mask it on screen.
    pub id_is_secret: bool,
    /// Names are unique within the account: a rotation's twin needs a new one.
    pub unique_names: bool,
    pub form: &'static [FieldSpec],
}

/// What stands for the hidden part of a secret-like id.
const ID_MASK: &str = "••••";
/// How many of a secret-like id's last characters [`masked_id`] shows.
const ID_TAIL: usize = 6;
/// The widest a masked id gets, in terminal columns: `••••` is four.
pub const MASKED_ID_WIDTH: usize = 4 + ID_TAIL;

/// A token id as tokdash shows or stores it, everywhere: the tokens table, the detail pane,
/// dialogs, the CLI's messages and the audit files.
///
/// Where the provider's ids double as secrets ([`Caps::id_is_secret`]: lagrello's `tokenKey`)
/// only `••••` and the id's **last six characters** are shown, and never more than a quarter of
/// the id. Other ids are shown whole. Why this rule:
///
/// - One rule everywhere, so `••••281706` in the table is `••••281706` in the delete dialog, on
///   stderr and in `audit.jsonl`, and it matches the end of the full id where that is shown
///   (`tokdash list`, the detail pane after a reveal).
/// - The tail, not the head: keys often share a fixed prefix (`lgk_…`), which neither tells
///   tokens apart nor is worth hiding.
/// - Six characters: of a UUID key's 122 random bits, 24 show and 98 stay hidden. Two of an
///   account's n tokens share a tail with odds of about n²/2²⁵: 1 in 3,000 for 100 tokens,
///   where four characters would collide 7% of the time. The token's name is shown beside it.
/// - At most a quarter, so a short secret-like id stays mostly hidden.
///
/// The result is sanitised: ids typed on the command line never went through [`Token::new`].
pub fn masked_id(id: &TokenId, caps: &Caps) -> String {
    let id = sanitize(id.as_str());
    if !caps.id_is_secret {
        return id;
    }
    let len = id.chars().count();
    let shown = ID_TAIL.min(len / 4);
    let tail: String = id.chars().skip(len - shown).collect();
    format!("{ID_MASK}{tail}")
}

/// Is `given` an id masked by [`masked_id`] (as `tokdash list` prints a secret-like id), rather
/// than an id? A command that takes an id finds the one token whose masked id it is.
pub fn is_masked_id(given: &str) -> bool {
    given.starts_with(ID_MASK)
}

/// A change to an existing token (rename and enable/disable share one provider call).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TokenUpdate {
    pub name: Option<String>,
    pub enabled: Option<bool>,
}

/// The operations tokdash can run against an account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OpKind {
    List,
    Create,
    Delete,
    Rename,
    Enable,
    Disable,
    Regenerate,
}

impl OpKind {
    pub const ALL: [OpKind; 7] = [
        OpKind::List,
        OpKind::Create,
        OpKind::Delete,
        OpKind::Rename,
        OpKind::Enable,
        OpKind::Disable,
        OpKind::Regenerate,
    ];

    /// Does this operation change anything at the provider?
    pub fn is_change(self) -> bool {
        self != OpKind::List
    }

    pub fn verb(self) -> &'static str {
        match self {
            OpKind::List => "list",
            OpKind::Create => "create",
            OpKind::Delete => "delete",
            OpKind::Rename => "rename",
            OpKind::Enable => "enable",
            OpKind::Disable => "disable",
            OpKind::Regenerate => "regenerate",
        }
    }

    fn supported_by(self, caps: &Caps) -> bool {
        match self {
            OpKind::List | OpKind::Create | OpKind::Delete => true,
            OpKind::Rename => caps.rename,
            OpKind::Enable | OpKind::Disable => caps.toggle,
            OpKind::Regenerate => caps.regenerate,
        }
    }
}

impl fmt::Display for OpKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.verb())
    }
}

/// Why the gate refused an operation.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("account {} is read-only: {op} is not allowed", sanitize(.account))]
    ReadOnly { account: String, op: OpKind },
    #[error("{provider} cannot {op} tokens")]
    Unsupported { provider: ProviderKind, op: OpKind },
}

/// The one place that decides whether `op` may run on an account: read-only mode first, then the
/// provider's capabilities. The CLI, the reducer and the key hints all ask here.
pub fn gate(
    op: OpKind,
    account: &str,
    read_only: bool,
    provider: ProviderKind,
    caps: &Caps,
) -> Result<(), Refusal> {
    if read_only && op.is_change() {
        return Err(Refusal::ReadOnly {
            account: account.to_owned(),
            op,
        });
    }
    if !op.supported_by(caps) {
        return Err(Refusal::Unsupported { provider, op });
    }
    Ok(())
}

/// A failed provider call. Messages are the provider's own where it gave one, sanitised.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApiError {
    #[error("authentication failed: {0}")]
    Unauthorized(String),
    #[error("forbidden: {0}")]
    Forbidden(String),
    #[error("not found: {0}")]
    NotFound(String),
    #[error("conflict: {0}")]
    Conflict(String),
    #[error("rate limited{}: {message}", retry_suffix(.retry_after))]
    RateLimited {
        retry_after: Option<Duration>,
        message: String,
    },
    #[error("rejected (HTTP {status}): {message}")]
    BadRequest { status: u16, message: String },
    #[error("server error (HTTP {status}): {message}")]
    Server { status: u16, message: String },
    #[error("unexpected redirect (HTTP {status}) to {location}: check base_url")]
    Redirect { status: u16, location: String },
    #[error("network error: {0}")]
    Network(String),
    #[error("timed out: {0}")]
    Timeout(String),
    #[error("could not read the response: {0}")]
    Decode(String),
    #[error("credential unavailable: {0}")]
    Credential(String),
    /// The account's entry does not fit what the provider has (an app id the credential cannot
    /// see; a create that must be told which app), found only when the provider is asked.
    #[error("{0}")]
    Misconfigured(String),
    #[error("{0}")]
    Refused(#[from] Refusal),
    /// The provider would not take the request as asked, so the client did not send it (an
    /// expiry on a qovery token kind that has none); the message says what to change.
    #[error("{0}")]
    Invalid(String),
}

fn retry_suffix(retry_after: &Option<Duration>) -> String {
    match retry_after {
        Some(d) => format!(" (retry after {}s)", d.as_secs()),
        None => String::new(),
    }
}

impl ApiError {
    /// A few words for a status column: "auth failed", "unreachable", "rate limited", ….
    pub fn short(&self) -> &'static str {
        match self {
            ApiError::Unauthorized(_) => "auth failed",
            ApiError::Forbidden(_) => "forbidden",
            ApiError::NotFound(_) => "not found",
            ApiError::Conflict(_) => "conflict",
            ApiError::RateLimited { .. } => "rate limited",
            ApiError::BadRequest { .. } => "rejected",
            ApiError::Server { .. } => "server error",
            ApiError::Redirect { .. } => "redirected",
            ApiError::Network(_) => "unreachable",
            ApiError::Timeout(_) => "timed out",
            ApiError::Decode(_) => "bad response",
            ApiError::Credential(_) => "no credential",
            ApiError::Misconfigured(_) => "misconfigured",
            ApiError::Refused(_) => "refused",
            ApiError::Invalid(_) => "not sent",
        }
    }

    /// What the user can do about it, in a few words; `None` where the message says it already.
    pub fn advice(&self) -> Option<&'static str> {
        Some(match self {
            ApiError::Unauthorized(_) => "check the account's credential",
            ApiError::Forbidden(_) => "the account's credential lacks the permission for this",
            ApiError::NotFound(_) => "it may be gone already; list the account's tokens to check",
            ApiError::Conflict(_) => "re-list the account's tokens and try again",
            ApiError::RateLimited { .. } => "wait a little and try again",
            ApiError::Server { .. } => "the provider is in trouble; try again later",
            ApiError::Network(_) => "check the network and the account's base_url",
            ApiError::Timeout(_) => "re-list the account's tokens to see whether it happened",
            ApiError::Decode(_) => "check that the account's base_url points at the provider's API",
            ApiError::Credential(_) => "fix the account's credential in the config file",
            ApiError::Misconfigured(_) => "fix the account's entry in the config file",
            ApiError::BadRequest { .. }
            | ApiError::Redirect { .. }
            | ApiError::Refused(_)
            | ApiError::Invalid(_) => {
                return None;
            }
        })
    }

    /// For a change: the request may have taken effect although no answer came back, so it
    /// must not be retried blindly. A 502 or 504 is a proxy saying the provider did not answer
    /// *it*: the provider may have done the work all the same.
    pub fn outcome_unknown(&self) -> bool {
        matches!(
            self,
            ApiError::Timeout(_)
                | ApiError::Network(_)
                | ApiError::Decode(_)
                | ApiError::Server {
                    status: 502 | 504,
                    ..
                }
        )
    }
}

/// How both front ends word a failed operation: the dashboard's toasts and bulk-delete report,
/// the CLI's stderr and the audit record alike. Each front end names the operation its own way
/// (`what`: the account, the operation and the token); the failure and the advice are worded
/// here, once.
impl ApiError {
    /// `{what} failed: {error}; {advice}`, e.g. "ci-1: delete deploy failed: forbidden: …; the
    /// account's credential lacks the permission for this". `list` is how this front end lists
    /// an account's tokens (the CLI's command line), named where the advice sends the user there.
    pub fn failure_text(&self, what: &str, list: Option<&str>) -> String {
        let mut text = format!("{what} failed: {self}");
        if let Some(advice) = self.advice() {
            text.push_str("; ");
            text.push_str(advice);
            if let Some(list) = list.filter(|_| self.advice_lists()) {
                text.push_str(&format!(" (`{list}`)"));
            }
        }
        text
    }

    /// A change that got no answer ([`ApiError::outcome_unknown`]): it may have happened, so it must be checked, never retried blindly. The front end says what it does
    /// next (the dashboard re-lists; the CLI names the command that does).
    pub fn unknown_outcome_text(&self, what: &str, op: OpKind) -> String {
        let maybe = match op {
            OpKind::Regenerate => {
                "the token may have been regenerated anyway, in which case its old secret no \
                 longer works and the new one is lost"
            }
            OpKind::Create => "the token may have been created anyway",
            OpKind::Delete => "the token may have been deleted anyway",
            _ => "the change may have been made anyway",
        };
        format!("{what}: outcome unknown ({self}): {maybe}")
    }

    /// Does [`ApiError::advice`] send the user to the account's token list?
    fn advice_lists(&self) -> bool {
        matches!(
            self,
            ApiError::NotFound(_) | ApiError::Conflict(_) | ApiError::Timeout(_)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NO_EXTRAS: Caps = Caps {
        rename: false,
        toggle: false,
        regenerate: false,
        secret_on_list: false,
        id_is_secret: false,
        unique_names: false,
        form: &[],
    };

    #[test]
    fn read_only_refuses_every_change_but_not_list() {
        for op in OpKind::ALL {
            let r = gate(op, "a", true, ProviderKind::Fluid, &NO_EXTRAS);
            assert_eq!(r.is_ok(), op == OpKind::List, "{op}");
        }
    }

    #[test]
    fn missing_capability_names_the_provider() {
        let r = gate(OpKind::Rename, "a", false, ProviderKind::Qovery, &NO_EXTRAS).unwrap_err();
        assert_eq!(r.to_string(), "qovery cannot rename tokens");
    }

    const SECRET_IDS: Caps = Caps {
        id_is_secret: true,
        ..NO_EXTRAS
    };

    #[test]
    fn secret_like_ids_show_only_their_last_six_characters() {
        let key = TokenId::new("13777603-bdf9-48f7-a493-3b4a94e8be02");
        assert_eq!(masked_id(&key, &SECRET_IDS), "••••e8be02");
        assert_eq!(masked_id(&key, &NO_EXTRAS), key.as_str());
        assert!(masked_id(&key, &SECRET_IDS).chars().count() <= MASKED_ID_WIDTH);
    }

    #[test]
    fn short_secret_like_ids_show_at_most_a_quarter() {
        let masked = |id: &str| masked_id(&TokenId::new(id), &SECRET_IDS);
        assert_eq!(masked("abcdefgh"), "••••gh");
        assert_eq!(masked("abc"), "••••");
        assert_eq!(masked(""), "••••");
    }

    #[test]
    fn a_masked_id_is_told_from_an_id() {
        let key = TokenId::new("13777603-bdf9-48f7-a493-3b4a94e8be02");
        assert!(is_masked_id(&masked_id(&key, &SECRET_IDS)));
        assert!(!is_masked_id(&masked_id(&key, &NO_EXTRAS)));
    }

    #[test]
    fn masked_ids_are_sanitised() {
        let typed = TokenId::new("id\x1b[2J");
        assert_eq!(masked_id(&typed, &NO_EXTRAS), "id\\x1b[2J");
    }

    #[test]
    fn a_failure_is_worded_once_with_its_advice() {
        let e = ApiError::Server {
            status: 500,
            message: "oops".into(),
        };
        assert_eq!(
            e.failure_text("acme: delete ci", None),
            "acme: delete ci failed: server error (HTTP 500): oops; the provider is in trouble; \
             try again later"
        );
        let gone = ApiError::NotFound("no such token".into());
        assert_eq!(
            gone.failure_text("s-1: delete token 1", Some("tokdash list --account s-1")),
            "s-1: delete token 1 failed: not found: no such token; it may be gone already; list \
             the account's tokens to check (`tokdash list --account s-1`)"
        );
        let refused = ApiError::BadRequest {
            status: 422,
            message: "name taken".into(),
        };
        assert_eq!(
            refused.failure_text("x", Some("tokdash list")),
            "x failed: rejected (HTTP 422): name taken"
        );
    }

    #[test]
    fn every_create_flag_has_one_entry() {
        for (key, flag) in FIELD_FLAGS {
            assert_eq!(field_flag(key), flag);
        }
        assert_eq!(field_flag(FIELD_PERMISSIONS), "--permission");
    }
}
