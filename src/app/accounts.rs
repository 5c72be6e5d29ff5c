//! The configured accounts as the dashboard sees them: who they are and what their tokens are.

use std::collections::{HashMap, HashSet};

use time::OffsetDateTime;

use super::ReqId;
use super::token_table::{filter, view};
use crate::model::{ApiError, Caps, OpKind, Token, TokenId};
use crate::provider::{ProviderKind, Registry};
use crate::secret::fingerprint;

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
    /// While the latest list tries a read again: "retrying 2/3 (429)", shown on the row.
    pub retrying: Option<String>,
    /// Tokens with a change in flight, and which; they refuse further changes.
    pub pending: HashMap<TokenId, OpKind>,
    /// Creates that got no answer: the next list says whether they happened.
    pub unknown_creates: Vec<UnknownCreate>,
    /// Regenerates that got no answer: the next list may say whether they happened.
    pub unknown_regenerates: Vec<UnknownRegenerate>,
    /// Tokens to point out, with the reason: those that appeared after a create that got no
    /// answer (probably made by it, their secret never shown), and those whose regenerate got
    /// none (their secret may have changed).
    pub flagged: HashMap<TokenId, Flag>,
    /// When the tokens shown were listed (the clock of the answer), for their age once a
    /// refresh fails.
    pub listed_at: Option<OffsetDateTime>,
    /// The latest refresh failed while a list was loaded: the list is kept (an outage never
    /// empties the table), and this says why it is old.
    pub refresh_failed: Option<ApiError>,
}

/// Why a token is pointed out (`?` in the table; the detail pane says why): a change that got
/// no answer may have made it, or changed its secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Flag {
    /// The change whose outcome is unknown: a create or a regenerate.
    pub op: OpKind,
    /// What may have happened and what follows, in words.
    pub reason: String,
}

/// A regenerate whose outcome is unknown, waiting for the account's next list.
#[derive(Debug, Clone)]
pub struct UnknownRegenerate {
    pub id: TokenId,
    pub name: String,
    /// The fingerprint of the secret listed before, where the list carries secrets: another one
    /// listed after says it happened.
    pub before: Option<String>,
    /// What went wrong, in a few words ("timed out").
    pub error: String,
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
    /// A regenerate of this token got no answer: it is pointed out at once, and the next list
    /// says more where it carries secrets (a new one listed: it happened; the same: it seems
    /// not to have).
    pub fn flag_unknown_regenerate(&mut self, id: &TokenId, error: &str) {
        let listed = match &self.tokens {
            Loadable::Loaded(tokens) => tokens.iter().find(|t| t.id == *id),
            _ => None,
        };
        let name = listed.map_or_else(|| id.to_string(), |t| t.name.clone());
        let before = listed.and_then(|t| t.secret.as_ref()).map(fingerprint);
        self.flagged.insert(
            id.clone(),
            Flag {
                op: OpKind::Regenerate,
                reason: format!(
                    "a regenerate of it got no answer ({error}): if it happened, its old secret \
                     no longer works and the new one was never shown; regenerate it again to see \
                     a secret"
                ),
            },
        );
        self.unknown_regenerates.push(UnknownRegenerate {
            id: id.clone(),
            name,
            before,
            error: error.to_owned(),
        });
    }

    /// What a list says about the regenerates that got no answer, where it carries secrets:
    /// the flag says what happened, or goes if nothing did. Returns what to tell the user.
    fn settle_unknown_regenerates(&mut self, listed: &[Token]) -> Vec<String> {
        let mut notes = Vec::new();
        for u in std::mem::take(&mut self.unknown_regenerates) {
            let Some(t) = listed.iter().find(|t| t.id == u.id) else {
                continue;
            };
            let (Some(before), Some(now)) = (&u.before, t.secret.as_ref().map(fingerprint)) else {
                continue;
            };
            if *before == now {
                self.flagged.remove(&u.id);
                notes.push(format!(
                    "token {} is listed with the same secret after the regenerate that got no \
                     answer ({}): it seems not to have happened",
                    u.name, u.error
                ));
                continue;
            }
            self.flagged.insert(
                u.id.clone(),
                Flag {
                    op: OpKind::Regenerate,
                    reason: format!(
                        "a regenerate of it got no answer ({}), and it is listed with a new \
                         secret since: it happened. Its old secret no longer works; the new one \
                         is listed here",
                        u.error
                    ),
                },
            );
            notes.push(format!(
                "token {} is listed with a new secret after the regenerate that got no answer \
                 ({}): it was regenerated, so its old secret no longer works; it is highlighted",
                u.name, u.error
            ));
        }
        notes
    }

