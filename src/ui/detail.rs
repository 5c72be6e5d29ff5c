//! The detail pane: every field of the selected token, its account, what the provider allows,
//! and the secret (masked until revealed) where the list returned one.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Wrap};
use secrecy::ExposeSecret;
use time::OffsetDateTime;

use super::{age, is_stale, theme};
use crate::app::{Action, App, Focus, Layer};
use crate::model::{EXPIRES_AT, Expiry, OpKind, Privilege, Refusal, gate, human_time, masked_id};
use crate::text::{sanitize, truncate};

/// Field values longer than this are cut; the pane wraps, and nobody reads 5,000 characters.
const MAX_VALUE: usize = 500;
/// The most rows one field's value takes; the rest is cut with `…` (the id, the secret and the
/// permissions are short enough never to be).
const MAX_ROWS: usize = 3;
/// At least this wide inside: the fields and the permissions side by side.
const TWO_COLUMNS: u16 = 90;

pub fn render(app: &App, frame: &mut Frame, area: Rect, now: OffsetDateTime) {
    let focused = app.focus == Focus::Detail;
    // Choosing among the accounts with `All accounts` on: the summary of them all.
    if app.focus == Focus::Accounts && app.selected_account().is_none() {
        let summary = crate::app::summary::Summary::of(app);
        let totals = super::summary::totals_line(&summary);
        let mut block = Block::bordered()
            .border_type(theme::border_type(false))
            .title(Line::from(format!(" 3 Summary: {totals} ")).style(theme::title(false)))
            .border_style(theme::border(false));
        if let Some(key) = app.keymap.first_key(Action::Summary, Layer::Panes) {
            block = block.title_bottom(
                Line::styled(format!(" {key}: the whole summary "), theme::dim()).right_aligned(),
            );
        }
        let inner = block.inner(area);
        frame.render_widget(block, area);
        super::summary::render_pane(app, &summary, frame, inner, now);
        return;
    }
    let block = Block::bordered()
        .border_type(theme::border_type(focused))
        .title(Line::from(" 3 Detail ").style(theme::title(focused)))
        .border_style(theme::border(focused));
    let Some((acc, token)) = app.selected_token() else {
        frame.render_widget(
            Paragraph::new("No token selected.")
                .style(theme::dim())
                .block(block),
            area,
        );
        return;
    };
    let caps = acc.caps();
    // What none of these APIs tell, said plainly rather than left blank, on the border so that
    // it never takes a row from the token's fields.
    // A token whose kind carries an expiry (qovery's policy tokens) lacks only the last use.
    let missing = if token.expires_at.is_some() || token.kind.is_some() {
        "last used"
    } else {
        "last used, expiry"
    };
    let block = block.title_bottom(
        Line::styled(
            format!(" {missing}: not offered by the {} API ", acc.info.kind),
            theme::dim(),
        )
        .right_aligned(),
    );
    let inner = block.inner(area);
    let (lines_area, perms_area) = if inner.width >= TWO_COLUMNS {
        // Wide and short (under the tokens table): what the token is on the left, what can be
        // done with it on the right.
        let [left, right] =
            Layout::horizontal([Constraint::Fill(3), Constraint::Fill(2)]).areas(inner);
        (left, Some(right))
    } else {
        (inner, None)
    };
    let mut lines: Vec<Line<'static>> = Vec::new();
    // Values wrap under the value column, never into the labels.
    // A value stays within its own column and at most a few rows: a 5,000-character name
    // neither runs into the permissions nor pushes them out of view.
    let field = |k: &str, v: String| {
        at_most(
            hanging(
                k,
                theme::label(),
                &[(truncate(&v, MAX_VALUE), None)],
                lines_area.width,
            ),
            MAX_ROWS,
            lines_area.width,
        )
    };
    lines.extend(field("name", token.name.clone()));
    if let Some(flag) = acc.flagged.get(&token.id) {
        let label = match flag.op {
            OpKind::Regenerate => "? regen?",
            _ => "? created?",
        };
        lines.extend(hanging(
            label,
            theme::warn(),
            &[(flag.reason.clone(), Some(theme::warn()))],
            lines_area.width,
        ));
    }
    let id = if app.reveal {
        token.id.to_string()
    } else {
        masked_id(&token.id, caps)
    };
    lines.extend(field("id", id));
    lines.extend(field(
        "account",
        format!("{} ({})", acc.info.name, acc.info.kind),
    ));
    lines.extend(field(
        "state",
        match token.enabled {
            Some(true) => "enabled".into(),
            Some(false) => "disabled".into(),
            None => "— (no enable/disable)".into(),
        },
    ));
    lines.extend(hanging(
        "privilege",
        theme::label(),
        &privilege_parts(token.privilege, token.role.as_deref()),
        lines_area.width,
    ));
    match token.created_at {
        Some(c) => {
            let stale = if is_stale(Some(c), now, app.stale_after_days) {
                format!(", ! stale: over {} days", app.stale_after_days)
            } else {
                String::new()
            };
            let ago = crate::model::human_ago(c, now);
            lines.extend(field(
                "created",
                format!("{} ({ago}{stale})", human_time(c)),
            ));
        }
        None => lines.extend(field("created", "unknown".into())),
    }
    if !token.scopes.is_empty() {
        lines.extend(field("scopes", token.scopes.join(", ")));
    }
    if let Some(d) = &token.description {
        lines.extend(field("description", d.clone()));
    }
    for (k, v) in token.facts() {
        if k == EXPIRES_AT {
            lines.extend(expiry_line(
                token.expires_at,
                now,
                app.table.expiring_within_days(),
                lines_area.width,
            ));
        } else {
            lines.extend(field(&k, v));
        }
    }
    if let Some(secret) = &token.secret {
        let shown = if app.reveal {
            // A hostile provider could put escape sequences in a "secret" too.
            sanitize(secret.expose_secret())
        } else {
            "••••••••".to_owned()
        };
        // Shown whole, however many rows it takes.
        lines.extend(hanging(
            "secret",
            theme::label(),
            &[(shown, None)],
            lines_area.width,
        ));
    }
    if token.secret.is_some() || caps.id_is_secret {
        let key = app
            .keymap
            .first_key(Action::Reveal, Layer::Panes)
            .unwrap_or_default();
        let verb = if app.reveal { "hide" } else { "reveal" };
        // Where the id is the secret (and no secret is listed), the line sits under other
        // fields: it names what it reveals.
        let what = if token.secret.is_none() {
            " the id"
        } else {
            ""
        };
        lines.push(Line::styled(
            format!("{:12}{key} to {verb}{what}", ""),
            theme::dim(),
        ));
    }

    let mut perms = Vec::new();
    let (mut can, mut cannot) = (Vec::new(), Vec::new());
    let mut why = None;
    for op in [
        OpKind::Create,
        OpKind::Rename,
        OpKind::Enable,
        OpKind::Disable,
        OpKind::Regenerate,
        OpKind::Delete,
    ] {
        match gate(op, &acc.info.name, acc.info.read_only, acc.info.kind, caps) {
            Ok(()) => can.push(op.verb()),
            Err(refusal) => {
                cannot.push(op.verb());
                // Read-only outranks missing capabilities, and says so once.
                if why.is_none() || matches!(refusal, Refusal::ReadOnly { .. }) {
                    why = Some(match refusal {
                        Refusal::ReadOnly { .. } => "the account is read-only".to_owned(),
                        Refusal::Unsupported { provider, .. } => {
                            format!("{provider} does not support it")
                        }
                    });
                }
            }
        }
    }
    frame.render_widget(block, area);
    // The permissions wrap under their values, never into the label column, so the reason
    // reads as one phrase at any width.
    let width = perms_area.unwrap_or(inner).width;
    if !can.is_empty() {
        perms.extend(hanging(
            "can",
            theme::ok(),
            &[(can.join(", "), None)],
            width,
        ));
    }
    if !cannot.is_empty() {
        let reason = format!("({})", why.unwrap_or_default());
        let parts = [(cannot.join(", "), None), (reason, Some(theme::dim()))];
        perms.extend(hanging("cannot", theme::error(), &parts, width));
    }
    match perms_area {
        Some(right) => {
            frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), lines_area);
            frame.render_widget(Paragraph::new(perms), right);
        }
        None => {
            lines.push(Line::raw(""));
            lines.extend(perms);
            frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
        }
    }
}

