//! The reducer: `update(&mut App, Msg) -> Vec<Effect>`. Synchronous, no I/O, no clock: time
//! arrives only in `Msg::Tick`.

use std::time::{Duration, Instant};

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use super::command::{self, Command};
use super::filter::{self, Haystacks};
use super::line_edit::{MAX_FIELD_CHARS, edit_text, insert_pasted};
use super::modal::Modal;
use super::op_flow;
use super::{
    Action, ApiResult, App, Effect, Focus, Loadable, Mode, Msg, RowRef, TOAST_SECS, ToastKind,
};

pub fn update(app: &mut App, msg: Msg) -> Vec<Effect> {
    match msg {
        Msg::Key(key) if key.kind == KeyEventKind::Press => on_key(app, key),
        Msg::Key(_) => Vec::new(),
        Msg::Action(action) if app.modal.is_none() && app.mode == Mode::Normal => {
            on_action(app, action)
        }
        Msg::Action(_) => Vec::new(),
        Msg::Paste(text) if app.modal.is_some() => {
            op_flow::on_modal_paste(app, &text);
            Vec::new()
        }
        Msg::Paste(text) => {
            on_paste(app, &text);
            Vec::new()
        }
        Msg::Resize(w, h) => {
            app.page = crate::ui::token_rows_visible(app, w, h);
            app.dirty = true;
            Vec::new()
        }
        Msg::Api { id, result } => on_api(app, id, result),
        Msg::Tick(now) => {
            on_tick(app, now);
            Vec::new()
        }
        Msg::Copied(result) => op_flow::on_copied(app, result),
        Msg::ClearClipboardDue => vec![Effect::ClearClipboard],
        Msg::ClipboardCleared(outcome) => {
            op_flow::on_cleared(app, outcome);
            Vec::new()
        }
    }
}

fn on_tick(app: &mut App, now: Instant) {
    if app.busy() {
        app.spinner = app.spinner.wrapping_add(1);
        app.dirty = true;
    }
    let before = app.toasts.len();
    app.toasts.retain(|t| t.expires.is_none_or(|e| e > now));
    for t in &mut app.toasts {
        t.expires
            .get_or_insert(now + Duration::from_secs(TOAST_SECS));
    }
    if app.toasts.len() != before {
        app.dirty = true;
    }
}

fn on_api(app: &mut App, id: super::ReqId, result: ApiResult) -> Vec<Effect> {
    let account = app.in_flight.remove(&id);
    app.dirty = true;
    if let Some(pending) = app.ops.remove(&id) {
        return op_flow::on_op_result(app, id, pending, result);
    }
    let Some(account) = account else {
        return Vec::new();
    };
    match result {
        ApiResult::List(result) => {
            let Some(acc) = app.accounts.get_mut(account) else {
                return Vec::new();
            };
            // A newer list request superseded this one: its answer is stale.
            if acc.latest_list != Some(id) {
                return Vec::new();
            }
            match result {
                Ok(tokens) => {
                    let secret_ids = acc.caps().id_is_secret;
                    acc.haystacks = Haystacks::build(&acc.info.name, &tokens, secret_ids);
                    acc.tokens = Loadable::Loaded(tokens);
                }
                Err(e) => {
                    let text = format!("{}: {e}", acc.info.name);
                    acc.haystacks.clear();
                    acc.tokens = Loadable::Failed(e);
                    app.toast(ToastKind::Error, text);
                }
            }
            super::sort::merge_account(app, account);
            rebuild_rows(app);
        }
        // Answers to changes are routed by `app.ops` above; one without an entry is stale.
        ApiResult::Created(_) | ApiResult::Changed(_) | ApiResult::Choices(_) => {}
    }
    Vec::new()
}

fn on_paste(app: &mut App, text: &str) {
    let input = match app.mode {
        Mode::Filter => &mut app.filter,
        Mode::Command => &mut app.command,
        _ => return,
    };
    let cut = insert_pasted(input, text, MAX_FIELD_CHARS);
    if cut {
        app.toast(
            ToastKind::Info,
            format!("the pasted text was cut to {MAX_FIELD_CHARS} characters"),
        );
    }
    app.dirty = true;
    if app.mode == Mode::Filter {
        rebuild_rows(app);
    }
}

