//! The confirmation for delete, regenerate and disable: names the account and the token(s),
//! says what happens, and starts on No.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use super::{account_label, draw_box, key_hints};
use crate::app::{Action, App, Layer, Op, TokenRef};
use crate::ui::theme;

/// How many tokens a bulk confirmation lists before "and N more".
const MAX_LISTED: usize = 12;

pub fn render(app: &App, op: &Op, yes: bool, frame: &mut Frame, area: Rect) {
    let verb = op.kind().verb();
    let mut lines = Vec::new();
    let tokens = op.tokens();
    let one = |t: &TokenRef| {
        let caps = app.accounts[t.account].caps();
        format!("\"{}\" (id {})", t.name, t.shown_id(caps))
    };
    if let [t] = tokens.as_slice() {
        lines.push(Line::raw(format!(
            "{} token {} in {}?",
            capitalise(verb),
            one(t),
            account_label(app, t.account)
        )));
    } else {
        lines.push(Line::raw(format!(
            "{} these {} tokens?",
            capitalise(verb),
            tokens.len()
        )));
        for t in tokens.iter().take(MAX_LISTED) {
            lines.push(Line::raw(format!(
                "  {} in {}",
                one(t),
                account_label(app, t.account)
            )));
        }
        if tokens.len() > MAX_LISTED {
            lines.push(Line::raw(format!(
                "  … and {} more",
                tokens.len() - MAX_LISTED
            )));
        }
    }
    let consequence = match op {
        Op::Delete(t) if t.len() > 1 => {
            "Anything using them stops working at once. This cannot be undone."
        }
        Op::Delete(_) => "Anything using it stops working at once. This cannot be undone.",
        Op::Regenerate(_) => "The old secret stops working at once; the new one is shown once.",
        Op::SetEnabled(_, false) => "Anything using it stops working until it is enabled again.",
        _ => "",
    };
    if let Some(hidden) = app.hidden_note(op) {
        lines.push(Line::styled(hidden, theme::warn()));
    }
    lines.push(Line::styled(consequence, theme::warn()));
    lines.push(Line::raw(""));
    let button = |label: &'static str, on: bool| {
        if on {
            Span::styled(format!("[ {label} ]"), theme::selected(true))
        } else {
            Span::raw(format!("  {label}  "))
        }
    };
    lines.push(Line::from(vec![
        Span::raw("        "),
        button("No", !yes),
        Span::raw("   "),
        button("Yes", yes),
    ]));
    let hints = key_hints(
        app,
        Layer::Confirm,
        &[
            (&[Action::Confirm], 1, "yes"),
            (&[Action::Deny, Action::Cancel], 1, "no"),
            (&[Action::Choose], 2, "choose"),
            (&[Action::Accept], 1, "takes the highlighted"),
        ],
        "   ",
    );
    lines.push(Line::styled(hints, theme::dim()));
    draw_box(frame, area, &format!("Confirm {verb}"), lines);
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}
