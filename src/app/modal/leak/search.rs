//! The search half of the leaked-secret dialog: from the paste to the findings. A paste (or
//! the typed field) becomes the secret, the accounts not yet loaded are listed and the
//! fingerprint files read, and once every answer is in, [`leak::search`] runs over what the
//! dashboard holds and the match under the cursor is opened behind the dialog.
//!
//! Separate from the revoke because it never changes anything: it only reads lists, and its
//! rules (what counts as searched, how a partial search is named) change with the search, not
//! with how a revoke is proven.

use secrecy::zeroize::Zeroize;

use crate::app::{AccountState, App, Effect, Focus, Loadable};
use crate::leak::input::MAX_INPUT;
use crate::leak::{self, Findings, Fingerprints, InputError, Match, MatchStatus, Searched};
use crate::model::ApiError;
use crate::secret::SecretString;

use super::{Found, Stage, view_and_accounts, view_mut};

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
pub(super) fn paste_problem(e: InputError) -> String {
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

pub(super) fn start_search(app: &mut App, secret: SecretString) -> Vec<Effect> {
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

/// Search once every list and the fingerprints are in.
pub(super) fn try_finish(app: &mut App) {
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
pub(super) fn error_text(e: &ApiError) -> String {
    match e.advice() {
        Some(advice) => format!("{e}; {advice}"),
        None => e.to_string(),
    }
}

/// The configured account a match is in.
pub(super) fn account_of(accounts: &[AccountState], m: &Match) -> Option<usize> {
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
