//! `tokdash revoke --from-stdin`: find the token a leaked secret belongs to, delete (or disable)
//! it, re-list its account to verify, and leave an incident record. Exit 0 only once the
//! provider's own list confirms it.
//!
//! Cost, from pasted secret to verified revoke: one list per account (concurrently), then one
//! delete and one verifying list per account acted on.

use futures::future::join_all;
use serde::Serialize;

use super::{EXIT_FAILED, EXIT_USAGE, Format, RevokeArgs, Trail};
use super::{
    UnsearchedJson, account_label, api_error_text, match_rows, ok_or_partial, registry_account,
    report_no_match, report_unsearched, token_label, tty, unsearched_json,
};
use crate::audit::{Attempt, Incident, Outcome, TokenLabel};
use crate::cli::in_flight;
use crate::cli::output;
use crate::leak::{Action, Findings, Match, Verification, verify};
use crate::model::{Refusal, TokenUpdate};
use crate::provider::{Account, ProviderKind, Registry};
use crate::secret::SecretString;
use crate::text::sanitize;

/// What happened to one target.
struct Done<'a> {
    target: &'a Match,
    /// The provider's answer to the delete or disable.
    result: Result<(), String>,
    /// No answer came back: the change may have happened; the re-list decides.
    unknown: bool,
    verification: Option<Verification>,
}

impl Done<'_> {
    fn holds(&self) -> bool {
        self.verification.as_ref().is_some_and(Verification::holds)
    }

    fn outcome(&self) -> Outcome {
        match (&self.result, self.unknown) {
            (Ok(()), _) => Outcome::Ok,
            (Err(_), true) => Outcome::Unknown,
            (Err(_), false) => Outcome::Failed,
        }
    }
}

pub async fn run(
    args: &RevokeArgs,
    secret: &SecretString,
    f: &Findings,
    registry: &Registry,
    format: Format,
    trail: &Trail,
) -> i32 {
    report_unsearched(f);
    for m in f.matches.iter().filter(|m| m.token.is_none()) {
        eprintln!(
            "tokdash: the secret matches token {} of account {} by {}, which cannot be revoked: {}",
            token_label(m),
            account_label(&m.account, m.provider),
            m.matched_by.method().describe(),
            m.status.describe()
        );
    }
    let targets: Vec<&Match> = f.revocable().collect();
    if targets.is_empty() {
        if f.matches.is_empty() {
            return report_no_match(f);
        }
        eprintln!("tokdash: nothing was revoked: no token matching this secret is listed now");
        return if f.is_partial() {
            super::EXIT_PARTIAL
        } else {
            EXIT_FAILED
        };
    }
    if targets.len() > 1 && !args.all {
        eprint!("{}", match_rows(&targets));
        eprintln!(
            "tokdash: {} tokens match this secret; refusing to revoke more than one without \
             --all. Nothing was revoked.",
            targets.len()
        );
        return EXIT_USAGE;
    }
    let action = if args.disable {
        Action::Disable
    } else {
        Action::Delete
    };
    let fingerprint = f.fingerprint_prefix.as_str();

    // Every target must be allowed before anything is changed.
    let mut refused = false;
    for m in &targets {
        let Some(account) = registry_account(registry, m) else {
            continue;
        };
        if let Err(refusal) = account.allows(action.op()) {
            let message = refusal_message(&refusal, account, action);
            eprintln!("tokdash: {message}");
            record(
                trail,
                m,
                action,
                Outcome::Refused,
                Some(&message),
                None,
                fingerprint,
            );
            refused = true;
        }
    }
    if refused {
        eprintln!("tokdash: nothing was revoked");
        return EXIT_FAILED;
    }

    if !args.yes {
        eprint!("{}", match_rows(&targets));
        let verb = match action {
            Action::Delete => "Delete",
            Action::Disable => "Disable",
        };
        let question = match targets.as_slice() {
            [m] => format!(
                "{verb} token {} in account {}?",
                token_label(m),
                sanitize(&m.account)
            ),
            many => format!("{verb} these {} tokens?", many.len()),
        };
        match tty::confirm(question).await {
            Ok(true) => {}
            Ok(false) => {
                for m in &targets {
                    record(
                        trail,
                        m,
                        action,
                        Outcome::Refused,
                        Some("cancelled"),
                        None,
                        fingerprint,
                    );
                }
                eprintln!("tokdash: cancelled; nothing was revoked");
                return EXIT_FAILED;
            }
            Err(message) => {
                eprintln!("tokdash: {message}; nothing was revoked");
                return EXIT_FAILED;
            }
        }
    }

    // One group per account, the accounts concurrently.
    let mut groups: Vec<(&Account, Vec<&Match>)> = Vec::new();
    for m in &targets {
        let Some(account) = registry_account(registry, m) else {
            continue;
        };
        match groups.iter_mut().find(|(a, _)| a.name == account.name) {
            Some((_, ms)) => ms.push(m),
            None => groups.push((account, vec![m])),
        }
    }
    // From the first pending record on, a signal waits for the outcomes instead of ending the
    // process with a revoke unrecorded.
    let signals = in_flight::Signals::catch();
    let revokes = join_all(
        groups
            .into_iter()
            .map(|(account, ms)| revoke_in(account, ms, action, secret, trail)),
    );
    let what = format!("revoking {} token(s)", targets.len());
    let done: Vec<Done<'_>> = match in_flight::land(signals, revokes, &what).await {
        Ok(done) => done.into_iter().flatten().collect(),
        Err(abandoned) => {
            eprintln!(
                "tokdash: {} received again: quitting without the outcome; the audit trail keeps \
                 the revoke as pending. Run `tokdash find` with the secret again to see whether \
                 it happened.",
                abandoned.signal
            );
            return abandoned.exit_code;
        }
    };

    for d in &done {
        record(
            trail,
            d.target,
            action,
            d.outcome(),
            d.result.as_ref().err().map(String::as_str),
            d.verification.as_ref(),
            fingerprint,
        );
    }
    match format {
        Format::Json => output::print(&json(f, &done, action)),
        _ => output::print(&text(&done, action)),
    }
    for d in &done {
        if let Some(message) = failure(d, action) {
            eprintln!("tokdash: {message}");
        }
    }
    if done.iter().all(Done::holds) {
        ok_or_partial(f)
    } else {
        EXIT_FAILED
    }
}

