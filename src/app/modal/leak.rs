//! The leaked-secret dialog (`L`, `:leak`): an on-call engineer pastes a leaked secret, the
//! dashboard finds its token and revokes it, and the account's re-list verifies it.
//!
//! - **The secret.** It comes by paste (bracketed paste) or, where the terminal sends a paste
//!   as keys, typed and ended with Enter. It is held as a [`SecretString`] (typed characters in
//!   a buffer wiped on drop), never shown, never put in a toast, the log, the filter or this
//!   dialog's `Debug`; it is wiped when the dialog closes. Only the first hex digits of its
//!   SHA-256 are shown, to tell incidents apart.
//! - **The search** starts as soon as the paste arrives. It uses what the dashboard already
//!   listed, asks the worker for the accounts that are not loaded (or failed) all at once, has
//!   the fingerprint files read ([`Effect::LoadFingerprints`]), and runs [`crate::leak::search`]
//!   once every answer is in. Accounts that still could not be listed are named: a partial
//!   search never reads as "not found".
//! - **The match** shows the token (account, name, id, scopes, age, created by, how it matched)
//!   with the revoke ready: `y` (`confirm`) deletes it, `t` (`disable_instead`) disables it
//!   instead where the provider can (sematext). That key is the one confirmation, so paste to
//!   verified revoke is `L`, the paste, `y`: two keys. Keys come from the keymap: the field is
//!   a text layer (`LeakPaste`: printable keys are typed), the rest its `LeakMatch` layer.
//! - **The revoke** is the normal operation ([`execute`]: the gate, the worker, the audit
//!   record), and its verification the account's normal re-list, judged by
//!   [`crate::leak::verify`]. Then the dialog and the message log say "verified: token … no
//!   longer listed in …" (or why not), and an incident record goes to the audit log
//!   ([`Effect::Incident`]). While the revoke is in flight the dialog stays open: the re-list
//!   is checked against the secret too.

use std::fmt;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use secrecy::zeroize::{Zeroize, Zeroizing};

use crate::app::keys::{Action as KeyAction, Layer};
use crate::app::op::progressive;
use crate::app::op_flow::execute;
use crate::app::{
    AccountState, ApiResult, App, Effect, Focus, IncidentEntry, Loadable, Modal, Op, ReqId,
    ToastKind, TokenRef,
};
use crate::audit::{Outcome, TokenLabel};
use crate::leak::input::MAX_INPUT;
use crate::leak::{
    self, Action, Findings, Fingerprints, InputError, Match, MatchStatus, Searched, Verification,
};
use crate::model::ApiError;
use crate::secret::SecretString;

/// The most bytes typed into the field; the buffer is allocated once at this size, so typing
/// never leaves a copy behind in a reallocation.
const MAX_TYPED: usize = 1024;

pub struct LeakView {
    secret: Option<SecretString>,
    /// Characters typed (a paste the terminal sent as keys), until Enter.
    typed: Zeroizing<String>,
    /// The first hex digits of the secret's SHA-256: all of it that may be shown.
    pub fingerprint_prefix: Option<String>,
    /// Why the last paste or key was not taken.
    pub note: Option<String>,
    pub stage: Stage,
}

// One dialog at most, boxed in `Modal` already: the variants' sizes do not matter.
#[allow(clippy::large_enum_variant)]
pub enum Stage {
    /// Waiting for the secret.
    Input,
    /// Lists and fingerprint files on their way.
    Searching {
        fingerprints: Option<Fingerprints>,
    },
    Found(Found),
}

pub struct Found {
    pub findings: Findings,
    /// The match under the cursor (an index into `findings.matches`).
    pub cursor: usize,
    /// Once `y` or `t` was pressed.
    pub revoke: Option<Revoke>,
}

pub struct Revoke {
    /// The match acted on (an index into `findings.matches`).
    pub target: usize,
    pub token: TokenRef,
    pub action: Action,
    pub step: Step,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// The delete or disable is in flight.
    Sent(ReqId),
    /// The provider answered (`outcome`), and the account is being listed again: the first list
    /// of it sent from request `from` on decides.
    Verifying {
        from: ReqId,
        outcome: Outcome,
        error: Option<String>,
    },
    Done {
        outcome: Outcome,
        error: Option<String>,
        /// `None` when nothing was sent (refused).
        verification: Option<Verification>,
    },
}

