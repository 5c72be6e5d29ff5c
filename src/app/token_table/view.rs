//! Views of the tokens table for an audit: every token, or only the stale, privileged, disabled,
//! duplicate-named or expiring ones, in whatever account is in scope and together with the `/` filter.
//!
//! What each view asks of a token is worked out once per list answer ([`Facts`], one byte and
//! one timestamp per token, in the account's own order), so switching views, filtering inside
//! one and counting what the status bar shows never reach into the tokens themselves.
//!
//! Never-used tokens have no view: none of the providers' APIs says when a token was last used
//! ([`NEVER_USED`]).

use std::collections::{BTreeMap, HashMap};

use time::{Duration, OffsetDateTime};

use super::{RowRef, TokenTable};
use std::collections::HashSet;

use crate::app::{AccountState, Loadable};
use crate::model::TokenId;
use crate::model::{Privilege, Token};

/// Said when someone asks for never-used tokens.
pub const NEVER_USED: &str = "never-used tokens cannot be told apart: none of these providers' \
                              APIs says when a token was last used";

/// Which tokens the table lists, before the filter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum View {
    #[default]
    All,
    /// Older than `stale_after_days`.
    Stale,
    /// Admin, or of unknown privilege (it may be admin): an audit must not miss a powerful
    /// token because its provider words it in a way tokdash does not know.
    Privileged,
    Disabled,
    /// Tokens that share their name with another token of the same account.
    Duplicates,
    /// Expired, or expiring within `expiring_within_days` (only qovery's policy API tokens
    /// carry an expiry).
    Expiring,
}

impl View {
    pub const ALL: [View; 6] = [
        View::All,
        View::Stale,
        View::Privileged,
        View::Disabled,
        View::Duplicates,
        View::Expiring,
    ];

    /// The next view, for the key that cycles them.
    pub fn next(self) -> View {
        let i = View::ALL.iter().position(|v| *v == self).unwrap_or(0);
        View::ALL[(i + 1) % View::ALL.len()]
    }

    /// Its name, as `:view NAME` takes it.
    pub fn name(self) -> &'static str {
        match self {
            View::All => "all",
            View::Stale => "stale",
            View::Privileged => "privileged",
            View::Disabled => "disabled",
            View::Duplicates => "duplicates",
            View::Expiring => "expiring",
        }
    }

    /// What it lists, in a few words, with the table's windows (the config's
    /// `stale_after_days` and `expiring_within_days`).
    pub fn describe(self, table: &TokenTable) -> String {
        let stale_after_days = table.stale_after_days;
        match self {
            View::All => "every token".to_owned(),
            View::Stale => format!("older than {stale_after_days} days"),
            View::Privileged => "admin, or privilege unknown".to_owned(),
            View::Disabled => "disabled".to_owned(),
            View::Duplicates => "names used twice in an account".to_owned(),
            View::Expiring => format!(
                "expired, or expiring within {} days",
                table.expiring_within_days
            ),
        }
    }

    /// A view by name (`:view stale`); a unique prefix or a usual short name will do. Asking for
    /// never-used tokens is an error that says why there is no such view.
    pub fn parse(name: &str) -> Result<View, String> {
        let name = name.trim().to_ascii_lowercase();
        let alias = match name.as_str() {
            "priv" | "admin" | "admins" => Some(View::Privileged),
            "off" | "disabled" => Some(View::Disabled),
            "dup" | "dups" | "dupes" | "duplicate" | "duplicates" => Some(View::Duplicates),
            "old" | "stale" => Some(View::Stale),
            "expired" | "expiry" | "expires" | "exp" => Some(View::Expiring),
            "every" | "none" | "all" => Some(View::All),
            _ => None,
        };
        if let Some(view) = alias {
            return Ok(view);
        }
        if ["unused", "never-used", "never_used", "never", "idle"].contains(&name.as_str()) {
            return Err(NEVER_USED.to_owned());
        }
        let mut hits = View::ALL.iter().filter(|v| v.name().starts_with(&name));
        match (hits.next(), hits.next(), name.is_empty()) {
            (Some(v), None, false) => Ok(*v),
            _ => Err(format!(
                "no view `{}`; the views are {}",
                crate::text::truncate(&crate::text::sanitize(&name), 30),
                View::ALL.map(View::name).join(", ")
            )),
        }
    }
}

