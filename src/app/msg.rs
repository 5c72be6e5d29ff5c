//! What goes into and comes out of `update`: messages, effects, and the requests the worker
//! runs with their answers.

use std::fmt;
use std::time::{Duration, Instant};

use crossterm::event::{KeyEvent, MouseEvent};
use secrecy::{ExposeSecret, SecretString};
use time::OffsetDateTime;

use super::modal::{DeliverJob, ExportJob, ExportResult};
use super::op::{AuditEntry, IncidentEntry};
use crate::clipboard::{Backend, ClearOutcome, ClipboardError};
use crate::leak::Fingerprints;
use crate::model::{ApiError, Created, Listing, NewToken, OpKind, TokenId, TokenUpdate};
use crate::provider::Choice;
use crate::provider::http::Retrying;

/// Identifies one request to the worker; answers carry it back so stale ones can be dropped.
pub type ReqId = u64;

/// Work for the background worker. Token names ride along for the audit trail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApiRequest {
    List {
        account: usize,
    },
    Create {
        account: usize,
        new: NewToken,
    },
    Delete {
        account: usize,
        token: TokenId,
        name: String,
    },
    /// Rename or enable/disable.
    Update {
        account: usize,
        token: TokenId,
        name: String,
        change: TokenUpdate,
    },
    Regenerate {
        account: usize,
        token: TokenId,
        name: String,
    },
    /// Choices for a `RemoteChoice` form field.
    Choices {
        account: usize,
        field: &'static str,
    },
}

impl ApiRequest {
    pub fn account(&self) -> usize {
        match self {
            ApiRequest::List { account }
            | ApiRequest::Create { account, .. }
            | ApiRequest::Delete { account, .. }
            | ApiRequest::Update { account, .. }
            | ApiRequest::Regenerate { account, .. }
            | ApiRequest::Choices { account, .. } => *account,
        }
    }

    /// The change this request makes, `None` for reads.
    pub fn op(&self) -> Option<OpKind> {
        match self {
            ApiRequest::List { .. } | ApiRequest::Choices { .. } => None,
            ApiRequest::Create { .. } => Some(OpKind::Create),
            ApiRequest::Delete { .. } => Some(OpKind::Delete),
            ApiRequest::Update { change, .. } => Some(match change.enabled {
                Some(true) => OpKind::Enable,
                Some(false) => OpKind::Disable,
                None => OpKind::Rename,
            }),
            ApiRequest::Regenerate { .. } => Some(OpKind::Regenerate),
        }
    }
}

/// The worker's answer to an [`ApiRequest`].
#[derive(Debug)]
pub enum ApiResult {
    List(Result<Listing, ApiError>),
    /// Create and regenerate: a new secret, shown once. Boxed: a whole token is far larger than
    /// the other answers, and every message would otherwise be as large.
    Created(Result<Box<Created>, ApiError>),
    /// Delete, rename, enable and disable.
    Changed(Result<(), ApiError>),
    Choices(Result<Vec<Choice>, ApiError>),
}

/// A secret on its way to the clipboard. Compares by value so effects stay testable; never
/// printed.
#[derive(Clone)]
pub struct CopySecret(pub SecretString);

impl PartialEq for CopySecret {
    fn eq(&self, other: &Self) -> bool {
        self.0.expose_secret() == other.0.expose_secret()
    }
}
impl Eq for CopySecret {}

impl fmt::Debug for CopySecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("CopySecret([redacted])")
    }
}

/// Everything that can happen to the dashboard.
// A created token rides in `Api` (a `Token` is about 240 bytes); messages are few and short-lived,
// so boxing it would buy nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug)]
pub enum Msg {
    Key(KeyEvent),
    /// A click or the wheel (see `app/mouse.rs`): on the panes, or scrolling the help overlay;
    /// never in a dialog or a text field.
    Mouse(MouseEvent),
    Paste(String),
    Resize(u16, u16),
    Api {
        id: ReqId,
        result: ApiResult,
    },
    /// A read of list request `id` is being tried again; its account's row says so until the
    /// answer comes.
    Retrying {
        id: ReqId,
        retrying: Retrying,
    },
    /// Sent only while something animates or expires (see [`super::App::needs_tick`]): the
    /// monotonic time for timers, and the wall-clock time (UTC) for the message log.
    Tick(Instant, OffsetDateTime),
    /// The wall-clock time (UTC), sent when the loop starts and before each input, so that
    /// what is stale, the export's date and the summary's ages follow the calendar without a
    /// clock in `update`.
    Clock(OffsetDateTime),
    /// The fingerprint files, read for a leak search ([`Effect::LoadFingerprints`]).
    Fingerprints(Fingerprints),
    /// How an [`Effect::Copy`] went.
    Copied(Result<Backend, ClipboardError>),
    /// The clipboard-clear timer fired.
    ClearClipboardDue,
    /// How the clear went.
    ClipboardCleared(ClearOutcome),
    /// How an [`Effect::Export`] went.
    Exported(ExportResult),
    /// How an [`Effect::Deliver`] went: what was done, or why not.
    Delivered {
        id: ReqId,
        result: Result<String, crate::sink::Failure>,
    },
}

/// What the outside world must do for `update`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    Api {
        id: ReqId,
        req: ApiRequest,
    },
    Copy(CopySecret),
    /// Send [`Msg::ClearClipboardDue`] after this long: the one timer an idle app may have.
    ScheduleClear(Duration),
    ClearClipboard,
    /// Append to the audit trail (refusals; the worker records what it runs).
    Audit(AuditEntry),
    /// Append an incident record: what was done about a leaked secret, and how it was verified.
    Incident(IncidentEntry),
    /// Read the fingerprint files beside the audit trail and answer with
    /// [`Msg::Fingerprints`].
    LoadFingerprints,
    /// Write the view's rows to a file (0600, never through a symbolic link) and answer with
    /// [`Msg::Exported`].
    Export(ExportJob),
    /// Deliver a new secret to a sink, in the worker, and answer with [`Msg::Delivered`].
    Deliver(Box<DeliverJob>),
    Quit,
}
