//! Overlays that take the keys: forms, confirmations, the one-time secret, reports, the leaked
//! secret dialog, the message log, the question before quitting with changes in flight, the
//! summary, the export, and a short pick (which account a new token goes in, what to copy). Each
//! has a file here with its state and the keys it takes, and one under src/ui/modal/ that draws
//! it.
//!
//! Only one overlay has the keys; others wait in a queue behind it (a secret that arrives while
//! a confirmation is open waits, it is never dropped). A key handler is given its overlay by
//! value and must either put it back in `App::modal` or call [`App::close_modal`]. The quit
//! question alone goes in front of the open overlay, which waits behind it.

pub mod confirm;
pub mod deliver;
pub mod export;
pub mod form;
pub mod leak;
pub mod messages;
pub mod pick;
pub mod quit;
pub mod report;
pub mod secret;
pub mod summary;

use crossterm::event::KeyEvent;

use super::op::Op;
use super::{App, Effect};
pub use deliver::{DeliverJob, SinkBook};
pub use export::{ExportJob, ExportResult, ExportView};
use form::Form;
pub use leak::LeakView;
pub use messages::MessagesView;
pub use pick::{PickPurpose, PickView};
pub use quit::QuitPrompt;
pub use secret::SecretView;
pub use summary::SummaryView;

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
    /// A leaked secret: paste, search, match, revoke, verify.
    Leak(Box<LeakView>),
    /// The message log.
    Messages(MessagesView),
    /// Quitting while changes are in flight: wait, or quit anyway.
    Quit(QuitPrompt),
    /// Every account at a glance, with charts.
    Summary(SummaryView),
    /// Where to write the view, as CSV or JSON.
    Export(ExportView),
    /// One of a short list: which account, what to copy.
    Pick(PickView),
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

    /// Show a modal in front of the open one, which waits behind it with the keys it had.
    pub fn open_modal_in_front(&mut self, modal: Modal) {
        if let Some(open) = self.modal.take() {
            self.modal_queue.push_front(open);
        }
        self.modal = Some(modal);
        self.dirty = true;
    }

    pub fn close_modal(&mut self) {
        self.modal = self.modal_queue.pop_front();
        self.dirty = true;
    }

    /// The open modal, or one waiting behind it, that `pick` picks.
    pub fn find_modal_mut(&mut self, pick: impl Fn(&Modal) -> bool) -> Option<&mut Modal> {
        if self.modal.as_ref().is_some_and(&pick) {
            return self.modal.as_mut();
        }
        self.modal_queue.iter_mut().find(|m| pick(m))
    }

    /// Close the modal `pick` picks, whether it is open or waiting. True when there was one.
    pub fn close_modal_where(&mut self, pick: impl Fn(&Modal) -> bool) -> bool {
        if self.modal.as_ref().is_some_and(&pick) {
            self.close_modal();
            return true;
        }
        match self.modal_queue.iter().position(pick) {
            Some(i) => {
                self.modal_queue.remove(i);
                self.dirty = true;
                true
            }
            None => false,
        }
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
        Modal::Leak(view) => leak::on_key(app, view, key),
        Modal::Messages(view) => messages::on_key(app, view, key),
        Modal::Quit(prompt) => quit::on_key(app, prompt, key),
        Modal::Summary(view) => summary::on_key(app, view, key),
        Modal::Export(view) => export::on_key(app, view, key),
        Modal::Pick(view) => pick::on_key(app, view, key),
    }
}

/// Paste goes to the focused text field of an open form, or to the leaked-secret dialog (which
/// takes the text itself, to wipe it); other modals ignore it.
pub fn on_paste(app: &mut App, text: String) -> Vec<Effect> {
    match &mut app.modal {
        Some(Modal::Form(form)) => {
            form.paste(&text);
            app.dirty = true;
            Vec::new()
        }
        Some(Modal::Leak(_)) => leak::on_paste(app, text),
        Some(Modal::Export(_)) => {
            export::on_paste(app, &text);
            Vec::new()
        }
        _ => {
            leak::wipe(text);
            Vec::new()
        }
    }
}