const PRIVILEGED: u8 = 1;
const DISABLED: u8 = 2;
const DUPLICATE: u8 = 4;

/// No creation date: never stale. No expiry: never expiring.
const UNDATED: i64 = i64::MAX;

/// What the views ask of one account's tokens, in the tokens' order, and what the summary
/// shows of them: built once per list.
#[derive(Debug, Default, Clone)]
pub struct Facts {
    bits: Vec<u8>,
    /// Creation time in Unix nanoseconds; [`UNDATED`] without one.
    created: Vec<i64>,
    /// Expiry time in Unix nanoseconds; [`UNDATED`] for a token that does not expire.
    expires: Vec<i64>,
    /// The oldest creation time.
    oldest: Option<OffsetDateTime>,
    /// How many tokens were created in each calendar quarter (UTC): (year, quarter 1–4, count),
    /// oldest first.
    quarters: Vec<(i32, u8, usize)>,
    /// The widths of each token's cells, for the table's columns (widths.rs).
    pub(super) cells: super::widths::CellWidths,
}

impl Facts {
    pub fn build(tokens: &[Token]) -> Facts {
        let mut names: HashMap<&str, u32> = HashMap::with_capacity(tokens.len());
        for t in tokens {
            *names.entry(t.name.as_str()).or_default() += 1;
        }
        let bits = tokens
            .iter()
            .map(|t| {
                let mut bits = 0;
                if t.privilege.may_be_at_least(Privilege::Admin) {
                    bits |= PRIVILEGED;
                }
                if t.enabled == Some(false) {
                    bits |= DISABLED;
                }
                if names.get(t.name.as_str()).is_some_and(|n| *n > 1) {
                    bits |= DUPLICATE;
                }
                bits
            })
            .collect();
        let nanos = |t: Option<OffsetDateTime>| {
            t.map_or(UNDATED, |c| {
                i64::try_from(c.unix_timestamp_nanos()).unwrap_or(UNDATED)
            })
        };
        let created = tokens.iter().map(|t| nanos(t.created_at)).collect();
        let expires = tokens.iter().map(|t| nanos(t.expires_at)).collect();
        let mut quarters: BTreeMap<(i32, u8), usize> = BTreeMap::new();
        for c in tokens.iter().filter_map(|t| t.created_at) {
            let utc = c.to_offset(time::UtcOffset::UTC);
            let quarter = (u8::from(utc.month()) - 1) / 3 + 1;
            *quarters.entry((utc.year(), quarter)).or_default() += 1;
        }
        Facts {
            bits,
            created,
            expires,
            oldest: tokens.iter().filter_map(|t| t.created_at).min(),
            quarters: quarters.into_iter().map(|((y, q), n)| (y, q, n)).collect(),
            cells: super::widths::CellWidths::build(tokens),
        }
    }

    pub fn clear(&mut self) {
        *self = Facts::default();
    }

    /// The oldest token's creation time.
    pub fn oldest(&self) -> Option<OffsetDateTime> {
        self.oldest
    }

    /// Tokens created per calendar quarter (UTC): (year, quarter 1–4, count), oldest first.
    pub fn quarters(&self) -> &[(i32, u8, usize)] {
        &self.quarters
    }

    pub fn len(&self) -> usize {
        self.bits.len()
    }

    pub fn is_empty(&self) -> bool {
        self.bits.is_empty()
    }

    fn bits(&self, token: usize) -> u8 {
        self.bits.get(token).copied().unwrap_or(0)
    }

