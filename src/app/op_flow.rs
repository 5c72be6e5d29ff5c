//! Token operations in the reducer: opening forms and confirmations, asking the gate, sending
//! the requests, and taking their answers (the one-time secret, re-listing, errors).

use std::time::Duration;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::form::{Form, FormPurpose};
use super::modal::{Modal, SecretView};
use super::op::{AuditEntry, Op, TokenRef, progressive};
use super::{Action, ApiRequest, ApiResult, App, CopySecret, Effect, ReqId, ToastKind};
use crate::audit::{Outcome, TokenLabel};
use crate::clipboard::{Backend, ClearOutcome, ClipboardError};
use crate::model::{ApiError, Created, OpKind, Refusal, TokenUpdate, gate};

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

impl App {
    /// The one gate, for an account of this app.
    pub fn allows(&self, account: usize, op: OpKind) -> Result<(), Refusal> {
        let acc = &self.accounts[account];
        gate(
            op,
            &acc.info.name,
            acc.info.read_only,
            acc.info.kind,
            acc.caps(),
        )
    }

    /// Why the gate refuses `action` for the account in view, if it does: for key hints and help.
    pub fn refusal_for(&self, action: Action) -> Option<Refusal> {
        let op = action.op()?;
        let account = self.target_account()?;
        self.allows(account, op).err()
    }

    /// The account a create applies to: the selected one, or the selected row's.
    pub fn target_account(&self) -> Option<usize> {
        self.selected_account()
            .or_else(|| self.selected_row().map(|r| r.account))
    }

    fn selected_ref(&self) -> Option<TokenRef> {
        let row = self.selected_row()?;
        self.token_at(row).map(|(_, t)| TokenRef {
            account: row.account,
            id: t.id.clone(),
            name: t.name.clone(),
        })
    }

    /// Show a modal now, or after the one open (a new secret never replaces another overlay).
    pub fn open_modal(&mut self, modal: Modal) {
        if self.modal.is_some() {
            self.modal_queue.push_back(modal);
        } else {
            self.modal = Some(modal);
        }
        self.dirty = true;
    }

    pub fn close_modal(&mut self) {
        self.modal = self.modal_queue.pop_front();
        self.dirty = true;
    }
}

/// A token-operation key in normal mode.
pub fn on_op_action(app: &mut App, action: Action) -> Vec<Effect> {
    match action {
        Action::Create => {
            let Some(account) = app.target_account() else {
                app.toast(ToastKind::Info, "select an account to create a token in");
                return Vec::new();
            };
            if let Err(r) = app.allows(account, OpKind::Create) {
                return refuse(app, account, OpKind::Create, None, r);
            }
            let form = Form::create(account, app.accounts[account].caps().form);
            open_form(app, form)
        }
        Action::Rotate => {
            let Some(r) = app.selected_ref() else {
                app.toast(ToastKind::Info, "select the token to rotate");
                return Vec::new();
            };
            if let Err(refusal) = app.allows(r.account, OpKind::Create) {
                return refuse(app, r.account, OpKind::Create, Some(&r), refusal);
            }
            if let Some(effects) = busy_row(app, &r) {
                return effects;
            }
            let Some(row) = app.selected_row() else {
                return Vec::new();
            };
            let Some((acc, token)) = app.token_at(row) else {
                return Vec::new();
            };
            let form = Form::rotate(r.account, acc.caps().form, token, r);
            open_form(app, form)
        }
        Action::Delete if app.table.mark_count() > 0 => {
            let refs: Vec<TokenRef> = app.table.marked_refs(&app.accounts);
            if refs.is_empty() {
                app.table.clear_marks();
                app.toast(ToastKind::Info, "the marked tokens are gone");
                return Vec::new();
            }
            let mut effects = Vec::new();
            for r in &refs {
                if let Err(refusal) = app.allows(r.account, OpKind::Delete) {
                    effects.extend(refuse(app, r.account, OpKind::Delete, Some(r), refusal));
                }
            }
            if !effects.is_empty() {
                return effects;
            }
            if let Some(r) = refs
                .iter()
                .find(|r| app.accounts[r.account].pending.contains_key(&r.id))
                .cloned()
            {
                return busy_row(app, &r).unwrap_or_default();
            }
            app.open_modal(Modal::Confirm {
                op: Op::Delete(refs),
                yes: false,
            });
            Vec::new()
        }
        Action::Delete | Action::Rename | Action::Toggle | Action::Regenerate => {
            let Some(r) = app.selected_ref() else {
                app.toast(ToastKind::Info, "select a token first");
                return Vec::new();
            };
            let op = match action {
                Action::Delete => Op::Delete(vec![r.clone()]),
                Action::Rename => Op::Rename(r.clone(), r.name.clone()),
                Action::Regenerate => Op::Regenerate(r.clone()),
                _ => {
                    let enabled = app
                        .selected_token()
                        .and_then(|(_, t)| t.enabled)
                        .unwrap_or(true);
                    Op::SetEnabled(r.clone(), !enabled)
                }
            };
            if let Err(refusal) = app.allows(r.account, op.kind()) {
                return refuse(app, r.account, op.kind(), Some(&r), refusal);
            }
            if let Some(effects) = busy_row(app, &r) {
                return effects;
            }
            match op {
                Op::Rename(r, _) => open_form(app, Form::rename(r.account, r)),
                // Enabling harms nothing: no confirmation.
                Op::SetEnabled(_, true) => execute(app, op),
                op => {
                    app.open_modal(Modal::Confirm { op, yes: false });
                    Vec::new()
                }
            }
        }
        _ => Vec::new(),
    }
}

