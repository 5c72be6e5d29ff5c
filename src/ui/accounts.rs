//! The accounts pane: `All accounts`, then one row per account with its state.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Cell, Row, Table};

use super::{MAX_CELL_CHARS, theme, window};
use crate::app::{App, Focus, Loadable};
use crate::text::truncate;

pub fn render(app: &App, frame: &mut Frame, area: Rect) {
    let focused = app.focus == Focus::Accounts;
    let block = Block::bordered()
        .title(Line::from(" 1 Accounts ").style(theme::header()))
        .border_style(theme::border(focused));
    let inner_height = usize::from(area.height.saturating_sub(2));
    let total = app.accounts.len() + 1;
    let range = window(app.account_sel, total, inner_height);
    let rows = range.clone().map(|i| {
        let row = if i == 0 {
            all_row(app)
        } else {
            account_row(app, i - 1)
        };
        if i == app.account_sel {
            row.style(theme::selected(focused))
        } else {
            row
        }
    });
    let table = Table::new(
        rows,
        [
            Constraint::Length(1),
            Constraint::Fill(1),
            Constraint::Length(8),
            Constraint::Length(5),
            Constraint::Length(12),
        ],
    )
    .block(block);
    frame.render_widget(table, area);
}

fn all_row(app: &App) -> Row<'static> {
    let total: usize = app.accounts.iter().filter_map(|a| a.token_count()).sum();
    let failed = app
        .accounts
        .iter()
        .filter(|a| matches!(a.tokens, Loadable::Failed(_)))
        .count();
    let state = if failed > 0 {
        Span::styled(format!("{failed} failed"), theme::error())
    } else {
        Span::raw("")
    };
    Row::new(vec![
        Cell::from(" "),
        Cell::from("All accounts").style(theme::header()),
        Cell::from(""),
        Cell::from(Line::from(total.to_string()).right_aligned()),
        Cell::from(state),
    ])
}

fn account_row(app: &App, i: usize) -> Row<'static> {
    let acc = &app.accounts[i];
    let loading = app.is_loading(i);
    let (icon, state) = match &acc.tokens {
        _ if loading && !matches!(acc.tokens, Loadable::Loaded(_)) => (
            Span::styled(theme::spinner(app.spinner), theme::warn()),
            Span::styled("loading", theme::warn()),
        ),
        Loadable::Loaded(_) if loading => (
            Span::styled(theme::spinner(app.spinner), theme::warn()),
            Span::styled("refreshing", theme::warn()),
        ),
        Loadable::Loaded(_) => (
            Span::styled("✓", theme::ok()),
            Span::styled("loaded", theme::dim()),
        ),
        Loadable::Failed(e) => (
            Span::styled("✗", theme::error()),
            Span::styled(e.short(), theme::error()),
        ),
        Loadable::NotLoaded | Loadable::Loading => (Span::raw("·"), Span::raw("")),
    };
    // The badge goes first so a long name cannot push it out of view.
    let mut name = Vec::new();
    if acc.info.read_only {
        name.push(Span::styled("RO", theme::badge()));
        name.push(Span::raw(" "));
    }
    name.push(Span::raw(truncate(&acc.info.name, MAX_CELL_CHARS)));
    let count = acc.token_count().map(|n| n.to_string()).unwrap_or_default();
    Row::new(vec![
        Cell::from(icon),
        Cell::from(Line::from(name)),
        Cell::from(acc.info.kind.name()),
        Cell::from(Line::from(count).right_aligned()),
        Cell::from(state),
    ])
}
