//! The revoke half of the leaked-secret dialog: from `y` (delete) or `t` (disable) on a match
//! to the verified verdict and the incident record. The revoke goes through the gate like any
//! operation; the provider's answer starts the verification, the account's next list decides
//! it ([`leak::verify`]), and the verdict is said in the dialog and the message log and
//! recorded as an incident. Quitting before the verdict records an abandoned incident.
//!
//! Separate from the search because this is the half that changes a provider's state and
//! must account for it: every path here, refused, answered, verified or abandoned, ends in
//! exactly one incident record.

use crate::app::keys::{Action as KeyAction, Layer};
use crate::app::op::progressive;
use crate::app::op_flow::execute;
use crate::app::{
    ApiResult, App, Effect, IncidentEntry, Loadable, Modal, Op, ReqId, ToastKind, TokenRef,
};
use crate::audit::{Outcome, TokenLabel};
use crate::leak::{self, Action, Findings, Match, MatchStatus, Verification};

use super::search::{account_of, error_text, token_label};
use super::{Found, LeakView, Revoke, Stage, Step, view_and_accounts, view_mut};

/// `y` (delete) or `t` (disable) on the match under the cursor: through the gate to the worker.
pub(super) fn revoke(app: &mut App, mut view: Box<LeakView>, action: Action) -> Vec<Effect> {
    let target = match check_target(app, &view, action) {
        Ok(target) => target,
        Err(note) => {
            view.note = Some(note);
            app.modal = Some(Modal::Leak(view));
            return Vec::new();
        }
    };
    view.note = None;
    let (cursor, token) = target;
    let op = match action {
        Action::Delete => Op::Delete(vec![token.clone()]),
        Action::Disable => Op::SetEnabled(token.clone(), false),
    };
    // The dialog goes back first, so the answer finds it.
    app.modal = Some(Modal::Leak(view));
    let mut effects = execute(app, op);
    let sent = effects.iter().find_map(|e| match e {
        Effect::Api { id, .. } => Some(*id),
        _ => None,
    });
    // No request: the gate refused (and said so, and audited it).
    let refusal = app
        .allows(token.account, action.op())
        .err()
        .map(|r| r.to_string());
    let Some(view) = view_mut(app) else {
        return effects;
    };
    let Stage::Found(found) = &mut view.stage else {
        return effects;
    };
    let step = match sent {
        Some(id) => Step::Sent(id),
        None => {
            let error = refusal.unwrap_or_else(|| "refused".into());
            effects.push(Effect::Incident(incident(
                &found.findings,
                cursor,
                action,
                Outcome::Refused,
                Some(&error),
                "not_run",
            )));
            Step::Done {
                outcome: Outcome::Refused,
                error: Some(error),
                verification: None,
            }
        }
    };
    found.revoke = Some(Revoke {
        target: cursor,
        token,
        action,
        step,
    });
    effects
}

/// The match under the cursor as a token to act on, or why it cannot be.
fn check_target(app: &App, view: &LeakView, action: Action) -> Result<(usize, TokenRef), String> {
    let Stage::Found(found) = &view.stage else {
        return Err("nothing was found yet".into());
    };
    let Some(m) = found.findings.matches.get(found.cursor) else {
        return Err("no token matches this secret: there is nothing to revoke".into());
    };
    if m.status != MatchStatus::Listed {
        return Err(format!("nothing to revoke: {}", m.status.describe()));
    }
    let (Some(account), Some(token)) = (account_of(&app.accounts, m), m.token.as_ref()) else {
        return Err("nothing to revoke: the token is not listed".into());
    };
    let acc = &app.accounts[account];
    if action == Action::Disable {
        let delete = app
            .keymap
            .first_key(KeyAction::Confirm, Layer::LeakMatch)
            .map_or(String::new(), |k| format!(": {k} deletes it"));
        if !acc.caps().toggle {
            return Err(format!("{} cannot disable tokens{delete}", acc.info.kind));
        }
        if token.enabled == Some(false) {
            return Err(format!("it is disabled already{delete}"));
        }
    }
    if let Some(op) = acc.pending.get(&token.id) {
        return Err(format!(
            "{}: {} already in progress",
            token.name,
            progressive(*op)
        ));
    }
    Ok((
        found.cursor,
        TokenRef {
            account,
            id: token.id.clone(),
            name: token.name.clone(),
        },
    ))
}

/// The provider answered request `id`: if it was this dialog's revoke, the account's next list
/// verifies it. A success is re-listed by the operation flow already; anything else is listed
/// here, since the change may have happened anyway (or the token may be gone already).
pub fn on_revoke_answer(app: &mut App, id: ReqId, result: &ApiResult) -> Vec<Effect> {
    let from = app.next_id;
    let Some(view) = view_mut(app) else {
        return Vec::new();
    };
    let Stage::Found(Found {
        revoke: Some(r), ..
    }) = &mut view.stage
    else {
        return Vec::new();
    };
    if r.step != Step::Sent(id) {
        return Vec::new();
    }
    let (outcome, error) = match result {
        ApiResult::Changed(Ok(())) => (Outcome::Ok, None),
        ApiResult::Changed(Err(e)) if e.outcome_unknown() => {
            (Outcome::Unknown, Some(e.to_string()))
        }
        ApiResult::Changed(Err(e)) => (Outcome::Failed, Some(e.to_string())),
        _ => (Outcome::Failed, Some("unexpected answer".to_owned())),
    };
    let account = r.token.account;
    let relist = outcome != Outcome::Ok;
    r.step = Step::Verifying {
        from,
        outcome,
        error,
    };
    app.dirty = true;
    if relist {
        vec![app.request_list(account)]
    } else {
        Vec::new()
    }
}

