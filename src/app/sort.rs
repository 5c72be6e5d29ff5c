//! The tokens table's sort order.

use std::cmp::Ordering;

use super::{App, Loadable, RowRef};
use crate::model::Token;

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
            .then_with(|| cmp_names(&a.1.name, &b.1.name))
            .then_with(|| a.0.cmp(&b.0))
            .then_with(|| a.1.id.cmp(&b.1.id))
    }
}

fn state_rank(t: &Token) -> u8 {
    match t.enabled {
        Some(true) => 0,
        None => 1,
        Some(false) => 2,
    }
}

fn cmp_names(a: &str, b: &str) -> Ordering {
    // Most names are ASCII; comparing bytes avoids Unicode case mapping in the hot path.
    if a.is_ascii() && b.is_ascii() {
        return a
            .bytes()
            .map(|c| c.to_ascii_lowercase())
            .cmp(b.bytes().map(|c| c.to_ascii_lowercase()));
    }
    a.chars()
        .flat_map(char::to_lowercase)
        .cmp(b.chars().flat_map(char::to_lowercase))
}

/// Every token of the selected account(s), sorted: the tokens table before filtering.
pub fn sorted_order(app: &App) -> Vec<RowRef> {
    let accounts: Vec<usize> = match app.selected_account() {
        Some(i) => vec![i],
        None => (0..app.accounts.len()).collect(),
    };
    let mut rows = Vec::new();
    for a in accounts {
        rows.extend(account_rows(app, a));
    }
    sort_rows(app, &mut rows);
    rows
}

/// One account's list arrived (or failed): put its tokens into the cached order without
/// re-sorting the others. Its own rows are sorted, then merged with the rest in one pass, so 40
/// answers of 2,500 tokens cost 40 small sorts and 40 linear merges, not 40 sorts of everything.
pub fn merge_account(app: &mut App, account: usize) {
    if app.order_stale || app.selected_account().is_some_and(|s| s != account) {
        return;
    }
    let mut fresh: Vec<RowRef> = account_rows(app, account).collect();
    sort_rows(app, &mut fresh);
    let old = std::mem::take(&mut app.order);
    let mut merged = Vec::with_capacity(old.len() + fresh.len());
    let mut rest = old.into_iter().filter(|r| r.account != account).peekable();
    let mut fresh = fresh.into_iter().peekable();
    loop {
        let take_fresh = match (rest.peek(), fresh.peek()) {
            (Some(r), Some(f)) => compare_rows(app, f, r) == Ordering::Less,
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
    app.order = merged;
}

fn account_rows(app: &App, account: usize) -> impl Iterator<Item = RowRef> + use<> {
    let n = match app.accounts.get(account).map(|a| &a.tokens) {
        Some(Loadable::Loaded(tokens)) => tokens.len(),
        _ => 0,
    };
    (0..n).map(move |token| RowRef { account, token })
}

fn sort_rows(app: &App, rows: &mut [RowRef]) {
    // Ties are broken by account and id, so an unstable sort is still deterministic.
    rows.sort_unstable_by(|x, y| compare_rows(app, x, y));
}

fn compare_rows(app: &App, x: &RowRef, y: &RowRef) -> Ordering {
    let token = |r: &RowRef| match &app.accounts.get(r.account)?.tokens {
        Loadable::Loaded(t) => t.get(r.token),
        _ => None,
    };
    match (token(x), token(y)) {
        (Some(tx), Some(ty)) => {
            let o = app.sort.compare((x.account, tx), (y.account, ty));
            if app.sort_desc { o.reverse() } else { o }
        }
        _ => Ordering::Equal,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::{AccountInfo, AppOptions};
    use crate::provider::ProviderKind;

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
        app.order = sorted_order(&app);
        app.order_stale = false;
        // Account 0 is listed again and now holds different tokens.
        app.accounts[0].tokens = Loadable::Loaded(vec![
            Token::new("x", "bravo"),
            Token::new("y", "foxtrot"),
            Token::new("z", "alpha"),
        ]);
        merge_account(&mut app, 0);
        assert_eq!(app.order, sorted_order(&app));
        let names: Vec<&str> = app
            .order
            .iter()
            .filter_map(|r| app.token_at(*r).map(|(_, t)| t.name.as_str()))
            .collect();
        assert_eq!(
            names,
            ["alpha", "alpha", "bravo", "charlie", "echo", "foxtrot"]
        );
    }
}
