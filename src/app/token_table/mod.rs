//! The tokens table: which tokens it lists (the account in scope and the filter), in what order
//! (the sort), where its cursor is and which tokens are marked for a bulk delete.
//!
//! The fields are private so that the table cannot fall out of step with itself: every method
//! that changes what the table lists also recomputes its rows and keeps the cursor on its token,
//! so no caller has to remember to invalidate the cached order or refilter. The tokens themselves
//! live in `App::accounts`; methods that need them take `accounts` as an argument, and
//! [`TokenTable::listed`] must follow every change to an account's tokens (`App::set_tokens`
//! is the one place that does).
//!
//! Views (view.rs) narrow the rows to the stale, privileged, disabled or duplicate-named tokens
//! before the filter, and the rows are counted for the status bar whenever they change.
//!
//! Speed (see BENCHMARKS.md): the sorted, unfiltered order is cached and its keys precomputed
//! (sort.rs), so typing in the filter never re-sorts and `S` only reverses; a longer query
//! re-checks only the previous matches and Backspace returns to earlier ones (filter.rs).

pub mod filter;
pub mod sort;
pub mod view;
pub mod widths;

use std::collections::HashSet;
use std::ops::Range;

use crossterm::event::KeyEvent;
use time::OffsetDateTime;
use tui_input::Input;

use super::line_edit::{MAX_FIELD_CHARS, edit_text, insert_pasted};
use super::op::TokenRef;
use super::{AccountState, Loadable};
use crate::model::{Token, TokenId};
use sort::SortKey;
use view::{Counts, View};

/// A token in the tokens table: indexes into `App::accounts[account].tokens`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RowRef {
    pub account: usize,
    pub token: usize,
}

/// The token a row points at, with its account; `None` once the row is out of date.
pub fn token_at(accounts: &[AccountState], row: RowRef) -> Option<(&AccountState, &Token)> {
    let acc = accounts.get(row.account)?;
    match &acc.tokens {
        Loadable::Loaded(tokens) => tokens.get(row.token).map(|t| (acc, t)),
        _ => None,
    }
}

#[derive(Debug)]
pub struct TokenTable {
    /// The account whose tokens are listed; `None` lists every account's (`All accounts`).
    scope: Option<usize>,
    /// What the table shows: `order` after the filter.
    rows: Vec<RowRef>,
    cursor: usize,
    /// Every token in scope in sort order, before filtering.
    order: Vec<RowRef>,
    /// `order` must be sorted again before use: nothing has been sorted yet, or the scope or the
    /// column changed.
    order_stale: bool,
    /// Sort keys for `order` and the accounts' tokens, so sorting and merging a list answer do
    /// not reach into every token.
    sort_cache: sort::SortCache,
    /// The last filter pass's matches, so a longer query re-checks only those.
    filter_state: filter::FilterState,
    filter: Input,
    sort: SortKey,
    descending: bool,
    /// Tokens marked with space for a bulk delete. By id, so marks survive re-sorting and
    /// re-listing.
    marked: HashSet<(usize, TokenId)>,
    /// List only the marked tokens (`M`), to check them before a bulk delete.
    marked_only: bool,
    /// Rows shown at once, for PgUp/PgDn; follows the terminal size.
    page: usize,
    /// A token to put the cursor on as soon as it is listed: the one just created, so the user
    /// sees it among the others.
    select_next: Option<(usize, TokenId)>,
    /// The user has not moved the cursor since this scope was shown: while the accounts' lists
    /// come in, it stays on the top row instead of following whichever token was there first.
    untouched: bool,
    /// The token the cursor was on before the tokens changed under it, for the next rebuild.
    keep: Option<(usize, TokenId)>,
    /// Which tokens are listed before the filter.
    view: View,
    /// The wall-clock time the stale view and the counts are worked out with; `None` until the
    /// first `Msg::Clock`.
    clock: Option<OffsetDateTime>,
    stale_after_days: u32,
    /// The expiring view's window, in days.
    expiring_within_days: u32,
    /// What the status bar says about the rows.
    counts: Counts,
    /// Each account's counts for a stale cutoff, while it lists the same tokens.
    account_counts: Vec<Option<(Option<i64>, Counts)>>,
    /// What the columns of the rows want (widths.rs), measured whenever the rows change.
    widths: widths::ColumnWidths,
}

