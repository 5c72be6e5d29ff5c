//! The one-time secret: masked until `v`, copied with `y`, closed only on purpose.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use secrecy::ExposeSecret;

use super::{account_label, draw_box, key_hints};
use crate::app::{Action, App, Layer, SecretView};
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
    } else {
        let reveal = if view.revealed { "hide" } else { "reveal" };
        let hints = key_hints(
            app,
            Layer::Secret,
            &[
                (&[Action::Reveal], 1, reveal),
                (&[Action::Copy], 1, "copy"),
                (&[Action::Cancel], 1, "close"),
            ],
            "   ",
        );
        lines.push(Line::styled(hints, theme::dim()));
    }
    draw_box(frame, area, "New secret (shown once)", lines);
}
