//! The tokens table's sort order.
//!
//! [`SortKey::compare`] defines the order; names compare naturally ([`natural_cmp`]: `deploy-2`
//! before `deploy-10`, case aside). At 100,000 tokens comparing through
//! `App::accounts[..].tokens[..]` costs several dependent cache misses per comparison, and
//! folds and scans both names every time, so the rows are sorted and merged on a compact
//! [`Keyed`] instead: the column's key packed into one integer, the first 16 bytes of the name's
//! natural key ([`natural_key`], whose byte order is the natural order), and the row. Most
//! comparisons end there; equal prefixes fall back to the whole keys, kept per account in one
//! buffer ([`Names`]) built once when the list arrives, and equal keys to `natural_cmp` itself.
//! The tests below hold the keys to `compare` on random data; they keep this file a little over
//! 500 lines, as they belong beside the keys they check.

use std::cmp::Ordering;

use super::{RowRef, TokenTable, token_at};
use crate::app::{AccountState, Loadable};
use crate::model::{Token, natural_cmp, natural_key};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortKey {
    Name,
    Created,
    State,
    Account,
}

impl SortKey {
    /// The next column for `s`.
    pub fn next(self) -> SortKey {
        match self {
            SortKey::Name => SortKey::Created,
            SortKey::Created => SortKey::State,
            SortKey::State => SortKey::Account,
            SortKey::Account => SortKey::Name,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            SortKey::Name => "name",
            SortKey::Created => "created",
            SortKey::State => "state",
            SortKey::Account => "account",
        }
    }

    /// Compare two tokens (with the index of their accounts). Ties fall back to name, account
    /// and id, so the order is total and stable across refreshes.
    pub fn compare(self, a: (usize, &Token), b: (usize, &Token)) -> Ordering {
        let primary = match self {
            SortKey::Name => Ordering::Equal,
            // Oldest first; tokens without a date go last.
            SortKey::Created => match (a.1.created_at, b.1.created_at) {
                (Some(x), Some(y)) => x.cmp(&y),
                (Some(_), None) => Ordering::Less,
                (None, Some(_)) => Ordering::Greater,
                (None, None) => Ordering::Equal,
            },
            SortKey::State => state_rank(a.1).cmp(&state_rank(b.1)),
            SortKey::Account => a.0.cmp(&b.0),
        };
        primary
            .then_with(|| natural_cmp(&a.1.name, &b.1.name))
            .then_with(|| a.0.cmp(&b.0))
            .then_with(|| a.1.id.cmp(&b.1.id))
    }

    /// The part of [`SortKey::compare`] before the name, as one integer in the same order.
    fn packed(self, account: usize, token: &Token) -> i128 {
        match self {
            SortKey::Name => 0,
            // Tokens without a date go last: no date is later than any real one.
            SortKey::Created => token
                .created_at
                .map_or(i128::MAX, |t| t.unix_timestamp_nanos()),
            SortKey::State => i128::from(state_rank(token)),
            SortKey::Account => i128::try_from(account).unwrap_or(i128::MAX),
        }
    }
}

fn state_rank(t: &Token) -> u8 {
    match t.enabled {
        Some(true) => 0,
        None => 1,
        Some(false) => 2,
    }
}

/// What sorting keeps between list answers: each account's natural name keys, and the keys of
/// `TokenTable::order`, row for row, for the column they were built for.
#[derive(Debug, Default)]
pub struct SortCache {
    names: Vec<Names>,
    keys: Vec<Keyed>,
    column: Option<SortKey>,
}

/// One account's token names as natural keys ([`natural_key`]), in one buffer: their byte
/// order is the natural order of the names, up to `natural_cmp`'s tie-breaks.
#[derive(Debug, Default)]
struct Names {
    text: Vec<u8>,
    ends: Vec<usize>,
}

impl Names {
    fn build(tokens: &[Token]) -> Names {
        let mut text = Vec::with_capacity(tokens.iter().map(|t| t.name.len() + 2).sum());
        let mut ends = Vec::with_capacity(tokens.len());
        for t in tokens {
            natural_key(&t.name, &mut text);
            ends.push(text.len());
        }
        Names { text, ends }
    }

    fn get(&self, i: usize) -> &[u8] {
        let start = match i.checked_sub(1) {
            Some(p) => self.ends.get(p).copied(),
            None => Some(0),
        };
        start
            .zip(self.ends.get(i).copied())
            .and_then(|(start, end)| self.text.get(start..end))
            .unwrap_or_default()
    }