impl LeakView {
    fn new() -> LeakView {
        LeakView {
            secret: None,
            typed: Zeroizing::new(String::with_capacity(MAX_TYPED)),
            fingerprint_prefix: None,
            note: None,
            stage: Stage::Input,
        }
    }

    /// Characters were typed and wait for Enter.
    pub fn typing(&self) -> bool {
        !self.typed.is_empty()
    }

    /// A key typed into the field (a paste the terminal sent as keys): text, Backspace, or
    /// ctrl-u to clear.
    fn type_key(&mut self, key: &KeyEvent) {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        match key.code {
            KeyCode::Backspace => {
                self.typed.pop();
            }
            KeyCode::Char('u') if ctrl => self.typed.zeroize(),
            KeyCode::Char(c) if !ctrl => {
                if self.typed.len() + c.len_utf8() <= MAX_TYPED {
                    self.typed.push(c);
                } else {
                    self.note = Some("that is too long for a token secret".into());
                }
            }
            _ => {}
        }
    }

    /// The revoke is sent and not yet verified: the dialog cannot close.
    pub fn revoking(&self) -> bool {
        match &self.stage {
            Stage::Found(Found {
                revoke: Some(r), ..
            }) => !matches!(r.step, Step::Done { .. }),
            _ => false,
        }
    }
}

// Never the secret, nor what was typed.
impl fmt::Debug for LeakView {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let stage = match &self.stage {
            Stage::Input => "input".to_owned(),
            Stage::Searching { fingerprints } => {
                format!("searching (fingerprints read: {})", fingerprints.is_some())
            }
            Stage::Found(found) => format!(
                "found {} match(es), revoke: {:?}",
                found.findings.matches.len(),
                found.revoke.as_ref().map(|r| &r.step)
            ),
        };
        f.debug_struct("LeakView")
            .field("has_secret", &self.secret.is_some())
            .field("typing", &self.typing())
            .field("fingerprint_prefix", &self.fingerprint_prefix)
            .field("stage", &stage)
            .finish()
    }
}

/// `L` or `:leak`.
pub fn open(app: &mut App) {
    app.open_modal(Modal::Leak(Box::new(LeakView::new())));
}

/// The dialog, open or waiting behind the quit question.
fn view_mut(app: &mut App) -> Option<&mut LeakView> {
    match app.find_modal_mut(|m| matches!(m, Modal::Leak(_))) {
        Some(Modal::Leak(view)) => Some(view),
        _ => None,
    }
}

/// The dialog, beside the accounts it searches.
fn view_and_accounts(app: &mut App) -> Option<(&mut LeakView, &[AccountState])> {
    let view = app
        .modal
        .iter_mut()
        .chain(app.modal_queue.iter_mut())
        .find_map(|m| match m {
            Modal::Leak(view) => Some(&mut **view),
            _ => None,
        })?;
    Some((view, &app.accounts))
}

/// Wipe text that may hold a secret.
pub fn wipe(mut text: String) {
    text.zeroize();
}

/// A paste: the secret, searched for at once. The pasted text is wiped.
pub fn on_paste(app: &mut App, text: String) -> Vec<Effect> {
    let secret = leak::secret_from_input(text.into_bytes()).map_err(paste_problem);
    let Some(view) = view_mut(app) else {
        return Vec::new();
    };
    if view.revoking() {
        view.note = Some("a revoke is in flight: paste again once it is verified".into());
        app.dirty = true;
        return Vec::new();
    }
    match secret {
        Ok(secret) => start_search(app, secret),
        Err(problem) => {
            view.note = Some(problem);
            app.dirty = true;
            Vec::new()
        }
    }
}