/// The privilege, the role it comes from (where the provider has roles) and what it means;
/// admin stands out as in the table.
fn privilege_parts(
    privilege: Privilege,
    role: Option<&str>,
) -> Vec<(String, Option<ratatui::style::Style>)> {
    let (level, style, meaning) = match privilege {
        Privilege::Admin => ("ADMIN", theme::admin(), "may manage the account"),
        Privilege::Write => ("write", theme::warn(), "may change, not administer"),
        Privilege::Read => ("read", ratatui::style::Style::new(), "may only read"),
        Privilege::Unknown => ("unknown", theme::dim(), "may be admin"),
    };
    let why = match (privilege, role) {
        (Privilege::Unknown, Some(role)) => {
            format!("(role {role}, which tokdash cannot rank: {meaning})")
        }
        (Privilege::Unknown, None) => format!("(not said by the provider: {meaning})"),
        (_, Some(role)) => format!("(role {role}: {meaning})"),
        (_, None) => format!("({meaning})"),
    };
    vec![(level.to_owned(), Some(style)), (why, Some(theme::dim()))]
}

/// Width of the label column.
const LABEL: usize = 12;

/// A label and its value, the value word-wrapped to `width` with every continuation line
/// indented to the value column. Each part starts on a new line if it does not fit whole on the
/// current one (a reason in parentheses stays together where it can).
fn hanging(
    label: &str,
    label_style: ratatui::style::Style,
    parts: &[(String, Option<ratatui::style::Style>)],
    width: u16,
) -> Vec<Line<'static>> {
    let room = usize::from(width).saturating_sub(LABEL).max(8);
    let mut rows: Vec<Vec<Span<'static>>> = vec![Vec::new()];
    let mut used = 0;
    for (text, style) in parts {
        let style = style.unwrap_or_default();
        let whole = super::width_of(text);
        if used > 0 && used + 1 + whole > room && whole <= room {
            rows.push(Vec::new());
            used = 0;
        }
        for word in text
            .split(' ')
            .filter(|w| !w.is_empty())
            .flat_map(|w| chunks(w, room))
        {
            let w = super::width_of(word);
            if used > 0 && used + 1 + w > room {
                rows.push(Vec::new());
                used = 0;
            }
            let Some(row) = rows.last_mut() else {
                break;
            };
            if used > 0 {
                row.push(Span::styled(" ", style));
                used += 1;
            }
            row.push(Span::styled(word.to_owned(), style));
            used += w;
        }
    }
    rows.into_iter()
        .enumerate()
        .map(|(i, spans)| {
            let head = if i == 0 { label } else { "" };
            let mut line = vec![Span::styled(format!("{head:<LABEL$}"), label_style)];
            line.extend(spans);
            Line::from(line)
        })
        .collect()
}

