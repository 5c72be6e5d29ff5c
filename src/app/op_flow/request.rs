//! A confirmed operation becomes worker requests: one per token, each remembered in `App::ops`
//! with what to do with its answer, and the token marked busy until then.

use super::PendingOp;
use super::gate::refuse;
use crate::app::{ApiRequest, App, Batch, Effect, Loadable, Modal, Op, TokenRef};
use crate::model::TokenUpdate;

/// Send a confirmed (or harmless) operation, asking the gate once more: this is the one door to
/// the worker, so no path to a request (a queued confirmation, a rotation's offer to delete the
/// old token) can get past the gate. A create or rename records its request in the open form,
/// which waits for the answer.
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
        new_name: None,
        listed_before: None,
    };
    match op {
        Op::Create {
            account,
            new,
            replaces,
        } => {
            let mut p = pending(account, None);
            p.replaces = replaces;
            p.new_name = Some(new.name.clone());
            if let Loadable::Loaded(tokens) = &app.accounts[account].tokens {
                p.listed_before = Some(tokens.iter().map(|t| t.id.clone()).collect());
            }
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
