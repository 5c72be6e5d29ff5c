//! Token operations as data: what a confirmation holds, what a row shows while it runs, and
//! what the audit trail records.

use crate::audit::{Outcome, TokenLabel};
use crate::model::masked_id;
use crate::model::{Caps, NewToken, OpKind, TokenId};
use crate::provider::ProviderKind;

/// One token of one account, as an operation names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenRef {
    pub account: usize,
    pub id: TokenId,
    pub name: String,
}

impl TokenRef {
    /// The id as it may be shown or stored: masked where the provider's ids are secrets.
    pub fn shown_id(&self, caps: &Caps) -> String {
        masked_id(&self.id, caps)
    }
}

/// A change the user asked for. Destructive ones wait in `Modal::Confirm` until confirmed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Op {
    Create {
        account: usize,
        new: NewToken,
        /// A rotation: the token this one replaces, offered for deletion once the new secret
        /// has been shown.
        replaces: Option<TokenRef>,
    },
    /// One token, or several marked ones (offboarding); each is deleted on its own.
    Delete(Vec<TokenRef>),
    Rename(TokenRef, String),
    SetEnabled(TokenRef, bool),
    Regenerate(TokenRef),
}

impl Op {
    pub fn kind(&self) -> OpKind {
        match self {
            Op::Create { .. } => OpKind::Create,
            Op::Delete(_) => OpKind::Delete,
            Op::Rename(..) => OpKind::Rename,
            Op::SetEnabled(_, true) => OpKind::Enable,
            Op::SetEnabled(_, false) => OpKind::Disable,
            Op::Regenerate(_) => OpKind::Regenerate,
        }
    }

    /// The accounts the operation touches (several for a multi-account bulk delete).
    pub fn accounts(&self) -> Vec<usize> {
        let mut out: Vec<usize> = match self {
            Op::Create { account, .. } => vec![*account],
            Op::Delete(tokens) => tokens.iter().map(|t| t.account).collect(),
            Op::Rename(t, _) | Op::SetEnabled(t, _) | Op::Regenerate(t) => vec![t.account],
        };
        out.dedup();
        out
    }

    pub fn tokens(&self) -> Vec<&TokenRef> {
        match self {
            Op::Create { .. } => Vec::new(),
            Op::Delete(tokens) => tokens.iter().collect(),
            Op::Rename(t, _) | Op::SetEnabled(t, _) | Op::Regenerate(t) => vec![t],
        }
    }
}

/// An audit record the effects runner appends; built by `update`, written outside it.
#[derive(Debug, Clone)]
pub struct AuditEntry {
    pub account: String,
    pub provider: ProviderKind,
    pub op: OpKind,
    pub token: TokenLabel,
    pub outcome: Outcome,
    pub error: Option<String>,
}

impl PartialEq for AuditEntry {
    fn eq(&self, other: &Self) -> bool {
        self.account == other.account
            && self.provider == other.provider
            && self.op == other.op
            && self.token.id == other.token.id
            && self.token.name == other.token.name
            && self.outcome == other.outcome
            && self.error == other.error
    }
}
impl Eq for AuditEntry {}

/// An incident record ([`crate::audit::Incident`]) the effects runner appends: what was done
/// about a leaked secret's token. Of the secret it holds only a fingerprint prefix.
#[derive(Debug, Clone)]
pub struct IncidentEntry {
    pub account: String,
    pub provider: ProviderKind,
    /// The token, its id as it may be stored.
    pub token: TokenLabel,
    /// `listed_secret` or `fingerprint`.
    pub matched_by: &'static str,
    /// Delete, or disable.
    pub op: OpKind,
    pub outcome: Outcome,
    pub error: Option<String>,
    /// `gone`, `disabled`, `still_listed`, `still_enabled`, `not_verified` or `not_run`.
    pub verification: &'static str,
    pub fingerprint_prefix: String,
}

impl PartialEq for IncidentEntry {
    fn eq(&self, other: &Self) -> bool {
        self.account == other.account
            && self.provider == other.provider
            && self.token.id == other.token.id
            && self.token.name == other.token.name
            && self.matched_by == other.matched_by
            && self.op == other.op
            && self.outcome == other.outcome
            && self.error == other.error
            && self.verification == other.verification
            && self.fingerprint_prefix == other.fingerprint_prefix
    }
}
impl Eq for IncidentEntry {}

/// "deleting", "renaming", … for rows and toasts.
pub fn progressive(op: OpKind) -> &'static str {
    match op {
        OpKind::List => "listing",
        OpKind::Create => "creating",
        OpKind::Delete => "deleting",
        OpKind::Rename => "renaming",
        OpKind::Enable => "enabling",
        OpKind::Disable => "disabling",
        OpKind::Regenerate => "regenerating",
    }
}
