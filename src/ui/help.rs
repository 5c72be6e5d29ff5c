//! The `?` overlay, generated from the live keymap: every [`Scope`] gets its group, so no key of
//! any pane or dialog can be left out. The focused pane's keys come first, then the keys that
//! work everywhere and the commands, then the other panes' groups and those of the text lines
//! and of every dialog (forms, confirmations, a new secret, the leaked-secret dialog, the quit
//! question, the message log). Three columns where the screen is wide enough, else two or one:
//! the pane's keys and those that work everywhere head the first two, and the other groups flow
//! after them, column by column, as evenly as they go. Taller than the screen, it scrolls with
//! the move keys (see `update`).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};

use super::theme;
use crate::app::keys::{Layer, Scope};
use crate::app::token_table::view::View;
use crate::app::{Action, App, Focus};

/// One column's width, border excluded: ` key` in 14, then the description (at most 22), then
/// a blank, so a full line never runs into the next column's heading.
const COLUMN: u16 = 38;
/// Keys longer than this get a line of their own, the description below them.
const KEY_WIDTH: usize = 13;

pub fn render(app: &App, frame: &mut Frame, area: Rect) {
    let (rect, rows) = layout(app, area);
    let shown = usize::from(rect.height.saturating_sub(2));
    let last = rows.len().saturating_sub(shown);
    let scroll = usize::from(app.help_scroll).min(last);
    let how = if last > 0 {
        let down = app.keymap.first_key(Action::Down, Layer::Panes);
        let up = app.keymap.first_key(Action::Up, Layer::Panes);
        match (down, up) {
            (Some(d), Some(u)) => format!("{d}/{u} scroll, other keys close"),
            _ => "any key closes".to_owned(),
        }
    } else {
        "any key closes".to_owned()
    };
    let mut block = Block::bordered()
        .title(format!(" Help: {} ({how}) ", app.focus.title()))
        .border_style(theme::border(true));
    if scroll < last {
        block = block.title_bottom(Line::styled(" ↓ more ", theme::dim()).right_aligned());
    }
    let inner = block.inner(rect);
    frame.render_widget(Clear, rect);
    frame.render_widget(block, rect);
    let scroll = u16::try_from(scroll).unwrap_or(u16::MAX);
    frame.render_widget(Paragraph::new(rows).scroll((scroll, 0)), inner);
}

/// How many rows the help has and how many a `width`×`height` terminal shows, for scrolling.
pub fn rows(app: &App, width: u16, height: u16) -> (usize, usize) {
    // Drawn above the panes, so without the status line.
    let (rect, rows) = layout(app, Rect::new(0, 0, width, height.saturating_sub(1)));
    (rows.len(), usize::from(rect.height.saturating_sub(2)))
}

/// The box, centred in `area`, and every row of the help, columns side by side.
fn layout(app: &App, area: Rect) -> (Rect, Vec<Line<'static>>) {
    let pane = pane_column(app);
    let everywhere = everywhere_column(app);
    // Every other scope, in declaration order (the other panes', then the text lines' and the
    // dialogs'): nothing the keymap binds is left out.
    let groups: Vec<Vec<Line<'static>>> = Scope::ALL
        .iter()
        .filter(|s| **s != Scope::Global && !pane_scopes(app.focus).contains(s))
        .map(|s| group(app, *s))
        .collect();
    let columns: u16 = if area.width >= 3 * COLUMN + 2 {
        3
    } else if area.width >= 2 * COLUMN + 2 {
        2
    } else {
        1
    };
    let rows = if columns == 1 {
        let mut rows = pane;
        for part in std::iter::once(everywhere).chain(groups) {
            rows.push(Line::raw(""));
            rows.extend(part);
        }
        rows
    } else {
        side_by_side(&flow(vec![pane, everywhere], groups, usize::from(columns)))
    };
    let width = (columns * COLUMN + 2).min(area.width);
    let height = u16::try_from(rows.len() + 2)
        .unwrap_or(u16::MAX)
        .min(area.height);
    let rect = Rect::new(
        area.x + (area.width - width) / 2,
        area.y + (area.height - height) / 2,
        width,
        height,
    );
    (rect, rows)
}

/// `n` columns, the first ones headed by `heads` (the focused pane's keys, then those that work
/// everywhere, so the first screen shows them), and `groups` after them in order, top to
/// bottom and column by column, a blank line between two groups: as short as that can be.
fn flow(
    heads: Vec<Vec<Line<'static>>>,
    groups: Vec<Vec<Line<'static>>>,
    n: usize,
) -> Vec<Vec<Line<'static>>> {
    let mut start: Vec<usize> = heads.iter().map(Vec::len).collect();
    start.resize(n.max(start.len()), 0);
    // The column each group goes in, for a height of `tallest`; None if they do not fit.
    let place = |tallest: usize| -> Option<Vec<usize>> {
        let mut heights = start.clone();
        let mut column = 0;
        let mut at = Vec::with_capacity(groups.len());
        for g in &groups {
            loop {
                let gap = usize::from(heights[column] > 0);
                if heights[column] + gap + g.len() <= tallest {
                    heights[column] += gap + g.len();
                    break;
                }
                column += 1;
                if column == heights.len() {
                    return None;
                }
            }
            at.push(column);
        }
        Some(at)
    };
    let lowest = start.iter().copied().max().unwrap_or(0);
    let highest = start.iter().sum::<usize>() + groups.iter().map(|g| g.len() + 1).sum::<usize>();
    let at = (lowest..=highest)
        .find_map(place)
        .unwrap_or_else(|| vec![start.len() - 1; groups.len()]);
    let mut columns = heads;
    columns.resize(start.len(), Vec::new());
    for (g, column) in groups.into_iter().zip(at) {
        if !columns[column].is_empty() {
            columns[column].push(Line::raw(""));
        }
        columns[column].extend(g);
    }
    columns
}

