//! The create and rename forms: one line per field, its help below, inline errors.

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};

use super::{account_label, draw_box, key_hints};
use crate::app::modal::form::{FieldValue, Form, Remote};
use crate::app::{Action, App, Layer};
use crate::model::FieldKind;
use crate::ui::theme;

/// Label column width.
const LABEL: usize = 14;

pub fn render(app: &App, form: &Form, frame: &mut Frame, area: Rect) {
    let mut lines = Vec::new();
    // Where the text cursor goes: (line index, column) of the focused text field.
    let mut cursor = None;
    for (i, field) in form.fields.iter().enumerate() {
        let focused = i == form.focus;
        let marker = if focused { "› " } else { "  " };
        let required = if field.spec.required { "*" } else { "" };
        let label = format!("{marker}{}{required}", field.spec.label);
        let label_style = if focused {
            theme::label()
        } else {
            ratatui::style::Style::new()
        };
        let mut spans = vec![Span::styled(format!("{label:<LABEL$}"), label_style)];
        match &field.value {
            FieldValue::Text(input) => {
                spans.push(Span::raw(input.value().to_owned()));
                if focused {
                    cursor = Some((lines.len(), LABEL + input.visual_cursor()));
                }
            }
            FieldValue::Multi(on, at) => {
                if let FieldKind::MultiChoice { choices, .. } = field.spec.kind {
                    for (j, (choice, set)) in choices.iter().zip(on).enumerate() {
                        let text = format!("[{}] {choice}", if *set { "x" } else { " " });
                        let style = if focused && j == *at {
                            theme::selected(true)
                        } else {
                            ratatui::style::Style::new()
                        };
                        spans.push(Span::styled(text, style));
                        spans.push(Span::raw("  "));
                    }
                }
            }
            FieldValue::Flag(on) => {
                spans.push(Span::raw(format!("[{}]", if *on { "x" } else { " " })));
            }
            FieldValue::Remote { choices, selected } => {
                let text = match (choices, selected) {
                    (Remote::Loading, _) => "loading choices…".to_owned(),
                    (Remote::Failed(e), _) => format!("could not load choices: {e}"),
                    (Remote::Loaded(list), Some(i)) => list
                        .get(*i)
                        .map(|c| format!("‹ {} ›", c.label))
                        .unwrap_or_default(),
                    (Remote::Loaded(list), None) => {
                        format!("‹ none › ({} to choose from)", list.len())
                    }
                };
                spans.push(Span::raw(text));
            }
        }
        if focused {
            // How to change a choice, from the keymap, beside the value: the help line below
            // can be long enough to hide it.
            let choice: &[(&[Action], usize, &str)] = match field.value {
                FieldValue::Text(_) => &[],
                FieldValue::Multi(..) => &[
                    (&[Action::PrevChoice, Action::NextChoice], 1, "move"),
                    (&[Action::ToggleChoice], 1, "toggles"),
                ],
                FieldValue::Flag(_) => &[(&[Action::ToggleChoice], 1, "toggles")],
                FieldValue::Remote { .. } => {
                    &[(&[Action::PrevChoice, Action::NextChoice], 1, "choose")]
                }
            };
            let how = key_hints(app, Layer::FormChoice, choice, ", ");
            if !how.is_empty() {
                spans.push(Span::styled(format!("  ({how})"), theme::dim()));
            }
        }
        lines.push(Line::from(spans));
        if focused {
            lines.push(Line::styled(
                format!("{:LABEL$}{}", "", field.spec.help),
                theme::dim(),
            ));
        }
    }
    lines.push(Line::raw(""));
    if let Some(e) = &form.error {
        lines.push(Line::styled(e.clone(), theme::error()));
    }
    if form.pending.is_some() {
        lines.push(Line::styled(
            format!("{} sending…", theme::spinner(app.spinner)),
            theme::warn(),
        ));
    }
    let hints = key_hints(
        app,
        Layer::FormText,
        &[
            (&[Action::NextField], 1, "next"),
            (&[Action::Accept], 1, "next/submit"),
            (&[Action::Submit], 1, "submit"),
            (&[Action::Cancel], 1, "cancel"),
        ],
        "   ",
    );
    lines.push(Line::styled(hints, theme::dim()));
    let title = format!("{}: {}", form.title(), account_label(app, form.account));
    let inner = draw_box(frame, area, &title, lines, false);
    if let Some((line, col)) = cursor {
        let x = inner
            .x
            .saturating_add(u16::try_from(col).unwrap_or(u16::MAX));
        let y = inner
            .y
            .saturating_add(u16::try_from(line).unwrap_or(u16::MAX));
        if x < inner.right() && y < inner.bottom() {
            frame.set_cursor_position(Position::new(x, y));
        }
    }
}