    /// A new list came: tokens that appeared since a create that got no answer, with its name,
    /// are flagged with the reason, and regenerates that got none are settled where the list
    /// carries secrets. Returns what to tell the user, one line per such change. Flags of tokens
    /// no longer listed are dropped.
    pub fn flag_unknown_changes(&mut self, listed: &[Token]) -> Vec<String> {
        self.flagged
            .retain(|id, _| listed.iter().any(|t| t.id == *id));
        let mut notes = self.settle_unknown_regenerates(listed);
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
                    Flag {
                        op: OpKind::Create,
                        reason: format!(
                            "appeared after a create that got no answer ({}): probably made by \
                             it. Its secret was never shown, so nothing can be using it",
                            u.error
                        ),
                    },
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

    /// Did the latest list fail, whether or not an older list is still shown?
    pub fn list_failed(&self) -> bool {
        matches!(self.tokens, Loadable::Failed(_)) || self.refresh_failed.is_some()
    }

    /// The error of the latest list, if it failed (with an older list kept or not).
    pub fn list_error(&self) -> Option<&ApiError> {
        match &self.tokens {
            Loadable::Failed(e) => Some(e),
            _ => self.refresh_failed.as_ref(),
        }
    }

    pub fn token_count(&self) -> Option<usize> {
        match &self.tokens {
            Loadable::Loaded(t) => Some(t.len()),
            _ => None,
        }
    }
}

/// Which of `names` the user means by `wanted` (`:account`): the exact name, else the only one
/// that starts with it, else the only one that contains it. The error says what went wrong in
/// words for the toast: nothing matches, or which candidates an ambiguous name fits.
pub fn find_by_name(names: &[&str], wanted: &str) -> Result<usize, String> {
    if let Some(i) = names.iter().position(|n| *n == wanted) {
        return Ok(i);
    }
    let shown = crate::text::sanitize(wanted);
    let starts: Vec<usize> = (0..names.len())
        .filter(|i| names[*i].starts_with(wanted))
        .collect();
    let hits = if starts.is_empty() {
        (0..names.len())
            .filter(|i| names[*i].contains(wanted))
            .collect()
    } else {
        starts
    };
    match hits.as_slice() {
        [] => Err(format!("no account named `{shown}`")),
        [one] => Ok(*one),
        many => {
            let listed: Vec<String> = many
                .iter()
                .map(|i| crate::text::sanitize(names[*i]))
                .collect();
            Err(format!(
                "`{shown}` is ambiguous: {}; type more of the name",
                listed.join(", ")
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::find_by_name;

    #[test]
    fn exact_wins_then_a_unique_prefix_then_a_unique_substring() {
        let names = ["qovery-1", "qovery-10", "qovery-prod", "fluid-1"];
        assert_eq!(find_by_name(&names, "qovery-1"), Ok(0), "exact wins");
        assert_eq!(find_by_name(&names, "qovery-p"), Ok(2));
        assert_eq!(find_by_name(&names, "prod"), Ok(2), "substring");
        assert_eq!(find_by_name(&names, "flu"), Ok(3));
        let e = find_by_name(&names, "qov").unwrap_err();
        assert_eq!(
            e,
            "`qov` is ambiguous: qovery-1, qovery-10, qovery-prod; type more of the name"
        );
        assert_eq!(
            find_by_name(&names, "zzz").unwrap_err(),
            "no account named `zzz`"
        );
    }
}
