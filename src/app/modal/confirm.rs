//! The confirmation of a destructive operation. It starts on No: `confirm` (y) says yes, `deny`
//! (n) and `cancel` (esc) say no, `accept` (enter) takes the highlighted choice, and `choose`
//! (the arrows, Tab, `h`, `l`) moves between the two. Keys from the keymap's `Confirm` layer.

use crossterm::event::KeyEvent;

use crate::app::op_flow::execute;
use crate::app::{Action, App, Effect, Layer, Modal, Op};

pub fn on_key(app: &mut App, op: Op, yes: bool, key: KeyEvent) -> Vec<Effect> {
    match app.keymap.action_for(&key, Layer::Confirm) {
        Some(Action::Confirm) => {
            app.close_modal();
            execute(app, op)
        }
        Some(Action::Accept) if yes => {
            app.close_modal();
            execute(app, op)
        }
        Some(Action::Deny | Action::Cancel | Action::Accept) => {
            app.close_modal();
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