fn open_form(app: &mut App, form: Form) -> Vec<Effect> {
    let account = form.account;
    let fields: Vec<&'static str> = form.remote_fields().collect();
    app.open_modal(Modal::Form(form));
    fields
        .into_iter()
        .map(|field| {
            let id = app.next_req();
            app.in_flight.insert(id, account);
            app.ops.insert(
                id,
                PendingOp {
                    account,
                    op: OpKind::List,
                    token: None,
                    replaces: None,
                    field: Some(field),
                    batch: false,
                },
            );
            Effect::Api {
                id,
                req: ApiRequest::Choices { account, field },
            }
        })
        .collect()
}

/// A row with a change in flight refuses another.
fn busy_row(app: &mut App, r: &TokenRef) -> Option<Vec<Effect>> {
    let op = *app.accounts[r.account].pending.get(&r.id)?;
    app.toast(
        ToastKind::Info,
        format!("{}: {} already in progress", r.name, progressive(op)),
    );
    Some(Vec::new())
}

/// Say no, naming the reason, and leave a record of it.
fn refuse(
    app: &mut App,
    account: usize,
    op: OpKind,
    token: Option<&TokenRef>,
    refusal: Refusal,
) -> Vec<Effect> {
    app.toast(ToastKind::Error, refusal.to_string());
    let acc = &app.accounts[account];
    vec![Effect::Audit(AuditEntry {
        account: acc.info.name.clone(),
        provider: acc.info.kind,
        op,
        token: TokenLabel::new(
            token.map(|t| &t.id),
            token.map(|t| t.name.as_str()),
            acc.caps(),
        ),
        outcome: Outcome::Refused,
        error: Some(refusal.to_string()),
    })]
}

