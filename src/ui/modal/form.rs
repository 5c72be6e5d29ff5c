//! The create and rename forms: one line per field, its help below, inline errors.

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};

use super::dialog::Dialog;
use super::{account_label, key_hints};
use crate::app::modal::form::{FieldValue, Form, Remote};
use crate::app::{Action, App, Layer};
use crate::model::FieldKind;
use crate::ui::theme;

/// Label column width.
const LABEL: usize = 14;
/// A text field asks for room for this many columns; a longer value scrolls sideways.
const TEXT_WANTED: usize = 40;

pub fn render(app: &App, form: &Form, frame: &mut Frame, area: Rect) {
    let mut lines = Vec::new();
    // The text fields' lines, drawn once the dialog's width is known: (line index, label,
    // field, focused).
    let mut texts = Vec::new();
    // The focused field's lines, kept in view when the form must scroll.
    let mut focus_lines = 0..1;
    // The focused field's help: (line index, text).
    let mut help = None;
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
        let label = Span::styled(format!("{label:<LABEL$}"), label_style);
        if focused {
            focus_lines = lines.len()..lines.len() + 2;
        }
        let mut spans = vec![label.clone()];
        match &field.value {
            FieldValue::Text(input) => {
                texts.push((lines.len(), label, input, focused));
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
            // Wrapped under the values once the width is known.
            help = Some((lines.len(), field.spec.help));
            lines.push(Line::raw(""));
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
    // Keep the error in view with the focused field, where both fit.
    let mut keep = match &form.error {
        Some(_) => focus_lines.start..lines.len(),
        None => focus_lines,
    };
    let wanted = lines
        .iter()
        .enumerate()
        .map(|(i, l)| match texts.iter().find(|(at, ..)| *at == i) {
            Some((.., input, _)) => LABEL + input.visual_cursor().max(TEXT_WANTED) + 1,
            None => l.width(),
        })
        .max()
        .unwrap_or(0)
        // Every field's help and choice hints, focused or not: the dialog keeps its width
        // while Tab moves through the fields.
        .max(
            form.fields
                .iter()
                .map(|f| LABEL + crate::ui::width_of(f.spec.help))
                .max()
                .unwrap_or(0),
        );
    let width = Dialog::new(&title, Vec::new())
        .content_width(wanted)
        .width_in(area);
    // A text field is one row that scrolls sideways, so the cursor stays on it.
    let room = usize::from(width.saturating_sub(2))
        .saturating_sub(LABEL + 1)
        .max(1);
    let mut cursor = None;
    for (at, label, input, focused) in texts {
        let scroll = if focused {
            input.visual_scroll(room)
        } else {
            0
        };
        let shown = crate::ui::fit(skip_columns(input.value(), scroll), room);
        lines[at] = Line::from(vec![label, Span::raw(shown)]);
        if focused {
            cursor = Some((at, LABEL + input.visual_cursor() - scroll));
        }
    }
    // The help wraps under the values, never under the labels.
    if let Some((at, text)) = help {
        let rows: Vec<Line> = crate::ui::toast::wrap(text, room + 1, usize::MAX)
            .into_iter()
            .map(|row| Line::styled(format!("{:LABEL$}{row}", ""), theme::dim()))
            .collect();
        keep.end += rows.len().saturating_sub(1);
        lines.splice(at..=at, rows);
    }
    let drawn = Dialog::new(&title, lines)
        .content_width(wanted)
        .keep_in_view(keep)
        .draw(frame, area);
    if let Some((line, col)) = cursor {
        let inner = drawn.inner;
        let x = inner
            .x
            .saturating_add(u16::try_from(col).unwrap_or(u16::MAX));
        if let Some(y) = drawn.row_of(line)
            && x < inner.right()
        {
            frame.set_cursor_position(Position::new(x, y));
        }
    }
}

/// `s` without its first `columns` terminal columns.
fn skip_columns(s: &str, columns: usize) -> &str {
    let mut used = 0;
    for (i, c) in s.char_indices() {
        if used >= columns {
            return &s[i..];
        }
        used += unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
    }
    ""
}
