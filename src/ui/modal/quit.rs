//! The question before quitting with changes in flight: wait (the default) or quit anyway; then,
//! while waiting, what is still in flight, and the outcomes before the dashboard quits.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use super::{draw_box, key_hints};
use crate::app::modal::quit::{QuitPrompt, in_flight};
use crate::app::{Action, App, Layer, ToastKind};
use crate::ui::theme;

pub fn render(app: &App, prompt: &QuitPrompt, frame: &mut Frame, area: Rect) {
    let pending = in_flight(app);
    let n = pending.len();
    let changes = if n == 1 {
        "1 change".to_owned()
    } else {
        format!("{n} changes")
    };
    let mut lines = Vec::new();
    let title = match &prompt.waiting {
        Some(w) if w.done => "Quit: every change answered".to_owned(),
        Some(_) => format!("Quit: waiting for {changes}"),
        None => format!("Quit: {changes} in flight"),
    };
    match &prompt.waiting {
        Some(w) if w.done => {
            let outcomes: Vec<_> = app.log.since(w.since).collect();
            for e in &outcomes {
                let (mark, style) = match e.kind {
                    ToastKind::Info => ("✓", theme::ok()),
                    ToastKind::Error => ("✗", theme::error()),
                };
                lines.push(Line::styled(format!("{mark} {}", e.line()), style));
            }
            if outcomes.is_empty() {
                lines.push(Line::raw("Done."));
            }
            lines.push(Line::raw(""));
            lines.push(Line::styled(
                "quitting… (any key quits now; this is printed on exit too)",
                theme::dim(),
            ));
        }
        Some(w) => {
            for e in app.log.since(w.since) {
                lines.push(Line::raw(format!("  {}", e.line())));
            }
            lines.push(Line::styled(
                format!("{} waiting for:", theme::spinner(app.spinner)),
                theme::warn(),
            ));
            for what in &pending {
                lines.push(Line::raw(format!("  {what}")));
            }
            lines.push(Line::raw(""));
            let keys = key_hints(
                app,
                Layer::Quitting,
                &[
                    (&[Action::Confirm], 1, "quit anyway"),
                    (&[Action::Cancel], 1, "stay"),
                ],
                "   ",
            );
            lines.push(Line::styled(
                format!("{keys}   (it quits by itself once they are answered)"),
                theme::dim(),
            ));
        }
        None => {
            lines.push(Line::raw(format!("{changes} in flight:")));
            for what in &pending {
                lines.push(Line::raw(format!("  {what}")));
            }
            lines.push(Line::styled(
                "Quitting now leaves the outcome unseen: the provider may still make the change.",
                theme::warn(),
            ));
            lines.push(Line::raw(""));
            let button = |label: &'static str, on: bool| {
                if on {
                    Span::styled(format!("[ {label} ]"), theme::selected(true))
                } else {
                    Span::raw(format!("  {label}  "))
                }
            };
            lines.push(Line::from(vec![
                Span::raw("     "),
                button("Wait, then quit", prompt.wait),
                Span::raw("   "),
                button("Quit anyway", !prompt.wait),
            ]));
            let keys = key_hints(
                app,
                Layer::Quitting,
                &[
                    (&[Action::Wait], 1, "wait"),
                    (&[Action::Confirm], 1, "quit anyway"),
                    (&[Action::Cancel], 1, "stay"),
                ],
                "   ",
            );
            let choose = key_hints(
                app,
                Layer::Quitting,
                &[
                    (&[Action::Choose], 2, "choose"),
                    (&[Action::Accept], 1, "takes it"),
                ],
                ", ",
            );
            lines.push(Line::styled(format!("{keys}   {choose}"), theme::dim()));
        }
    }
    draw_box(frame, area, &title, lines);
}
