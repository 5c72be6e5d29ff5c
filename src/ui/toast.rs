//! Toasts: short messages stacked at the bottom right, above the status bar, or at the top
//! right when they would hide the row under the cursor. An error that does
//! not fit one line wraps onto a few, so its advice ("run tokdash list …") is not cut off.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Clear, Paragraph};

use super::{fit, width_of};
use crate::app::{Action, App, Layer, ToastKind};

/// The widest a toast gets, and the most lines one may take.
const MAX_WIDTH: u16 = 70;
const MAX_LINES: usize = 4;

/// Draw the toasts in `area`, bottom right; when they would cover screen row `keep` (the row
/// under the cursor), they stack from the top right instead.
pub fn render(app: &App, frame: &mut Frame, area: Rect, keep: Option<u16>) {
    let max_width = area.width.saturating_sub(4).min(MAX_WIDTH);
    if max_width < 10 {
        return;
    }
    let dismiss = app.keymap.first_key(Action::Back, Layer::Panes);
    let log = app.keymap.first_key(Action::Messages, Layer::Panes);
    // Sticky toasts pushed off by newer ones are counted, never dropped unsaid.
    let more = (app.hidden_alerts > 0).then(|| {
        let how = log
            .as_deref()
            .map_or(String::new(), |k| format!(": {k} shows the log"));
        (
            ToastKind::Error,
            format!("{} more message(s) that stay{how}", app.hidden_alerts),
        )
    });
    let shown = app.toasts.iter().rev().map(|t| {
        // A toast that stays says how it goes.
        let text = match (&dismiss, t.sticky) {
            (Some(key), true) => format!("{} ({key} dismisses)", t.text),
            _ => t.text.clone(),
        };
        (t.kind, text)
    });
    // Newest first, as many as fit between the borders.
    let mut stack: Vec<(ToastKind, Vec<Line>, u16)> = Vec::new();
    let mut height = 0;
    for (kind, text) in shown.chain(more) {
        // A sign as well as a colour, so the kind reads on monochrome terminals too.
        let sign = match kind {
            ToastKind::Info => "•",
            ToastKind::Error => "✗",
        };
        let lines = wrap(&text, usize::from(max_width) - 4, MAX_LINES);
        let h = lines.len() as u16;
        if height + h + 2 > area.height {
            break;
        }
        height += h;
        let text: Vec<Line> = lines
            .iter()
            .enumerate()
            .map(|(i, l)| {
                let lead = if i == 0 { sign } else { " " };
                Line::raw(format!(" {lead} {l} "))
            })
            .collect();
        let width = text
            .iter()
            .map(|l| l.width() as u16)
            .max()
            .unwrap_or(0)
            .min(max_width);
        stack.push((kind, text, width));
    }
    // Above the bottom border, newest lowest; or below the top border, newest highest.
    let bottom = area.bottom().saturating_sub(1);
    let covers = keep.is_some_and(|row| row < bottom && row >= bottom.saturating_sub(height));
    let mut y = if covers { area.y + 1 } else { bottom };
    for (kind, text, width) in stack {
        let h = text.len() as u16;
        let top = if covers { y } else { y - h };
        let rect = Rect::new(area.right().saturating_sub(width + 1), top, width, h);
        let style = super::theme::toast(kind == ToastKind::Error);
        frame.render_widget(Clear, rect);
        frame.render_widget(Paragraph::new(text).style(style), rect);
        y = if covers { y + h } else { top };
    }
}

/// Break `text` at spaces into lines at most `width` columns wide, at most `max_lines` of them;
/// the last one ends in `…` when text was left over. A word longer than a line is cut.
pub(crate) fn wrap(text: &str, width: usize, max_lines: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut current = String::new();
    for word in text.split_whitespace() {
        let needed = width_of(&current) + usize::from(!current.is_empty()) + width_of(word);
        if !current.is_empty() && needed > width {
            lines.push(std::mem::take(&mut current));
        }
        if !current.is_empty() {
            current.push(' ');
        }
        current.push_str(word);
    }
    if !current.is_empty() || lines.is_empty() {
        lines.push(current);
    }
    let cut = lines.len() > max_lines;
    lines.truncate(max_lines);
    let last = lines.len() - 1;
    for (i, line) in lines.iter_mut().enumerate() {
        if i == last && cut {
            *line = fit(&format!("{line} …"), width);
        } else if width_of(line) > width {
            *line = fit(line, width);
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_text_is_one_line() {
        assert_eq!(wrap("deleted ci-deploy", 40, 4), ["deleted ci-deploy"]);
    }

    #[test]
    fn long_text_wraps_at_spaces_and_marks_what_is_left_out() {
        let text = "acme-fluid: delete ci failed: server error (HTTP 500): Internal Server Error; the provider is in trouble; try again later";
        let lines = wrap(text, 30, 3);
        assert_eq!(lines.len(), 3);
        assert!(lines.iter().all(|l| width_of(l) <= 30), "{lines:?}");
        assert_eq!(lines[0], "acme-fluid: delete ci failed:");
        assert!(lines[2].ends_with('…'), "{lines:?}");
        assert_eq!(wrap(text, 200, 3).len(), 1);
    }
}
