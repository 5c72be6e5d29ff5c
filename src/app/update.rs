//! The reducer: `update(&mut App, Msg) -> Vec<Effect>`. Synchronous, no I/O, no clock: time
//! arrives only in `Msg::Tick`.

use std::time::{Duration, Instant};

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use time::OffsetDateTime;

use super::command::{self, Command};
use super::keys::Layer;
use super::line_edit::{MAX_FIELD_CHARS, edit_text, insert_pasted};
use super::modal::{self, Modal};
use super::op_flow;
use super::token_table::clamp_move;
use super::{Action, ApiResult, App, Effect, Focus, Mode, Msg, TOAST_SECS, ToastKind};

pub fn update(app: &mut App, msg: Msg) -> Vec<Effect> {
    match msg {
        Msg::Key(key) if key.kind == KeyEventKind::Press => on_key(app, key),
        Msg::Key(_) => Vec::new(),
        Msg::Mouse(event) => super::mouse::on_mouse(app, event),
        Msg::Paste(text) if app.modal.is_some() => modal::on_paste(app, text),
        Msg::Paste(text) => {
            on_paste(app, &text);
            Vec::new()
        }
        Msg::Resize(w, h) => {
            app.size = (w, h);
            let page = crate::ui::token_rows_visible(app, w, h);
            app.table.set_page(page);
            app.dirty = true;
            Vec::new()
        }
        Msg::Api { id, result } => on_api(app, id, result),
        Msg::Retrying { id, retrying } => {
            on_retrying(app, id, &retrying);
            Vec::new()
        }
        Msg::Tick(now, wall) => on_tick(app, now, wall),
        Msg::Clock(wall) => {
            app.set_clock(wall);
            Vec::new()
        }
        Msg::Fingerprints(fingerprints) => {
            modal::leak::on_fingerprints(app, fingerprints);
            Vec::new()
        }
        Msg::Copied(result) => modal::secret::on_copied(app, result),
        Msg::ClearClipboardDue => vec![Effect::ClearClipboard],
        Msg::ClipboardCleared(outcome) => {
            modal::secret::on_cleared(app, outcome);
            Vec::new()
        }
        Msg::Exported(result) => {
            modal::export::on_exported(app, result);
            Vec::new()
        }
        Msg::Delivered { id, result } => {
            modal::deliver::on_delivered(app, id, result);
            // A delivery counts as in flight for quitting: someone may be waiting on it.
            modal::quit::after_answer(app);
            Vec::new()
        }
    }
}

fn on_tick(app: &mut App, now: Instant, wall: OffsetDateTime) -> Vec<Effect> {
    app.set_clock(wall);
    if app.busy() {
        app.spinner = app.spinner.wrapping_add(1);
        app.dirty = true;
    }
    let before = app.toasts.len();
    // Sticky toasts (failures, unknown outcomes) stay until dismissed.
    app.toasts
        .retain(|t| t.sticky || t.expires.is_none_or(|e| e > now));
    for t in app.toasts.iter_mut().filter(|t| !t.sticky) {
        t.expires
            .get_or_insert(now + Duration::from_secs(TOAST_SECS));
    }
    if app.toasts.len() != before {
        app.dirty = true;
    }
    if app.log.stamp(wall) {
        app.dirty = true;
    }
    let mut effects = app.auto_refresh(now);
    effects.extend(modal::quit::on_tick(app, now));
    effects
}

fn on_api(app: &mut App, id: super::ReqId, result: ApiResult) -> Vec<Effect> {
    let account = app.in_flight.remove(&id);
    app.dirty = true;
    let mut effects = Vec::new();
    if let Some(pending) = app.ops.remove(&id) {
        // A leaked secret's revoke waits for the account's re-list to verify it.
        effects.extend(modal::leak::on_revoke_answer(app, id, &result));
        effects.extend(op_flow::on_op_result(app, id, pending, result));
    } else if let Some(account) = account {
        match result {
            ApiResult::List(result) => {
                // A newer list request superseded this one: its answer is stale.
                let latest = app.accounts.get(account).and_then(|a| a.latest_list);
                if latest == Some(id) {
                    app.set_tokens(account, result);
                    effects.extend(modal::leak::on_listed(app, account, id));
                }
            }
            // Answers to changes are routed by `app.ops` above; one without an entry is stale.
            ApiResult::Created(_) | ApiResult::Changed(_) | ApiResult::Choices(_) => {}
        }
    }
    // Someone may be waiting to quit until the last answer is in.
    modal::quit::after_answer(app);
    effects
}