/// The focused pane's keys, with the gate's reasons for those it refuses.
fn pane_column(app: &App) -> Vec<Line<'static>> {
    let mut lines = vec![Line::styled(app.focus.title(), theme::header())];
    for scope in pane_scopes(app.focus) {
        lines.extend(entries(app, *scope));
    }
    let refusals = refusals(app);
    if !refusals.is_empty() {
        lines.push(Line::raw(""));
        for reason in refusals {
            lines.push(Line::styled(format!(" ✗ {reason}"), theme::dim()));
        }
    }
    lines
}

/// The scopes whose keys work in a pane, its own first.
fn pane_scopes(focus: Focus) -> &'static [Scope] {
    match focus {
        Focus::Accounts => &[Scope::Lists],
        Focus::Tokens => &[Scope::Lists, Scope::Tokens],
        Focus::Detail => &[Scope::Detail, Scope::Lists],
    }
}

fn everywhere_column(app: &App) -> Vec<Line<'static>> {
    let mut lines = vec![Line::styled(Scope::Global.title(), theme::header())];
    lines.extend(entries(app, Scope::Global));
    lines.extend(entry("ctrl-c", "quit"));
    lines.push(Line::raw(""));
    lines.push(Line::styled("Commands", theme::header()));
    for (cmd, what) in [
        (":account NAME", "show one account"),
        (":account all", "show every account"),
        (":view NAME", "list only some tokens"),
        (":summary", "every account, charts"),
        (":export [PATH]", "write the view"),
        (":refresh", "re-list"),
        (":q", "quit"),
    ] {
        lines.extend(entry(cmd, what));
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled("Views (with / on top)", theme::header()));
    for view in View::ALL {
        lines.extend(entry(view.name(), &view.describe(&app.table)));
    }
    lines.push(Line::styled(" never used: unknowable,", theme::dim()));
    lines.push(Line::styled("  no API says when last used", theme::dim()));
    lines
}

/// A scope's titled group. A text field's group ends with the line-editing keys it takes,
/// whatever the keymap says.
fn group(app: &App, scope: Scope) -> Vec<Line<'static>> {
    let mut lines = vec![Line::styled(scope.title(), theme::header())];
    lines.extend(entries(app, scope));
    match scope {
        Scope::Line => lines.extend(entry("ctrl-u/w/a/e/k", "edit text (readline)")),
        Scope::LeakPaste => lines.extend(entry("ctrl-u", "clear what was typed")),
        _ => {}
    }
    lines
}

/// Every action of a scope that has a key there, in declaration order. Actions that do the
/// same thing there share one line, where the last of them stands (`q n N esc  close`).
fn entries(app: &App, scope: Scope) -> Vec<Line<'static>> {
    // (keys, what it does, refused by the gate)
    let mut items: Vec<(Vec<String>, &'static str, bool)> = Vec::new();
    for &action in Action::ALL.iter().filter(|a| a.scopes().contains(&scope)) {
        let keys = app.keymap.keys_for(action, scope);
        if keys.is_empty() {
            continue;
        }
        let what = action.describe_in(scope);
        let refused = app.refusal_for(action).is_some();
        match items
            .iter()
            .position(|(_, w, r)| (*w, *r) == (what, refused))
        {
            Some(i) => {
                let (mut before, ..) = items.remove(i);
                before.extend(keys);
                items.push((before, what, refused));
            }
            None => items.push((keys, what, refused)),
        }
    }
    let mut lines = Vec::new();
    for (keys, what, refused) in items {
        let keys = keys.join(" ");
        // What the gate refuses stays listed, dimmed, with the reason, so the help tells the
        // truth about this account instead of hiding keys without a word.
        if refused {
            lines.push(Line::from(vec![
                Span::styled(format!(" {:<14}", format!("{keys} ✗")), theme::dim()),
                Span::styled(what, theme::dim()),
            ]));
        } else {
            lines.extend(entry(&keys, what));
        }
    }
    lines
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

/// ` keys          what it does`; keys too long for their column get a line of their own.
fn entry(keys: &str, what: &str) -> Vec<Line<'static>> {
    if keys.chars().count() > KEY_WIDTH {
        return vec![
            Line::styled(format!(" {keys}"), theme::label()),
            Line::raw(format!(" {:<14}{what}", "")),
        ];
    }
    vec![Line::from(vec![
        Span::styled(format!(" {keys:<14}"), theme::label()),
        Span::raw(what.to_owned()),
    ])]
}