/// Why a paste is not one secret, in this dialog's words (the messages never quote it).
fn paste_problem(e: InputError) -> String {
    match e {
        InputError::Empty => "the paste was empty".into(),
        InputError::SeveralLines(n) => {
            format!("the paste holds {n} lines: paste the secret alone")
        }
        InputError::TooLong => format!(
            "the paste is longer than {} KiB: that is not a token secret",
            MAX_INPUT / 1024
        ),
        InputError::NotText => "the paste is not text".into(),
    }
}

fn start_search(app: &mut App, secret: SecretString) -> Vec<Effect> {
    let Some(view) = view_mut(app) else {
        return Vec::new();
    };
    view.fingerprint_prefix = Some(leak::fingerprint_prefix(&secret));
    view.secret = Some(secret);
    view.typed.zeroize();
    view.note = None;
    view.stage = Stage::Searching { fingerprints: None };
    // Every account that is not loaded is listed now, all at once; failed ones get another try.
    let mut effects = vec![Effect::LoadFingerprints];
    for account in 0..app.accounts.len() {
        if matches!(
            app.accounts[account].tokens,
            Loadable::NotLoaded | Loadable::Failed(_)
        ) {
            effects.push(app.request_list(account));
        }
    }
    app.dirty = true;
    effects
}

/// The fingerprint files were read.
pub fn on_fingerprints(app: &mut App, fingerprints: Fingerprints) {
    if let Some(view) = view_mut(app)
        && let Stage::Searching { fingerprints: slot } = &mut view.stage
    {
        *slot = Some(fingerprints);
        try_finish(app);
    }
}

/// An account's list answer was taken (request `id`): it may complete the search, or verify a
/// revoke.
pub fn on_listed(app: &mut App, account: usize, id: ReqId) -> Vec<Effect> {
    let Some(view) = view_mut(app) else {
        return Vec::new();
    };
    match &view.stage {
        Stage::Searching { .. } => {
            try_finish(app);
            Vec::new()
        }
        Stage::Found(Found {
            revoke: Some(r), ..
        }) if r.token.account == account
            && matches!(r.step, Step::Verifying { from, .. } if id >= from) =>
        {
            verify_now(app)
        }
        _ => Vec::new(),
    }
}

/// Search once every list and the fingerprints are in.
fn try_finish(app: &mut App) {
    if app
        .accounts
        .iter()
        .any(|a| matches!(a.tokens, Loadable::NotLoaded | Loadable::Loading))
    {
        return;
    }
    let Some((view, accounts)) = view_and_accounts(app) else {
        return;
    };
    let (
        Stage::Searching {
            fingerprints: Some(fingerprints),
        },
        Some(secret),
    ) = (&view.stage, &view.secret)
    else {
        return;
    };
    let findings = search(accounts, secret, fingerprints);
    tracing::info!(
        matches = findings.matches.len(),
        method = findings.method.map(|m| m.key()),
        searched = findings.searched,
        unsearched = findings.unsearched.len(),
        "leak search in the dashboard"
    );
    let cursor = findings
        .matches
        .iter()
        .position(|m| m.status == MatchStatus::Listed)
        .unwrap_or(0);
    let open = findings
        .matches
        .get(cursor)
        .and_then(|m| Some((account_of(accounts, m)?, m.token_id()?.clone())));
    view.stage = Stage::Found(Found {
        findings,
        cursor,
        revoke: None,
    });
    // The match opens its token behind the dialog too, where it stays once the dialog closes.
    if let Some((account, id)) = open {
        app.table.select_when_listed(account, id);
        app.table.show(&app.accounts, Some(account));
        app.focus = Focus::Tokens;
    }
    app.dirty = true;
}

/// [`leak::search`] over what the dashboard holds.
fn search(
    accounts: &[AccountState],
    secret: &SecretString,
    fingerprints: &Fingerprints,
) -> Findings {
    let errors: Vec<String> = accounts
        .iter()
        .map(|a| match &a.tokens {
            Loadable::Failed(e) => error_text(e),
            _ => "not listed".to_owned(),
        })
        .collect();
    let searched: Vec<Searched<'_>> = accounts
        .iter()
        .zip(&errors)
        .map(|(a, error)| Searched {
            account: &a.info.name,
            provider: a.info.kind,
            listing: match &a.tokens {
                Loadable::Loaded(tokens) => Ok(tokens.as_slice()),
                _ => Err(error.as_str()),
            },
        })
        .collect();
    leak::search(secret, &searched, fingerprints)
}

