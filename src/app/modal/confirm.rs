//! The confirmation of a destructive operation. It starts on No: `confirm` (y) says yes, `deny`
//! (n) and `cancel` (esc) say no, `accept` (enter) takes the highlighted choice, and `choose`
//! (the arrows, Tab, `h`, `l`) moves between the two. Keys from the keymap's `Confirm` layer.

use crossterm::event::KeyEvent;

use crate::app::op_flow::execute;
use crate::app::{Action, App, Effect, Layer, Modal, Op, ToastKind};

/// The answer to a rotation's offer to delete the old token. Kept, it still works: a reminder
/// goes to the message log (and on screen), naming it, so it is not forgotten.
fn settle_rotation(app: &mut App, op: &Op, deleted: bool) {
    let Op::Delete(tokens) = op else {
        return;
    };
    let [old] = tokens.as_slice() else {
        return;
    };
    let Some(at) = app.rotated_out.iter().position(|t| t == old) else {
        return;
    };
    app.rotated_out.remove(at);
    if deleted {
        return;
    }
    let id = old.shown_id(app.accounts[old.account].caps());
    app.notify(
        ToastKind::Info,
        Some(old.account),
        format!(
            "rotated, but the old token {} (id {id}) was kept and still works: delete it once \
             nothing uses it",
            old.name
        ),
    );
}

pub fn on_key(app: &mut App, op: Op, yes: bool, key: KeyEvent) -> Vec<Effect> {
    match app.keymap.action_for(&key, Layer::Confirm) {
        Some(Action::Confirm) => {
            app.close_modal();
            settle_rotation(app, &op, true);
            execute(app, op)
        }
        Some(Action::Accept) if yes => {
            app.close_modal();
            settle_rotation(app, &op, true);
            execute(app, op)
        }
        Some(Action::Deny | Action::Cancel | Action::Accept) => {
            app.close_modal();
            settle_rotation(app, &op, false);
            Vec::new()
        }
        Some(Action::Choose) => {
            app.modal = Some(Modal::Confirm { op, yes: !yes });
            Vec::new()
        }
        _ => {
            app.modal = Some(Modal::Confirm { op, yes });
            Vec::new()
        }
    }
}
