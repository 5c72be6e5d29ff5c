//! The `?` overlay, generated from the live keymap for the focused pane.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};

use super::theme;
use crate::app::keys::Scope;
use crate::app::{Action, App, Focus};

pub fn render(app: &App, frame: &mut Frame, area: Rect) {
    let mut lines = Vec::new();
    let scopes: &[(Scope, &str)] = match app.focus {
        Focus::Accounts => &[(Scope::Lists, "Accounts"), (Scope::Global, "Everywhere")],
        Focus::Tokens => &[
            (Scope::Lists, "Tokens"),
            (Scope::Tokens, ""),
            (Scope::Global, "Everywhere"),
        ],
        Focus::Detail => &[
            (Scope::Detail, "Detail"),
            (Scope::Lists, ""),
            (Scope::Global, "Everywhere"),
        ],
    };
    for (scope, heading) in scopes {
        if !heading.is_empty() {
            if !lines.is_empty() {
                lines.push(Line::raw(""));
            }
            lines.push(Line::styled(*heading, theme::header()));
        }
        for action in Action::ALL.into_iter().filter(|a| a.scope() == *scope) {
            let keys = app.keymap.keys_for(action);
            if keys.is_empty() {
                continue;
            }
            lines.push(Line::from(vec![
                Span::styled(format!("  {:<16}", keys.join(" ")), theme::label()),
                Span::raw(action.describe()),
            ]));
        }
    }
    lines.push(Line::from(vec![
        Span::styled(format!("  {:<16}", "ctrl-c"), theme::label()),
        Span::raw("quit"),
    ]));
    lines.push(Line::raw(""));
    lines.push(Line::styled("Commands", theme::header()));
    for (cmd, what) in [
        (":account NAME", "show one account (:account all)"),
        (":refresh", "re-list the selected account"),
        (":q", "quit"),
    ] {
        lines.push(Line::from(vec![
            Span::styled(format!("  {cmd:<16}"), theme::label()),
            Span::raw(what),
        ]));
    }

    let height = (lines.len() as u16 + 2).min(area.height);
    let width = 56.min(area.width);
    let rect = Rect::new(
        area.x + (area.width - width) / 2,
        area.y + (area.height - height) / 2,
        width,
        height,
    );
    let block = Block::bordered()
        .title(format!(" Help: {} (any key closes) ", app.focus.title()))
        .border_style(theme::border(true));
    frame.render_widget(Clear, rect);
    frame.render_widget(Paragraph::new(lines).block(block), rect);
}
