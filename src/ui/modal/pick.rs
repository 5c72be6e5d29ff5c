//! A short list to pick one from: the options, the highlighted one, and the keys.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;

use super::dialog::Dialog;
use super::key_hints;
use crate::app::modal::PickView;
use crate::app::{Action, App, Layer};
use crate::text::sanitize;
use crate::ui::theme;

pub fn render(app: &App, view: &PickView, frame: &mut Frame, area: Rect) {
    let mut lines: Vec<Line> = view
        .options
        .iter()
        .enumerate()
        .map(|(i, option)| {
            let text = sanitize(option);
            if i == view.cursor {
                Line::styled(format!("› {text}"), theme::selected(true))
            } else {
                Line::raw(format!("  {text}"))
            }
        })
        .collect();
    lines.push(Line::raw(""));
    let hints = key_hints(
        app,
        Layer::Pick,
        &[
            (&[Action::Down, Action::Up], 1, "choose"),
            (&[Action::Accept], 1, "take it"),
            (&[Action::Cancel], 1, "cancel"),
        ],
        "   ",
    );
    lines.push(Line::styled(hints, theme::dim()));
    // A long list scrolls to keep the highlighted option in view.
    Dialog::new(&view.title, lines)
        .keep_in_view(view.cursor..view.cursor + 1)
        .draw(frame, area);
}