impl Default for TokenTable {
    fn default() -> Self {
        TokenTable {
            scope: None,
            rows: Vec::new(),
            cursor: 0,
            order: Vec::new(),
            order_stale: true,
            sort_cache: sort::SortCache::default(),
            filter_state: filter::FilterState::default(),
            filter: Input::default(),
            sort: SortKey::Name,
            descending: false,
            marked: HashSet::new(),
            marked_only: false,
            page: 10,
            select_next: None,
            untouched: true,
            keep: None,
            view: View::All,
            clock: None,
            stale_after_days: 90,
            expiring_within_days: crate::model::DEFAULT_EXPIRING_WITHIN_DAYS,
            counts: Counts::default(),
            account_counts: Vec::new(),
            widths: widths::ColumnWidths::default(),
        }
    }
}

impl TokenTable {
    /// An empty table whose stale view and counts use `days` (the config's `stale_after_days`).
    pub fn with_stale_after_days(days: u32) -> TokenTable {
        TokenTable {
            stale_after_days: days,
            ..TokenTable::default()
        }
    }

    pub fn scope(&self) -> Option<usize> {
        self.scope
    }

    pub fn rows(&self) -> &[RowRef] {
        &self.rows
    }

    /// The index in [`TokenTable::rows`] of the row under the cursor.
    pub fn cursor(&self) -> usize {
        self.cursor
    }

    pub fn selected(&self) -> Option<RowRef> {
        self.rows.get(self.cursor).copied()
    }

    /// The filter line, with its cursor, for drawing.
    pub fn filter(&self) -> &Input {
        &self.filter
    }

    pub fn query(&self) -> &str {
        self.filter.value()
    }

    pub fn sort(&self) -> SortKey {
        self.sort
    }

    pub fn descending(&self) -> bool {
        self.descending
    }

    pub fn page(&self) -> usize {
        self.page
    }

    pub fn is_marked(&self, account: usize, id: &TokenId) -> bool {
        self.marked.contains(&(account, id.clone()))
    }

    pub fn mark_count(&self) -> usize {
        self.marked.len()
    }

    /// The marked tokens that are still listed, account by account in list order.
    pub fn marked_refs(&self, accounts: &[AccountState]) -> Vec<TokenRef> {
        let mut refs = Vec::new();
        for (a, acc) in accounts.iter().enumerate() {
            if let Loadable::Loaded(tokens) = &acc.tokens {
                refs.extend(
                    tokens
                        .iter()
                        .filter(|t| self.is_marked(a, &t.id))
                        .map(|t| TokenRef {
                            account: a,
                            id: t.id.clone(),
                            name: t.name.clone(),
                        }),
                );
            }
        }
        refs
    }

    /// List one account's tokens, or every account's with `None`. The cursor starts at the top,
    /// unless the token that was there is listed in the new scope too.
    pub fn show(&mut self, accounts: &[AccountState], scope: Option<usize>) {
        self.scope = scope.filter(|a| *a < accounts.len());
        self.cursor = 0;
        self.untouched = true;
        self.order_stale = true;
        self.rebuild(accounts);
    }

    /// An account's tokens were replaced (a list answer, or a failed one): merge them into the
    /// order without re-sorting the other accounts. `keep` is the token the cursor was on
    /// before (by id: its row may have moved), where it stays if it is still listed.
    pub fn listed(
        &mut self,
        accounts: &[AccountState],
        account: usize,
        keep: Option<(usize, TokenId)>,
    ) {
        if let Some(counts) = self.account_counts.get_mut(account) {
            *counts = None;
        }
        self.merge_account(accounts, account);
        self.keep = keep;
        self.rebuild(accounts);
        if self.untouched && self.select_next.is_none() {
            self.cursor = 0;
        }
    }