/// Why the gate said no, said for this command.
fn refusal_message(refusal: &Refusal, account: &Account, action: Action) -> String {
    match refusal {
        Refusal::Unsupported { provider, .. } if action == Action::Disable => format!(
            "account {}: --disable is for providers whose tokens can be disabled (sematext); \
             {provider} cannot disable tokens: revoke without --disable to delete it",
            account_label(&account.name, account.kind)
        ),
        r => sanitize(&r.to_string()),
    }
}

/// Act on every target of one account, then list it once to verify.
async fn revoke_in<'a>(
    account: &Account,
    targets: Vec<&'a Match>,
    action: Action,
    secret: &SecretString,
    trail: &Trail,
) -> Vec<Done<'a>> {
    let mut done = Vec::with_capacity(targets.len());
    for m in targets {
        let Some(id) = m.token_id().cloned() else {
            continue;
        };
        // The attempt is on record before its request leaves, and its outcome after.
        let attempt = Attempt::new(&account.name, account.kind, action.op());
        let label = TokenLabel {
            id: m.shown_id.clone(),
            name: m.name.clone(),
        };
        trail.pending(&attempt, &label);
        let result = match action {
            Action::Delete => account.client.delete(id).await,
            Action::Disable => account
                .client
                .update(
                    id,
                    TokenUpdate {
                        name: None,
                        enabled: Some(false),
                    },
                )
                .await
                .map(|_| ()),
        };
        let unknown = result.as_ref().is_err_and(|e| e.outcome_unknown());
        let d = Done {
            target: m,
            result: result.map_err(|e| api_error_text(&e)),
            unknown,
            verification: None,
        };
        trail.finish(
            &attempt,
            &label,
            d.outcome(),
            d.result.as_ref().err().map(String::as_str),
        );
        done.push(d);
    }
    // A change that got no answer may still have happened: the list tells.
    if done.iter().any(|d| d.result.is_ok() || d.unknown) {
        let listed = account.list().await;
        for d in done.iter_mut().filter(|d| d.result.is_ok() || d.unknown) {
            let Some(id) = d.target.token_id() else {
                continue;
            };
            d.verification = Some(match &listed {
                Ok(listing) => match verify(action, account.kind, id, secret, &listing.tokens) {
                    // A token missing from a partial list may be among the tokens not listed.
                    Verification::Gone if listing.partial.is_some() => {
                        Verification::NotVerified(format!(
                            "listed in part: {}",
                            listing.partial.as_deref().unwrap_or("")
                        ))
                    }
                    v => v,
                },
                Err(e) => Verification::NotVerified(api_error_text(e)),
            });
        }
    }
    done
}

