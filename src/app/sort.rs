//! The tokens table's sort order.

use std::cmp::Ordering;

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
