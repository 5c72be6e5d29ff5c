//! A token-operation key in normal mode: which operation it means for the token under the
//! cursor (or the marked ones), checked against the gate, then a form, a confirmation, or, for
//! what harms nothing, the request itself.

use super::gate::{busy_row, refuse};
use super::{PendingOp, execute};
use crate::app::modal::form::Form;
use crate::app::modal::{PickPurpose, PickView};
use crate::app::{Action, ApiRequest, App, Effect, Modal, Op, ToastKind, TokenRef};
use crate::model::OpKind;
use crate::model::free_name;

pub fn on_op_action(app: &mut App, action: Action) -> Vec<Effect> {
    match action {
        // With `All accounts` in view, the account is asked for: a token never lands in the
        // selected row's account without the user saying so.
        Action::Create => match app.selected_account() {
            Some(account) => create_in(app, account),
            None => ask_account(app),
        },
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
            let mut form = Form::rotate(r.account, acc.caps().form, token, r);
            if acc.caps().unique_names {
                // The old name is taken until the old token goes: suggest one that is free.
                if let crate::app::Loadable::Loaded(tokens) = &acc.tokens {
                    form.set_name(free_name(
                        &token.name,
                        tokens.iter().map(|t| t.name.as_str()),
                    ));
                }
            }
            open_form(app, form)
        }
        Action::Delete if app.table.mark_count() > 0 => delete_marked(app),
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

/// Open the create form for `account`, if the gate allows it.
pub fn create_in(app: &mut App, account: usize) -> Vec<Effect> {
    if let Err(r) = app.allows(account, OpKind::Create) {
        return refuse(app, account, OpKind::Create, None, r);
    }
    let form = Form::create(account, app.accounts[account].caps().form);
    open_form(app, form)
}

/// `n` under `All accounts`: which account? Only those that can create are offered; with one,
/// it is asked anyway, so the form's title is never a surprise.
fn ask_account(app: &mut App) -> Vec<Effect> {
    let able: Vec<usize> = (0..app.accounts.len())
        .filter(|a| app.allows(*a, OpKind::Create).is_ok())
        .collect();
    if able.is_empty() {
        let why = match app.accounts.first() {
            None => "no accounts are configured".to_owned(),
            Some(_) => "no account can create tokens (read-only, or not offered by its \
                        provider)"
                .to_owned(),
        };
        app.toast(ToastKind::Info, why);
        return Vec::new();
    }
    let options = able
        .iter()
        .map(|a| {
            let info = &app.accounts[*a].info;
            format!("{} ({})", info.name, info.kind)
        })
        .collect();
    // Start on the selected row's account, where the user probably is.
    let cursor = app
        .selected_row()
        .and_then(|r| able.iter().position(|a| *a == r.account))
        .unwrap_or(0);
    app.open_modal(Modal::Pick(PickView {
        title: "New token in which account?".into(),
        options,
        cursor,
        purpose: PickPurpose::CreateIn(able),
    }));
    Vec::new()
}

/// Delete with tokens marked: all of them, after one confirmation. Nothing is sent if the gate
/// refuses any of them or one is busy, so a bulk delete never half-starts.
fn delete_marked(app: &mut App) -> Vec<Effect> {
    let refs: Vec<TokenRef> = app.table.marked_refs(&app.accounts);
    if refs.is_empty() {
        app.table.clear_marks(&app.accounts);
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

/// Open a form and ask the provider for the choices its remote fields offer.
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
                    new_name: None,
                    listed_before: None,
                },
            );
            Effect::Api {
                id,
                req: ApiRequest::Choices { account, field },
            }
        })
        .collect()
}