fn on_key(app: &mut App, key: KeyEvent) -> Vec<Effect> {
    // A new secret is shown only once: ctrl-c asks first, like Esc, instead of quitting.
    let secret_open = matches!(app.modal, Some(Modal::Secret(_)));
    if key.modifiers.contains(KeyModifiers::CONTROL)
        && key.code == KeyCode::Char('c')
        && !secret_open
    {
        return quit(app);
    }
    if app.modal.is_some() {
        return op_flow::on_modal_key(app, key);
    }
    match app.mode {
        Mode::Help => {
            // Any key closes help; the help key itself and `q` do nothing else.
            app.mode = Mode::Normal;
            app.dirty = true;
            Vec::new()
        }
        Mode::Filter => {
            match key.code {
                KeyCode::Esc => {
                    app.filter.reset();
                    app.mode = Mode::Normal;
                }
                KeyCode::Enter => app.mode = Mode::Normal,
                _ => {
                    let before = app.filter.value().to_owned();
                    edit_text(&mut app.filter, &key);
                    let after = app.filter.value();
                    if after != before && after.starts_with(&before) {
                        app.dirty = true;
                        narrow_rows(app);
                        return Vec::new();
                    }
                    if after != before && before.starts_with(after) && widen_rows(app) {
                        app.dirty = true;
                        return Vec::new();
                    }
                }
            }
            app.dirty = true;
            rebuild_rows(app);
            Vec::new()
        }
        Mode::Command => match key.code {
            KeyCode::Esc => {
                app.command.reset();
                app.mode = Mode::Normal;
                app.dirty = true;
                Vec::new()
            }
            KeyCode::Enter => {
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
        Mode::Normal => match app.keymap.action_for(&key) {
            Some(action) => on_action(app, action),
            None => Vec::new(),
        },
    }
}

/// Line editing for the filter and command fields: they take every key, so `j` or `q` typed
/// there never reach the panes.
fn on_action(app: &mut App, action: Action) -> Vec<Effect> {
    app.dirty = true;
    match action {
        Action::Up => move_by(app, -1),
        Action::Down => move_by(app, 1),
        Action::PageUp => move_by(app, -(app.page as isize)),
        Action::PageDown => move_by(app, app.page as isize),
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
            if !app.filter.value().is_empty() {
                app.filter.reset();
                rebuild_rows(app);
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
        Action::SortNext => {
            app.sort = app.sort.next();
            invalidate_order(app);
            rebuild_rows(app);
        }
        Action::SortReverse => {
            app.sort_desc = !app.sort_desc;
            super::sort::reverse(app);
            rebuild_rows(app);
        }
        Action::Refresh => return refresh(app),
        Action::Command => app.mode = Mode::Command,
        Action::Reveal => {
            let has_secret = app
                .selected_token()
                .is_some_and(|(acc, t)| t.secret.is_some() || acc.caps().id_is_secret);
            if has_secret {
                app.reveal = !app.reveal;
            } else {
                app.toast(ToastKind::Info, "this token has no secret to reveal");
            }
        }
        Action::Help => app.mode = Mode::Help,
        Action::Quit => return quit(app),
        Action::Create
        | Action::Delete
        | Action::Rename
        | Action::Toggle
        | Action::Regenerate
        | Action::Rotate
        | Action::Mark => return op_flow::on_op_action(app, action),
    }
    Vec::new()
}

fn quit(app: &mut App) -> Vec<Effect> {
    app.quit = true;
    vec![Effect::Quit]
}

fn cycle_focus(focus: Focus, step: isize) -> Focus {
    let n = Focus::ORDER.len() as isize;
    let i = Focus::ORDER.iter().position(|f| *f == focus).unwrap_or(0) as isize;
    Focus::ORDER[(i + step).rem_euclid(n) as usize]
}

fn move_by(app: &mut App, delta: isize) {
    match app.focus {
        Focus::Accounts => {
            let len = app.accounts.len() + 1;
            let next = clamp_move(app.account_sel, delta, len);
            if next != app.account_sel {
                app.account_sel = next;
                app.token_sel = 0;
                invalidate_order(app);
                rebuild_rows(app);
            }
        }
        Focus::Tokens | Focus::Detail => {
            let next = clamp_move(app.token_sel, delta, app.rows.len());
            if next != app.token_sel {
                app.token_sel = next;
                app.reveal = false;
            }
        }
    }
}

fn clamp_move(current: usize, delta: isize, len: usize) -> usize {
    if len == 0 {
        return 0;
    }
    let target = (current as isize).saturating_add(delta);
    target.clamp(0, len as isize - 1) as usize
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
        Ok(Command::Account(name)) => {
            let found = if name.eq_ignore_ascii_case("all") {
                Some(0)
            } else {
                app.accounts
                    .iter()
                    .position(|a| a.info.name == name)
                    .or_else(|| {
                        // Otherwise a unique prefix will do.
                        let mut hits = app
                            .accounts
                            .iter()
                            .enumerate()
                            .filter(|(_, a)| a.info.name.starts_with(&name));
                        match (hits.next(), hits.next()) {
                            (Some((i, _)), None) => Some(i),
                            _ => None,
                        }
                    })
                    .map(|i| i + 1)
            };
            match found {
                Some(sel) => {
                    app.account_sel = sel;
                    app.token_sel = 0;
                    app.focus = Focus::Tokens;
                    invalidate_order(app);
                    rebuild_rows(app);
                }
                None => app.toast(
                    ToastKind::Error,
                    format!("no account named `{}`", crate::text::sanitize(&name)),
                ),
            }
            Vec::new()
        }
        Err(e) => {
            app.toast(ToastKind::Error, e);
            Vec::new()
        }
    }
}

/// Recompute the tokens table from the selected account(s), the filter and the sort, keeping
/// the cursor on the same token when it is still there. The sorted, unfiltered order is cached
/// (see [`invalidate_order`]), so typing in the filter never re-sorts.
pub fn rebuild_rows(app: &mut App) {
    if app.order_stale {
        super::sort::resort(app);
        app.order_stale = false;
    }
    let rows = filter::refilter(app, false);
    set_rows(app, rows);
}

/// The filter only grew (a character typed at the end): every match is among the previous
/// matches, so only those are checked again.
fn narrow_rows(app: &mut App) {
    if app.order_stale {
        return rebuild_rows(app);
    }
    let rows = filter::refilter(app, true);
    set_rows(app, rows);
    // Matches are ranked: while typing, the cursor sits on the best one.
    app.token_sel = 0;
}

/// The filter lost characters at its end: back to the matches of a query typed on the way, if
/// it was one. False when a full rebuild is needed.
fn widen_rows(app: &mut App) -> bool {
    if app.order_stale {
        return false;
    }
    match filter::widen(app) {
        Some(rows) => {
            set_rows(app, rows);
            app.token_sel = 0;
            true
        }
        None => false,
    }
}

/// Forget the cached sort order: the tokens, the selected account or the sort changed.
pub fn invalidate_order(app: &mut App) {
    app.order_stale = true;
}

fn set_rows(app: &mut App, rows: Vec<RowRef>) {
    let keep = app.selected_token_id();
    app.rows = rows;
    let find = |app: &App, (a, id): &(usize, crate::model::TokenId)| {
        app.rows
            .iter()
            .position(|r| r.account == *a && app.token_at(*r).is_some_and(|(_, t)| t.id == *id))
    };
    // A token just created wins once it is listed; until then the cursor stays where it was.
    if let Some(i) = app.select_next.as_ref().and_then(|want| find(app, want)) {
        app.select_next = None;
        app.token_sel = i;
    } else {
        app.token_sel = keep
            .and_then(|k| find(app, &k))
            .unwrap_or_else(|| app.token_sel.min(app.rows.len().saturating_sub(1)));
    }
    app.dirty = true;
}
