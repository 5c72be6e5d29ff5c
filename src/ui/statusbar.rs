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
    // The help hint always shows: the right side drops its least needed parts to leave it room.
    let help = app
        .keymap
        .first_key(Action::Help, Layer::Panes)
        .map_or(0, |k| {
            super::width_of(&k) + 1 + super::width_of(Action::Help.hint()) + 1
        });
    let room = usize::from(area.width).saturating_sub(help + 1);
    let right = right_side(app, area.width >= WIDE, area.width >= NAMED_VERSION, room);
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

/// The right side, at most `room` columns: parts are dropped least needed first (the counts
/// of disabled, stale and privileged tokens, the token count, the failures, the badges), and
/// what is in flight stays.
fn right_side(app: &App, wide: bool, with_version: bool, room: usize) -> Line<'static> {
    // (how much it matters, its spans), in the order shown.
    let mut parts: Vec<(u8, Vec<Span<'static>>)> = counts(app, wide);
    if app.demo {
        parts.push((
            6,
            vec![Span::styled(" DEMO ", theme::badge()), Span::raw(" ")],
        ));
    }
    if !app.accounts.is_empty() && app.accounts.iter().all(|a| a.info.read_only) {
        parts.push((7, vec![Span::styled("[RO]", theme::warn()), Span::raw(" ")]));
    }
    if app.table.mark_count() > 0 {
        let marked = format!("{} marked", app.table.mark_count());
        parts.push((8, vec![Span::styled(marked, theme::warn()), Span::raw(" ")]));
    }
    let n = app.in_flight.len();
    let flight = if n > 0 {
        Span::styled(
            format!("{} {n} in flight", theme::spinner(app.spinner)),
            theme::warn(),
        )
    } else {
        Span::styled("idle", theme::dim())
    };
    parts.push((u8::MAX, vec![flight]));
    // The product names itself: a screenshot or a shared terminal says what this is.
    let mut name = vec![Span::raw(" "), Span::styled("tokdash", theme::title(false))];
    if with_version {
        name.push(Span::styled(
            concat!(" ", env!("CARGO_PKG_VERSION")),
            theme::dim(),
        ));
    }
    parts.push((9, name));
    let width = |parts: &[(u8, Vec<Span<'static>>)]| -> usize {
        parts.iter().flat_map(|(_, s)| s).map(Span::width).sum()
    };
    while width(&parts) > room {
        let Some(least) = parts
            .iter()
            .enumerate()
            .filter(|(_, (p, _))| *p > 0 && *p < u8::MAX)
            .min_by_key(|(_, (p, _))| *p)
            .map(|(i, _)| i)
        else {
            break;
        };
        parts.remove(least);
        // The separator goes with the last count.
        if !parts.iter().any(|(p, _)| (1..=5).contains(p)) {
            parts.retain(|(p, _)| *p != 0);
        }
    }
    Line::from(parts.into_iter().flat_map(|(_, s)| s).collect::<Vec<_>>())
}

/// The demo says how to leave it, until the back key hides the line: the help key first, then
/// the longest wording that fits.
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
        // The help key always shows, as in the panes' own hints.
        if used <= room {
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
/// Each with how much it matters (1–5; 0 for the separator after them).
fn counts(app: &App, wide: bool) -> Vec<(u8, Vec<Span<'static>>)> {
    let c = app.table.counts();
    let items = [
        (c.tokens, "tokens", "tok", Style::new(), true, 4),
        (c.privileged, "privileged", "priv", theme::error(), false, 3),
        (c.stale, "stale", "stale", theme::warn(), false, 2),
        (c.disabled, "disabled", "dis", theme::dim(), false, 1),
        (c.failed, "failed", "failed", theme::error(), false, 5),
    ];
    let mut parts = Vec::new();
    for (n, long, short, style, always, matters) in items {
        if n == 0 && !(always || wide) {
            continue;
        }
        let style = if n == 0 { theme::dim() } else { style };
        let label = if wide { long } else { short };
        parts.push((
            matters,
            vec![
                Span::styled(format!("{n} {label}"), style),
                Span::raw(if wide { "  " } else { " " }),
            ],
        ));
    }
    parts.push((
        0,
        vec![Span::styled(if wide { "│ " } else { "· " }, theme::dim())],
    ));
    parts
}

/// Key hints from the live keymap for the focused pane. Token operations the gate refuses
/// for the account in view are shown struck through.
fn hints(app: &App, width: u16) -> Line<'static> {
    if app.modal.is_some() {
        // Whole or not at all: cut, "a dialog has" reads as a sentence that stopped.
        const DIALOG: &str = "a dialog has the keys";
        return if usize::from(width) >= DIALOG.len() {
            Line::styled(DIALOG, theme::dim())
        } else {
            Line::default()
        };
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
