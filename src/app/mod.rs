//! The dashboard's state and the messages that change it. `update` (in update.rs) is the only
//! place that mutates an [`App`]; rendering (src/ui) only reads it.

pub mod command;
pub mod filter;
pub mod form;
pub mod keys;
pub mod line_edit;
pub mod modal;
pub mod op;
pub mod op_flow;
pub mod sort;
pub mod update;

use std::collections::{HashMap, HashSet, VecDeque};
use std::fmt;
use std::time::{Duration, Instant};

use crossterm::event::KeyEvent;
use tui_input::Input;

use secrecy::{ExposeSecret, SecretString};

use crate::clipboard::{Backend, ClearOutcome, ClipboardError};
use crate::model::{ApiError, Caps, Created, NewToken, OpKind, Token, TokenId, TokenUpdate};
use crate::provider::{Choice, ProviderKind, Registry};
pub use keys::{Action, Keymap};
pub use modal::{Modal, SecretView};
pub use op::{AuditEntry, Op, TokenRef};
pub use sort::SortKey;
pub use update::update;

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
    List(Result<Vec<Token>, ApiError>),
    /// Create and regenerate: a new secret, shown once.
    Created(Result<Created, ApiError>),
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
#[derive(Debug)]
pub enum Msg {
    Key(KeyEvent),
    /// An action that comes without a key (the mouse wheel). It acts where the keymap does:
    /// on the panes, never in a dialog or a text field.
    Action(Action),
    Paste(String),
    Resize(u16, u16),
    Api {
        id: ReqId,
        result: ApiResult,
    },
    /// Sent only while something animates or expires (see [`App::needs_tick`]).
    Tick(Instant),
    /// How an [`Effect::Copy`] went.
    Copied(Result<Backend, ClipboardError>),
    /// The clipboard-clear timer fired.
    ClearClipboardDue,
    /// How the clear went.
    ClipboardCleared(ClearOutcome),
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
    Quit,
}

/// A value that arrives from the network.
#[derive(Debug, Clone, Default)]
pub enum Loadable<T> {
    #[default]
    NotLoaded,
    Loading,
    Loaded(T),
    Failed(ApiError),
}

/// What the dashboard needs to know about a configured account (the worker owns the client).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountInfo {
    pub name: String,
    pub kind: ProviderKind,
    pub read_only: bool,
}

impl AccountInfo {
    pub fn from_registry(registry: &Registry) -> Vec<AccountInfo> {
        registry
            .accounts
            .iter()
            .map(|a| AccountInfo {
                name: a.name.clone(),
                kind: a.kind,
                read_only: a.read_only,
            })
            .collect()
    }
}

/// One account row: its identity, its tokens and the id of its latest list request.
#[derive(Debug)]
pub struct AccountState {
    pub info: AccountInfo,
    pub tokens: Loadable<Vec<Token>>,
    /// Lower-cased text the filter matches against, one entry per token, built once per list.
    pub haystacks: filter::Haystacks,
    /// Only the answer to this request may replace `tokens`.
    pub latest_list: Option<ReqId>,
    /// Tokens with a change in flight, and which; they refuse further changes.
    pub pending: HashMap<TokenId, OpKind>,
}

impl AccountState {
    pub fn caps(&self) -> &'static Caps {
        self.info.kind.caps()
    }
    pub fn token_count(&self) -> Option<usize> {
        match &self.tokens {
            Loadable::Loaded(t) => Some(t.len()),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Focus {
    Accounts,
    Tokens,
    Detail,
}

impl Focus {
    pub const ORDER: [Focus; 3] = [Focus::Accounts, Focus::Tokens, Focus::Detail];
    pub fn title(self) -> &'static str {
        match self {
            Focus::Accounts => "Accounts",
            Focus::Tokens => "Tokens",
            Focus::Detail => "Detail",
        }
    }
}

/// Who gets the keys: the panes, a text line, or an overlay.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Normal,
    Filter,
    Command,
    Help,
}