fn record(
    trail: &Trail,
    m: &Match,
    action: Action,
    outcome: Outcome,
    error: Option<&str>,
    verification: Option<&Verification>,
    fingerprint: &str,
) {
    let label = TokenLabel {
        id: m.shown_id.clone(),
        name: m.name.clone(),
    };
    trail.incident(&Incident {
        account: &m.account,
        provider: m.provider,
        token: &label,
        matched_by: m.matched_by.method().key(),
        op: action.op(),
        outcome,
        error,
        verification: verification.map_or("not_run", Verification::key),
        fingerprint_prefix: fingerprint,
    });
}

/// What was done and verified, for people.
fn text(done: &[Done<'_>], action: Action) -> String {
    let mut out = String::new();
    for d in done {
        let m = d.target;
        let token = token_label(m);
        let account = sanitize(&m.account);
        let how = m.matched_by.method().describe();
        if d.result.is_ok() {
            out.push_str(&match action {
                Action::Delete => {
                    format!("Deleted token {token} from account {account} (matched by {how}).\n")
                }
                Action::Disable => {
                    format!("Disabled token {token} in account {account} (matched by {how}).\n")
                }
            });
        }
        match &d.verification {
            Some(Verification::Gone) => out.push_str(&format!(
                "verified: token {token} no longer listed in {account}.\n"
            )),
            Some(Verification::Disabled) => out.push_str(&format!(
                "verified: token {token} listed as disabled in {account}.\n"
            )),
            _ => {}
        }
    }
    out
}

/// What went wrong for one target, if anything.
fn failure(d: &Done<'_>, action: Action) -> Option<String> {
    let m = d.target;
    let token = token_label(m);
    let account = account_label(&m.account, m.provider);
    let verb = match action {
        Action::Delete => "delete",
        Action::Disable => "disable",
    };
    if let Err(e) = &d.result
        && !d.holds()
    {
        let unknown = if d.unknown {
            " It may have happened anyway, and the re-list could not confirm it;"
        } else {
            ""
        };
        return Some(format!(
            "account {account}: could not {verb} token {token}: {e}.{unknown} the token may \
             still work"
        ));
    }
    match &d.verification {
        Some(Verification::StillListed) => Some(format!(
            "NOT verified: token {token} is still listed in {account} after the delete; it may \
             still work"
        )),
        Some(Verification::StillEnabled) => Some(format!(
            "NOT verified: token {token} is still listed as enabled in {account} after the \
             disable; it may still work"
        )),
        Some(Verification::NotVerified(e)) => Some(format!(
            "NOT verified: could not re-list {account} to check token {token}: {e}"
        )),
        _ => None,
    }
}

fn json(f: &Findings, done: &[Done<'_>], action: Action) -> String {
    #[derive(Serialize)]
    struct Revoked {
        account: String,
        provider: ProviderKind,
        id: Option<String>,
        name: Option<String>,
        matched_by: &'static str,
        action: &'static str,
        outcome: Outcome,
        error: Option<String>,
        verification: &'static str,
        verified: bool,
    }
    #[derive(Serialize)]
    struct Out {
        fingerprint_prefix: String,
        matched_by: Option<&'static str>,
        revoked: Vec<Revoked>,
        unsearched: Vec<UnsearchedJson>,
    }
    output::to_json(&Out {
        fingerprint_prefix: f.fingerprint_prefix.clone(),
        matched_by: f.method.map(|m| m.key()),
        revoked: done
            .iter()
            .map(|d| Revoked {
                account: d.target.account.clone(),
                provider: d.target.provider,
                id: d.target.shown_id.clone(),
                name: d.target.name.clone(),
                matched_by: d.target.matched_by.method().key(),
                action: action.op().verb(),
                outcome: d.outcome(),
                error: d.result.as_ref().err().cloned(),
                verification: d.verification.as_ref().map_or("not_run", Verification::key),
                verified: d.holds(),
            })
            .collect(),
        unsearched: unsearched_json(f),
    })
}
