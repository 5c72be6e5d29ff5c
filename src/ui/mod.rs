//! Drawing. `render` only reads the [`App`]; it gets `now` so relative ages are stable in tests.

pub mod accounts;
pub mod detail;
pub mod help;
pub mod modal;
pub mod statusbar;
pub mod theme;
pub mod toast;
pub mod tokens;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use time::OffsetDateTime;

use crate::app::{App, Focus, Mode};

/// Longest name (in characters) a table cell is given; longer ones are cut with `…`.
pub const MAX_CELL_CHARS: usize = 5_000;

/// At least this wide: accounts, tokens and detail side by side.
const THREE_COLUMNS: u16 = 150;
/// At least this wide: accounts beside tokens (or detail); narrower terminals stack.
const TWO_COLUMNS: u16 = 120;

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
    toast::render(app, frame, main);
    if app.mode == Mode::Help {
        help::render(app, frame, main);
    }
    modal::render(app, frame, main);
}

struct Panes {
    accounts: Option<Rect>,
    tokens: Option<Rect>,
    detail: Option<Rect>,
}

/// Wide terminals get three columns; narrower ones show the detail pane in place of the tokens
/// table while it has focus; narrow ones stack the accounts above.
fn layout(app: &App, area: Rect) -> Panes {
    let detail_focused = app.focus == Focus::Detail;
    if area.width >= THREE_COLUMNS {
        let [a, t, d] = Layout::horizontal([
            Constraint::Length(50),
            Constraint::Fill(1),
            Constraint::Length(48),
        ])
        .areas(area);
        return Panes {
            accounts: Some(a),
            tokens: Some(t),
            detail: Some(d),
        };
    }
    let (a, rest) = if area.width >= TWO_COLUMNS {
        let [a, rest] =
            Layout::horizontal([Constraint::Length(48), Constraint::Fill(1)]).areas(area);
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
    Panes {
        accounts: Some(a),
        tokens: (!detail_focused).then_some(rest),
        detail: detail_focused.then_some(rest),
    }
}

/// A relative age: `5m`, `3h`, `14d`, `2y`.
pub fn age(created: OffsetDateTime, now: OffsetDateTime) -> String {
    let secs = (now - created).whole_seconds().max(0);
    let (mins, hours, days) = (secs / 60, secs / 3600, secs / 86_400);
    if mins < 1 {
        "now".into()
    } else if hours < 1 {
        format!("{mins}m")
    } else if days < 1 {
        format!("{hours}h")
    } else if days < 365 {
        format!("{days}d")
    } else {
        format!("{}y", days / 365)
    }
}

/// Is a token older than the configured limit?
pub fn is_stale(created: Option<OffsetDateTime>, now: OffsetDateTime, days: u32) -> bool {
    created.is_some_and(|c| (now - c).whole_days() > i64::from(days))
}

/// A secret-like id as shown: only its last four characters.
pub fn mask(id: &str) -> String {
    let n = id.chars().count();
    let tail: String = id.chars().skip(n.saturating_sub(4)).collect();
    format!("••••{tail}")
}

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
        assert_eq!(age(datetime!(2024-05-01 12:00 UTC), now), "2y");
        assert_eq!(age(datetime!(2026-06-01 09:00 UTC), now), "3h");
        assert_eq!(age(datetime!(2026-06-01 11:55 UTC), now), "5m");
    }

    #[test]
    fn window_keeps_the_selection_visible() {
        assert_eq!(window(0, 100, 10), 0..10);
        assert_eq!(window(25, 100, 10), 16..26);
        assert_eq!(window(99, 100, 10), 90..100);
        assert_eq!(window(3, 5, 10), 0..5);
    }

    #[test]
    fn masked_ids_keep_only_the_tail() {
        assert_eq!(mask("abcdef123456"), "••••3456");
    }
}
