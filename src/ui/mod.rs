//! Drawing. `render` only reads the [`App`]; it gets `now` so relative ages are stable in tests.

pub mod accounts;
pub mod charts;
pub mod detail;
pub mod help;
pub mod hit;
pub mod modal;
pub mod statusbar;
pub mod summary;
pub mod theme;
pub mod toast;
pub mod tokens;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use time::OffsetDateTime;
use unicode_width::UnicodeWidthStr;

use crate::app::{App, Focus, Mode};

/// Longest name (in characters) a table cell is given; longer ones are cut with `…`.
pub const MAX_CELL_CHARS: usize = 5_000;

/// At least this wide: the accounts pane beside the tokens; narrower terminals stack them.
const SIDE_BY_SIDE: u16 = 100;
/// The tokens table is at least this wide before the detail pane moves to its right.
const DETAIL_RIGHT: u16 = 110;
/// The right-hand detail pane's width.
const DETAIL_WIDTH: u16 = 52;
/// At least this many rows for the tokens table and the detail pane to share.
const DETAIL_BELOW: u16 = 22;

pub fn render(app: &App, frame: &mut Frame, now: OffsetDateTime) {
    let area = frame.area();
    let [main, status] = Layout::vertical([Constraint::Fill(1), Constraint::Length(1)]).areas(area);
    let panes = layout(app, main);
    if let Some(r) = panes.accounts {
        accounts::render(app, frame, r);
    }
    if let Some(r) = panes.tokens {
        tokens::render(app, frame, r, now);
    }
    if let Some(r) = panes.detail {
        detail::render(app, frame, r, now);
    }
    statusbar::render(app, frame, status);
    // Toasts never hide the row the user is on.
    let cursor_row = panes.tokens.and_then(|t| tokens::cursor_row(app, t));
    toast::render(app, frame, main, cursor_row);
    if app.mode == Mode::Help {
        help::render(app, frame, main);
    }
    modal::render(app, frame, main, now);
}

/// How many token rows the table shows on a terminal of `width`×`height`: one page for
/// PgUp/PgDn. It follows the same layout as drawing, so paging never skips rows the user has
/// not seen, whether the detail pane sits below the table or not.
pub fn token_rows_visible(app: &App, width: u16, height: u16) -> usize {
    let main = Rect::new(0, 0, width, height.saturating_sub(1));
    let tokens = layout(app, main).tokens.unwrap_or(main);
    // Two borders and the header row.
    usize::from(tokens.height.saturating_sub(3)).max(1)
}

struct Panes {
    accounts: Option<Rect>,
    tokens: Option<Rect>,
    detail: Option<Rect>,
}

/// The accounts pane takes the width its content needs, the tokens table the rest. The detail
/// pane goes right of the tokens on very wide terminals, below them when there is height to
/// share, and otherwise replaces them while it has focus. Narrow terminals stack the accounts
/// above.
fn layout(app: &App, area: Rect) -> Panes {
    let (a, rest) = if area.width >= SIDE_BY_SIDE {
        let wanted = accounts::wanted_width(app).min(area.width / 3);
        let [a, rest] =
            Layout::horizontal([Constraint::Length(wanted), Constraint::Fill(1)]).areas(area);
        (a, rest)
    } else {
        // Room for every account plus `All accounts` and the borders, at most a third.
        let wanted = (app.accounts.len() as u16).saturating_add(3);
        let max = (area.height / 3).max(4);
        let [a, rest] =
            Layout::vertical([Constraint::Length(wanted.min(max)), Constraint::Fill(1)])
                .areas(area);
        (a, rest)
    };
    let (tokens, detail) = if rest.width >= DETAIL_RIGHT + DETAIL_WIDTH {
        let [t, d] =
            Layout::horizontal([Constraint::Fill(1), Constraint::Length(DETAIL_WIDTH)]).areas(rest);
        (Some(t), Some(d))
    } else if rest.height >= DETAIL_BELOW && area.width >= SIDE_BY_SIDE {
        let height = (rest.height * 2 / 5).clamp(9, 16);
        let [t, d] =
            Layout::vertical([Constraint::Fill(1), Constraint::Length(height)]).areas(rest);
        (Some(t), Some(d))
    } else if app.focus == Focus::Detail {
        (None, Some(rest))
    } else {
        (Some(rest), None)
    };
    Panes {
        accounts: Some(a),
        tokens,
        detail,
    }
}

/// `s` cut to `width` terminal columns, ending in `…` when cut: the one truncation rule, under
/// the name the drawing code uses.
pub use crate::text::truncate as fit;

/// Display width in terminal columns.
pub fn width_of(s: &str) -> usize {
    UnicodeWidthStr::width(s)
}

/// A token's age as people say it: `now`, `5min`, `3h`, `27d`, `11m`, `1y 3m` (see
/// [`crate::model::human_age`]).
pub fn age(created: OffsetDateTime, now: OffsetDateTime) -> String {
    crate::model::human_age(created, now)
}

/// Is a token older than the configured limit? (see [`crate::model::is_stale`])
pub use crate::model::is_stale;

/// The first `n` rows starting at `offset` that keep `selected` visible: only visible rows are
/// ever built, so 100,000 tokens cost no more to draw than 20.
pub fn window(selected: usize, len: usize, height: usize) -> std::ops::Range<usize> {
    if height == 0 || len == 0 {
        return 0..0;
    }
    let start = (selected + 1)
        .saturating_sub(height)
        .min(len.saturating_sub(1));
    start..(start + height).min(len)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn ages_read_naturally() {
        let now = datetime!(2026-06-01 12:00 UTC);
        assert_eq!(age(datetime!(2026-05-18 12:00 UTC), now), "14d");
        assert_eq!(age(datetime!(2024-05-01 12:00 UTC), now), "2y 1m");
        assert_eq!(age(datetime!(2025-03-01 12:00 UTC), now), "1y 3m");
        assert_eq!(age(datetime!(2025-07-01 12:00 UTC), now), "11m");
        assert_eq!(age(datetime!(2026-06-01 09:00 UTC), now), "3h");
        assert_eq!(age(datetime!(2026-06-01 11:55 UTC), now), "5min");
    }

    #[test]
    fn window_keeps_the_selection_visible() {
        assert_eq!(window(0, 100, 10), 0..10);
        assert_eq!(window(25, 100, 10), 16..26);
        assert_eq!(window(99, 100, 10), 90..100);
        assert_eq!(window(3, 5, 10), 0..5);
    }
}