    fn stale(&self, token: usize, cutoff: Option<i64>) -> bool {
        let created = self.created.get(token).copied().unwrap_or(UNDATED);
        cutoff.is_some_and(|c| created != UNDATED && created <= c)
    }

    /// Expires at or before `cutoff` (which is `now` plus the window): expired or expiring.
    fn expiring(&self, token: usize, cutoff: Option<i64>) -> bool {
        let expires = self.expires.get(token).copied().unwrap_or(UNDATED);
        cutoff.is_some_and(|c| expires != UNDATED && expires <= c)
    }

    /// How many of its tokens each view lists (`Counts::failed` is 0: see [`Counts`]).
    pub fn count(&self, cutoff: Option<i64>) -> Counts {
        let mut counts = Counts {
            tokens: self.bits.len(),
            ..Counts::default()
        };
        for (i, bits) in self.bits.iter().enumerate() {
            counts.add(*bits, self.stale(i, cutoff));
        }
        counts
    }
}

/// The instant at or before which a token is stale at `now`, in Unix nanoseconds: the one
/// comparison that gives [`crate::model::is_stale`]'s answer (older than `after_days` whole
/// days). `None` before the time is known.
pub fn stale_cutoff(now: Option<OffsetDateTime>, after_days: u32) -> Option<i64> {
    let now = now?;
    let cutoff = now - Duration::days(i64::from(after_days) + 1);
    Some(i64::try_from(cutoff.unix_timestamp_nanos()).unwrap_or(i64::MIN))
}

/// The instant at or before which a token's expiry puts it in the expiring view at `now`, in
/// Unix nanoseconds: `now` plus `within_days`, the comparison [`crate::model::is_expiring`]
/// makes. `None` before the time is known.
pub fn expiring_cutoff(now: Option<OffsetDateTime>, within_days: u32) -> Option<i64> {
    let now = now?;
    let cutoff = now + Duration::days(i64::from(within_days));
    Some(i64::try_from(cutoff.unix_timestamp_nanos()).unwrap_or(i64::MAX - 1))
}

/// What the status bar counts for the view: the tokens it lists and how many of them are
/// privileged, stale and disabled, and how many accounts in scope failed to list.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub tokens: usize,
    pub privileged: usize,
    pub stale: usize,
    pub disabled: usize,
    pub duplicates: usize,
    pub failed: usize,
}

impl Counts {
    fn add(&mut self, bits: u8, stale: bool) {
        self.privileged += usize::from(bits & PRIVILEGED != 0);
        self.disabled += usize::from(bits & DISABLED != 0);
        self.duplicates += usize::from(bits & DUPLICATE != 0);
        self.stale += usize::from(stale);
    }
}

/// The question a view asks of a row, with what it needs at hand.
pub(super) struct Keep<'a> {
    view: View,
    accounts: &'a [AccountState],
    cutoff: Option<i64>,
    expiring_cutoff: Option<i64>,
    /// Only the marked tokens (`M`), on top of the view.
    marked: Option<&'a HashSet<(usize, TokenId)>>,
}

impl Keep<'_> {
    pub(super) fn everything(&self) -> bool {
        self.view == View::All && self.marked.is_none()
    }

    pub(super) fn keeps(&self, row: RowRef) -> bool {
        let Some(acc) = self.accounts.get(row.account) else {
            return false;
        };
        if let Some(marked) = self.marked {
            let is_marked = match &acc.tokens {
                Loadable::Loaded(tokens) => tokens
                    .get(row.token)
                    .is_some_and(|t| marked.contains(&(row.account, t.id.clone()))),
                _ => false,
            };
            if !is_marked {
                return false;
            }
        }
        let facts = &acc.facts;
        match self.view {
            View::All => true,
            View::Stale => facts.stale(row.token, self.cutoff),
            View::Privileged => facts.bits(row.token) & PRIVILEGED != 0,
            View::Disabled => facts.bits(row.token) & DISABLED != 0,
            View::Duplicates => facts.bits(row.token) & DUPLICATE != 0,
            View::Expiring => facts.expiring(row.token, self.expiring_cutoff),
        }
    }
}

