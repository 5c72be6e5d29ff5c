//! The one-time secret: masked until `v`, copied with `y`, closed only on purpose.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use secrecy::ExposeSecret;

use super::{account_label, draw_box, key_hints};
use crate::app::modal::deliver::DeliveryState;
use crate::app::{Action, App, Layer, SecretView};
use crate::text::sanitize;
use crate::ui::theme;

/// The mask does not follow the secret's length.
const MASK: &str = "••••••••••••••••••••••••";

pub fn render(app: &App, view: &SecretView, frame: &mut Frame, area: Rect) {
    let caps = app.accounts[view.account].caps();
    let mut lines = vec![
        Line::raw(format!(
            "Token \"{}\" (id {}) in {}.",
            view.token.name,
            view.token.shown_id(caps),
            account_label(app, view.account)
        )),
        Line::styled(
            "This secret is shown only now: copy it before you close this.",
            theme::warn(),
        ),
        Line::raw(""),
    ];
    let shown = if view.revealed {
        // Secrets come from the provider: strip anything that could drive the terminal.
        crate::text::sanitize(view.secret.expose_secret())
    } else {
        MASK.to_owned()
    };
    lines.push(Line::from(vec![
        Span::raw("  "),
        Span::styled(shown, theme::header()),
    ]));
    lines.push(Line::raw(""));
    match &view.copied {
        Some(Ok(how)) => lines.push(Line::styled(how.clone(), theme::ok())),
        Some(Err(why)) => lines.push(Line::styled(format!("not copied: {why}"), theme::error())),
        None => {}
    }
    deliveries(app, view, &mut lines);
    if let Some(old) = &view.replaces {
        lines.push(Line::styled(
            format!(
                "The old token \"{}\" still works until it is deleted; you will be asked next.",
                old.name
            ),
            theme::warn(),
        ));
    }
    if view.closing {
        let yes = key_hints(
            app,
            Layer::Confirm,
            &[(&[Action::Confirm], 1, "closes")],
            "",
        );
        lines.push(Line::styled(
            format!("Close? The secret will not be shown again. {yes}, any other key keeps it."),
            theme::error(),
        ));
    } else if view.delivery.picker.is_some() {
        let hints = key_hints(
            app,
            Layer::Secret,
            &[
                (&[Action::Up, Action::Down], 1, "move"),
                (&[Action::ToggleChoice], 1, "choose"),
                (&[Action::Accept], 1, "deliver"),
                (&[Action::Cancel], 1, "back"),
            ],
            "   ",
        );
        lines.push(Line::styled(hints, theme::dim()));
    } else {
        let reveal = if view.revealed { "hide" } else { "reveal" };
        // Delivering is offered where there is somewhere to deliver.
        let deliver: &[Action] = if app.sinks.sinks.is_empty() {
            &[]
        } else {
            &[Action::Deliver]
        };
        let hints = key_hints(
            app,
            Layer::Secret,
            &[
                (&[Action::Reveal], 1, reveal),
                (&[Action::Copy], 1, "copy"),
                (deliver, 1, "deliver"),
                (&[Action::Cancel], 1, "close"),
            ],
            "   ",
        );
        lines.push(Line::styled(hints, theme::dim()));
    }
    draw_box(frame, area, "New secret (shown once)", lines);
}

/// The list of sinks while it is open, then how each delivery went.
fn deliveries(app: &App, view: &SecretView, lines: &mut Vec<Line<'static>>) {
    if let Some(picker) = &view.delivery.picker {
        lines.push(Line::raw("Deliver to:"));
        for (i, (sink, on)) in app.sinks.sinks.iter().zip(&picker.chosen).enumerate() {
            let cursor = if i == picker.cursor { "›" } else { " " };
            let mark = if *on { "[x]" } else { "[ ]" };
            let style = if i == picker.cursor {
                theme::header()
            } else {
                theme::label()
            };
            lines.push(Line::styled(
                format!(" {cursor} {mark} {}", sanitize(&sink.name)),
                style,
            ));
        }
        lines.push(Line::raw(""));
    }
    for d in &view.delivery.sent {
        let sink = sanitize(&d.sink);
        match &d.state {
            DeliveryState::Running => lines.push(Line::styled(
                format!("{} delivering to {sink}…", theme::spinner(app.spinner)),
                theme::dim(),
            )),
            DeliveryState::Done(done) => {
                lines.push(Line::styled(format!("✓ {sink}: {done}"), theme::ok()))
            }
            DeliveryState::Failed(why) => {
                let mut said = why.lines();
                let first = said.next().unwrap_or_default();
                lines.push(Line::styled(
                    format!("✗ {sink} failed: {first}"),
                    theme::error(),
                ));
                for more in said {
                    lines.push(Line::styled(more.to_owned(), theme::dim()));
                }
            }
        }
    }
    if !view.delivery.sent.is_empty() {
        lines.push(Line::raw(""));
    }
}
