//! The leaked-secret dialog (`L`, `:leak`): an on-call engineer pastes a leaked secret, the
//! dashboard finds its token and revokes it, and the account's re-list verifies it.
//!
//! - **The secret.** It comes by paste (bracketed paste) or, where the terminal sends a paste
//!   as keys, typed and ended with Enter. It is held as a [`SecretString`] (typed characters in
//!   a buffer wiped on drop), never shown, never put in a toast, the log, the filter or this
//!   dialog's `Debug`; it is wiped when the dialog closes. Only the first hex digits of its
//!   SHA-256 are shown, to tell incidents apart.
//! - **The search** starts as soon as the paste arrives. It uses what the dashboard already
//!   listed, asks the worker for the accounts that are not loaded (or failed) all at once, has
//!   the fingerprint files read ([`Effect::LoadFingerprints`]), and runs [`crate::leak::search`]
//!   once every answer is in. Accounts that still could not be listed are named: a partial
//!   search never reads as "not found".
//! - **The match** shows the token (account, name, id, scopes, age, created by, how it matched)
//!   with the revoke ready: `y` (`confirm`) deletes it, `t` (`disable_instead`) disables it
//!   instead where the provider can (sematext). That key is the one confirmation, so paste to
//!   verified revoke is `L`, the paste, `y`: two keys. Keys come from the keymap: the field is
//!   a text layer (`LeakPaste`: printable keys are typed), the rest its `LeakMatch` layer.
//! - **The revoke** is the normal operation ([`crate::app::op_flow::execute`]: the gate, the
//!   worker, the audit record), and its verification the account's normal re-list, judged by
//!   [`crate::leak::verify()`]. Then the dialog and the message log say "verified: token … no
//!   longer listed in …" (or why not), and an incident record goes to the audit log
//!   ([`Effect::Incident`]). While the revoke is in flight the dialog stays open: the re-list
//!   is checked against the secret too.
//!
//! This file holds what both halves share: the dialog's state, opening it, its keys, and the
//! routing of a list answer to whichever half waits for it. The two halves change for different
//! reasons (how a secret is found vs. how a change is proven), so each has its own file:
//! search.rs, from the paste to the findings; revoke.rs, from `y`/`t` to the verified verdict
//! and the incident record. Their entry points are re-exported here, so callers name
//! `app::modal::leak::…` whichever half answers.

mod revoke;
mod search;

use std::fmt;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use secrecy::zeroize::{Zeroize, Zeroizing};

use crate::app::keys::{Action as KeyAction, Layer};
use crate::app::{AccountState, App, Effect, Modal, ReqId, TokenRef};
use crate::audit::Outcome;
use crate::leak::{self, Action, Findings, Fingerprints, Verification};
use crate::secret::SecretString;

pub use revoke::{abandoned, on_revoke_answer, verdict, verifying};
pub use search::{on_fingerprints, on_paste, token_label};

/// The most bytes typed into the field; the buffer is allocated once at this size, so typing
/// never leaves a copy behind in a reallocation.
const MAX_TYPED: usize = 1024;

pub struct LeakView {
    secret: Option<SecretString>,
    /// Characters typed (a paste the terminal sent as keys), until Enter.
    typed: Zeroizing<String>,
    /// The first hex digits of the secret's SHA-256: all of it that may be shown.
    pub fingerprint_prefix: Option<String>,
    /// Why the last paste or key was not taken.
    pub note: Option<String>,
    pub stage: Stage,
}

// One dialog at most, boxed in `Modal` already: the variants' sizes do not matter.
#[allow(clippy::large_enum_variant)]
pub enum Stage {
    /// Waiting for the secret.
    Input,
    /// Lists and fingerprint files on their way.
    Searching {
        fingerprints: Option<Fingerprints>,
    },
    Found(Found),
}

pub struct Found {
    pub findings: Findings,
    /// The match under the cursor (an index into `findings.matches`).
    pub cursor: usize,
    /// Once `y` or `t` was pressed.
    pub revoke: Option<Revoke>,
}

pub struct Revoke {
    /// The match acted on (an index into `findings.matches`).
    pub target: usize,
    pub token: TokenRef,
    pub action: Action,
    pub step: Step,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// The delete or disable is in flight.
    Sent(ReqId),
    /// The provider answered (`outcome`), and the account is being listed again: the first list
    /// of it sent from request `from` on decides.
    Verifying {
        from: ReqId,
        outcome: Outcome,
        error: Option<String>,
    },
    Done {
        outcome: Outcome,
        error: Option<String>,
        /// `None` when nothing was sent (refused).
        verification: Option<Verification>,
    },
}

impl LeakView {
    fn new() -> LeakView {
        LeakView {
            secret: None,
            typed: Zeroizing::new(String::with_capacity(MAX_TYPED)),
            fingerprint_prefix: None,
            note: None,
            stage: Stage::Input,
        }
    }

    /// Characters were typed and wait for Enter.
    pub fn typing(&self) -> bool {
        !self.typed.is_empty()
    }

    /// A key typed into the field (a paste the terminal sent as keys): text, Backspace, or
    /// ctrl-u to clear.
    fn type_key(&mut self, key: &KeyEvent) {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        match key.code {
            KeyCode::Backspace => {
                self.typed.pop();
            }
            KeyCode::Char('u') if ctrl => self.typed.zeroize(),
            KeyCode::Char(c) if !ctrl => {
                if self.typed.len() + c.len_utf8() <= MAX_TYPED {
                    self.typed.push(c);
                } else {
                    self.note = Some("that is too long for a token secret".into());
                }
            }
            _ => {}
        }
    }

