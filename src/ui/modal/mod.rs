//! Overlays drawn above the panes: forms, confirmations, the one-time secret, reports, the
//! leaked-secret dialog, the message log, the question before quitting, the summary and the
//! export.

mod confirm;
mod export;
mod form;
mod leak;
mod messages;
mod pick;
mod quit;
mod secret;
mod summary;

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};
use time::OffsetDateTime;

use super::theme;
use crate::app::{Action, App, Layer, Modal};

/// The widest a modal gets; narrower terminals get the width they have.
const MAX_WIDTH: u16 = 76;

pub fn render(app: &App, frame: &mut Frame, area: Rect, now: OffsetDateTime) {
    let Some(modal) = &app.modal else { return };
    match modal {
        Modal::Form(f) => form::render(app, f, frame, area),
        Modal::Confirm { op, yes } => confirm::render(app, op, *yes, frame, area),
        Modal::Secret(view) => secret::render(app, view, frame, area),
        Modal::Report { title, lines } => {
            let mut text: Vec<Line> = lines.iter().map(|l| Line::raw(l.clone())).collect();
            text.push(Line::raw(""));
            text.push(Line::styled("any key closes", theme::dim()));
            draw_box(frame, area, title, text, true);
        }
        Modal::Leak(view) => leak::render(app, view, frame, area, now),
        Modal::Messages(view) => messages::render(app, view, frame, area),
        Modal::Quit(prompt) => quit::render(app, prompt, frame, area),
        Modal::Summary(view) => summary::render(app, view, frame, area, now),
        Modal::Export(view) => export::render(app, view, frame, area),
        Modal::Pick(view) => pick::render(app, view, frame, area),
    }
}

/// A bordered box centred in `area`, tall enough for `lines` (wrapped), cleared underneath.
/// Returns the inner area.
fn draw_box(frame: &mut Frame, area: Rect, title: &str, lines: Vec<Line<'_>>, wrap: bool) -> Rect {
    let width = area.width.saturating_sub(4).clamp(1, MAX_WIDTH);
    let inner_width = usize::from(width.saturating_sub(2)).max(1);
    let rows: usize = if wrap {
        lines
            .iter()
            .map(|l| l.width().div_ceil(inner_width).max(1))
            .sum()
    } else {
        lines.len()
    };
    let height = (rows as u16).saturating_add(2).min(area.height);
    let rect = Rect::new(
        area.x + (area.width.saturating_sub(width)) / 2,
        area.y + (area.height.saturating_sub(height)) / 2,
        width,
        height,
    );
    let block = Block::bordered()
        .title(format!(" {} ", crate::text::truncate(title, inner_width)))
        .border_style(theme::border(true));
    let inner = block.inner(rect);
    frame.render_widget(Clear, rect);
    frame.render_widget(block, rect);
    let mut p = Paragraph::new(lines);
    if wrap {
        p = p.wrap(Wrap { trim: false });
    }
    frame.render_widget(p, inner);
    inner
}

/// `provider account` for titles and questions.
fn account_label(app: &App, account: usize) -> String {
    app.accounts
        .get(account)
        .map(|a| format!("{} ({})", a.info.name, a.info.kind))
        .unwrap_or_default()
}

/// A dialog's key hints, from the live keymap so that a rebinding shows: for each item, the
/// first `n` keys of its actions in `layer`, joined by `/`, then its label (`n/esc no`). An
/// item whose actions have no key there is left out. Joined by `sep`.
fn key_hints(app: &App, layer: Layer, items: &[(&[Action], usize, &str)], sep: &str) -> String {
    items
        .iter()
        .filter_map(|(actions, n, label)| key_hint(app, layer, actions, *n, label))
        .collect::<Vec<_>>()
        .join(sep)
}

/// One item of [`key_hints`]: `n/esc no`, or `None` when its actions have no key in `layer`.
fn key_hint(app: &App, layer: Layer, actions: &[Action], n: usize, label: &str) -> Option<String> {
    let keys: Vec<String> = actions
        .iter()
        .flat_map(|a| app.keymap.keys_in(*a, layer, n))
        .collect();
    (!keys.is_empty()).then(|| format!("{} {label}", keys.join("/")))
}