/// Columns as rows: each cell cut or padded to the column's width.
fn side_by_side(columns: &[Vec<Line<'static>>]) -> Vec<Line<'static>> {
    let height = columns.iter().map(Vec::len).max().unwrap_or(0);
    (0..height)
        .map(|row| {
            let mut spans = Vec::new();
            for column in columns {
                let cell = column.get(row).cloned().unwrap_or_default();
                // The last column of each is the gutter: a cut line ends in `…`, then a blank.
                spans.extend(fit(cell, usize::from(COLUMN) - 1));
                spans.push(Span::raw(" "));
            }
            Line::from(spans)
        })
        .collect()
}

/// A line's spans, cut to `width` columns and padded to exactly that.
fn fit(line: Line<'static>, width: usize) -> Vec<Span<'static>> {
    let mut out = Vec::new();
    let mut room = width;
    for span in line.spans {
        if room == 0 {
            break;
        }
        let text = crate::text::truncate(&span.content, room);
        room -= Span::raw(text.as_str()).width();
        // A line's own style (a heading's) goes to its spans, so it survives the merge.
        out.push(Span::styled(text, line.style.patch(span.style)));
    }
    out.push(Span::raw(" ".repeat(room)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::AppOptions;
    use crate::app::keys::Layer;

    /// The help as plain text, one column, nothing cut.
    fn text(app: &App) -> Vec<String> {
        let (_, rows) = layout(app, Rect::new(0, 0, COLUMN + 2, u16::MAX));
        rows.iter()
            .map(|l| l.spans.iter().map(|s| s.content.as_ref()).collect())
            .collect()
    }

    /// Each entry of the help as (its keys, what it does): ` keys          what`, or a long
    /// ` keys` with `what` on the next line, indented past the keys' column.
    fn entries_of(lines: &[String]) -> Vec<(Vec<String>, String)> {
        let indent = " ".repeat(15);
        let mut out = Vec::new();
        for (i, line) in lines.iter().enumerate() {
            let next = lines.get(i + 1);
            if let Some(next) = next.filter(|n| n.starts_with(&indent) && !n.trim().is_empty()) {
                let keys = line.split_whitespace().map(str::to_owned).collect();
                out.push((keys, next.trim().to_owned()));
            } else if line.chars().count() > 15 {
                let keys: String = line.chars().take(15).collect();
                let what: String = line.chars().skip(15).collect();
                let keys = keys.split_whitespace().map(str::to_owned).collect();
                out.push((keys, what.trim().to_owned()));
            }
        }
        out
    }

    /// Every action of every layer is in the help, with every key it has there and the words of
    /// that place, whichever pane has the focus: nothing the keymap binds can go missing.
    #[test]
    fn help_lists_every_action_of_every_layer() {
        for focus in Focus::ORDER {
            let mut app = App::new(Vec::new(), AppOptions::default());
            app.focus = focus;
            let lines = text(&app);
            let entries = entries_of(&lines);
            for &layer in Layer::ALL {
                for &action in Action::ALL.iter().filter(|a| a.in_layer(layer)) {
                    for &scope in action
                        .scopes()
                        .iter()
                        .filter(|s| layer.scopes().contains(s))
                    {
                        let keys = app.keymap.keys_for(action, scope);
                        assert!(!keys.is_empty(), "{action:?} has no key in {scope:?}");
                        let what = action.describe_in(scope);
                        let found = entries
                            .iter()
                            .any(|(k, w)| w == what && keys.iter().all(|key| k.contains(key)));
                        assert!(
                            found,
                            "{action:?} ({keys:?} {what}) of {layer:?} is missing from the help \
                             with {focus:?} focused:\n{}",
                            lines.join("\n")
                        );
                    }
                }
            }
            for key in ["v", "y", "n"] {
                assert!(
                    entries.iter().any(|(k, _)| k.iter().any(|x| x == key)),
                    "{key} with {focus:?} focused"
                );
            }
        }
    }

    /// At 120 columns the help has three columns, and a description as long as they come never
    /// runs into the next column's heading.
    #[test]
    fn columns_keep_a_gap() {
        let app = App::new(Vec::new(), AppOptions::default());
        let (_, rows) = layout(&app, Rect::new(0, 0, 120, 200));
        let text: Vec<String> = rows
            .iter()
            .map(|l| l.spans.iter().map(|s| s.content.as_ref()).collect())
            .collect();
        let all = text.join("\n");
        assert!(all.contains("revoke a leaked secret"), "{all}");
        for line in &text {
            let chars: Vec<char> = line.chars().collect();
            for column in 1..3 {
                let edge = column * usize::from(COLUMN) - 1;
                assert!(
                    chars.get(edge).is_none_or(|c| *c == ' '),
                    "column {column} touches the next: {line}"
                );
            }
        }
    }
}
