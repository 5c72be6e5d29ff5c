//! The detail pane: every field of the selected token, its account, what the provider allows,
//! and the secret (masked until revealed) where the list returned one.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Wrap};
use secrecy::ExposeSecret;
use time::OffsetDateTime;

use super::{age, is_stale, mask, theme};
use crate::app::{Action, App, Focus};
use crate::model::{OpKind, Refusal, format_timestamp, gate};
use crate::text::truncate;

/// Field values longer than this are cut; the pane wraps, and nobody reads 5,000 characters.
const MAX_VALUE: usize = 500;
/// At least this wide inside: the fields and the permissions side by side.
const TWO_COLUMNS: u16 = 90;

pub fn render(app: &App, frame: &mut Frame, area: Rect, now: OffsetDateTime) {
    let focused = app.focus == Focus::Detail;
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
    let mut lines = Vec::new();
    let field = |k: &str, v: String| {
        Line::from(vec![
            Span::styled(format!("{k:<12}"), theme::label()),
            Span::raw(truncate(&v, MAX_VALUE)),
        ])
    };
    lines.push(field("name", token.name.clone()));
    let id = if caps.id_is_secret && !app.reveal {
        mask(token.id.as_str())
    } else {
        token.id.to_string()
    };
    lines.push(field("id", id));
    lines.push(field(
        "account",
        format!("{} ({})", acc.info.name, acc.info.kind),
    ));
    lines.push(field(
        "state",
        match token.enabled {
            Some(true) => "enabled".into(),
            Some(false) => "disabled".into(),
            None => "— (no enable/disable)".into(),
        },
    ));
    match token.created_at {
        Some(c) => {
            let stale = if is_stale(Some(c), now, app.stale_after_days) {
                format!(", ! stale: over {} days", app.stale_after_days)
            } else {
                String::new()
            };
            let ago = match age(c, now) {
                a if a == "now" => "just now".to_owned(),
                a => format!("{a} ago"),
            };
            lines.push(field(
                "created",
                format!("{} ({ago}{stale})", format_timestamp(c)),
            ));
        }
        None => lines.push(field("created", "unknown".into())),
    }
    if !token.scopes.is_empty() {
        lines.push(field("scopes", token.scopes.join(", ")));
    }
    if let Some(d) = &token.description {
        lines.push(field("description", d.clone()));
    }
    for (k, v) in &token.extra {
        lines.push(field(k, v.clone()));
    }
    if let Some(secret) = &token.secret {
        let shown = if app.reveal {
            secret.expose_secret().to_owned()
        } else {
            "••••••••".to_owned()
        };
        lines.push(field("secret", shown));
    }
    if token.secret.is_some() || caps.id_is_secret {
        let key = app.keymap.first_key(Action::Reveal).unwrap_or_default();
        let verb = if app.reveal { "hide" } else { "reveal" };
        lines.push(Line::styled(
            format!("{:12}{key} to {verb}", ""),
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
    if !can.is_empty() {
        perms.push(Line::from(vec![
            Span::styled(format!("{:<12}", "can"), theme::ok()),
            Span::raw(can.join(", ")),
        ]));
    }
    if !cannot.is_empty() {
        perms.push(Line::from(vec![
            Span::styled(format!("{:<12}", "cannot"), theme::error()),
            Span::raw(cannot.join(", ")),
            Span::styled(format!(" ({})", why.unwrap_or_default()), theme::dim()),
        ]));
    }

    let inner = block.inner(area);
    frame.render_widget(block, area);
    if inner.width >= TWO_COLUMNS {
        // Wide and short (under the tokens table): what the token is on the left, what can be
        // done with it on the right.
        let [left, right] =
            Layout::horizontal([Constraint::Fill(3), Constraint::Fill(2)]).areas(inner);
        frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), left);
        frame.render_widget(Paragraph::new(perms).wrap(Wrap { trim: false }), right);
    } else {
        lines.push(Line::raw(""));
        lines.extend(perms);
        frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
    }
}
