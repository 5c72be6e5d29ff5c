//! A report (a bulk delete's failures, token by token): read, then any key closes it.

use crate::app::{App, Effect};

pub fn on_key(app: &mut App) -> Vec<Effect> {
    app.close_modal();
    Vec::new()
}