/// A read of a list is being tried again: the account's row says so, if the list is still the
/// latest one asked for.
fn on_retrying(app: &mut App, id: super::ReqId, retrying: &crate::provider::http::Retrying) {
    let Some(&account) = app.in_flight.get(&id) else {
        return;
    };
    if let Some(acc) = app.accounts.get_mut(account)
        && acc.latest_list == Some(id)
    {
        acc.retrying = Some(retrying.to_string());
        app.dirty = true;
    }
}

fn on_paste(app: &mut App, text: &str) {
    let cut = match app.mode {
        Mode::Filter => app.table.paste_filter(&app.accounts, text),
        Mode::Command => insert_pasted(&mut app.command, text, MAX_FIELD_CHARS),
        _ => return,
    };
    if cut {
        app.toast(
            ToastKind::Info,
            format!("the pasted text was cut to {MAX_FIELD_CHARS} characters"),
        );
    }
    app.dirty = true;
}

fn on_key(app: &mut App, key: KeyEvent) -> Vec<Effect> {
    if key.modifiers.contains(KeyModifiers::CONTROL) && key.code == KeyCode::Char('c') {
        match app.modal {
            // A new secret is shown only once: ctrl-c asks first, like Esc, instead of quitting.
            Some(Modal::Secret(_)) => {}
            // Asked already whether to wait for the changes in flight: a second ctrl-c insists.
            Some(Modal::Quit(_)) => return modal::quit::quit_anyway(app),
            _ => return quit(app),
        }
    }
    if app.modal.is_some() {
        return modal::on_key(app, key);
    }
    match app.mode {
        Mode::Help => {
            // The move keys scroll a help taller than the screen; any other key closes it, and
            // the help key itself and `q` do nothing else.
            let action = app.keymap.action_for(&key, Layer::Panes);
            if !action.is_some_and(|a| scroll_help(app, a)) {
                app.mode = Mode::Normal;
                app.help_scroll = 0;
                app.dirty = true;
            }
            Vec::new()
        }
        Mode::Filter => {
            match app.keymap.action_for(&key, Layer::Line) {
                Some(Action::Cancel) => {
                    app.table.clear_filter(&app.accounts);
                    app.mode = Mode::Normal;
                }
                Some(Action::Accept) => {
                    app.table.filter_done(&app.accounts);
                    app.mode = Mode::Normal;
                }
                _ => app.table.filter_key(&app.accounts, &key),
            }
            app.dirty = true;
            Vec::new()
        }
        Mode::Command => match app.keymap.action_for(&key, Layer::Line) {
            Some(Action::Cancel) => {
                app.command.reset();
                app.mode = Mode::Normal;
                app.dirty = true;
                Vec::new()
            }
            Some(Action::Accept) => {
                let line = app.command.value_and_reset();
                app.mode = Mode::Normal;
                app.dirty = true;
                run_command(app, &line)
            }
            _ => {
                edit_text(&mut app.command, &key);
                app.dirty = true;
                Vec::new()
            }
        },
        Mode::Normal => match app.keymap.action_for(&key, Layer::Panes) {
            Some(action) => on_action(app, action),
            None => Vec::new(),
        },
    }
}

/// Scroll the help overlay, if it is taller than the screen and `action` moves. False when
/// nothing scrolls.
pub(super) fn scroll_help(app: &mut App, action: Action) -> bool {
    let (total, shown) = crate::ui::help::rows(app, app.size.0, app.size.1);
    let last = total.saturating_sub(shown);
    if last == 0 {
        return false;
    }
    let at = usize::from(app.help_scroll);
    let to = match action {
        Action::Up => at.saturating_sub(1),
        Action::Down => at + 1,
        Action::PageUp => at.saturating_sub(shown),
        Action::PageDown => at + shown,
        Action::Top => 0,
        Action::Bottom => last,
        _ => return false,
    };
    app.help_scroll = u16::try_from(to.min(last)).unwrap_or(u16::MAX);
    app.dirty = true;
    true
}

