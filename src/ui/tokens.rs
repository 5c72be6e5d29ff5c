//! The tokens table: the selected account's tokens, or every account's under `All accounts`.
//! Only the visible rows are built.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Cell, Paragraph, Row, Table, Wrap};
use time::OffsetDateTime;

use super::{MAX_CELL_CHARS, age, is_stale, mask, theme, window};
use crate::app::{App, Focus, Loadable, Mode};
use crate::text::truncate;

/// Short ids are cut to this many characters; the detail pane shows them whole.
const SHORT_ID: usize = 12;

pub fn render(app: &App, frame: &mut Frame, area: Rect, now: OffsetDateTime) {
    let focused = app.focus == Focus::Tokens;
    let all = app.selected_account().is_none();
    let block = Block::bordered()
        .title(title(app))
        .border_style(theme::border(focused));
    let inner = block.inner(area);
    frame.render_widget(block, area);

    if app.rows.is_empty() {
        frame.render_widget(
            Paragraph::new(empty_message(app))
                .style(theme::dim())
                .wrap(Wrap { trim: true }),
            inner,
        );
        return;
    }

    let height = usize::from(inner.height.saturating_sub(1));
    let cell_max = usize::from(inner.width).min(MAX_CELL_CHARS);
    let range = window(app.token_sel, app.rows.len(), height);
    let rows = app.rows[range.clone()]
        .iter()
        .enumerate()
        .filter_map(|(offset, row)| {
            let (acc, token) = app.token_at(*row)?;
            let id = if acc.caps().id_is_secret {
                mask(token.id.as_str())
            } else {
                truncate(token.id.as_str(), SHORT_ID)
            };
            let state = match token.enabled {
                Some(true) => Span::styled("enabled", theme::ok()),
                Some(false) => Span::styled("disabled", theme::error()),
                None => Span::styled("—", theme::dim()),
            };
            let created = match token.created_at {
                Some(c) if is_stale(Some(c), now, app.stale_after_days) => {
                    Span::styled(format!("{} stale", age(c, now)), theme::warn())
                }
                Some(c) => Span::raw(age(c, now)),
                None => Span::styled("—", theme::dim()),
            };
            let mut cells = vec![Cell::from(name_cell(app, row.account, token, cell_max))];
            if all {
                cells.push(Cell::from(truncate(&acc.info.name, cell_max)));
            }
            cells.extend([
                Cell::from(id),
                Cell::from(truncate(&token.scopes.join(","), cell_max)),
                Cell::from(state),
                Cell::from(created),
            ]);
            let row = Row::new(cells);
            Some(if range.start + offset == app.token_sel {
                row.style(theme::selected(focused))
            } else {
                row
            })
        });

    let mut header = vec!["Name"];
    let mut widths = vec![Constraint::Fill(3)];
    if all {
        header.push("Account");
        widths.push(Constraint::Fill(2));
    }
    header.extend(["Id", "Scopes", "State", "Created"]);
    widths.extend([
        Constraint::Length(SHORT_ID as u16),
        Constraint::Fill(2),
        Constraint::Length(8),
        Constraint::Length(10),
    ]);
    let table = Table::new(rows, widths).header(Row::new(header).style(theme::header()));
    frame.render_widget(table, inner);
}

/// The name, after a mark for bulk delete and the change in flight, if any.
fn name_cell(app: &App, account: usize, token: &crate::model::Token, max: usize) -> Line<'static> {
    let mut spans = Vec::new();
    if app.marked.contains(&(account, token.id.clone())) {
        spans.push(Span::styled("* ", theme::warn()));
    }
    if let Some(op) = app.accounts[account].pending.get(&token.id) {
        let doing = crate::app::ops::progressive(*op);
        spans.push(Span::styled(format!("{doing}… "), theme::warn()));
    }
    spans.push(Span::raw(truncate(&token.name, max)));
    Line::from(spans)
}

fn title(app: &App) -> Line<'static> {
    let scope = match app.selected_account() {
        Some(i) => truncate(&app.accounts[i].info.name, 40),
        None => "All accounts".into(),
    };
    let total: usize = match app.selected_account() {
        Some(i) => app.accounts[i].token_count().unwrap_or(0),
        None => app.accounts.iter().filter_map(|a| a.token_count()).sum(),
    };
    let arrow = if app.sort_desc { "↓" } else { "↑" };
    let mut spans = vec![
        Span::styled(format!(" 2 Tokens: {scope} "), theme::header()),
        Span::raw(format!("({}/{total}) ", app.rows.len())),
        Span::styled(format!("sort {}{arrow} ", app.sort.label()), theme::dim()),
    ];
    let filter = app.filter.value();
    if !filter.is_empty() || app.mode == Mode::Filter {
        spans.push(Span::styled(
            format!("/{} ", truncate(filter, 30)),
            theme::warn(),
        ));
    }
    Line::from(spans)
}

fn empty_message(app: &App) -> String {
    if let Some(i) = app.selected_account() {
        match &app.accounts[i].tokens {
            Loadable::Failed(e) => return format!("Could not list tokens: {e}"),
            Loadable::Loading | Loadable::NotLoaded => return "Loading…".into(),
            Loadable::Loaded(_) => {}
        }
    } else if app.accounts.is_empty() {
        return "No accounts configured.".into();
    } else if app
        .accounts
        .iter()
        .all(|a| !matches!(a.tokens, Loadable::Loaded(_)))
    {
        return "Loading…".into();
    }
    if app.filter.value().is_empty() {
        "No tokens.".into()
    } else {
        "No tokens match the filter (Esc clears it).".into()
    }
}
