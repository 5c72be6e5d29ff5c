//! The mouse (with `[ui] mouse = true`): a click selects the pane and the row under it, the
//! wheel scrolls the pane under it, whichever has the focus. Where things are drawn comes from
//! the layout `render` uses ([`crate::ui::hit`]), for the terminal's last known size. Dialogs
//! and the text lines take keys only; over the help, the wheel scrolls it.

use crossterm::event::{MouseButton, MouseEvent, MouseEventKind};

use super::token_table::clamp_move;
use super::{Action, App, Effect, Focus, Mode};
use crate::ui::hit::{self, Hit};

/// Rows the wheel moves per notch, as most terminal programs do.
const WHEEL_ROWS: isize = 3;

pub fn on_mouse(app: &mut App, event: MouseEvent) -> Vec<Effect> {
    if app.modal.is_some() {
        return Vec::new();
    }
    let step = match event.kind {
        MouseEventKind::ScrollDown => WHEEL_ROWS,
        MouseEventKind::ScrollUp => -WHEEL_ROWS,
        MouseEventKind::Down(MouseButton::Left) => 0,
        _ => return Vec::new(),
    };
    match app.mode {
        Mode::Normal => {}
        Mode::Help if step != 0 => {
            let action = if step > 0 { Action::Down } else { Action::Up };
            for _ in 0..WHEEL_ROWS {
                super::update::scroll_help(app, action);
            }
            return Vec::new();
        }
        Mode::Help | Mode::Filter | Mode::Command => return Vec::new(),
    }
    let Some(target) = hit::at(app, app.size, event.column, event.row) else {
        return Vec::new();
    };
    if step != 0 {
        scroll(app, target, step);
    } else {
        click(app, target);
    }
    Vec::new()
}

/// The wheel: the pane under the pointer scrolls; the focus stays where it is.
fn scroll(app: &mut App, target: Hit, step: isize) {
    match target {
        Hit::Accounts(_) => {
            let next = clamp_move(app.account_sel(), step, app.accounts.len() + 1);
            if next != app.account_sel() {
                app.select_account_row(next);
            }
        }
        Hit::Tokens(_) | Hit::Detail => {
            if app.table.move_cursor(step) {
                app.reveal = false;
                app.dirty = true;
            }
        }
    }
}

/// A click: its pane takes the focus, and the row under it the cursor.
fn click(app: &mut App, target: Hit) {
    app.dirty = true;
    match target {
        Hit::Accounts(row) => {
            app.focus = Focus::Accounts;
            if let Some(row) = row.filter(|r| *r != app.account_sel()) {
                app.select_account_row(row);
            }
        }
        Hit::Tokens(row) => {
            app.focus = Focus::Tokens;
            if let Some(row) = row.filter(|r| *r != app.table.cursor()) {
                app.table.set_cursor(row);
                // A revealed secret stays with its token.
                app.reveal = false;
            }
        }
        Hit::Detail => app.focus = Focus::Detail,
    }
}