/// A token in the tokens table: indexes into `App::accounts[account].tokens`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RowRef {
    pub account: usize,
    pub token: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ToastKind {
    Info,
    Error,
}

/// A short message that disappears by itself.
#[derive(Debug, Clone)]
pub struct Toast {
    pub kind: ToastKind,
    pub text: String,
    /// Set by the first tick after the toast appears, so `update` needs no clock.
    pub expires: Option<Instant>,
}

/// How long a toast stays up.
pub const TOAST_SECS: u64 = 4;
/// How many toasts are kept at once; older ones go first.
pub const MAX_TOASTS: usize = 3;

/// Options the dashboard starts with.
#[derive(Debug, Clone)]
pub struct AppOptions {
    pub stale_after_days: u32,
    pub keymap: Keymap,
    pub demo: bool,
    /// Clear a copied secret from the clipboard after this many seconds (0: never).
    pub clipboard_clear_secs: u64,
}

impl Default for AppOptions {
    fn default() -> Self {
        AppOptions {
            stale_after_days: 90,
            keymap: Keymap::default(),
            demo: false,
            clipboard_clear_secs: 30,
        }
    }
}

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
}

/// A bulk delete in progress: reported once every answer is in.
#[derive(Debug, Clone, Default)]
pub struct Batch {
    pub remaining: usize,
    pub done: Vec<String>,
    pub failed: Vec<String>,
}

/// The one state of the dashboard.
#[derive(Debug)]
pub struct App {
    pub accounts: Vec<AccountState>,
    /// 0 is `All accounts`; `i + 1` is `accounts[i]`.
    pub account_sel: usize,
    /// The tokens table after filter and sort.
    pub rows: Vec<RowRef>,
    /// Every token of the selected account(s) in sort order, before filtering; rebuilt only
    /// when `order_stale`, so typing in the filter never re-sorts.
    pub order: Vec<RowRef>,
    pub order_stale: bool,
    /// Sort keys for `order` and the accounts' tokens, so sorting and merging a list answer
    /// do not reach into every token.
    pub sort_cache: sort::SortCache,
    /// The last filter pass's matches, so a longer query re-checks only those.
    pub filter_state: filter::FilterState,
    pub token_sel: usize,
    pub focus: Focus,
    pub mode: Mode,
    pub filter: Input,
    pub command: Input,
    pub sort: SortKey,
    pub sort_desc: bool,
    /// Requests sent and not yet answered, with the account each is for.
    pub in_flight: HashMap<ReqId, usize>,
    pub next_id: ReqId,
    pub toasts: Vec<Toast>,
    /// Advances on every tick; picks the spinner frame.
    pub spinner: usize,
    /// Show the selected token's secret (and secret-like id) in the detail pane.
    pub reveal: bool,
    pub keymap: Keymap,
    pub stale_after_days: u32,
    pub demo: bool,
    /// Rows the tokens table shows at once, for PgUp/PgDn; follows the terminal size.
    pub page: usize,
    /// A token to put the cursor on as soon as it is listed: the one just created, so the user
    /// sees it among the others.
    pub select_next: Option<(usize, TokenId)>,
    /// The overlay that has the keys, and the ones waiting behind it (a secret that arrives
    /// while a confirmation is open waits, it is never dropped).
    pub modal: Option<Modal>,
    pub modal_queue: VecDeque<Modal>,
    /// Changes and form lookups in flight, by request.
    pub ops: HashMap<ReqId, PendingOp>,
    /// Tokens marked with space for a bulk delete.
    pub marked: HashSet<(usize, TokenId)>,
    pub batch: Option<Batch>,
    pub clipboard_clear_secs: u64,
    /// Something visible changed since the last draw.
    pub dirty: bool,
    pub quit: bool,
}