    /// The first 16 bytes, zero-padded: a shorter key pads with zeros, so the prefixes never
    /// order two names against their full comparison, only tie.
    fn prefix(&self, i: usize) -> u128 {
        let name = self.get(i);
        let mut bytes = [0u8; 16];
        let n = name.len().min(16);
        bytes[..n].copy_from_slice(&name[..n]);
        u128::from_be_bytes(bytes)
    }
}

/// A row with its sort key: `primary` and `prefix` decide most comparisons without leaving the
/// key.
#[derive(Debug, Clone, Copy)]
struct Keyed {
    primary: i128,
    prefix: u128,
    row: RowRef,
}

/// The order of [`SortKey::compare`] (ascending), then the token's index, so that even
/// duplicate tokens have one order and a descending sort is exactly the ascending one reversed.
fn cmp_keys(names: &[Names], accounts: &[AccountState], x: &Keyed, y: &Keyed) -> Ordering {
    let key = |k: &Keyed| {
        names
            .get(k.row.account)
            .map_or(&[][..], |n| n.get(k.row.token))
    };
    let token = |k: &Keyed| token_at(accounts, k.row).map(|(_, t)| t);
    let name = |k: &Keyed| token(k).map_or("", |t| t.name.as_str());
    let id = |k: &Keyed| token(k).map(|t| &t.id);
    x.primary
        .cmp(&y.primary)
        .then(x.prefix.cmp(&y.prefix))
        .then_with(|| key(x).cmp(key(y)))
        // Equal keys: names equal but for case or leading zeros (or the same name).
        .then_with(|| natural_cmp(name(x), name(y)))
        .then(x.row.account.cmp(&y.row.account))
        .then_with(|| id(x).cmp(&id(y)))
        .then(x.row.token.cmp(&y.row.token))
}

fn tokens_of(accounts: &[AccountState], account: usize) -> &[Token] {
    match accounts.get(account).map(|a| &a.tokens) {
        Some(Loadable::Loaded(tokens)) => tokens,
        _ => &[],
    }
}

impl SortCache {
    /// Rebuild an account's names. Tokens change only with a list answer, which calls
    /// [`TokenTable::merge_account`], so the names are current whenever the order is.
    fn rebuild_names(&mut self, accounts: &[AccountState], account: usize) {
        let names = Names::build(tokens_of(accounts, account));
        if self.names.len() < accounts.len() {
            self.names.resize_with(accounts.len(), Names::default);
        }
        if let Some(slot) = self.names.get_mut(account) {
            *slot = names;
        }
    }

    /// Names for any account that has none yet (accounts whose tokens were set directly).
    fn fill_names(&mut self, accounts: &[AccountState]) {
        for a in 0..accounts.len() {
            let have = self.names.get(a).map(|n| n.ends.len());
            if have != Some(tokens_of(accounts, a).len()) {
                self.rebuild_names(accounts, a);
            }
        }
    }
}

fn keyed(sort: SortKey, names: &[Names], accounts: &[AccountState], row: RowRef) -> Option<Keyed> {
    let (_, token) = token_at(accounts, row)?;
    Some(Keyed {
        primary: sort.packed(row.account, token),
        prefix: names.get(row.account)?.prefix(row.token),
        row,
    })
}

impl TokenTable {
    fn account_keys(&self, accounts: &[AccountState], account: usize) -> Vec<Keyed> {
        let names = &self.sort_cache.names;
        (0..tokens_of(accounts, account).len())
            .filter_map(|token| keyed(self.sort, names, accounts, RowRef { account, token }))
            .collect()
    }

    /// Sort in the current column and direction.
    fn sort_keys(&self, accounts: &[AccountState], keys: &mut [Keyed]) {
        let names = &self.sort_cache.names;
        // The order is total (see `cmp_keys`), so an unstable sort is deterministic.
        keys.sort_unstable_by(|x, y| cmp_keys(names, accounts, x, y));
        if self.descending {
            keys.reverse();
        }
    }

    fn store(&mut self, keys: Vec<Keyed>) {
        self.order = keys.iter().map(|k| k.row).collect();
        self.sort_cache.keys = keys;
        self.sort_cache.column = Some(self.sort);
    }

    /// Sort every token in scope into `order`: the tokens table before filtering.
    pub(super) fn resort(&mut self, accounts: &[AccountState]) {
        self.sort_cache.fill_names(accounts);
        let mut keys: Vec<Keyed> = self
            .in_scope(accounts)
            .flat_map(|a| self.account_keys(accounts, a))
            .collect();
        self.sort_keys(accounts, &mut keys);
        self.store(keys);
    }

    /// `S`: the order is total, so the other direction is the same rows backwards, no re-sort.
    pub(super) fn reverse_order(&mut self) {
        if !self.order_stale {
            self.order.reverse();
            self.sort_cache.keys.reverse();
        }
    }