/// `word` in pieces of at most `room` columns: a word longer than the value column breaks
/// inside it rather than running past the pane's edge.
fn chunks(word: &str, room: usize) -> Vec<&str> {
    let mut out = Vec::new();
    let (mut start, mut used) = (0, 0);
    for (i, c) in word.char_indices() {
        let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if used + w > room && used > 0 {
            out.push(&word[start..i]);
            (start, used) = (i, 0);
        }
        used += w;
    }
    out.push(&word[start..]);
    out
}

/// At most `max` rows of a field; the last one kept ends in `…` when rows were left out.
fn at_most(mut lines: Vec<Line<'static>>, max: usize, width: u16) -> Vec<Line<'static>> {
    if lines.len() > max {
        lines.truncate(max);
        if let Some(last) = lines.last_mut() {
            let text: String = last.spans.iter().map(|s| s.content.as_ref()).collect();
            let room = usize::from(width).saturating_sub(1);
            *last = Line::raw(format!("{}…", truncate(&text, room).trim_end_matches('…')));
        }
    }
    lines
}

/// `expires  2026-12-04 00:00 UTC (in 4 days)`, or `(EXPIRED 3 days ago)` in the admin colour:
/// an expired token is said to be so in words, not only in colour.
fn expiry_line(
    expires_at: Option<OffsetDateTime>,
    now: OffsetDateTime,
    within_days: u32,
    width: u16,
) -> Vec<Line<'static>> {
    let Some(at) = expires_at else {
        return Vec::new();
    };
    let when = human_time(at);
    let (text, style) = match Expiry::at(Some(at), now, within_days) {
        Expiry::Expired => (
            format!("{when} (EXPIRED {} ago)", age(at, now)),
            Some(theme::admin()),
        ),
        Expiry::Soon(0) => (format!("{when} (within a day)"), Some(theme::warn())),
        Expiry::Soon(days) => (format!("{when} (in {days} days)"), Some(theme::warn())),
        Expiry::Never | Expiry::Later => (when, None),
    };
    hanging("expires", theme::label(), &[(text, style)], width)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(line: &Line) -> String {
        line.spans.iter().map(|s| s.content.as_ref()).collect()
    }

    #[test]
    fn long_values_wrap_under_the_value_column() {
        let value = "2025-04-06T21:44:27Z (1y ago, ! stale: over 90 days)".to_owned();
        let lines = hanging("created", theme::label(), &[(value, None)], 50);
        assert!(lines.len() > 1);
        assert!(text(&lines[0]).starts_with("created     2025"));
        for line in &lines[1..] {
            let t = text(line);
            assert!(t.starts_with(&" ".repeat(LABEL)), "{t:?}");
            assert!(super::super::width_of(&t) <= 50, "{t:?}");
        }
    }
}