/// A pane action, from its key. The filter and command lines never get
/// here: they take every key as text but for their own (`Layer::Line`), so `j` or `q` typed
/// there never reach the panes.
fn on_action(app: &mut App, action: Action) -> Vec<Effect> {
    app.dirty = true;
    match action {
        Action::Up => move_by(app, -1),
        Action::Down => move_by(app, 1),
        Action::PageUp => move_by(app, -(app.table.page() as isize)),
        Action::PageDown => move_by(app, app.table.page() as isize),
        Action::Top => move_by(app, isize::MIN / 2),
        Action::Bottom => move_by(app, isize::MAX / 2),
        Action::NextPane => app.focus = cycle_focus(app.focus, 1),
        Action::PrevPane => app.focus = cycle_focus(app.focus, -1),
        Action::FocusAccounts => app.focus = Focus::Accounts,
        Action::FocusTokens => app.focus = Focus::Tokens,
        Action::FocusDetail => app.focus = Focus::Detail,
        Action::Open => match app.focus {
            Focus::Accounts => app.focus = Focus::Tokens,
            Focus::Tokens | Focus::Detail => app.focus = Focus::Detail,
        },
        Action::Back => {
            // Messages that stay until dismissed go first.
            if app.toasts.iter().any(|t| t.sticky) {
                app.dismiss_toasts();
            } else if app.demo_hint {
                app.demo_hint = false;
            } else if !app.table.query().is_empty() {
                app.table.clear_filter(&app.accounts);
            } else {
                app.focus = match app.focus {
                    Focus::Detail => Focus::Tokens,
                    _ => Focus::Accounts,
                };
            }
        }
        Action::Filter => {
            app.mode = Mode::Filter;
            if app.focus == Focus::Accounts {
                app.focus = Focus::Tokens;
            }
        }
        Action::SortNext => app.table.next_sort(&app.accounts),
        Action::SortReverse => app.table.reverse_sort(&app.accounts),
        Action::Refresh => return refresh(app),
        Action::Command => app.mode = Mode::Command,
        Action::Reveal => match app.selected_token() {
            None => app.toast(ToastKind::Info, "no token selected: nothing to reveal"),
            Some((acc, t)) if t.secret.is_some() || acc.caps().id_is_secret => {
                app.reveal = !app.reveal;
            }
            Some((acc, _)) => {
                let why = format!(
                    "this token has no secret to reveal: {} shows a secret only once, when it \
                     is created or regenerated",
                    acc.info.kind
                );
                app.toast(ToastKind::Info, why);
            }
        },
        Action::Copy => copy_token(app),
        Action::Help => app.mode = Mode::Help,
        Action::Quit => return quit(app),
        Action::Leak => modal::leak::open(app),
        Action::Messages => modal::messages::open(app),
        Action::View => {
            let next = app.table.view().next();
            set_view(app, next);
        }
        Action::Summary => modal::summary::open(app),
        Action::Export => modal::export::open(app, None),
        Action::Mark => {
            if !app.table.toggle_mark(&app.accounts) {
                app.toast(ToastKind::Info, "no token to mark");
            }
        }
        Action::ClearMarks => {
            let n = app.table.mark_count();
            app.table.clear_marks(&app.accounts);
            let text = match n {
                0 => "no tokens are marked".to_owned(),
                1 => "unmarked 1 token".to_owned(),
                n => format!("unmarked {n} tokens"),
            };
            app.toast(ToastKind::Info, text);
        }
        Action::ShowMarked => {
            if !app.table.toggle_marked_only(&app.accounts) {
                app.toast(
                    ToastKind::Info,
                    "no tokens are marked: mark some with space first",
                );
            }
        }
        Action::Create
        | Action::Delete
        | Action::Rename
        | Action::Toggle
        | Action::Regenerate
        | Action::Rotate => return op_flow::on_op_action(app, action),
        // A dialog's or a text line's: not bound in the panes' layer.
        Action::Accept
        | Action::Cancel
        | Action::NextField
        | Action::PrevField
        | Action::Submit
        | Action::PrevChoice
        | Action::NextChoice
        | Action::ToggleChoice
        | Action::Confirm
        | Action::Deny
        | Action::Choose
        | Action::DisableInstead
        | Action::Wait
        | Action::Deliver => {}
    }
    Vec::new()
}

