//! The dashboard's state. `update` (in update.rs) is the only place that mutates an [`App`];
//! rendering (src/ui) only reads it.
//!
//! Where things live: msg.rs has what goes in and out of `update`; accounts.rs the accounts and
//! their tokens; token_table/ the tokens table (scope, sort, filter, cursor, marks); modal/ the
//! overlays, one file per overlay with the keys it takes (modal/leak/: a leaked secret, from
//! paste to verified revoke; modal/quit.rs: quitting with changes in flight); op_flow/ the token
//! operations from key to answer; messages.rs the log of everything said; summary.rs the
//! numbers of the summary (its overlay in modal/summary.rs). Drawing is in src/ui:
//! ui/tokens.rs draws the table, ui/modal/ the overlays.

pub mod accounts;
pub mod command;
pub mod keys;
pub mod line_edit;
pub mod messages;
pub mod modal;
pub mod mouse;
pub mod msg;
pub mod op;
pub mod op_flow;
pub mod summary;
pub mod token_table;
pub mod update;

use std::collections::{HashMap, VecDeque};
use std::time::Instant;

use time::OffsetDateTime;
use tui_input::Input;

use crate::model::{ApiError, Listing, Token, TokenId};
pub use accounts::{AccountInfo, AccountState, Flag, Loadable};
pub use keys::{Action, Keymap, Layer, Scope};
pub use messages::{LogEntry, MessageLog};
pub use modal::{Modal, SecretView, SinkBook};
pub use msg::{ApiRequest, ApiResult, CopySecret, Effect, Msg, ReqId};
pub use op::{AuditEntry, IncidentEntry, Op, TokenRef};
pub use op_flow::{Batch, PendingOp};
pub use token_table::sort::SortKey;
pub use token_table::{RowRef, TokenTable};
pub use update::update;

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

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ToastKind {
    Info,
    Error,
}

/// A short message at the bottom right. Most disappear by themselves; a failure or an unknown
/// outcome stays until dismissed ([`Action::Back`], Esc). Every one is in the message log too.
/// A failed list is one toast per account: its next failure replaces it, and it goes once the
/// account lists fine.
#[derive(Debug, Clone)]
pub struct Toast {
    pub kind: ToastKind,
    pub text: String,
    /// Set by the first tick after the toast appears, so `update` needs no clock.
    pub expires: Option<Instant>,
    /// Stays until dismissed.
    pub sticky: bool,
    /// The failed list of this account, which says it.
    pub failed_list: Option<usize>,
}

/// How long a toast that is not sticky stays up.
pub const TOAST_SECS: u64 = 4;
/// How many toasts are kept at once; older ones go first.
pub const MAX_TOASTS: usize = 3;

/// Options the dashboard starts with.
#[derive(Debug, Clone)]
pub struct AppOptions {
    pub stale_after_days: u32,
    /// The expiring view's window: the config's `expiring_within_days`.
    pub expiring_within_days: u32,
    pub keymap: Keymap,
    pub demo: bool,
    /// Clear a copied secret from the clipboard after this many seconds (0: never).
    pub clipboard_clear_secs: u64,
    /// Where a new secret can be delivered.
    pub sinks: SinkBook,
    /// Re-list every account this often, in seconds (0: never).
    pub refresh_secs: u64,
}

impl Default for AppOptions {
    fn default() -> Self {
        AppOptions {
            stale_after_days: 90,
            expiring_within_days: crate::model::DEFAULT_EXPIRING_WITHIN_DAYS,
            keymap: Keymap::default(),
            demo: false,
            clipboard_clear_secs: 30,
            sinks: SinkBook::default(),
            refresh_secs: 0,
        }
    }
}

