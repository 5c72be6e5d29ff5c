//! Overlays that take the keys: forms, confirmations, the one-time secret and reports. Each
//! has a file here with its state and the keys it takes, and one under src/ui/modal/ that draws
//! it.
//!
//! Only one overlay has the keys; others wait in a queue behind it (a secret that arrives while
//! a confirmation is open waits, it is never dropped). A key handler is given its overlay by
//! value and must either put it back in `App::modal` or call [`App::close_modal`].

pub mod confirm;
pub mod form;
pub mod report;
pub mod secret;

use crossterm::event::KeyEvent;

use super::op::Op;
use super::{App, Effect};
use form::Form;
pub use secret::SecretView;

#[derive(Debug)]
pub enum Modal {
    Form(Form),
    /// A destructive operation waiting for `y`; `yes` is the highlighted choice (starts on No).
    Confirm {
        op: Op,
        yes: bool,
    },
    Secret(SecretView),
    /// A result that must be read, e.g. the failures of a bulk delete, token by token.
    Report {
        title: String,
        lines: Vec<String>,
    },
}

impl App {
    /// Show a modal now, or after the one open (a new secret never replaces another overlay).
    pub fn open_modal(&mut self, modal: Modal) {
        if self.modal.is_some() {
            self.modal_queue.push_back(modal);
        } else {
            self.modal = Some(modal);
        }
        self.dirty = true;
    }

    pub fn close_modal(&mut self) {
        self.modal = self.modal_queue.pop_front();
        self.dirty = true;
    }
}

/// A key while a modal is open: the modal takes it, whatever it is.
pub fn on_key(app: &mut App, key: KeyEvent) -> Vec<Effect> {
    let Some(modal) = app.modal.take() else {
        return Vec::new();
    };
    app.dirty = true;
    match modal {
        Modal::Form(form) => form::on_key(app, form, key),
        Modal::Confirm { op, yes } => confirm::on_key(app, op, yes, key),
        Modal::Secret(view) => secret::on_key(app, view, key),
        Modal::Report { .. } => report::on_key(app),
    }
}

/// Paste goes to the focused text field of an open form; other modals ignore it.
pub fn on_paste(app: &mut App, text: &str) {
    if let Some(Modal::Form(form)) = &mut app.modal {
        form.paste(text);
        app.dirty = true;
    }
}