/// Send a confirmed (or harmless) operation, asking the gate once more.
pub fn execute(app: &mut App, op: Op) -> Vec<Effect> {
    let kind = op.kind();
    let mut effects = Vec::new();
    for account in op.accounts() {
        if let Err(refusal) = app.allows(account, kind) {
            let token = op
                .tokens()
                .into_iter()
                .find(|t| t.account == account)
                .cloned();
            return refuse(app, account, kind, token.as_ref(), refusal);
        }
    }
    let mut send = |app: &mut App, pending: PendingOp, req: ApiRequest| {
        let id = app.next_req();
        app.in_flight.insert(id, pending.account);
        if let Some(t) = &pending.token {
            app.accounts[t.account]
                .pending
                .insert(t.id.clone(), pending.op);
        }
        app.ops.insert(id, pending);
        effects.push(Effect::Api { id, req });
        id
    };
    let pending = |account, token: Option<TokenRef>| PendingOp {
        account,
        op: kind,
        token,
        replaces: None,
        field: None,
        batch: false,
    };
    match op {
        Op::Create {
            account,
            new,
            replaces,
        } => {
            let mut p = pending(account, None);
            p.replaces = replaces;
            let id = send(app, p, ApiRequest::Create { account, new });
            if let Some(Modal::Form(f)) = &mut app.modal {
                f.pending = Some(id);
            }
        }
        Op::Delete(tokens) => {
            let batch = tokens.len() > 1;
            if batch {
                app.batch = Some(Batch {
                    remaining: tokens.len(),
                    ..Batch::default()
                });
            }
            for t in tokens {
                app.table.unmark(t.account, &t.id);
                let req = ApiRequest::Delete {
                    account: t.account,
                    token: t.id.clone(),
                    name: t.name.clone(),
                };
                let mut p = pending(t.account, Some(t));
                p.batch = batch;
                send(app, p, req);
            }
        }
        Op::Rename(t, name) => {
            let req = ApiRequest::Update {
                account: t.account,
                token: t.id.clone(),
                name: t.name.clone(),
                change: TokenUpdate {
                    name: Some(name),
                    enabled: None,
                },
            };
            let id = send(app, pending(t.account, Some(t)), req);
            if let Some(Modal::Form(f)) = &mut app.modal {
                f.pending = Some(id);
            }
        }
        Op::SetEnabled(t, enabled) => {
            let req = ApiRequest::Update {
                account: t.account,
                token: t.id.clone(),
                name: t.name.clone(),
                change: TokenUpdate {
                    name: None,
                    enabled: Some(enabled),
                },
            };
            send(app, pending(t.account, Some(t)), req);
        }
        Op::Regenerate(t) => {
            let req = ApiRequest::Regenerate {
                account: t.account,
                token: t.id.clone(),
                name: t.name.clone(),
            };
            send(app, pending(t.account, Some(t)), req);
        }
    }
    app.dirty = true;
    effects
}

/// Keys while a modal is open. Returns `None` when the modal did not take the key.
pub fn on_modal_key(app: &mut App, key: KeyEvent) -> Vec<Effect> {
    let Some(modal) = app.modal.take() else {
        return Vec::new();
    };
    app.dirty = true;
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    match modal {
        Modal::Form(mut form) => {
            if form.pending.is_some() && key.code != KeyCode::Esc {
                // Submitted: wait for the answer (Esc still closes; the answer then toasts).
                app.modal = Some(Modal::Form(form));
                return Vec::new();
            }
            let submit = match key.code {
                KeyCode::Esc => {
                    app.close_modal();
                    return Vec::new();
                }
                KeyCode::Char('s') if ctrl => true,
                KeyCode::Enter => {
                    form.on_last_field() || {
                        form.move_focus(1);
                        false
                    }
                }
                KeyCode::Tab | KeyCode::Down => {
                    form.move_focus(1);
                    false
                }
                KeyCode::BackTab | KeyCode::Up => {
                    form.move_focus(-1);
                    false
                }
                _ => {
                    form.edit(&key);
                    false
                }
            };
            if !submit {
                app.modal = Some(Modal::Form(form));
                return Vec::new();
            }
            submit_form(app, form)
        }
        Modal::Confirm { op, yes } => match key.code {
            KeyCode::Char('y') | KeyCode::Char('Y') => {
                app.close_modal();
                execute(app, op)
            }
            KeyCode::Enter if yes => {
                app.close_modal();
                execute(app, op)
            }
            KeyCode::Char('n') | KeyCode::Char('N') | KeyCode::Esc | KeyCode::Enter => {
                app.close_modal();
                Vec::new()
            }
            KeyCode::Left
            | KeyCode::Right
            | KeyCode::Tab
            | KeyCode::BackTab
            | KeyCode::Char('h')
            | KeyCode::Char('l') => {
                app.modal = Some(Modal::Confirm { op, yes: !yes });
                Vec::new()
            }
            _ => {
                app.modal = Some(Modal::Confirm { op, yes });
                Vec::new()
            }
        },
        Modal::Secret(mut view) => {
            let mut effects = Vec::new();
            if view.closing {
                if key.code == KeyCode::Char('y') {
                    let replaces = view.replaces.take();
                    app.close_modal();
                    if let Some(old) = replaces {
                        offer_delete_old(app, old);
                    }
                    return effects;
                }
                // Anything else keeps the secret on screen.
                view.closing = false;
            } else {
                match key.code {
                    KeyCode::Esc | KeyCode::Char('q') => view.closing = true,
                    KeyCode::Char('c') if ctrl => view.closing = true,
                    KeyCode::Char('v') => view.revealed = !view.revealed,
                    KeyCode::Char('y') | KeyCode::Char('c') => {
                        effects.push(Effect::Copy(CopySecret(view.secret.clone())));
                    }
                    _ => {}
                }
            }
            app.modal = Some(Modal::Secret(view));
            effects
        }
        Modal::Report { .. } => {
            app.close_modal();
            Vec::new()
        }
    }
}