impl App {
    pub fn new(accounts: Vec<AccountInfo>, options: AppOptions) -> App {
        App {
            accounts: accounts
                .into_iter()
                .map(|info| AccountState {
                    info,
                    tokens: Loadable::NotLoaded,
                    haystacks: filter::Haystacks::default(),
                    latest_list: None,
                    pending: HashMap::new(),
                })
                .collect(),
            account_sel: 0,
            rows: Vec::new(),
            order: Vec::new(),
            order_stale: true,
            sort_cache: sort::SortCache::default(),
            filter_state: filter::FilterState::default(),
            token_sel: 0,
            focus: Focus::Accounts,
            mode: Mode::Normal,
            filter: Input::default(),
            command: Input::default(),
            sort: SortKey::Name,
            sort_desc: false,
            in_flight: HashMap::new(),
            next_id: 1,
            toasts: Vec::new(),
            spinner: 0,
            reveal: false,
            keymap: options.keymap,
            stale_after_days: options.stale_after_days,
            demo: options.demo,
            page: 10,
            select_next: None,
            modal: None,
            modal_queue: VecDeque::new(),
            ops: HashMap::new(),
            marked: HashSet::new(),
            batch: None,
            clipboard_clear_secs: options.clipboard_clear_secs,
            dirty: true,
            quit: false,
        }
    }

    /// The effects that start the dashboard: list every account at once.
    pub fn start(&mut self) -> Vec<Effect> {
        (0..self.accounts.len())
            .map(|i| self.request_list(i))
            .collect()
    }

    /// A fresh request id.
    pub fn next_req(&mut self) -> ReqId {
        let id = self.next_id;
        self.next_id += 1;
        id
    }

    /// Send a fresh list request for one account; it supersedes any earlier one.
    pub fn request_list(&mut self, account: usize) -> Effect {
        let id = self.next_req();
        self.in_flight.insert(id, account);
        if let Some(acc) = self.accounts.get_mut(account) {
            acc.latest_list = Some(id);
            // Keep showing loaded tokens while a refresh runs; the spinner shows it is busy.
            if !matches!(acc.tokens, Loadable::Loaded(_)) {
                acc.tokens = Loadable::Loading;
            }
        }
        self.dirty = true;
        Effect::Api {
            id,
            req: ApiRequest::List { account },
        }
    }

    /// The account selected in the accounts pane, `None` for `All accounts`.
    pub fn selected_account(&self) -> Option<usize> {
        self.account_sel
            .checked_sub(1)
            .filter(|i| *i < self.accounts.len())
    }

    /// Is a list request for this account in flight?
    pub fn is_loading(&self, account: usize) -> bool {
        self.in_flight.values().any(|a| *a == account)
    }

    pub fn busy(&self) -> bool {
        !self.in_flight.is_empty()
    }

    /// The timer is needed only while a spinner turns or a toast waits to expire.
    pub fn needs_tick(&self) -> bool {
        self.busy() || !self.toasts.is_empty()
    }

    pub fn selected_row(&self) -> Option<RowRef> {
        self.rows.get(self.token_sel).copied()
    }

    /// The token under the cursor, with its account.
    pub fn selected_token(&self) -> Option<(&AccountState, &Token)> {
        let row = self.selected_row()?;
        self.token_at(row)
    }

    pub fn token_at(&self, row: RowRef) -> Option<(&AccountState, &Token)> {
        let acc = self.accounts.get(row.account)?;
        match &acc.tokens {
            Loadable::Loaded(tokens) => tokens.get(row.token).map(|t| (acc, t)),
            _ => None,
        }
    }

    pub fn selected_token_id(&self) -> Option<(usize, TokenId)> {
        let row = self.selected_row()?;
        self.token_at(row).map(|(_, t)| (row.account, t.id.clone()))
    }

    pub fn toast(&mut self, kind: ToastKind, text: impl Into<String>) {
        if self.toasts.len() >= MAX_TOASTS {
            self.toasts.remove(0);
        }
        self.toasts.push(Toast {
            kind,
            text: text.into(),
            expires: None,
        });
        self.dirty = true;
    }
}