    /// One account's list arrived (or failed): put its tokens into the cached order without
    /// re-sorting the others. Its own rows are sorted, then merged with the rest in one pass, so
    /// 40 answers of 2,500 tokens cost 40 small sorts and 40 linear merges, not 40 sorts of
    /// everything.
    pub(super) fn merge_account(&mut self, accounts: &[AccountState], account: usize) {
        self.sort_cache.rebuild_names(accounts, account);
        if self.order_stale || self.scope.is_some_and(|s| s != account) {
            return;
        }
        let old = self.order_keys(accounts);
        let mut fresh = self.account_keys(accounts, account);
        self.sort_keys(accounts, &mut fresh);
        let names = &self.sort_cache.names;
        let mut merged = Vec::with_capacity(old.len() + fresh.len());
        let mut rest = old
            .into_iter()
            .filter(|k| k.row.account != account)
            .peekable();
        let mut fresh = fresh.into_iter().peekable();
        loop {
            let take_fresh = match (rest.peek(), fresh.peek()) {
                (Some(r), Some(f)) => {
                    let o = cmp_keys(names, accounts, f, r);
                    (if self.descending { o.reverse() } else { o }) == Ordering::Less
                }
                (None, Some(_)) => true,
                (Some(_), None) => false,
                (None, None) => break,
            };
            let next = if take_fresh {
                fresh.next()
            } else {
                rest.next()
            };
            merged.extend(next);
        }
        self.store(merged);
    }

    /// The keys of `order`, row for row: the cached ones, or built again when the order was set
    /// without them.
    fn order_keys(&mut self, accounts: &[AccountState]) -> Vec<Keyed> {
        let keys = std::mem::take(&mut self.sort_cache.keys);
        let current = self.sort_cache.column == Some(self.sort)
            && keys.len() == self.order.len()
            && keys.iter().zip(&self.order).all(|(k, r)| k.row == *r);
        if current {
            return keys;
        }
        self.sort_cache.fill_names(accounts);
        let names = &self.sort_cache.names;
        self.order
            .iter()
            .filter_map(|r| keyed(self.sort, names, accounts, *r))
            .collect()
    }
}