    /// `s`: sort by the next column.
    pub fn next_sort(&mut self, accounts: &[AccountState]) {
        self.sort = self.sort.next();
        self.order_stale = true;
        self.rebuild(accounts);
    }

    /// `S`: the other direction.
    pub fn reverse_sort(&mut self, accounts: &[AccountState]) {
        self.descending = !self.descending;
        self.reverse_order();
        self.rebuild(accounts);
    }

    /// A key typed into the filter line. A query that only grew re-checks just the previous
    /// matches, and one cut back to a query typed on the way takes that query's matches back;
    /// either way the cursor goes to the best match. Anything else is a full pass that keeps
    /// the cursor on its token.
    pub fn filter_key(&mut self, accounts: &[AccountState], key: &KeyEvent) {
        let before = self.filter.value().to_owned();
        edit_text(&mut self.filter, key);
        let after = self.filter.value();
        if after != before && after.starts_with(&before) {
            return self.narrow(accounts);
        }
        if after != before && before.starts_with(after) && self.widen(accounts) {
            return;
        }
        self.rebuild(accounts);
    }

    /// Paste into the filter line in one step. True when the text was cut to the field's cap.
    pub fn paste_filter(&mut self, accounts: &[AccountState], text: &str) -> bool {
        let cut = insert_pasted(&mut self.filter, text, MAX_FIELD_CHARS);
        self.rebuild(accounts);
        cut
    }

    pub fn clear_filter(&mut self, accounts: &[AccountState]) {
        self.filter.reset();
        self.rebuild(accounts);
    }

    /// Enter leaves the filter line with the filter kept. The rows are recomputed in one full
    /// pass, which also starts the Backspace history over: editing the filter again later keeps
    /// the cursor on its token rather than jumping to the best match.
    pub fn filter_done(&mut self, accounts: &[AccountState]) {
        self.rebuild(accounts);
    }

    /// Move the cursor by `delta` rows, stopping at either end. True when it moved.
    pub fn move_cursor(&mut self, delta: isize) -> bool {
        let next = clamp_move(self.cursor, delta, self.rows.len());
        let moved = next != self.cursor;
        self.cursor = next;
        self.untouched &= !moved;
        moved
    }

    /// Put the cursor on row `index` (the last row if there are fewer).
    pub fn set_cursor(&mut self, index: usize) {
        self.cursor = index.min(self.rows.len().saturating_sub(1));
        self.untouched = false;
    }

    pub fn set_page(&mut self, rows: usize) {
        self.page = rows;
    }

    /// Put the cursor on this token once a list shows it; until then it stays where it is.
    pub fn select_when_listed(&mut self, account: usize, id: TokenId) {
        self.select_next = Some((account, id));
    }

    /// Space: mark or unmark the token under the cursor, then step down so that a run of
    /// tokens is marked by holding the key. False when there is no token to mark.
    pub fn toggle_mark(&mut self, accounts: &[AccountState]) -> bool {
        let Some(id) = self.selected_id(accounts) else {
            return false;
        };
        if !self.marked.remove(&id) {
            self.marked.insert(id);
        }
        if self.marked_only {
            // The unmarked token leaves the list; the cursor stays where it was.
            self.rebuild(accounts);
            return true;
        }
        self.cursor = (self.cursor + 1).min(self.rows.len().saturating_sub(1));
        self.untouched = false;
        true
    }

    pub fn unmark(&mut self, account: usize, id: &TokenId) {
        self.marked.remove(&(account, id.clone()));
    }

    /// Unmark every token. Showing only the marked ones ends with them.
    pub fn clear_marks(&mut self, accounts: &[AccountState]) {
        self.marked.clear();
        if self.marked_only {
            self.marked_only = false;
            self.rebuild(accounts);
        }
    }

    pub fn marked_only(&self) -> bool {
        self.marked_only
    }

    pub(super) fn marked_set(&self) -> &HashSet<(usize, TokenId)> {
        &self.marked
    }

