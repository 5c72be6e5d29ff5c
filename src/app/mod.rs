//! The dashboard's state and the messages that change it. `update` (in update.rs) is the only
//! place that mutates an [`App`]; rendering (src/ui) only reads it.

pub mod command;
pub mod filter;
pub mod keys;
pub mod sort;
pub mod update;

use std::collections::HashMap;
use std::time::Instant;

use crossterm::event::KeyEvent;
use tui_input::Input;

use crate::model::{ApiError, Caps, Token, TokenId};
use crate::provider::{ProviderKind, Registry};
pub use keys::{Action, Keymap};
pub use sort::SortKey;
pub use update::update;

/// Identifies one request to the worker; answers carry it back so stale ones can be dropped.
pub type ReqId = u64;

/// Work for the background worker. Only listing exists today; mutations join as variants.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApiRequest {
    List { account: usize },
}

impl ApiRequest {
    pub fn account(&self) -> usize {
        match self {
            ApiRequest::List { account } => *account,
        }
    }
}

/// The worker's answer to an [`ApiRequest`], variant for variant.
#[derive(Debug)]
pub enum ApiResult {
    List(Result<Vec<Token>, ApiError>),
}

/// Everything that can happen to the dashboard.
#[derive(Debug)]
pub enum Msg {
    Key(KeyEvent),
    Paste(String),
    Resize(u16, u16),
    Api {
        id: ReqId,
        result: ApiResult,
    },
    /// Sent only while something animates or expires (see [`App::needs_tick`]).
    Tick(Instant),
}

/// What the outside world must do for `update`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    Api { id: ReqId, req: ApiRequest },
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
}

impl Default for AppOptions {
    fn default() -> Self {
        AppOptions {
            stale_after_days: 90,
            keymap: Keymap::default(),
            demo: false,
        }
    }
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
                })
                .collect(),
            account_sel: 0,
            rows: Vec::new(),
            order: Vec::new(),
            order_stale: true,
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

    /// Send a fresh list request for one account; it supersedes any earlier one.
    pub fn request_list(&mut self, account: usize) -> Effect {
        let id = self.next_id;
        self.next_id += 1;
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
