//! The confirmation of a destructive operation. It starts on No: `y` confirms, Enter takes the
//! highlighted choice, and the arrows, Tab, `h` and `l` move between the two.

use crossterm::event::{KeyCode, KeyEvent};

use crate::app::op_flow::execute;
use crate::app::{App, Effect, Modal, Op};

pub fn on_key(app: &mut App, op: Op, yes: bool, key: KeyEvent) -> Vec<Effect> {
    match key.code {
        KeyCode::Char('y') | KeyCode::Char('Y') => {
            app.close_modal();
            execute(app, op)
        }
        KeyCode::Enter if yes => {
            app.close_modal();
            execute(app, op)
        }
        KeyCode::Char('n') | KeyCode::Char('N') | KeyCode::Esc | KeyCode::Enter => {
            app.close_modal();
            Vec::new()
        }
        KeyCode::Left
        | KeyCode::Right
        | KeyCode::Tab
        | KeyCode::BackTab
        | KeyCode::Char('h')
        | KeyCode::Char('l') => {
            app.modal = Some(Modal::Confirm { op, yes: !yes });
            Vec::new()
        }
        _ => {
            app.modal = Some(Modal::Confirm { op, yes });
            Vec::new()
        }
    }
}