/// The one state of the dashboard: the panes, the overlays and what is in flight.
#[derive(Debug)]
pub struct App {
    pub accounts: Vec<AccountState>,
    /// The tokens pane. The accounts pane is its scope picker (see [`App::account_sel`]).
    pub table: TokenTable,
    pub focus: Focus,
    pub mode: Mode,
    pub command: Input,
    /// Requests sent and not yet answered, with the account each is for.
    pub in_flight: HashMap<ReqId, usize>,
    /// Deliveries of a new secret running in the worker, in words ("deliver ci-token to vault").
    pub delivering: HashMap<ReqId, String>,
    pub next_id: ReqId,
    pub toasts: Vec<Toast>,
    /// Sticky toasts pushed off the screen by newer ones since the last dismissal (they are in
    /// the log).
    pub hidden_alerts: usize,
    /// Everything said while the dashboard runs.
    pub log: MessageLog,
    /// Said on stderr once the terminal is restored: what happened to the changes that were in
    /// flight when the dashboard quit.
    pub exit_report: Vec<String>,
    /// Advances on every tick; picks the spinner frame.
    pub spinner: usize,
    /// Show the selected token's secret (and secret-like id) in the detail pane.
    pub reveal: bool,
    pub keymap: Keymap,
    pub stale_after_days: u32,
    pub demo: bool,
    /// The demo's line in the status bar that says how to set up real accounts; the back key
    /// hides it.
    pub demo_hint: bool,
    /// The overlay that has the keys, and the ones waiting behind it (a secret that arrives
    /// while a confirmation is open waits, it is never dropped).
    pub modal: Option<Modal>,
    pub modal_queue: VecDeque<Modal>,
    /// Changes and form lookups in flight, by request.
    pub ops: HashMap<ReqId, PendingOp>,
    pub batch: Option<Batch>,
    /// Old tokens of rotations whose deletion is being offered: declining leaves a reminder.
    pub rotated_out: Vec<TokenRef>,
    pub clipboard_clear_secs: u64,
    /// Where a new secret can be delivered, from its dialog.
    pub sinks: SinkBook,
    /// Re-list every account this often, in seconds (0: never).
    pub refresh_secs: u64,
    /// When the next automatic refresh is due; set by the first tick.
    pub next_refresh: Option<Instant>,
    /// How far the help overlay is scrolled, in rows.
    pub help_scroll: u16,
    /// The terminal's size at the last resize: whether the help needs scrolling depends on it.
    pub size: (u16, u16),
    /// The wall-clock time (UTC) as of the last `Msg::Clock` or tick.
    clock: Option<OffsetDateTime>,
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
                    haystacks: token_table::filter::Haystacks::default(),
                    facts: token_table::view::Facts::default(),
                    partial: None,
                    latest_list: None,
                    retrying: None,
                    pending: HashMap::new(),
                    unknown_creates: Vec::new(),
                    unknown_regenerates: Vec::new(),
                    flagged: HashMap::new(),
                    listed_at: None,
                    refresh_failed: None,
                })
                .collect(),
            table: {
                let mut table = TokenTable::with_stale_after_days(options.stale_after_days);
                table.set_expiring_within_days(options.expiring_within_days);
                table
            },
            // The tokens are what people come for (k9s and lazygit start on their list too).
            focus: Focus::Tokens,
            mode: Mode::Normal,
            command: Input::default(),
            in_flight: HashMap::new(),
            delivering: HashMap::new(),
            next_id: 1,
            toasts: Vec::new(),
            hidden_alerts: 0,
            log: MessageLog::default(),
            exit_report: Vec::new(),
            spinner: 0,
            reveal: false,
            keymap: options.keymap,
            stale_after_days: options.stale_after_days,
            demo: options.demo,
            demo_hint: options.demo,
            modal: None,
            modal_queue: VecDeque::new(),
            ops: HashMap::new(),
            batch: None,
            rotated_out: Vec::new(),
            clipboard_clear_secs: options.clipboard_clear_secs,
            sinks: options.sinks,
            refresh_secs: options.refresh_secs,
            next_refresh: None,
            help_scroll: 0,
            size: (80, 24),
            clock: None,
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
            acc.retrying = None;
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

    /// Take an account's list answer: the one place the dashboard changes tokens, so the
    /// filter's haystacks and the tokens table follow them here. The cursor stays on its token
    /// (by id), wherever the new list puts it.
    pub fn set_tokens(&mut self, account: usize, result: Result<Listing, ApiError>) {
        let keep = self.selected_token_id();
        let clock = self.clock;
        let Some(acc) = self.accounts.get_mut(account) else {
            return;
        };
        acc.retrying = None;
        match result {
            Ok(Listing { tokens, partial }) => {
                // The title and the summary have room for the start of the reason only: the
                // message log keeps it whole, once per new reason (a refresh repeats it).
                let newly_partial = partial.clone().filter(|p| acc.partial.as_ref() != Some(p));
                if let Some(reason) = newly_partial {
                    // The log's account column names the account already.
                    let reason = reason
                        .strip_prefix(acc.info.name.as_str())
                        .and_then(|r| r.strip_prefix(": "))
                        .unwrap_or(&reason);
                    let text = format!("listed in part: {reason}");
                    self.log
                        .push(ToastKind::Error, Some(acc.info.name.clone()), text);
                }
                acc.partial = partial;
                let secret_ids = acc.caps().id_is_secret;
                acc.haystacks =
                    token_table::filter::Haystacks::build(&acc.info.name, &tokens, secret_ids);
                acc.facts = token_table::view::Facts::build(&tokens);
                let notes = acc.flag_unknown_changes(&tokens);
                acc.tokens = Loadable::Loaded(tokens);
                acc.listed_at = clock;
                acc.refresh_failed = None;
                self.clear_list_failure(account);
                for note in notes {
                    self.notify(ToastKind::Info, Some(account), note);
                }
            }
            Err(e) if matches!(acc.tokens, Loadable::Loaded(_)) => {
                // An outage never empties the table: the last good list stays, marked with its
                // age and this error, until a refresh works.
                let age = match (acc.listed_at, clock) {
                    (Some(then), Some(now)) => {
                        format!(" from {}", crate::model::human_ago(then, now))
                    }
                    _ => String::new(),
                };
                let what = format!("{}: refresh tokens", acc.info.name);
                let text = format!(
                    "{}; still showing the list{age}",
                    e.failure_text(&what, None)
                );
                acc.refresh_failed = Some(e);
                self.alert_list_failure(account, text);
            }
            Err(e) => {
                // Worded like any failed operation, in both front ends: what to do comes with it.
                let text = e.failure_text(&format!("{}: list tokens", acc.info.name), None);
                acc.partial = None;
                acc.haystacks.clear();
                acc.facts.clear();
                acc.tokens = Loadable::Failed(e);
                self.alert_list_failure(account, text);
            }
        }
        self.table.listed(&self.accounts, account, keep);
        self.dirty = true;
    }

    /// The wall-clock time (UTC) as of the last `Msg::Clock` or tick; `None` before the first.
    pub fn clock(&self) -> Option<OffsetDateTime> {
        self.clock
    }

    /// The time moved on (see `Msg::Clock`): the stale view and the counts follow it.
    pub fn set_clock(&mut self, now: OffsetDateTime) {
        self.clock = Some(now);
        let before = (self.table.rows().len(), self.table.counts());
        self.table.set_clock(&self.accounts, now);
        if (self.table.rows().len(), self.table.counts()) != before {
            self.dirty = true;
        }
    }

    /// The account whose tokens the table lists, `None` for `All accounts`.
    pub fn selected_account(&self) -> Option<usize> {
        self.table.scope()
    }

    /// The accounts pane's cursor: 0 is `All accounts`, `i + 1` is `accounts[i]`.
    pub fn account_sel(&self) -> usize {
        self.table.scope().map_or(0, |i| i + 1)
    }

    /// Select the accounts pane's row `sel` (see [`App::account_sel`]): the table lists that
    /// account's tokens.
    pub fn select_account_row(&mut self, sel: usize) {
        self.table.show(&self.accounts, sel.checked_sub(1));
        self.dirty = true;
    }

    /// The automatic refresh, on a tick: when it is due, re-list every account that is not
    /// listing already. Never while a dialog or a text line has the keys (it waits for the next
    /// tick after): the user's work is never interrupted, and the cursor stays on its token.
    pub fn auto_refresh(&mut self, now: Instant) -> Vec<Effect> {
        if self.refresh_secs == 0 {
            return Vec::new();
        }
        let every = std::time::Duration::from_secs(self.refresh_secs);
        let due = *self.next_refresh.get_or_insert(now + every);
        if now < due || self.modal.is_some() || self.mode != Mode::Normal {
            return Vec::new();
        }
        self.next_refresh = Some(now + every);
        let idle: Vec<usize> = (0..self.accounts.len())
            .filter(|a| {
                let listing = self.accounts[*a].latest_list;
                !listing.is_some_and(|id| self.in_flight.contains_key(&id))
            })
            .collect();
        idle.into_iter().map(|a| self.request_list(a)).collect()
    }

    /// Is a list request for this account in flight?
    pub fn is_loading(&self, account: usize) -> bool {
        self.in_flight.values().any(|a| *a == account)
    }

    pub fn busy(&self) -> bool {
        !self.in_flight.is_empty() || !self.delivering.is_empty()
    }

    /// The timer is needed only while a spinner turns, a toast waits to expire, a message waits
    /// for its time or the quit dialog waits to close.
    pub fn needs_tick(&self) -> bool {
        self.busy()
            || self.refresh_secs > 0
            || self.toasts.iter().any(|t| !t.sticky)
            || self.log.needs_stamp()
            || modal::quit::lingering(self)
    }

    pub fn selected_row(&self) -> Option<RowRef> {
        self.table.selected()
    }

    /// The token under the cursor, with its account.
    pub fn selected_token(&self) -> Option<(&AccountState, &Token)> {
        let row = self.selected_row()?;
        self.token_at(row)
    }

    pub fn token_at(&self, row: RowRef) -> Option<(&AccountState, &Token)> {
        token_table::token_at(&self.accounts, row)
    }

    pub fn selected_token_id(&self) -> Option<(usize, TokenId)> {
        let row = self.selected_row()?;
        self.token_at(row).map(|(_, t)| (row.account, t.id.clone()))
    }

    /// Say something briefly; it goes to the message log too.
    pub fn toast(&mut self, kind: ToastKind, text: impl Into<String>) {
        self.say(kind, None, text.into(), false);
    }

    /// Say something about an account (the log shows which); it goes away by itself.
    pub fn notify(&mut self, kind: ToastKind, account: Option<usize>, text: impl Into<String>) {
        self.say(kind, account, text.into(), false);
    }

    /// Say something that must not go unread (a failure, an unknown outcome): it stays on
    /// screen until dismissed.
    pub fn alert(&mut self, account: Option<usize>, text: impl Into<String>) {
        self.say(ToastKind::Error, account, text.into(), true);
    }

    /// An account's list failed: said like any failure, it stays until dismissed, and replaces
    /// what the account's last failed list said, so a flaky account never stacks them up.
    fn alert_list_failure(&mut self, account: usize, text: String) {
        self.clear_list_failure(account);
        self.show(
            Some(account),
            Toast {
                kind: ToastKind::Error,
                text,
                expires: None,
                sticky: true,
                failed_list: Some(account),
            },
        );
    }

    /// The account lists fine: what its failed list said goes (it stays in the log).
    fn clear_list_failure(&mut self, account: usize) {
        let before = self.toasts.len();
        self.toasts.retain(|t| t.failed_list != Some(account));
        if self.toasts.len() != before {
            self.dirty = true;
        }
    }

    fn say(&mut self, kind: ToastKind, account: Option<usize>, text: String, sticky: bool) {
        let toast = Toast {
            kind,
            text,
            expires: None,
            sticky,
            failed_list: None,
        };
        self.show(account, toast);
    }

    /// Log a toast and put it on screen, making room if need be.
    fn show(&mut self, account: Option<usize>, toast: Toast) {
        let name = account
            .and_then(|a| self.accounts.get(a))
            .map(|a| a.info.name.clone());
        self.log.push(toast.kind, name, toast.text.clone());
        if self.toasts.len() >= MAX_TOASTS {
            // Toasts that go by themselves make room first; a sticky one pushed off is counted,
            // so the screen says there is more in the log.
            let at = self.toasts.iter().position(|t| !t.sticky).unwrap_or(0);
            if self.toasts.remove(at).sticky {
                self.hidden_alerts += 1;
            }
        }
        self.toasts.push(toast);
        self.dirty = true;
    }

    /// Clear the toasts off the screen (they stay in the log).
    pub fn dismiss_toasts(&mut self) {
        self.toasts.clear();
        self.hidden_alerts = 0;
        self.dirty = true;
    }
}