    /// `M`: list only the marked tokens, or every token again. False (and nothing changes)
    /// when asked to show the marked ones and none is marked.
    pub fn toggle_marked_only(&mut self, accounts: &[AccountState]) -> bool {
        if !self.marked_only && self.marked.is_empty() {
            return false;
        }
        self.marked_only = !self.marked_only;
        self.rebuild(accounts);
        true
    }

    /// How many of these tokens the table does not show (the filter, the view or the scope
    /// hides them), so that a bulk change says it touches tokens out of sight.
    pub fn hidden_among(&self, accounts: &[AccountState], refs: &[TokenRef]) -> usize {
        let wanted: HashSet<(usize, &TokenId)> = refs.iter().map(|r| (r.account, &r.id)).collect();
        let shown = self
            .rows
            .iter()
            .filter_map(|row| token_at(accounts, *row).map(|(_, t)| (row.account, &t.id)))
            .filter(|key| wanted.contains(key))
            .count();
        wanted.len().saturating_sub(shown)
    }

    /// The indexes of the accounts whose tokens are listed.
    fn in_scope(&self, accounts: &[AccountState]) -> Range<usize> {
        match self.scope {
            Some(a) => a..a + 1,
            None => 0..accounts.len(),
        }
    }

    fn selected_id(&self, accounts: &[AccountState]) -> Option<(usize, TokenId)> {
        let row = self.selected()?;
        token_at(accounts, row).map(|(_, t)| (row.account, t.id.clone()))
    }

    /// Recompute the rows from the scope, the filter and the sort, keeping the cursor on the
    /// same token when it is still there.
    fn rebuild(&mut self, accounts: &[AccountState]) {
        if self.order_stale {
            self.resort(accounts);
            self.order_stale = false;
        }
        let rows = self.refilter(accounts, false);
        self.set_rows(accounts, rows);
    }

    /// The filter only grew (a character typed at the end): every match is among the previous
    /// matches, so only those are checked again.
    fn narrow(&mut self, accounts: &[AccountState]) {
        if self.order_stale {
            return self.rebuild(accounts);
        }
        let rows = self.refilter(accounts, true);
        self.set_rows(accounts, rows);
        // Matches are ranked: while typing, the cursor sits on the best one.
        self.cursor = 0;
    }

    /// The filter lost characters at its end: back to the matches of a query typed on the way,
    /// if it was one. False when a full rebuild is needed.
    fn widen(&mut self, accounts: &[AccountState]) -> bool {
        if self.order_stale {
            return false;
        }
        match self.widened(accounts) {
            Some(rows) => {
                self.set_rows(accounts, rows);
                self.cursor = 0;
                true
            }
            None => false,
        }
    }

    fn set_rows(&mut self, accounts: &[AccountState], rows: Vec<RowRef>) {
        let keep = self.keep.take().or_else(|| self.selected_id(accounts));
        self.rows = rows;
        self.count_rows(accounts);
        self.measure(accounts);
        let find = |rows: &[RowRef], (a, id): &(usize, TokenId)| {
            rows.iter().position(|r| {
                r.account == *a && token_at(accounts, *r).is_some_and(|(_, t)| t.id == *id)
            })
        };
        // A token just created wins once it is listed; until then the cursor stays where it was.
        if let Some(i) = self
            .select_next
            .as_ref()
            .and_then(|want| find(&self.rows, want))
        {
            self.select_next = None;
            self.cursor = i;
            self.untouched = false;
        } else {
            self.cursor = keep
                .and_then(|k| find(&self.rows, &k))
                .unwrap_or_else(|| self.cursor.min(self.rows.len().saturating_sub(1)));
        }
    }
}

/// `current` moved by `delta` within `0..len`.
pub fn clamp_move(current: usize, delta: isize, len: usize) -> usize {
    if len == 0 {
        return 0;
    }
    let target = (current as isize).saturating_add(delta);
    target.clamp(0, len as isize - 1) as usize
}
