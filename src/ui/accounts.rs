//! The accounts pane: `All accounts`, then one row per account with its state. It is only as
//! wide as its content needs (see [`wanted_width`]), so the tokens table gets the room.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Cell, Row, Table};

use super::{fit, theme, width_of, window};
use crate::app::{App, Focus, Loadable};

/// Names longer than this are cut; the detail pane and `:account` show them whole.
const MAX_NAME: usize = 22;
/// The shortest name column, so `All accounts` always fits.
const MIN_NAME: usize = 12;
/// The provider column fits the longest provider name.
const KIND: usize = 8;
const ALL: &str = "All accounts";

/// Columns: marker, icon, name, provider, count or failure. Between them one space each, and
/// the two borders.
pub fn wanted_width(app: &App) -> u16 {
    let (name, status) = column_widths(app);
    let total = 1 + 1 + name + KIND + status + 4 + 2;
    u16::try_from(total).unwrap_or(u16::MAX)
}

fn column_widths(app: &App) -> (usize, usize) {
    let name = app
        .accounts
        .iter()
        .map(|a| width_of(&a.info.name) + if a.info.read_only { 5 } else { 0 })
        .max()
        .unwrap_or(0)
        .clamp(MIN_NAME, MAX_NAME);
    let total: usize = app.accounts.iter().filter_map(|a| a.token_count()).sum();
    let status = app
        .accounts
        .iter()
        .map(|a| match &a.tokens {
            _ if a.retrying.is_some() => a.retrying.as_deref().map_or(0, width_of),
            Loadable::Failed(e) => e.short().len(),
            Loadable::Loaded(_) if a.refresh_failed.is_some() => {
                a.refresh_failed.as_ref().map_or(0, |e| e.short().len())
            }
            Loadable::Loaded(t) if a.partial.is_some() => partial_text(t.len()).len(),
            _ => 0,
        })
        .chain([total.to_string().len(), failed_text(app).len()])
        .max()
        .unwrap_or(0)
        .max(3);
    (name, status)
}

pub fn render(app: &App, frame: &mut Frame, area: Rect) {
    let focused = app.focus == Focus::Accounts;
    let block = Block::bordered()
        .border_type(theme::border_type(focused))
        .title(Line::from(" 1 Accounts ").style(theme::title(focused)))
        .border_style(theme::border(focused));
    let inner_height = usize::from(area.height.saturating_sub(2));
    let total = app.accounts.len() + 1;
    let (_, status_width) = column_widths(app);
    // Names matter more than providers (the tokens table and the detail name those too): when
    // the pane is narrower than its content, the provider column goes first.
    let kind = if area.width >= wanted_width(app) {
        KIND
    } else {
        0
    };
    let gaps = if kind > 0 { 4 } else { 3 };
    // The name takes whatever the pane leaves it.
    let name_width = usize::from(area.width)
        .saturating_sub(2 + 1 + 1 + kind + status_width + gaps)
        .max(1);
    let range = window(app.account_sel(), total, inner_height);
    // Accounts out of view are counted on the border: a short pane never hides them unsaid.
    let above = range.start;
    let below = total.saturating_sub(range.end);
    let block = if above > 0 || below > 0 {
        let mut parts = Vec::new();
        if above > 0 {
            parts.push(format!("↑ {above} more"));
        }
        if below > 0 {
            parts.push(format!("+{below} more ↓"));
        }
        block.title_bottom(
            Line::styled(format!(" {} ", parts.join(" · ")), theme::warn()).right_aligned(),
        )
    } else {
        block
    };
    let rows = range.clone().map(|i| {
        let selected = i == app.account_sel();
        let marker = if selected {
            theme::marker(focused)
        } else {
            " "
        };
        let mut cells = if i == 0 {
            all_row(app, marker, name_width)
        } else {
            account_row(app, i - 1, marker, name_width)
        };
        if kind == 0 {
            cells.remove(3);
        }
        let row = Row::new(cells);
        if selected {
            row.style(theme::selected(focused))
        } else {
            row
        }
    });
    let mut widths = vec![
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Fill(1),
        Constraint::Length(KIND as u16),
        Constraint::Length(status_width as u16),
    ];
    if kind == 0 {
        widths.remove(3);
    }
    let table = Table::new(rows, widths).block(block);
    frame.render_widget(table, area);
}

