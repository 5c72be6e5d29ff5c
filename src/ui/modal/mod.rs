//! Overlays drawn above the panes: forms, confirmations, the one-time secret, reports, the
//! leaked-secret dialog, the message log, the question before quitting, the summary and the
//! export.

mod confirm;
pub mod dialog;
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
use time::OffsetDateTime;

use super::theme;
use crate::app::{Action, App, Layer, Modal};
use dialog::Dialog;

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
            Dialog::new(title, text)
                .max_width(dialog::REPORT_WIDTH)
                .draw(frame, area);
        }
        Modal::Leak(view) => leak::render(app, view, frame, area, now),
        Modal::Messages(view) => messages::render(app, view, frame, area),
        Modal::Quit(prompt) => quit::render(app, prompt, frame, area),
        Modal::Summary(view) => summary::render(app, view, frame, area, now),
        Modal::Export(view) => export::render(app, view, frame, area),
        Modal::Pick(view) => pick::render(app, view, frame, area),
    }
}

/// A bordered box centred in `area`, sized by [`dialog`]'s one rule, cleared underneath; its
/// lines wrap, and scroll from the top when they do not fit. Returns the inner area.
fn draw_box(frame: &mut Frame, area: Rect, title: &str, lines: Vec<Line<'_>>) -> Rect {
    Dialog::new(title, lines).draw(frame, area).inner
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