fn offer_delete_old(app: &mut App, old: TokenRef) {
    if app.allows(old.account, OpKind::Delete).is_ok() {
        app.open_modal(Modal::Confirm {
            op: Op::Delete(vec![old]),
            yes: false,
        });
    }
}

fn submit_form(app: &mut App, mut form: Form) -> Vec<Effect> {
    match form.validate() {
        Err(e) => {
            form.error = Some(e);
            app.modal = Some(Modal::Form(form));
            Vec::new()
        }
        Ok(new) => {
            let op = match &form.purpose {
                FormPurpose::Create => Op::Create {
                    account: form.account,
                    new,
                    replaces: None,
                },
                FormPurpose::Rotate(old) => Op::Create {
                    account: form.account,
                    new,
                    replaces: Some(old.clone()),
                },
                FormPurpose::Rename(r) if new.name == r.name => {
                    app.close_modal();
                    app.toast(ToastKind::Info, "the name is unchanged");
                    return Vec::new();
                }
                FormPurpose::Rename(r) => Op::Rename(r.clone(), new.name),
            };
            app.modal = Some(Modal::Form(form));
            execute(app, op)
        }
    }
}

/// Paste goes to the focused text field of an open form.
pub fn on_modal_paste(app: &mut App, text: &str) {
    if let Some(Modal::Form(form)) = &mut app.modal {
        form.paste(text);
        app.dirty = true;
    }
}

/// The form waiting for this request, if it is still open.
fn waiting_form(app: &mut App, id: ReqId) -> Option<&mut Form> {
    match &mut app.modal {
        Some(Modal::Form(f)) if f.pending == Some(id) => Some(f),
        _ => None,
    }
}

/// The answer to a change (or a form lookup); list answers are handled in update.rs.
pub fn on_op_result(app: &mut App, id: ReqId, p: PendingOp, result: ApiResult) -> Vec<Effect> {
    app.dirty = true;
    if let Some(t) = &p.token
        && let Some(acc) = app.accounts.get_mut(t.account)
    {
        acc.pending.remove(&t.id);
    }
    let account_name = app
        .accounts
        .get(p.account)
        .map(|a| a.info.name.clone())
        .unwrap_or_default();
    // Toasts and reports name the account: with several open, "delete ci" alone is ambiguous.
    let what = |p: &PendingOp| match &p.token {
        Some(t) => format!("{account_name}: {} {}", p.op.verb(), t.name),
        None => format!("{} in {account_name}", p.op.verb()),
    };
    match result {
        ApiResult::Choices(result) => {
            if let (Some(Modal::Form(f)), Some(field)) = (&mut app.modal, p.field)
                && f.account == p.account
            {
                f.set_choices(field, result.map_err(|e| e.to_string()));
            }
            Vec::new()
        }
        ApiResult::Created(Ok(created)) => {
            if waiting_form(app, id).is_some() {
                app.close_modal();
            }
            app.table
                .select_when_listed(p.account, created.token.id.clone());
            show_secret(app, &p, created);
            vec![app.request_list(p.account)]
        }
        ApiResult::Created(Err(e)) if e.outcome_unknown() => {
            if waiting_form(app, id).is_some() {
                app.close_modal();
            }
            let past = if p.op == OpKind::Create {
                "created"
            } else {
                "regenerated"
            };
            app.toast(
                ToastKind::Error,
                format!(
                    "{}: outcome unknown ({}): the token may have been {past}; re-listing, not retrying",
                    what(&p),
                    e.short()
                ),
            );
            vec![app.request_list(p.account)]
        }
        ApiResult::Created(Err(e)) | ApiResult::Changed(Err(e)) => {
            if let Some(form) = waiting_form(app, id) {
                // The provider said no (a taken name, say): the form stays open with its words.
                form.error = Some(e.to_string());
                form.pending = None;
                return Vec::new();
            }
            failed(app, &p, what(&p), &e);
            Vec::new()
        }
        ApiResult::Changed(Ok(())) => {
            if waiting_form(app, id).is_some() {
                app.close_modal();
            }
            if p.batch {
                batch_step(app, what(&p), None);
            } else {
                let past = match p.op {
                    OpKind::Delete => "deleted",
                    OpKind::Rename => "renamed",
                    OpKind::Enable => "enabled",
                    OpKind::Disable => "disabled",
                    _ => "done",
                };
                let name = p.token.as_ref().map(|t| t.name.as_str()).unwrap_or("");
                app.toast(ToastKind::Info, format!("{past} {name}"));
            }
            vec![app.request_list(p.account)]
        }
        ApiResult::List(_) => Vec::new(),
    }
}