/// `y` on a token: copy its id or its name, asked which. Never silent: without a token, a
/// toast says so.
fn copy_token(app: &mut App) {
    let Some(r) = app.selected_ref() else {
        app.toast(ToastKind::Info, "no token selected: nothing to copy");
        return;
    };
    let shown = r.shown_id(app.accounts[r.account].caps());
    modal::pick::open_copy(app, r, shown);
}

/// List only the tokens of `view`, in the account in scope, with the filter on top; the tokens
/// title names the view.
fn set_view(app: &mut App, view: super::token_table::view::View) {
    app.table.set_view(&app.accounts, view);
    app.dirty = true;
}

/// Quit, asking first while changes are in flight: their outcome is never lost unseen.
fn quit(app: &mut App) -> Vec<Effect> {
    modal::quit::request(app)
}

fn cycle_focus(focus: Focus, step: isize) -> Focus {
    let n = Focus::ORDER.len() as isize;
    let i = Focus::ORDER.iter().position(|f| *f == focus).unwrap_or(0) as isize;
    Focus::ORDER[(i + step).rem_euclid(n) as usize]
}

fn move_by(app: &mut App, delta: isize) {
    match app.focus {
        Focus::Accounts => {
            // Row 0 is `All accounts`.
            let next = clamp_move(app.account_sel(), delta, app.accounts.len() + 1);
            if next != app.account_sel() {
                app.select_account_row(next);
            }
        }
        Focus::Tokens | Focus::Detail => {
            if app.table.move_cursor(delta) {
                // A revealed secret stays with its token, never with the next one.
                app.reveal = false;
            }
        }
    }
}

fn refresh(app: &mut App) -> Vec<Effect> {
    match app.selected_account() {
        Some(i) => vec![app.request_list(i)],
        None => app.start(),
    }
}

fn run_command(app: &mut App, line: &str) -> Vec<Effect> {
    match command::parse(line) {
        Ok(Command::Quit) => quit(app),
        Ok(Command::Refresh) => refresh(app),
        Ok(Command::Help) => {
            app.mode = Mode::Help;
            Vec::new()
        }
        Ok(Command::Leak) => {
            modal::leak::open(app);
            Vec::new()
        }
        Ok(Command::Messages) => {
            modal::messages::open(app);
            Vec::new()
        }
        Ok(Command::View(view)) => {
            set_view(app, view);
            Vec::new()
        }
        Ok(Command::Summary) => {
            modal::summary::open(app);
            Vec::new()
        }
        Ok(Command::Export(path)) => {
            modal::export::open(app, path);
            Vec::new()
        }
        Ok(Command::NoSuchView(why)) => {
            app.toast(ToastKind::Info, why);
            Vec::new()
        }
        Ok(Command::Account(name)) => {
            show_account(app, &name);
            Vec::new()
        }
        Err(e) => {
            app.toast(ToastKind::Error, e);
            Vec::new()
        }
    }
}

/// `:account NAME`: an exact name wins, else the one account whose name starts with, else
/// contains, `name`. Several candidates are named, so the user can type enough to pick one.
fn show_account(app: &mut App, name: &str) {
    let names: Vec<&str> = app.accounts.iter().map(|a| a.info.name.as_str()).collect();
    let sel = if name.eq_ignore_ascii_case("all") {
        Ok(0)
    } else {
        super::accounts::find_by_name(&names, name).map(|i| i + 1)
    };
    match sel {
        Ok(sel) => {
            app.select_account_row(sel);
            app.focus = Focus::Tokens;
        }
        Err(why) => app.toast(ToastKind::Error, why),
    }
}