/// The order by definition, straightforwardly: what [`TokenTable::resort`] and
/// [`TokenTable::merge_account`] must give.
#[cfg(test)]
fn sorted_order(table: &TokenTable, accounts: &[AccountState]) -> Vec<RowRef> {
    let mut rows: Vec<RowRef> = table
        .in_scope(accounts)
        .flat_map(|account| {
            (0..tokens_of(accounts, account).len()).map(move |token| RowRef { account, token })
        })
        .collect();
    rows.sort_by(|x, y| {
        let (tx, ty) = (
            &tokens_of(accounts, x.account)[x.token],
            &tokens_of(accounts, y.account)[y.token],
        );
        let o = table
            .sort
            .compare((x.account, tx), (y.account, ty))
            .then(x.token.cmp(&y.token));
        if table.descending { o.reverse() } else { o }
    });
    rows
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::{AccountInfo, ApiResult, App, AppOptions, Effect, Msg, update};
    use crate::model::{ApiError, Listing};
    use crate::provider::ProviderKind;
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    use rand::rngs::StdRng;
    use rand::{RngExt, SeedableRng};
    use time::Duration;
    use time::macros::{datetime, offset};

    fn app_with(lists: &[&[&str]]) -> App {
        let infos = (0..lists.len())
            .map(|i| AccountInfo {
                name: format!("acc-{i}"),
                kind: ProviderKind::Fluid,
                read_only: false,
            })
            .collect();
        let mut app = App::new(infos, AppOptions::default());
        for (a, names) in lists.iter().enumerate() {
            let tokens = names
                .iter()
                .enumerate()
                .map(|(i, n)| Token::new(&format!("id-{i}"), n))
                .collect();
            app.accounts[a].tokens = Loadable::Loaded(tokens);
        }
        app
    }

    #[test]
    fn merging_one_answer_gives_the_same_order_as_a_full_sort() {
        let mut app = app_with(&[&["delta", "alpha"], &["charlie", "alpha", "echo"]]);
        app.table.order = sorted_order(&app.table, &app.accounts);
        app.table.order_stale = false;
        // Account 0 is listed again and now holds different tokens.
        app.accounts[0].tokens = Loadable::Loaded(vec![
            Token::new("x", "bravo"),
            Token::new("y", "foxtrot"),
            Token::new("z", "alpha"),
        ]);
        app.table.merge_account(&app.accounts, 0);
        assert_eq!(app.table.order, sorted_order(&app.table, &app.accounts));
        let names: Vec<&str> = app
            .table
            .order
            .iter()
            .filter_map(|r| app.token_at(*r).map(|(_, t)| t.name.as_str()))
            .collect();
        assert_eq!(
            names,
            ["alpha", "alpha", "bravo", "charlie", "echo", "foxtrot"]
        );
    }

    #[test]
    fn names_sort_naturally() {
        let mut app = app_with(&[&["deploy-10", "deploy-2", "Deploy-1", "deploy-02", "deploy"]]);
        app.table.show(&app.accounts, None);
        let names: Vec<&str> = app
            .table
            .rows()
            .iter()
            .filter_map(|r| app.token_at(*r).map(|(_, t)| t.name.as_str()))
            .collect();
        assert_eq!(
            names,
            ["deploy", "Deploy-1", "deploy-2", "deploy-02", "deploy-10"]
        );
    }

    /// Names that tie on their first bytes, differ only in case, lower-case to other lengths
    /// (`İ`, `ß`), are empty, or hold numbers (with leading zeros, longer than the prefix, with
    /// wide characters after them), so every fallback of the keys is exercised.
    fn random_tokens(rng: &mut StdRng, n: usize) -> Vec<Token> {
        const NAMES: &[&str] = &[
            "grafana-readonly",
            "Grafana-Readonly",
            "grafana",
            "ci",
            "CI-deploy",
            "éclair",
            "Éclair",
            "straße",
            "STRASSE",
            "İstanbul",
            "istanbul",
            "",
            "zz",
            "deploy-",
            "grafana-readonly-0",
            "v1.",
            "第1章",
            "第1-",
        ];
        let base = datetime!(2025-01-01 00:00 UTC);
        let offsets = [offset!(UTC), offset!(+2), offset!(-5:30)];
        (0..n)
            .map(|_| {
                let mut name = NAMES[rng.random_range(0..NAMES.len())].to_owned();
                if rng.random_bool(0.5) {
                    // Numbers, sometimes with leading zeros, sometimes something after them.
                    let zeros = ["", "0", "00"][rng.random_range(0..3)];
                    name.push_str(&format!("{zeros}{}", rng.random_range(0..30)));
                    if rng.random_bool(0.3) {
                        name.push_str(["章", "-2", "b", "-10"][rng.random_range(0..4)]);
                    }
                }
                // Ids repeat now and then: a buggy provider must not make the order wobble.
                let id = format!("id-{}", rng.random_range(0..n.max(1)));
                let mut token = Token::new(&id, &name)
                    .with_enabled([Some(true), Some(false), None][rng.random_range(0..3)]);
                // Few distinct instants, some a fraction of a second apart, in other offsets.
                token.created_at = rng.random_bool(0.8).then(|| {
                    let nanos = rng.random_range(0..6) * 250_000_000 + rng.random_range(0..2);
                    (base + Duration::nanoseconds(nanos))
                        .to_offset(offsets[rng.random_range(0..offsets.len())])
                });
                token
            })
            .collect()
    }

    #[test]
    fn keyed_sort_merge_and_reverse_order_exactly_like_compare() {
        let mut rng = StdRng::seed_from_u64(8);
        let mut app = app_with(&[&[], &[], &[], &[], &[]]);
        let press = |app: &mut App, c: char| {
            update(
                app,
                Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)),
            );
        };
        for round in 0..300 {
            match rng.random_range(0..10) {
                // Most steps are list answers, as at startup and on refresh.
                0..=5 => {
                    let account = rng.random_range(0..app.accounts.len());
                    let Effect::Api { id, .. } = app.request_list(account) else {
                        unreachable!("a list request is an API effect")
                    };
                    let result = if rng.random_bool(0.1) {
                        Err(ApiError::Network("down".into()))
                    } else {
                        let n = rng.random_range(0..60);
                        Ok(random_tokens(&mut rng, n))
                    };
                    update(
                        &mut app,
                        Msg::Api {
                            id,
                            result: ApiResult::List(result.map(Listing::from)),
                        },
                    );
                }
                6 => press(&mut app, 's'),
                7 | 8 => press(&mut app, 'S'),
                _ => {
                    // 0 is `All accounts`, as in the accounts pane.
                    let scope = rng.random_range(0..=app.accounts.len()).checked_sub(1);
                    app.table.show(&app.accounts, scope);
                }
            }
            assert_eq!(
                app.table.order,
                sorted_order(&app.table, &app.accounts),
                "round {round}: {:?} {}",
                app.table.sort,
                if app.table.descending {
                    "descending"
                } else {
                    "ascending"
                }
            );
        }
    }
}