/// An error with what to do about it.
fn error_text(e: &ApiError) -> String {
    match e.advice() {
        Some(advice) => format!("{e}; {advice}"),
        None => e.to_string(),
    }
}

/// The configured account a match is in.
fn account_of(accounts: &[AccountState], m: &Match) -> Option<usize> {
    accounts
        .iter()
        .position(|a| a.info.name == m.account && a.info.kind == m.provider)
}

/// `name (id)`, the id as it may be shown.
pub fn token_label(m: &Match) -> String {
    let name = m.name.as_deref().unwrap_or("(unnamed)");
    match &m.shown_id {
        Some(id) => format!("{name} ({id})"),
        None => name.to_owned(),
    }
}

/// A key: the keymap's `LeakPaste` layer while the field waits for the secret (printable keys
/// are typed there), its `LeakMatch` layer once the search is under way.
pub fn on_key(app: &mut App, mut view: Box<LeakView>, key: KeyEvent) -> Vec<Effect> {
    if view.revoking() {
        if matches!(
            app.keymap.action_for(&key, Layer::LeakMatch),
            Some(KeyAction::Cancel | KeyAction::Quit)
        ) {
            view.note = Some(
                "the revoke is in flight and its re-list is checked against the secret: this \
                 closes once it is verified"
                    .into(),
            );
        }
        app.modal = Some(Modal::Leak(view));
        return Vec::new();
    }
    match &mut view.stage {
        Stage::Input => match app.keymap.action_for(&key, Layer::LeakPaste) {
            // Dropping the view wipes the secret and the typed characters.
            Some(KeyAction::Cancel) => {
                app.close_modal();
                return Vec::new();
            }
            Some(KeyAction::Accept) if view.typing() => {
                let typed = view.typed.as_bytes().to_vec();
                view.typed.zeroize();
                app.modal = Some(Modal::Leak(view));
                return match leak::secret_from_input(typed) {
                    Ok(secret) => start_search(app, secret),
                    Err(e) => {
                        if let Some(view) = view_mut(app) {
                            view.note = Some(paste_problem(e));
                        }
                        Vec::new()
                    }
                };
            }
            Some(KeyAction::Accept) => view.note = Some("paste the leaked secret first".into()),
            // No other action is bound here: the key is typed, if anything.
            _ => view.type_key(&key),
        },
        Stage::Searching { .. } => {
            if app.keymap.action_for(&key, Layer::LeakMatch) == Some(KeyAction::Cancel) {
                app.close_modal();
                return Vec::new();
            }
        }
        Stage::Found(found) => match app.keymap.action_for(&key, Layer::LeakMatch) {
            Some(KeyAction::Cancel | KeyAction::Quit | KeyAction::Deny) => {
                app.close_modal();
                return Vec::new();
            }
            Some(KeyAction::Accept) if found.revoke.is_some() => {
                app.close_modal();
                return Vec::new();
            }
            Some(KeyAction::Down) if found.revoke.is_none() => {
                found.cursor = (found.cursor + 1).min(found.findings.matches.len().max(1) - 1);
            }
            Some(KeyAction::Up) if found.revoke.is_none() => {
                found.cursor = found.cursor.saturating_sub(1);
            }
            Some(KeyAction::Confirm) if found.revoke.is_none() => {
                return revoke(app, view, Action::Delete);
            }
            Some(KeyAction::DisableInstead) if found.revoke.is_none() => {
                return revoke(app, view, Action::Disable);
            }
            _ => {}
        },
    }
    app.modal = Some(Modal::Leak(view));
    Vec::new()
}

/// `y` (delete) or `t` (disable) on the match under the cursor: through the gate to the worker.
fn revoke(app: &mut App, mut view: Box<LeakView>, action: Action) -> Vec<Effect> {
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
fn verify_now(app: &mut App) -> Vec<Effect> {
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
