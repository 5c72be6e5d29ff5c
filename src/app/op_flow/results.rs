//! The worker's answers to changes and form lookups: the one-time secret, re-listing the
//! account, the provider's refusal (in the form that asked, or a toast), and a bulk delete's
//! report once its last answer is in. List answers are taken in update.rs.

use super::PendingOp;
use crate::app::accounts::UnknownCreate;
use crate::app::modal::form::Form;
use crate::app::{ApiResult, App, Effect, Modal, ReqId, SecretView, ToastKind, TokenRef};
use crate::model::{ApiError, Created, OpKind};

/// Picks the form waiting for request `id`.
fn waits_for(id: ReqId) -> impl Fn(&Modal) -> bool {
    move |m| matches!(m, Modal::Form(f) if f.pending == Some(id))
}

/// The form waiting for this request, if it is still open (on top, or behind the quit dialog).
fn waiting_form(app: &mut App, id: ReqId) -> Option<&mut Form> {
    match app.find_modal_mut(waits_for(id)) {
        Some(Modal::Form(f)) => Some(f),
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
            app.close_modal_where(waits_for(id));
            // A regenerate that got no answer before is settled: this secret is shown.
            if let (OpKind::Regenerate, Some(t)) = (p.op, &p.token)
                && let Some(acc) = app.accounts.get_mut(t.account)
            {
                acc.flagged.remove(&t.id);
                acc.unknown_regenerates.retain(|u| u.id != t.id);
            }
            app.table
                .select_when_listed(p.account, created.token.id.clone());
            show_secret(app, &p, *created);
            vec![app.request_list(p.account)]
        }
        ApiResult::Created(Err(e)) if e.outcome_unknown() => {
            app.close_modal_where(waits_for(id));
            if let Some(acc) = app.accounts.get_mut(p.account) {
                match (p.op, &p.new_name, &p.token) {
                    // The re-list below says whether it happened; the token is pointed out if so.
                    (OpKind::Create, Some(name), _) => acc.unknown_creates.push(UnknownCreate {
                        name: name.clone(),
                        known: p.listed_before.clone(),
                        error: e.short().to_owned(),
                    }),
                    // The token is known: it is pointed out now, and the re-list says more
                    // where it carries secrets.
                    (OpKind::Regenerate, _, Some(t)) => {
                        acc.flag_unknown_regenerate(&t.id, e.short());
                    }
                    _ => {}
                }
            }
            alert_unknown_outcome(app, &p, &what(&p), &e);
            vec![app.request_list(p.account)]
        }
        // A delete, rename or toggle that got no answer (a timeout, a 502 or 504) may have
        // happened: say so, never retry, and re-list so the table shows which.
        ApiResult::Changed(Err(e)) if e.outcome_unknown() => {
            app.close_modal_where(waits_for(id));
            if p.batch {
                batch_step(app, what(&p), Some(&e));
            } else {
                alert_unknown_outcome(app, &p, &what(&p), &e);
            }
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
            // Gone already (deleted elsewhere, say): the list is out of date, so it is fetched
            // again rather than left showing a token that is not there.
            if matches!(e, ApiError::NotFound(_)) {
                return vec![app.request_list(p.account)];
            }
            Vec::new()
        }
        ApiResult::Changed(Ok(())) => {
            app.close_modal_where(waits_for(id));
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
                app.notify(ToastKind::Info, Some(p.account), format!("{past} {name}"));
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
        // A failed change stays on screen until dismissed.
        app.alert(Some(p.account), failure_text(&what, e));
    }
}

/// A change that got no answer may have happened: this stays on screen until dismissed, and the
/// re-list that follows shows which (never a retry, which could do it twice).
fn alert_unknown_outcome(app: &mut App, p: &PendingOp, what: &str, e: &ApiError) {
    let text = e.unknown_outcome_text(what, p.op);
    app.alert(
        Some(p.account),
        format!("{text}; re-listing to check, not retrying"),
    );
}

/// "qovery-1: delete ci failed: forbidden: …; the account's credential lacks …".
fn failure_text(what: &str, e: &ApiError) -> String {
    e.failure_text(what, None)
}

/// One answer of a bulk delete. Nothing is said until the last one is in: then a toast if all
/// went well, else a report that must be read, so that no failure scrolls away among toasts.
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
        let failed = batch.failed.len();
        let total = failed + batch.done.len();
        for line in &batch.failed {
            app.log.push(ToastKind::Error, None, line.clone());
        }
        app.log.push(
            ToastKind::Error,
            None,
            format!("bulk delete: {failed} of {total} tokens were not deleted"),
        );
        let mut lines = batch.failed;
        lines.extend(batch.done.into_iter().map(|d| format!("{d}: ok")));
        app.open_modal(Modal::Report {
            title: "Bulk delete: some tokens were not deleted".into(),
            lines,
        });
    }
}

/// A new secret goes into a modal of its own, queued behind any open one: it is shown once only.
fn show_secret(app: &mut App, p: &PendingOp, created: Created) {
    let token = TokenRef {
        account: p.account,
        id: created.token.id.clone(),
        name: created.token.name.clone(),
    };
    let mut view = SecretView {
        account: p.account,
        token,
        secret: created.secret,
        revealed: false,
        closing: false,
        copied: None,
        replaces: p.replaces.clone(),
        delivery: Default::default(),
    };
    // A rotation delivers before it offers to delete the old token: the sinks come first.
    if view.replaces.is_some() && !app.sinks.sinks.is_empty() {
        crate::app::modal::deliver::open(app, &mut view);
    }
    app.open_modal(Modal::Secret(view));
}
