//! How wide the tokens table's columns want to be for the whole view, not for the rows that
//! happen to be on screen: the columns keep their widths while the user scrolls, and a column
//! that some row of the view needs (scopes) stays when the visible rows have none.
//!
//! Each token's cell widths are measured once per list answer ([`CellWidths`], kept with the
//! account's facts); whenever the rows change, the view's widths are the maxima over its rows
//! ([`TokenTable::column_widths`]): a pass over small arrays, never per frame.

use super::{TokenTable, token_at};
use crate::app::AccountState;
use crate::model::Token;

fn width_of(s: &str) -> usize {
    unicode_width::UnicodeWidthStr::width(s)
}

/// Widths are counted up to this; the table never gives a cell more.
const CAP: usize = 500;

/// One account's tokens, in their order: the columns each one's name, id and scopes take.
#[derive(Debug, Default, Clone)]
pub struct CellWidths {
    name: Vec<u16>,
    id: Vec<u16>,
    scopes: Vec<u16>,
}

fn capped(n: usize) -> u16 {
    u16::try_from(n.min(CAP)).unwrap_or(u16::MAX)
}

/// The scopes as the table shows them: joined by commas.
fn scopes_width(token: &Token) -> usize {
    let joined: usize = token.scopes.iter().map(|s| width_of(s) + 1).sum();
    joined.saturating_sub(1)
}

impl CellWidths {
    pub fn build(tokens: &[Token]) -> CellWidths {
        CellWidths {
            name: tokens.iter().map(|t| capped(name_width(t))).collect(),
            id: tokens
                .iter()
                .map(|t| capped(width_of(t.id.as_str())))
                .collect(),
            scopes: tokens.iter().map(|t| capped(scopes_width(t))).collect(),
        }
    }

    /// Name, id and scopes widths of token `i`, if measured.
    fn get(&self, i: usize) -> Option<(usize, usize, usize)> {
        Some((
            usize::from(*self.name.get(i)?),
            usize::from(*self.id.get(i)?),
            usize::from(*self.scopes.get(i)?),
        ))
    }
}

/// What the columns of the rows in view want, in terminal columns (0: no row has any).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct ColumnWidths {
    pub name: usize,
    /// The longest id of an account whose ids are not secrets (masked ids have one width).
    pub id: usize,
    pub scopes: usize,
    /// The longest account name among the rows.
    pub account: usize,
    /// Some row's account has ids that are secrets, shown masked.
    pub masked_ids: bool,
}

impl TokenTable {
    /// What the columns of the whole view want; the same while scrolling.
    pub fn column_widths(&self) -> ColumnWidths {
        self.widths
    }

    /// Measure the rows: called whenever they change.
    pub(super) fn measure(&mut self, accounts: &[AccountState]) {
        let mut w = ColumnWidths::default();
        let mut seen = vec![false; accounts.len()];
        for r in &self.rows {
            let Some(acc) = accounts.get(r.account) else {
                continue;
            };
            if !seen[r.account] {
                seen[r.account] = true;
                w.account = w.account.max(width_of(&acc.info.name));
                w.masked_ids |= acc.caps().id_is_secret;
            }
            // Tokens set without a list answer have no measurements: measure them here.
            let (name, id, scopes) = match acc.facts.cells.get(r.token) {
                Some(m) => m,
                None => match token_at(accounts, *r) {
                    Some((_, t)) => (
                        name_width(t).min(CAP),
                        width_of(t.id.as_str()).min(CAP),
                        scopes_width(t).min(CAP),
                    ),
                    None => continue,
                },
            };
            w.name = w.name.max(name);
            w.scopes = w.scopes.max(scopes);
            if !acc.caps().id_is_secret {
                w.id = w.id.max(id);
            }
        }
        self.widths = w;
    }
}

/// The name column a token takes: a second kind of token is tagged before its name
/// (`[policy] `).
fn name_width(t: &Token) -> usize {
    width_of(&t.name) + t.kind.map_or(0, |k| width_of(k) + 3)
}