impl TokenTable {
    pub fn view(&self) -> View {
        self.view
    }

    /// The counts of the rows shown (see [`Counts`]).
    pub fn counts(&self) -> Counts {
        self.counts
    }

    /// The wall-clock time the stale view and the counts were worked out with.
    pub fn clock(&self) -> Option<OffsetDateTime> {
        self.clock
    }

    pub fn stale_after_days(&self) -> u32 {
        self.stale_after_days
    }

    pub fn set_stale_after_days(&mut self, days: u32) {
        self.stale_after_days = days;
    }

    /// The expiring view's window: the config's `expiring_within_days`.
    pub fn expiring_within_days(&self) -> u32 {
        self.expiring_within_days
    }

    pub fn set_expiring_within_days(&mut self, days: u32) {
        self.expiring_within_days = days;
    }

    /// List only the tokens of `view` (with the filter, if any, on top).
    pub fn set_view(&mut self, accounts: &[AccountState], view: View) {
        self.view = view;
        self.rebuild(accounts);
    }

    /// The time moved on. What is stale changes with it, a little at a time: the rows and
    /// counts follow once it has moved a minute since they were worked out.
    pub fn set_clock(&mut self, accounts: &[AccountState], now: OffsetDateTime) {
        let moved = self
            .clock
            .is_none_or(|then| (now - then).abs() >= Duration::MINUTE);
        if moved {
            self.clock = Some(now);
            self.rebuild(accounts);
        }
    }

    pub(super) fn keep<'a>(&'a self, accounts: &'a [AccountState]) -> Keep<'a> {
        Keep {
            view: self.view,
            accounts,
            cutoff: stale_cutoff(self.clock, self.stale_after_days),
            expiring_cutoff: expiring_cutoff(self.clock, self.expiring_within_days),
            marked: self.marked_only().then_some(self.marked_set()),
        }
    }