fn failed(app: &mut App, p: &PendingOp, what: String, e: &ApiError) {
    if p.batch {
        batch_step(app, what, Some(e));
    } else {
        app.toast(ToastKind::Error, failure_text(&what, e));
    }
}

/// "qovery-1: delete ci failed: forbidden: …; the account's credential lacks …".
fn failure_text(what: &str, e: &ApiError) -> String {
    match e.advice() {
        Some(advice) => format!("{what} failed: {e}; {advice}"),
        None => format!("{what} failed: {e}"),
    }
}

fn batch_step(app: &mut App, what: String, error: Option<&ApiError>) {
    let Some(batch) = app.batch.as_mut() else {
        return;
    };
    batch.remaining = batch.remaining.saturating_sub(1);
    match error {
        None => batch.done.push(what),
        Some(e) => batch.failed.push(failure_text(&format!("{what}:"), e)),
    }
    if batch.remaining > 0 {
        return;
    }
    let Some(batch) = app.batch.take() else {
        return;
    };
    if batch.failed.is_empty() {
        app.toast(
            ToastKind::Info,
            format!("deleted {} tokens", batch.done.len()),
        );
    } else {
        let mut lines = batch.failed;
        lines.extend(batch.done.into_iter().map(|d| format!("{d}: ok")));
        app.open_modal(Modal::Report {
            title: "Bulk delete: some tokens were not deleted".into(),
            lines,
        });
    }
}

fn show_secret(app: &mut App, p: &PendingOp, created: Created) {
    let token = TokenRef {
        account: p.account,
        id: created.token.id.clone(),
        name: created.token.name.clone(),
    };
    app.open_modal(Modal::Secret(SecretView {
        account: p.account,
        token,
        secret: created.secret,
        revealed: false,
        closing: false,
        copied: None,
        replaces: p.replaces.clone(),
    }));
}

/// How a copy went: said in the secret modal, which stays open either way.
pub fn on_copied(app: &mut App, result: Result<Backend, ClipboardError>) -> Vec<Effect> {
    let mut effects = Vec::new();
    let note = match result {
        Ok(Backend::Native) if app.clipboard_clear_secs > 0 => {
            effects.push(Effect::ScheduleClear(Duration::from_secs(
                app.clipboard_clear_secs,
            )));
            Ok(format!(
                "copied to {}; cleared in {}s if unchanged",
                Backend::Native,
                app.clipboard_clear_secs
            ))
        }
        Ok(b) => Ok(format!("copied via {b}")),
        Err(e) => Err(e.to_string()),
    };
    match &mut app.modal {
        Some(Modal::Secret(view)) => view.copied = Some(note),
        _ => match note {
            Ok(t) => app.toast(ToastKind::Info, t),
            Err(t) => app.toast(ToastKind::Error, t),
        },
    }
    app.dirty = true;
    effects
}

pub fn on_cleared(app: &mut App, outcome: ClearOutcome) {
    match outcome {
        ClearOutcome::Cleared => app.toast(ToastKind::Info, "clipboard cleared"),
        ClearOutcome::ChangedSince => app.toast(
            ToastKind::Info,
            "the clipboard changed since the copy; left alone",
        ),
        ClearOutcome::NothingToClear | ClearOutcome::NotPossible => {}
    }
}
