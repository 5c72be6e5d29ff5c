//! The configured accounts as the dashboard sees them: who they are and what their tokens are.

use std::collections::HashMap;

use super::ReqId;
use super::token_table::filter;
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
    /// Why the latest list is partial (it names the account), `None` when it is complete or
    /// failed: carried for display.
    pub partial: Option<String>,
    /// Only the answer to this request may replace `tokens`.
    pub latest_list: Option<ReqId>,
    /// Tokens with a change in flight, and which; they refuse further changes.
    pub pending: HashMap<TokenId, OpKind>,
}

impl AccountState {
    pub fn caps(&self) -> &'static Caps {
        self.info.kind.caps()
    }
    pub fn token_count(&self) -> Option<usize> {
        match &self.tokens {
            Loadable::Loaded(t) => Some(t.len()),
            _ => None,
        }
    }
}