/// The re-list is in: judge it, say it, record it.
pub(super) fn verify_now(app: &mut App) -> Vec<Effect> {
    let Some((view, accounts)) = view_and_accounts(app) else {
        return Vec::new();
    };
    let (Stage::Found(found), Some(secret)) = (&mut view.stage, &view.secret) else {
        return Vec::new();
    };
    let Some(r) = &mut found.revoke else {
        return Vec::new();
    };
    let Step::Verifying { outcome, error, .. } = r.step.clone() else {
        return Vec::new();
    };
    let acc = &accounts[r.token.account];
    let verification = match &acc.tokens {
        Loadable::Loaded(tokens) => {
            leak::verify(r.action, acc.info.kind, &r.token.id, secret, tokens)
        }
        Loadable::Failed(e) => Verification::NotVerified(error_text(e)),
        _ => Verification::NotVerified("the account is not listed".into()),
    };
    let m = &found.findings.matches[r.target];
    let message = verdict(m, r.action, outcome, error.as_deref(), &verification);
    let entry = incident(
        &found.findings,
        r.target,
        r.action,
        outcome,
        error.as_deref(),
        verification.key(),
    );
    let holds = verification.holds();
    let account = r.token.account;
    r.step = Step::Done {
        outcome,
        error,
        verification: Some(verification),
    };
    if holds {
        app.notify(ToastKind::Info, Some(account), message);
    } else {
        app.alert(Some(account), message);
    }
    vec![Effect::Incident(entry)]
}

/// What the verification showed, in words: "verified: token … no longer listed in …".
pub fn verdict(
    m: &Match,
    action: Action,
    outcome: Outcome,
    error: Option<&str>,
    verification: &Verification,
) -> String {
    let token = token_label(m);
    let account = &m.account;
    let verb = action.op().verb();
    let answered = match (outcome, error) {
        (Outcome::Ok, _) | (_, None) => String::new(),
        (_, Some(e)) => format!(" (the {verb} got: {e})"),
    };
    match verification {
        Verification::Gone => {
            format!("verified: token {token} no longer listed in {account}{answered}")
        }
        Verification::Disabled => {
            format!("verified: token {token} listed as disabled in {account}{answered}")
        }
        Verification::StillListed if outcome != Outcome::Ok => format!(
            "could not delete token {token} in {account}: {}; it is still listed and may \
             still work",
            error.unwrap_or("no answer")
        ),
        Verification::StillEnabled if outcome != Outcome::Ok => format!(
            "could not disable token {token} in {account}: {}; it is still enabled and may \
             still work",
            error.unwrap_or("no answer")
        ),
        Verification::StillListed => format!(
            "NOT verified: token {token} is still listed in {account} after the delete; it may \
             still work"
        ),
        Verification::StillEnabled => format!(
            "NOT verified: token {token} is still listed as enabled in {account} after the \
             disable; it may still work"
        ),
        Verification::NotVerified(e) => format!(
            "NOT verified: could not re-list {account} to check token {token}{answered}: {e}"
        ),
    }
}

fn incident(
    findings: &Findings,
    target: usize,
    action: Action,
    outcome: Outcome,
    error: Option<&str>,
    verification: &'static str,
) -> IncidentEntry {
    let m = &findings.matches[target];
    IncidentEntry {
        account: m.account.clone(),
        provider: m.provider,
        token: TokenLabel {
            id: m.shown_id.clone(),
            name: m.name.clone(),
        },
        matched_by: m.matched_by.method().key(),
        op: action.op(),
        outcome,
        error: error.map(str::to_owned),
        verification,
        fingerprint_prefix: findings.fingerprint_prefix.clone(),
    }
}

/// A revoke sent but not yet verified, in words, for the quit question.
pub fn verifying(app: &App) -> Vec<String> {
    let view = app
        .modal
        .iter()
        .chain(app.modal_queue.iter())
        .find_map(|m| match m {
            Modal::Leak(view) => Some(view),
            _ => None,
        });
    match view.map(|v| &v.stage) {
        Some(Stage::Found(Found {
            revoke: Some(r), ..
        })) if matches!(r.step, Step::Verifying { .. }) => {
            let account = app
                .accounts
                .get(r.token.account)
                .map(|a| a.info.name.as_str())
                .unwrap_or("?");
            vec![format!(
                "verify the {} of {} in {account}",
                r.action.op().verb(),
                r.token.name
            )]
        }
        _ => Vec::new(),
    }
}

/// Quitting anyway with this dialog's revoke unverified: its incident record says so.
pub fn abandoned(app: &mut App) -> Vec<Effect> {
    let Some(view) = view_mut(app) else {
        return Vec::new();
    };
    let Stage::Found(found) = &view.stage else {
        return Vec::new();
    };
    let Some(r) = &found.revoke else {
        return Vec::new();
    };
    let (outcome, error) = match &r.step {
        Step::Sent(_) => (
            Outcome::Unknown,
            "tokdash quit before the provider answered".to_owned(),
        ),
        Step::Verifying { outcome, error, .. } => (
            *outcome,
            match error {
                Some(e) => format!("{e}; tokdash quit before the re-list"),
                None => "tokdash quit before the re-list".to_owned(),
            },
        ),
        Step::Done { .. } => return Vec::new(),
    };
    vec![Effect::Incident(incident(
        &found.findings,
        r.target,
        r.action,
        outcome,
        Some(&error),
        "not_run",
    ))]
}
