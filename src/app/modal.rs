//! Overlays that take the keys: the forms, confirmations, the one-time secret and reports.

use secrecy::SecretString;

use super::form::Form;
use super::op::{Op, TokenRef};

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

/// A secret just created or regenerated: shown only now.
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
}