    /// Count the rows for the status bar. Every token in scope, in no view and with no filter,
    /// is counted account by account from the facts, in their own order.
    pub(super) fn count_rows(&mut self, accounts: &[AccountState]) {
        let cutoff = stale_cutoff(self.clock, self.stale_after_days);
        let mut counts = Counts::default();
        let whole = self.view == View::All && !self.marked_only() && self.query().trim().is_empty();
        if whole {
            for a in self.in_scope(accounts) {
                // Each account's counts are kept until its next list or the next minute.
                if self.account_counts.len() < accounts.len() {
                    self.account_counts.resize(accounts.len(), None);
                }
                let c = match self.account_counts[a] {
                    Some((at, c)) if at == cutoff => c,
                    _ => {
                        let c = accounts[a].facts.count(cutoff);
                        self.account_counts[a] = Some((cutoff, c));
                        c
                    }
                };
                counts.tokens += c.tokens;
                counts.privileged += c.privileged;
                counts.stale += c.stale;
                counts.disabled += c.disabled;
                counts.duplicates += c.duplicates;
            }
        }
        // The facts may be missing (tokens set without a list answer): then count the rows.
        if !whole || counts.tokens != self.rows.len() {
            counts = Counts {
                tokens: self.rows.len(),
                ..Counts::default()
            };
            for r in &self.rows {
                if let Some(facts) = accounts.get(r.account).map(|a| &a.facts) {
                    counts.add(facts.bits(r.token), facts.stale(r.token, cutoff));
                }
            }
        }
        counts.failed = self
            .in_scope(accounts)
            .filter(|a| accounts[*a].list_failed())
            .count();
        self.counts = counts;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::is_stale;
    use rand::rngs::StdRng;
    use rand::{RngExt, SeedableRng};
    use time::macros::datetime;

    #[test]
    fn the_cutoff_agrees_with_is_stale() {
        let now = datetime!(2026-06-01 12:00 UTC);
        let mut rng = StdRng::seed_from_u64(3);
        for _ in 0..20_000 {
            let days = rng.random_range(0..400u32);
            // Around the edge, to the nanosecond, and far from it.
            let offset = Duration::days(i64::from(days) + rng.random_range(-2..3))
                + Duration::nanoseconds(rng.random_range(-2_000..2_000));
            let created = now - offset;
            let mut token = Token::new("1", "t");
            token.created_at = Some(created);
            let facts = Facts::build(&[token]);
            assert_eq!(
                facts.stale(0, stale_cutoff(Some(now), days)),
                is_stale(Some(created), now, days),
                "{created} at {now}, {days} days"
            );
        }
        let undated = Facts::build(&[Token::new("1", "t")]);
        assert!(!undated.stale(0, stale_cutoff(Some(now), 0)));
        assert!(!Facts::build(&[Token::new("1", "t")]).stale(0, None));
    }

    #[test]
    fn the_expiring_cutoff_agrees_with_is_expiring() {
        let now = datetime!(2026-06-01 12:00 UTC);
        let mut rng = StdRng::seed_from_u64(5);
        for _ in 0..20_000 {
            let days = rng.random_range(0..60u32);
            let offset = Duration::days(i64::from(days) + rng.random_range(-2..3))
                + Duration::nanoseconds(rng.random_range(-2_000..2_000));
            let mut token = Token::new("1", "t");
            token.expires_at = Some(now + offset);
            let facts = Facts::build(&[token]);
            assert_eq!(
                facts.expiring(0, expiring_cutoff(Some(now), days)),
                crate::model::is_expiring(Some(now + offset), now, days),
                "{offset} at {now}, {days} days"
            );
        }
        let never = Facts::build(&[Token::new("1", "t")]);
        assert!(!never.expiring(0, expiring_cutoff(Some(now), 36_500)));
    }

    #[test]
    fn facts_flag_privileged_disabled_and_duplicates() {
        let tokens = [
            Token::new("1", "ci").with_privilege(Privilege::Admin),
            Token::new("2", "ci").with_privilege(Privilege::Read),
            Token::new("3", "CI").with_privilege(Privilege::Unknown),
            Token::new("4", "bot")
                .with_privilege(Privilege::Write)
                .with_enabled(Some(false)),
        ];
        let facts = Facts::build(&tokens);
        let bits: Vec<u8> = (0..4).map(|i| facts.bits(i)).collect();
        assert_eq!(
            bits,
            [PRIVILEGED | DUPLICATE, DUPLICATE, PRIVILEGED, DISABLED]
        );
        let counts = facts.count(None);
        assert_eq!(
            (
                counts.tokens,
                counts.privileged,
                counts.disabled,
                counts.duplicates
            ),
            (4, 2, 1, 2)
        );
    }

    #[test]
    fn views_parse_by_name_prefix_and_alias() {
        assert_eq!(View::parse("stale"), Ok(View::Stale));
        assert_eq!(View::parse("Priv"), Ok(View::Privileged));
        assert_eq!(View::parse("dupes"), Ok(View::Duplicates));
        assert_eq!(View::parse("dis"), Ok(View::Disabled));
        assert_eq!(View::parse("all"), Ok(View::All));
        assert_eq!(View::parse("expired"), Ok(View::Expiring));
        assert_eq!(View::parse("expiring"), Ok(View::Expiring));
        assert!(View::parse("unused").unwrap_err().contains("last used"));
        assert!(
            View::parse("zzz")
                .unwrap_err()
                .contains("the views are all, stale")
        );
        assert!(View::parse("").is_err());
        let mut v = View::All;
        for _ in 0..View::ALL.len() {
            v = v.next();
        }
        assert_eq!(v, View::All, "the key cycles through every view");
    }
}
