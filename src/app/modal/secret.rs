//! The secret of a token just created or regenerated, shown only this once. Closing takes two
//! keys (Esc, then `y`) so that it is never lost to a stray key; `v` reveals it, `y` or `c`
//! copies it and `d` delivers it to sinks (`deliver.rs`) (the keymap's defaults). What the clipboard says back is shown here too.

use std::time::Duration;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use secrecy::SecretString;

use super::deliver::{self, Deliveries};
use crate::app::{Action, App, CopySecret, Effect, Layer, Modal, Op, ToastKind, TokenRef};
use crate::clipboard::{Backend, ClearOutcome, ClipboardError};
use crate::model::OpKind;

#[derive(Debug)]
pub struct SecretView {
    pub account: usize,
    pub token: TokenRef,
    pub secret: SecretString,
    pub revealed: bool,
    /// `Esc` was pressed once: the next `y` closes, anything else keeps the modal.
    pub closing: bool,
    /// How the last copy went (the backend, or why it failed).
    pub copied: Option<Result<String, String>>,
    /// A rotation: the old token, still valid, to offer for deletion after this closes.
    pub replaces: Option<TokenRef>,
    /// Deliveries to sinks: the list to choose from while open, and how each went.
    pub delivery: Deliveries,
}

/// A key beside a new secret: the keymap's `Secret` layer, and once closing was asked, its
/// `Confirm` layer (yes closes; any other key keeps the secret on screen).
pub fn on_key(app: &mut App, mut view: SecretView, key: KeyEvent) -> Vec<Effect> {
    let mut effects = Vec::new();
    if view.closing {
        if app.keymap.action_for(&key, Layer::Confirm) == Some(Action::Confirm) {
            let replaces = view.replaces.take();
            app.close_modal();
            if let Some(old) = replaces {
                if view.delivery.settled_ok() {
                    offer_delete_old(app, old);
                } else {
                    // A sink may lack the new secret: the old token must keep working.
                    app.alert(
                        Some(old.account),
                        format!(
                            "kept the old token {}: a delivery failed or had not finished",
                            old.name
                        ),
                    );
                }
            }
            return effects;
        }
        // Anything else keeps the secret on screen.
        view.closing = false;
    } else if key.code == KeyCode::Char('c') && key.modifiers.contains(KeyModifiers::CONTROL) {
        // ctrl-c, which quits anywhere else, asks first here.
        view.closing = true;
    } else if view.delivery.picker.is_some() {
        effects = deliver::on_key(app, &mut view, &key);
    } else {
        match app.keymap.action_for(&key, Layer::Secret) {
            Some(Action::Cancel | Action::Quit) => view.closing = true,
            Some(Action::Reveal) => view.revealed = !view.revealed,
            Some(Action::Copy) => {
                effects.push(Effect::Copy(CopySecret(view.secret.clone())));
            }
            Some(Action::Deliver) => deliver::open(app, &mut view),
            _ => {}
        }
    }
    app.modal = Some(Modal::Secret(view));
    effects
}

/// A rotation's new secret has been seen: the old token can go.
fn offer_delete_old(app: &mut App, old: TokenRef) {
    if app.allows(old.account, OpKind::Delete).is_ok() {
        app.rotated_out.push(old.clone());
        app.open_modal(Modal::Confirm {
            op: Op::Delete(vec![old]),
            yes: false,
        });
    }
}

/// How a copy went: said in the secret modal, which stays open either way.
pub fn on_copied(app: &mut App, result: Result<Backend, ClipboardError>) -> Vec<Effect> {
    let mut effects = Vec::new();
    let note = match result {
        Ok(Backend::Native) if app.clipboard_clear_secs > 0 => {
            effects.push(Effect::ScheduleClear(Duration::from_secs(
                app.clipboard_clear_secs,
            )));
            Ok(format!(
                "copied to {}; cleared in {}s if unchanged",
                Backend::Native,
                app.clipboard_clear_secs
            ))
        }
        // Nothing can read an OSC 52 copy back, so nothing can clear it: the user must know.
        Ok(b @ Backend::Osc52) => Ok(format!(
            "copied via {b}; tokdash cannot clear it later, so clear or overwrite it once pasted"
        )),
        Ok(b) => Ok(format!("copied via {b}")),
        Err(e) => Err(e.to_string()),
    };
    match &mut app.modal {
        Some(Modal::Secret(view)) => view.copied = Some(note),
        _ => match note {
            Ok(t) => app.toast(ToastKind::Info, t),
            Err(t) => app.toast(ToastKind::Error, t),
        },
    }
    app.dirty = true;
    effects
}

pub fn on_cleared(app: &mut App, outcome: ClearOutcome) {
    match outcome {
        ClearOutcome::Cleared => app.toast(ToastKind::Info, "clipboard cleared"),
        ClearOutcome::ChangedSince => app.toast(
            ToastKind::Info,
            "the clipboard changed since the copy; left alone",
        ),
        ClearOutcome::NothingToClear | ClearOutcome::NotPossible => {}
    }
}