fn failed_text(app: &App) -> String {
    let failed = app.accounts.iter().filter(|a| a.list_failed()).count();
    if failed > 0 {
        format!("{failed} failed")
    } else {
        String::new()
    }
}

/// An account whose list is partial: how many tokens it shows, and that there are more.
fn partial_text(count: usize) -> String {
    format!("{count} partial")
}

/// The cells of the `All accounts` row: marker, icon, name, provider, status.
fn all_row(app: &App, marker: &'static str, name_width: usize) -> Vec<Cell<'static>> {
    let total: usize = app.accounts.iter().filter_map(|a| a.token_count()).sum();
    let failed = failed_text(app);
    let status = if failed.is_empty() {
        Line::from(total.to_string()).right_aligned()
    } else {
        Line::styled(failed, theme::error()).right_aligned()
    };
    vec![
        Cell::from(marker),
        Cell::from(" "),
        Cell::from(fit(ALL, name_width)).style(theme::header()),
        Cell::from(""),
        Cell::from(status),
    ]
}

/// The cells of one account's row: marker, icon, name, provider, status.
fn account_row(app: &App, i: usize, marker: &'static str, name_width: usize) -> Vec<Cell<'static>> {
    let acc = &app.accounts[i];
    let loading = app.is_loading(i);
    let icon = match &acc.tokens {
        _ if loading => Span::styled(theme::spinner(app.spinner), theme::warn()),
        // Listed, but not all of it: the tokens title and the summary say why.
        // Its refresh failed: the last good list is shown, as old as the tokens title says.
        Loadable::Loaded(_) if acc.refresh_failed.is_some() => Span::styled("✗", theme::error()),
        Loadable::Loaded(_) if acc.partial.is_some() => Span::styled("◐", theme::warn()),
        Loadable::Loaded(_) => Span::styled("✓", theme::ok()),
        Loadable::Failed(_) => Span::styled("✗", theme::error()),
        Loadable::NotLoaded | Loadable::Loading => Span::raw("·"),
    };
    let status = match &acc.tokens {
        // A read of the list is being tried again: say so while it is.
        _ if loading && acc.retrying.is_some() => {
            Line::styled(acc.retrying.clone().unwrap_or_default(), theme::warn()).right_aligned()
        }
        Loadable::Failed(e) => Line::styled(e.short(), theme::error()).right_aligned(),
        Loadable::Loaded(_) if acc.refresh_failed.is_some() => {
            let short = acc.refresh_failed.as_ref().map_or("", |e| e.short());
            Line::styled(short, theme::error()).right_aligned()
        }
        Loadable::Loaded(t) if acc.partial.is_some() => {
            Line::styled(partial_text(t.len()), theme::warn()).right_aligned()
        }
        Loadable::Loaded(t) => Line::from(t.len().to_string()).right_aligned(),
        Loadable::NotLoaded | Loadable::Loading => Line::styled("…", theme::dim()).right_aligned(),
    };
    // The badge goes first so a long name cannot push it out of view.
    let mut name = Vec::new();
    let mut room = name_width;
    if acc.info.read_only {
        name.push(Span::styled("[RO]", theme::badge()));
        name.push(Span::raw(" "));
        room = room.saturating_sub(5);
    }
    name.push(Span::raw(fit(&acc.info.name, room.min(MAX_NAME))));
    vec![
        Cell::from(marker),
        Cell::from(icon),
        Cell::from(Line::from(name)),
        Cell::from(Span::styled(acc.info.kind.name(), theme::dim())),
        Cell::from(status),
    ]
}