    /// The revoke is sent and not yet verified: the dialog cannot close.
    pub fn revoking(&self) -> bool {
        match &self.stage {
            Stage::Found(Found {
                revoke: Some(r), ..
            }) => !matches!(r.step, Step::Done { .. }),
            _ => false,
        }
    }
}

// Never the secret, nor what was typed.
impl fmt::Debug for LeakView {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let stage = match &self.stage {
            Stage::Input => "input".to_owned(),
            Stage::Searching { fingerprints } => {
                format!("searching (fingerprints read: {})", fingerprints.is_some())
            }
            Stage::Found(found) => format!(
                "found {} match(es), revoke: {:?}",
                found.findings.matches.len(),
                found.revoke.as_ref().map(|r| &r.step)
            ),
        };
        f.debug_struct("LeakView")
            .field("has_secret", &self.secret.is_some())
            .field("typing", &self.typing())
            .field("fingerprint_prefix", &self.fingerprint_prefix)
            .field("stage", &stage)
            .finish()
    }
}

/// `L` or `:leak`.
pub fn open(app: &mut App) {
    app.open_modal(Modal::Leak(Box::new(LeakView::new())));
}

/// The dialog, open or waiting behind the quit question.
fn view_mut(app: &mut App) -> Option<&mut LeakView> {
    match app.find_modal_mut(|m| matches!(m, Modal::Leak(_))) {
        Some(Modal::Leak(view)) => Some(view),
        _ => None,
    }
}

/// The dialog, beside the accounts it searches.
fn view_and_accounts(app: &mut App) -> Option<(&mut LeakView, &[AccountState])> {
    let view = app
        .modal
        .iter_mut()
        .chain(app.modal_queue.iter_mut())
        .find_map(|m| match m {
            Modal::Leak(view) => Some(&mut **view),
            _ => None,
        })?;
    Some((view, &app.accounts))
}

/// Wipe text that may hold a secret.
pub fn wipe(mut text: String) {
    text.zeroize();
}

/// An account's list answer was taken (request `id`): it may complete the search, or verify a
/// revoke.
pub fn on_listed(app: &mut App, account: usize, id: ReqId) -> Vec<Effect> {
    let Some(view) = view_mut(app) else {
        return Vec::new();
    };
    match &view.stage {
        Stage::Searching { .. } => {
            search::try_finish(app);
            Vec::new()
        }
        Stage::Found(Found {
            revoke: Some(r), ..
        }) if r.token.account == account
            && matches!(r.step, Step::Verifying { from, .. } if id >= from) =>
        {
            revoke::verify_now(app)
        }
        _ => Vec::new(),
    }
}

/// A key: the keymap's `LeakPaste` layer while the field waits for the secret (printable keys
/// are typed there), its `LeakMatch` layer once the search is under way.
pub fn on_key(app: &mut App, mut view: Box<LeakView>, key: KeyEvent) -> Vec<Effect> {
    if view.revoking() {
        if matches!(
            app.keymap.action_for(&key, Layer::LeakMatch),
            Some(KeyAction::Cancel | KeyAction::Quit)
        ) {
            view.note = Some(
                "the revoke is in flight and its re-list is checked against the secret: this \
                 closes once it is verified"
                    .into(),
            );
        }
        app.modal = Some(Modal::Leak(view));
        return Vec::new();
    }
    match &mut view.stage {
        Stage::Input => match app.keymap.action_for(&key, Layer::LeakPaste) {
            // Dropping the view wipes the secret and the typed characters.
            Some(KeyAction::Cancel) => {
                app.close_modal();
                return Vec::new();
            }
            Some(KeyAction::Accept) if view.typing() => {
                let typed = view.typed.as_bytes().to_vec();
                view.typed.zeroize();
                app.modal = Some(Modal::Leak(view));
                return match leak::secret_from_input(typed) {
                    Ok(secret) => search::start_search(app, secret),
                    Err(e) => {
                        if let Some(view) = view_mut(app) {
                            view.note = Some(search::paste_problem(e));
                        }
                        Vec::new()
                    }
                };
            }
            Some(KeyAction::Accept) => view.note = Some("paste the leaked secret first".into()),
            // No other action is bound here: the key is typed, if anything.
            _ => view.type_key(&key),
        },
        Stage::Searching { .. } => {
            if app.keymap.action_for(&key, Layer::LeakMatch) == Some(KeyAction::Cancel) {
                app.close_modal();
                return Vec::new();
            }
        }
        Stage::Found(found) => match app.keymap.action_for(&key, Layer::LeakMatch) {
            Some(KeyAction::Cancel | KeyAction::Quit | KeyAction::Deny) => {
                app.close_modal();
                return Vec::new();
            }
            Some(KeyAction::Accept) if found.revoke.is_some() => {
                app.close_modal();
                return Vec::new();
            }
            Some(KeyAction::Down) if found.revoke.is_none() => {
                found.cursor = (found.cursor + 1).min(found.findings.matches.len().max(1) - 1);
            }
            Some(KeyAction::Up) if found.revoke.is_none() => {
                found.cursor = found.cursor.saturating_sub(1);
            }
            Some(KeyAction::Confirm) if found.revoke.is_none() => {
                return revoke::revoke(app, view, Action::Delete);
            }
            Some(KeyAction::DisableInstead) if found.revoke.is_none() => {
                return revoke::revoke(app, view, Action::Disable);
            }
            _ => {}
        },
    }
    app.modal = Some(Modal::Leak(view));
    Vec::new()
}
