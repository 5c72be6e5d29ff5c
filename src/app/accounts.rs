//! The configured accounts as the dashboard sees them: who they are and what their tokens are.

use std::collections::{HashMap, HashSet};

use super::ReqId;
use super::token_table::{filter, view};
use crate::model::{ApiError, Caps, OpKind, Token, TokenId};
use crate::provider::{ProviderKind, Registry};

/// A value that arrives from the network.
#[derive(Debug, Clone, Default)]
pub enum Loadable<T> {
    #[default]
    NotLoaded,
    Loading,
    Loaded(T),
    Failed(ApiError),
}

/// What the dashboard needs to know about a configured account (the worker owns the client).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountInfo {
    pub name: String,
    pub kind: ProviderKind,
    pub read_only: bool,
}

impl AccountInfo {
    pub fn from_registry(registry: &Registry) -> Vec<AccountInfo> {
        registry
            .accounts
            .iter()
            .map(|a| AccountInfo {
                name: a.name.clone(),
                kind: a.kind,
                read_only: a.read_only,
            })
            .collect()
    }
}

/// One account row: its identity, its tokens and the id of its latest list request.
#[derive(Debug)]
pub struct AccountState {
    pub info: AccountInfo,
    pub tokens: Loadable<Vec<Token>>,
    /// Lower-cased text the filter matches against, one entry per token, built once per list.
    pub haystacks: filter::Haystacks,
    /// What the views (stale, privileged, disabled, duplicates) ask of each token, built once
    /// per list.
    pub facts: view::Facts,
    /// Why the latest list is partial (it names the account), `None` when it is complete or
    /// failed: carried for display.
    pub partial: Option<String>,
    /// Only the answer to this request may replace `tokens`.
    pub latest_list: Option<ReqId>,
    /// Tokens with a change in flight, and which; they refuse further changes.
    pub pending: HashMap<TokenId, OpKind>,
    /// Creates that got no answer: the next list says whether they happened.
    pub unknown_creates: Vec<UnknownCreate>,
    /// Tokens to point out, with the reason: those that appeared after a create that got no
    /// answer (probably made by it, their secret never shown).
    pub flagged: HashMap<TokenId, String>,
}

/// A create whose outcome is unknown (no answer came back), waiting for the account's next list.
#[derive(Debug, Clone)]
pub struct UnknownCreate {
    /// The name it was asked for.
    pub name: String,
    /// The ids listed when it was sent, if the account was loaded: a new one is its doing.
    pub known: Option<HashSet<TokenId>>,
    /// What went wrong, in a few words ("timed out").
    pub error: String,
}

impl AccountState {
    pub fn caps(&self) -> &'static Caps {
        self.info.kind.caps()
    }
    /// A new list came: tokens that appeared since a create that got no answer, with its name,
    /// are flagged with the reason. Returns what to tell the user, one line per such create.
    /// Flags of tokens no longer listed are dropped.
    pub fn flag_unknown_creates(&mut self, listed: &[Token]) -> Vec<String> {
        self.flagged
            .retain(|id, _| listed.iter().any(|t| t.id == *id));
        let mut notes = Vec::new();
        for u in std::mem::take(&mut self.unknown_creates) {
            let new: Vec<&Token> = listed
                .iter()
                .filter(|t| t.name == u.name)
                .filter(|t| u.known.as_ref().is_none_or(|k| !k.contains(&t.id)))
                .collect();
            if new.is_empty() {
                notes.push(format!(
                    "no token named {} was listed after the create that got no answer ({}): it \
                     seems not to have happened",
                    u.name, u.error
                ));
                continue;
            }
            for t in new {
                self.flagged.insert(
                    t.id.clone(),
                    format!(
                        "appeared after a create that got no answer ({}): probably made by it. Its \
                         secret was never shown, so nothing can be using it",
                        u.error
                    ),
                );
            }
            notes.push(format!(
                "token {} appeared after the create that got no answer ({}): it was probably \
                 created; it is highlighted",
                u.name, u.error
            ));
        }
        notes
    }

    pub fn token_count(&self) -> Option<usize> {
        match &self.tokens {
            Loadable::Loaded(t) => Some(t.len()),
            _ => None,
        }
    }
}
