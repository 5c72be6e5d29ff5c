//! The `?` overlay, generated from the live keymap for the focused pane.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};

use super::theme;
use crate::app::keys::Scope;
use crate::app::{Action, App, Focus};

/// Wide enough for two columns of `key  description`.
const TWO_COLUMNS: u16 = 76;

pub fn render(app: &App, frame: &mut Frame, area: Rect) {
    let pane: &[Scope] = match app.focus {
        Focus::Accounts => &[Scope::Lists],
        Focus::Tokens => &[Scope::Lists, Scope::Tokens],
        Focus::Detail => &[Scope::Detail, Scope::Lists],
    };
    let mut left = vec![Line::styled(app.focus.title(), theme::header())];
    for scope in pane {
        left.extend(entries(app, *scope));
    }
    let refusals = refusals(app);
    if !refusals.is_empty() {
        left.push(Line::raw(""));
        for reason in refusals {
            left.push(Line::styled(format!(" ✗ {reason}"), theme::dim()));
        }
    }
    let mut right = vec![Line::styled("Everywhere", theme::header())];
    right.extend(entries(app, Scope::Global));
    right.push(entry("ctrl-c", "quit"));
    right.push(Line::raw(""));
    right.push(Line::styled("Commands", theme::header()));
    for (cmd, what) in [
        (":account NAME", "show one account"),
        (":account all", "show every account"),
        (":refresh", "re-list"),
        (":q", "quit"),
    ] {
        right.push(entry(cmd, what));
    }

    let two = area.width >= TWO_COLUMNS;
    let rows = if two {
        left.len().max(right.len())
    } else {
        left.len() + 1 + right.len()
    };
    let width = if two { TWO_COLUMNS } else { 40.min(area.width) };
    let height = (rows as u16 + 2).min(area.height);
    let rect = Rect::new(
        area.x + (area.width - width) / 2,
        area.y + (area.height - height) / 2,
        width,
        height,
    );
    let block = Block::bordered()
        .title(format!(" Help: {} (any key closes) ", app.focus.title()))
        .border_style(theme::border(true));
    let inner = block.inner(rect);
    frame.render_widget(Clear, rect);
    frame.render_widget(block, rect);
    if two {
        let [l, r] = Layout::horizontal([Constraint::Fill(1), Constraint::Fill(1)]).areas(inner);
        frame.render_widget(Paragraph::new(left), l);
        frame.render_widget(Paragraph::new(right), r);
    } else {
        left.push(Line::raw(""));
        left.extend(right);
        frame.render_widget(Paragraph::new(left), inner);
    }
}

fn entries(app: &App, scope: Scope) -> Vec<Line<'static>> {
    Action::ALL
        .iter()
        .copied()
        .filter(|a| a.scopes().contains(&scope))
        .filter_map(|action| {
            let keys = app.keymap.keys_for(action, scope);
            if keys.is_empty() {
                return None;
            }
            // What the gate refuses stays listed, dimmed, with the reason, so the help tells
            // the truth about this account instead of hiding keys without a word.
            Some(match app.refusal_for(action) {
                Some(_) => Line::from(vec![
                    Span::styled(
                        format!(" {:<14}", format!("{} ✗", keys.join(" "))),
                        theme::dim(),
                    ),
                    Span::styled(action.describe_in(scope), theme::dim()),
                ]),
                None => entry(&keys.join(" "), action.describe_in(scope)),
            })
        })
        .collect()
}

/// The gate's reasons for the keys marked ✗, once each ("qovery cannot rename tokens").
fn refusals(app: &App) -> Vec<String> {
    let mut reasons: Vec<String> = Vec::new();
    for &action in Action::ALL {
        if let Some(r) = app.refusal_for(action) {
            let r = r.to_string();
            if !reasons.contains(&r) {
                reasons.push(r);
            }
        }
    }
    reasons
}

fn entry(keys: &str, what: &str) -> Line<'static> {
    Line::from(vec![
        Span::styled(format!(" {keys:<14}"), theme::label()),
        Span::raw(what.to_owned()),
    ])
}
