//! The bottom line: the text field being edited, or key hints for the focused pane (in the demo,
//! first how to set up real accounts), on the left; DEMO, read-only, what the view holds
//! (tokens, privileged, stale, disabled, accounts failed), the in-flight count (or `idle`) and
//! the product's name and version on the right.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Position, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::theme;
use crate::app::{Action, App, Focus, Layer, Mode};

/// At least this wide, the counts are spelled out (and counts of none shown too).
const WIDE: u16 = 160;
/// At least this wide, the version follows the name.
const NAMED_VERSION: u16 = 100;

pub fn render(app: &App, frame: &mut Frame, area: Rect) {
    let right = right_side(app, area.width >= WIDE, area.width >= NAMED_VERSION);
    // One column of space keeps the hints from running into the right side.
    let right_width = right.width() as u16 + 1;
    let [left_area, right_area] =
        Layout::horizontal([Constraint::Fill(1), Constraint::Length(right_width)]).areas(area);
    match app.mode {
        Mode::Filter | Mode::Command => {
            let (prefix, input) = if app.mode == Mode::Filter {
                ("/", app.table.filter())
            } else {
                (":", &app.command)
            };
            let width = usize::from(left_area.width.saturating_sub(1));
            let scroll = input.visual_scroll(width);
            let shown: String = input.value().chars().skip(scroll).collect();
            frame.render_widget(
                Paragraph::new(Line::from(vec![
                    Span::styled(prefix, theme::warn()),
                    Span::raw(shown),
                ])),
                left_area,
            );
            let x = left_area.x
                + 1
                + u16::try_from(input.visual_cursor().saturating_sub(scroll)).unwrap_or(0);
            frame.set_cursor_position(Position::new(
                x.min(left_area.right().saturating_sub(1)),
                left_area.y,
            ));
        }
        Mode::Normal | Mode::Help if app.demo_hint && app.modal.is_none() => {
            frame.render_widget(Paragraph::new(demo_hint(app, left_area.width)), left_area);
        }
        Mode::Normal | Mode::Help => {
            frame.render_widget(Paragraph::new(hints(app, left_area.width)), left_area);
        }
    }
    frame.render_widget(Paragraph::new(right).right_aligned(), right_area);
}

fn right_side(app: &App, wide: bool, with_version: bool) -> Line<'static> {
    let mut spans = counts(app, wide);
    if app.demo {
        spans.push(Span::styled(" DEMO ", theme::badge()));
        spans.push(Span::raw(" "));
    }
    if !app.accounts.is_empty() && app.accounts.iter().all(|a| a.info.read_only) {
        spans.push(Span::styled("[RO]", theme::warn()));
        spans.push(Span::raw(" "));
    }
    if app.table.mark_count() > 0 {
        spans.push(Span::styled(
            format!("{} marked", app.table.mark_count()),
            theme::warn(),
        ));
        spans.push(Span::raw(" "));
    }
    let n = app.in_flight.len();
    if n > 0 {
        spans.push(Span::styled(
            format!("{} {n} in flight", theme::spinner(app.spinner)),
            theme::warn(),
        ));
    } else {
        spans.push(Span::styled("idle", theme::dim()));
    }
    // The product names itself: a screenshot or a shared terminal says what this is.
    spans.push(Span::raw(" "));
    spans.push(Span::styled("tokdash", theme::title(false)));
    if with_version {
        spans.push(Span::styled(
            concat!(" ", env!("CARGO_PKG_VERSION")),
            theme::dim(),
        ));
    }
    Line::from(spans)
}

