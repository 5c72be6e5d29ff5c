//! Token operations, from the key that asks for one to the answer that settles it:
//!
//! - start.rs: a key in normal mode becomes an [`Op`](super::Op), through the gate, into a form
//!   or a confirmation (or straight on, when it harms nothing);
//! - request.rs: a confirmed [`Op`](super::Op) becomes worker requests, asking the gate again;
//! - results.rs: the worker's answers: the one-time secret, re-listing, errors, and the report
//!   of a bulk delete;
//! - gate.rs: what every step asks first: may this account do this, is the token busy, and
//!   saying no with an audit record.
//!
//! The overlays in between (forms, confirmations, the secret) take their keys in app/modal/.

mod gate;
mod request;
mod results;
mod start;

pub use request::execute;
pub use results::on_op_result;
pub use start::{create_in, on_op_action};

use std::collections::HashSet;

use super::op::TokenRef;
use crate::model::{OpKind, TokenId};

/// A change in flight: what to do with its answer.
#[derive(Debug, Clone)]
pub struct PendingOp {
    pub account: usize,
    pub op: OpKind,
    pub token: Option<TokenRef>,
    /// For a rotation's create: the token it replaces.
    pub replaces: Option<TokenRef>,
    /// For choices: the form field they fill.
    pub field: Option<&'static str>,
    /// Part of a bulk delete.
    pub batch: bool,
    /// For a create: the name asked for, and the ids the account listed when it was sent (if it
    /// was loaded), to find the token if no answer comes back.
    pub new_name: Option<String>,
    pub listed_before: Option<HashSet<TokenId>>,
}

/// A bulk delete in progress: reported once every answer is in.
#[derive(Debug, Clone, Default)]
pub struct Batch {
    pub remaining: usize,
    pub done: Vec<String>,
    pub failed: Vec<String>,
}
