//! What is drawn where: the mouse's hit test. It lays the panes out as `render` does and finds
//! the rows the way the accounts pane and the tokens table scroll them, so a click lands on the
//! row the user sees, without drawing anything and without state kept from the last frame.

use ratatui::layout::Rect;

use super::{layout, window};
use crate::app::App;

/// The part of the dashboard under a cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hit {
    /// The accounts pane; on a row, the row (0 is `All accounts`, as in [`App::account_sel`]).
    Accounts(Option<usize>),
    /// The tokens pane; on a row, its index in the table's rows.
    Tokens(Option<usize>),
    Detail,
}

/// What is at `column`, `row` on a `width`×`height` terminal; `None` for the status line or
/// nothing at all.
pub fn at(app: &App, (width, height): (u16, u16), column: u16, row: u16) -> Option<Hit> {
    let main = Rect::new(0, 0, width, height.saturating_sub(1));
    let panes = layout(app, main);
    let cell = ratatui::layout::Position::new(column, row);
    if let Some(area) = panes.accounts.filter(|a| a.contains(cell)) {
        let inner = inner(area);
        let range = window(
            app.account_sel(),
            app.accounts.len() + 1,
            usize::from(inner.height),
        );
        let on = row_in(inner, row, 0, range.len()).map(|i| range.start + i);
        return Some(Hit::Accounts(on));
    }
    if let Some(area) = panes.tokens.filter(|a| a.contains(cell)) {
        let inner = inner(area);
        let table = &app.table;
        // Below the header row.
        let shown = usize::from(inner.height.saturating_sub(1));
        let range = window(table.cursor(), table.rows().len(), shown);
        let on = row_in(inner, row, 1, range.len()).map(|i| range.start + i);
        return Some(Hit::Tokens(on));
    }
    panes
        .detail
        .filter(|a| a.contains(cell))
        .map(|_| Hit::Detail)
}

/// A bordered pane's inside.
fn inner(area: Rect) -> Rect {
    ratatui::widgets::Block::bordered().inner(area)
}

/// The offset of `row` among `count` rows drawn from `skip` rows below the top of `inner`.
fn row_in(inner: Rect, row: u16, skip: u16, count: usize) -> Option<usize> {
    let first = inner.y + skip;
    let offset = usize::from(row.checked_sub(first)?);
    (offset < count && row < inner.bottom()).then_some(offset)
}