/// The demo says how to leave it, until the back key hides the line: the longest wording that
/// fits, the help key first.
fn demo_hint(app: &App, width: u16) -> Line<'static> {
    let hide = app
        .keymap
        .first_key(Action::Back, Layer::Panes)
        .unwrap_or_else(|| "esc".to_owned());
    let help = app.keymap.first_key(Action::Help, Layer::Panes);
    let wordings = [
        format!("demo: run `tokdash init` to set up your accounts ({hide} hides this)"),
        format!("demo: run `tokdash init` to set up accounts ({hide} hides)"),
        "run `tokdash init`".to_owned(),
    ];
    let mut spans = Vec::new();
    let mut room = usize::from(width);
    if let Some(help) = help {
        let used = super::width_of(&help) + " help  ".len();
        if used + wordings[1].len() <= room {
            spans.push(Span::styled(help, theme::label()));
            spans.push(Span::styled(" help  ", theme::dim()));
            room -= used;
        }
    }
    let text = wordings
        .iter()
        .find(|w| super::width_of(w) <= room)
        .unwrap_or(&wordings[2]);
    spans.push(Span::styled(text.clone(), theme::warn()));
    Line::from(spans)
}

/// What the rows of the view hold: `7 tokens  1 privileged  4 stale  1 disabled  1 failed`;
/// on narrower terminals `7 tok 1 priv 4 stale 1 dis 1 failed`, without the counts of none, so
/// the key hints keep some room.
fn counts(app: &App, wide: bool) -> Vec<Span<'static>> {
    let c = app.table.counts();
    let items = [
        (c.tokens, "tokens", "tok", Style::new(), true),
        (c.privileged, "privileged", "priv", theme::error(), false),
        (c.stale, "stale", "stale", theme::warn(), false),
        (c.disabled, "disabled", "dis", theme::dim(), false),
        (c.failed, "failed", "failed", theme::error(), false),
    ];
    let mut spans = Vec::new();
    for (n, long, short, style, always) in items {
        if n == 0 && !(always || wide) {
            continue;
        }
        let style = if n == 0 { theme::dim() } else { style };
        let label = if wide { long } else { short };
        spans.push(Span::styled(format!("{n} {label}"), style));
        spans.push(Span::raw(if wide { "  " } else { " " }));
    }
    spans.push(Span::styled(if wide { "│ " } else { "· " }, theme::dim()));
    spans
}

/// Key hints from the live keymap for the focused pane. Token operations the gate refuses
/// for the account in view are shown struck through.
fn hints(app: &App, width: u16) -> Line<'static> {
    if app.modal.is_some() {
        return Line::styled("a dialog has the keys", theme::dim());
    }
    // Help first: where the hints are cut (the counts share the line), it still shows.
    let mut actions = vec![Action::Help];
    actions.extend(match app.focus {
        Focus::Accounts => vec![
            Action::Down,
            Action::Open,
            Action::Create,
            Action::Refresh,
            Action::View,
        ],
        Focus::Tokens => vec![
            Action::Create,
            Action::Delete,
            Action::Rename,
            Action::Toggle,
            Action::Regenerate,
            Action::Rotate,
            Action::Mark,
            Action::Filter,
            Action::SortNext,
            Action::View,
        ],
        Focus::Detail => vec![Action::Reveal, Action::Back],
    });
    actions.extend([Action::NextPane, Action::Command, Action::Quit]);
    // On the first screen, where an on-call engineer with a leaked secret starts.
    if app.focus == Focus::Accounts {
        actions.push(Action::Leak);
    }
    let mut spans = Vec::new();
    let mut used = 0;
    for a in actions {
        let Some(key) = app.keymap.first_key(a, Layer::Panes) else {
            continue;
        };
        let label = a.hint();
        // Whole hints only: one cut in the middle reads as another key.
        used += super::width_of(&key) + 1 + super::width_of(label) + 2;
        if used > usize::from(width) + 2 {
            break;
        }
        if app.refusal_for(a).is_some() {
            let off = theme::dim().add_modifier(Modifier::CROSSED_OUT);
            spans.push(Span::styled(format!("{key} {label}"), off));
            spans.push(Span::raw("  "));
        } else {
            spans.push(Span::styled(key, theme::label()));
            spans.push(Span::styled(format!(" {label}  "), theme::dim()));
        }
    }
    Line::from(spans)
}
