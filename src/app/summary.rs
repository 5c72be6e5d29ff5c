//! The summary of every account (`:summary`, and the detail pane of `All accounts`): per
//! provider and account, how many tokens, how many privileged, stale and disabled, the oldest
//! token, and whether the list is complete, partial or failed and why; with the tokens' ages by
//! calendar quarter for a chart. Worked out from each account's [`Facts`], built once per list,
//! so drawing it every frame stays cheap at 100,000 tokens.
//!
//! It covers every token of every account: views and the filter are the tokens table's.

use time::OffsetDateTime;

use super::token_table::view::{Counts, Facts, stale_cutoff};
use super::{AccountState, App, Loadable};
use crate::model::ProviderKind;

/// Whether an account's list is all there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ListState {
    /// Not listed yet (or being listed for the first time).
    Loading,
    Complete,
    /// Listed in part: why (the provider's own sentence, naming the account).
    Partial(String),
    /// Not listed: why, and what to do.
    Failed(String),
}

/// One account's line of the summary.
#[derive(Debug, Clone)]
pub struct AccountLine {
    /// Index into `App::accounts`.
    pub account: usize,
    pub kind: ProviderKind,
    pub counts: Counts,
    pub oldest: Option<OffsetDateTime>,
    pub state: ListState,
}

/// Tokens created in one calendar quarter (UTC).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quarter {
    pub year: i32,
    /// 1 to 4.
    pub quarter: u8,
    pub tokens: usize,
}

#[derive(Debug, Clone)]
pub struct Summary {
    /// By provider (in [`ProviderKind::ALL`] order), then in the configuration's order.
    pub accounts: Vec<AccountLine>,
    /// Every account together (`failed` counts the failed accounts).
    pub total: Counts,
    pub oldest: Option<OffsetDateTime>,
    /// Every quarter from the oldest token's to the newest's, empty ones included, oldest
    /// first.
    pub quarters: Vec<Quarter>,
}

impl Summary {
    /// The summary as of the app's clock (without one, nothing is stale).
    pub fn of(app: &App) -> Summary {
        let cutoff = stale_cutoff(app.clock(), app.stale_after_days);
        let mut accounts = Vec::with_capacity(app.accounts.len());
        for &kind in ProviderKind::ALL {
            for (i, acc) in app.accounts.iter().enumerate() {
                if acc.info.kind == kind {
                    accounts.push(line(i, acc, cutoff));
                }
            }
        }
        let mut total = Counts::default();
        for a in &accounts {
            total.tokens += a.counts.tokens;
            total.privileged += a.counts.privileged;
            total.stale += a.counts.stale;
            total.disabled += a.counts.disabled;
            total.duplicates += a.counts.duplicates;
            total.failed += usize::from(matches!(a.state, ListState::Failed(_)));
        }
        let oldest = accounts.iter().filter_map(|a| a.oldest).min();
        Summary {
            total,
            oldest,
            quarters: quarters(app.accounts.iter().map(|a| &a.facts)),
            accounts,
        }
    }

    /// How many accounts are partial.
    pub fn partial(&self) -> usize {
        self.accounts
            .iter()
            .filter(|a| matches!(a.state, ListState::Partial(_)))
            .count()
    }
}

fn line(account: usize, acc: &AccountState, cutoff: Option<i64>) -> AccountLine {
    let state = match &acc.tokens {
        Loadable::NotLoaded | Loadable::Loading => ListState::Loading,
        Loadable::Failed(e) => ListState::Failed(e.failure_text("list tokens", None)),
        Loadable::Loaded(_) => match &acc.partial {
            Some(reason) => ListState::Partial(reason.clone()),
            None => ListState::Complete,
        },
    };
    AccountLine {
        account,
        kind: acc.info.kind,
        counts: acc.facts.count(cutoff),
        oldest: acc.facts.oldest(),
        state,
    }
}

/// Every account's quarters added up, the empty quarters between them filled in.
fn quarters<'a>(facts: impl Iterator<Item = &'a Facts>) -> Vec<Quarter> {
    let mut all: std::collections::BTreeMap<(i32, u8), usize> = Default::default();
    for f in facts {
        for &(year, quarter, n) in f.quarters() {
            *all.entry((year, quarter)).or_default() += n;
        }
    }
    let (Some((&first, _)), Some((&last, _))) = (all.first_key_value(), all.last_key_value())
    else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let (mut year, mut quarter) = first;
    while (year, quarter) <= last {
        out.push(Quarter {
            year,
            quarter,
            tokens: all.get(&(year, quarter)).copied().unwrap_or(0),
        });
        (year, quarter) = if quarter == 4 {
            (year + 1, 1)
        } else {
            (year, quarter + 1)
        };
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Token;

    #[test]
    fn quarters_add_up_across_accounts_with_the_gaps_filled() {
        let a = Facts::build(&[
            Token::new("1", "a").with_created(Some("2025-02-01T00:00:00Z")),
            Token::new("2", "b").with_created(Some("2025-03-31T23:59:59Z")),
            Token::new("3", "c"),
        ]);
        let b = Facts::build(&[Token::new("4", "d").with_created(Some("2025-10-01T00:00:00Z"))]);
        let got: Vec<(i32, u8, usize)> = quarters([&a, &b].into_iter())
            .iter()
            .map(|q| (q.year, q.quarter, q.tokens))
            .collect();
        assert_eq!(
            got,
            [(2025, 1, 2), (2025, 2, 0), (2025, 3, 0), (2025, 4, 1)]
        );
        assert!(quarters(std::iter::empty()).is_empty());
    }
}
