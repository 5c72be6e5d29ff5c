//! Incident response through the reducer: the leaked-secret dialog (`L`) from paste to a verified
//! revoke, quitting with changes in flight, messages that stay until dismissed, and tokens marked
//! after an operation whose outcome is unknown. No terminal, no network.
//!
//! Over 500 lines on purpose: these are one incident's story, each test a step that builds on
//! the same helpers and fixtures, read top to bottom.

// Shared helpers: this file uses some of them.
#[allow(dead_code)]
mod common {
    pub mod fixtures;
}

use std::time::{Duration, Instant};

use common::fixtures::*;
use crossterm::event::KeyCode;
use tokdash::app::ApiResult;
use tokdash::app::modal::leak::{Stage, Step};
use tokdash::app::modal::quit::LINGER;
use tokdash::app::{ApiRequest, App, Effect, Modal, Msg, TOAST_SECS, ToastKind, update};
use tokdash::audit::Outcome;
use tokdash::leak::{FingerprintRecord, Fingerprints, MatchStatus, Method};
use tokdash::model::ApiError;
use tokdash::model::{Token, TokenId};
use tokdash::provider::ProviderKind;
use tokdash::secret::{SecretString, fingerprint};

fn changed(app: &mut App, id: tokdash::app::ReqId, result: Result<(), ApiError>) -> Vec<Effect> {
    update(
        app,
        Msg::Api {
            id,
            result: ApiResult::Changed(result),
        },
    )
}

fn fingerprints_of(records: Vec<FingerprintRecord>) -> Fingerprints {
    Fingerprints {
        records,
        files: vec!["fingerprints.jsonl".into()],
        ..Fingerprints::default()
    }
}

fn log_lines(app: &App) -> Vec<String> {
    app.log.newest_first().map(|e| e.line()).collect()
}

#[test]
fn paste_match_and_revoke_take_two_keys_and_end_verified() {
    let mut app = loaded();
    let mut keys = 0;
    keys += 1;
    chars(&mut app, "L");
    assert!(matches!(leak_view(&app).stage, Stage::Input));
    // Everything is listed already: the paste only has the fingerprint files read.
    let effects = paste(&mut app, &format!("  {SHIPPER_SECRET}\n"));
    assert_eq!(effects, vec![Effect::LoadFingerprints]);
    assert!(
        !format!("{app:?}").contains(SHIPPER_SECRET),
        "never in Debug"
    );
    update(&mut app, Msg::Fingerprints(Fingerprints::default()));

    let f = found(&app);
    assert_eq!(f.findings.method, Some(Method::ListedSecret));
    assert_eq!(f.findings.matches.len(), 1);
    let m = &f.findings.matches[0];
    assert_eq!(
        (m.account.as_str(), m.name.as_deref(), m.status),
        ("logs-sematext", Some("shipper"), MatchStatus::Listed)
    );
    // The match opens its token behind the dialog.
    assert_eq!(app.selected_account(), Some(3));
    assert_eq!(app.selected_token().unwrap().1.name, "shipper");

    keys += 1;
    let effects = key(&mut app, KeyCode::Char('y'));
    let (id, req) = the_request(&effects);
    assert_eq!(
        req,
        ApiRequest::Delete {
            account: 3,
            token: TokenId::new("4711"),
            name: "shipper".into()
        }
    );
    let effects = changed(&mut app, id, Ok(()));
    let (list, req) = the_request(&effects);
    assert_eq!(req, ApiRequest::List { account: 3 }, "re-listed to verify");
    assert!(matches!(
        &found(&app).revoke.as_ref().unwrap().step,
        Step::Verifying {
            outcome: Outcome::Ok,
            ..
        }
    ));
    let effects = answer(&mut app, list, Ok(vec![]));
    let recorded = incidents(&effects);
    assert_eq!(recorded.len(), 1, "{effects:?}");
    let i = recorded[0];
    assert_eq!(i.account, "logs-sematext");
    assert_eq!(i.token.name.as_deref(), Some("shipper"));
    assert_eq!(i.token.id.as_deref(), Some("4711"));
    assert_eq!(i.matched_by, "listed_secret");
    assert_eq!(i.op, tokdash::model::OpKind::Delete);
    assert_eq!(i.outcome, Outcome::Ok);
    assert_eq!(i.verification, "gone");
    assert_eq!(
        i.fingerprint_prefix,
        fingerprint(&SecretString::from(SHIPPER_SECRET))[..12]
    );
    let said = "verified: token shipper (4711) no longer listed in logs-sematext";
    assert_eq!(app.toasts.last().unwrap().text, said);
    assert_eq!(log_lines(&app)[0], format!("logs-sematext: {said}"));
    assert_eq!(keys, 2, "L and y: the paste is the only other input");

    assert!(!format!("{app:?}").contains(SHIPPER_SECRET));
    key(&mut app, KeyCode::Esc);
    assert!(app.modal.is_none(), "closed: the secret went with it");
}

#[test]
fn accounts_not_loaded_yet_are_listed_all_at_once_and_awaited() {
    let mut app = tokdash::app::App::new(accounts(), options());
    chars(&mut app, "L");
    let effects = paste(&mut app, SHIPPER_SECRET);
    let lists: Vec<usize> = effects
        .iter()
        .filter_map(|e| match e {
            Effect::Api {
                req: ApiRequest::List { account },
                ..
            } => Some(*account),
            _ => None,
        })
        .collect();
    assert_eq!(lists, vec![0, 1, 2, 3], "every account at once");
    assert!(effects.contains(&Effect::LoadFingerprints));
    update(&mut app, Msg::Fingerprints(Fingerprints::default()));
    for i in 0..3 {
        let id = list_id(&app, i);
        answer(&mut app, id, Ok(tokens_for(i)));
        assert!(matches!(leak_view(&app).stage, Stage::Searching { .. }));
    }
    let id = list_id(&app, 3);
    answer(&mut app, id, Ok(tokens_for(3)));
    assert_eq!(found(&app).findings.matches.len(), 1);
}

#[test]
fn a_partial_search_names_the_account_it_could_not_search() {
    let (mut app, _) = started(options());
    for i in [0, 1, 3] {
        let id = list_id(&app, i);
        answer(&mut app, id, Ok(tokens_for(i)));
    }
    let id = list_id(&app, 2);
    answer(
        &mut app,
        id,
        Err(ApiError::Unauthorized("invalid token".into())),
    );
    chars(&mut app, "L");
    // The failed account gets another try.
    let effects = paste(&mut app, "13777603-bdf9-48f7-a493-3b4a94e8be02");
    assert_eq!(the_request(&effects).1, ApiRequest::List { account: 2 });
    update(&mut app, Msg::Fingerprints(Fingerprints::default()));
    let id = list_id(&app, 2);
    answer(
        &mut app,
        id,
        Err(ApiError::Unauthorized("invalid token".into())),
    );
    let f = &found(&app).findings;
    assert!(f.matches.is_empty());
    assert!(f.is_partial(), "never a plain \"not found\"");
    assert_eq!(f.unsearched.len(), 1);
    assert_eq!(f.unsearched[0].account, "prod-qovery");
    assert!(f.unsearched[0].error.contains("invalid token"));
    // Nothing to revoke: y does nothing.
    assert!(key(&mut app, KeyCode::Char('y')).is_empty());
}

#[test]
fn no_match_shows_which_formats_the_value_fits_and_where_to_look() {
    let mut app = loaded();
    chars(&mut app, "L");
    paste(&mut app, &"ab".repeat(32));
    update(&mut app, Msg::Fingerprints(Fingerprints::default()));
    let f = &found(&app).findings;
    assert_eq!(f.method, None);
    assert!(!f.is_partial());
    let fluid = f
        .hints
        .iter()
        .find(|h| h.provider == ProviderKind::Fluid)
        .expect("a fluid hint");
    assert_eq!(fluid.accounts, vec!["acme-fluid"]);
    assert!(key(&mut app, KeyCode::Char('y')).is_empty());
    assert!(
        leak_view(&app)
            .note
            .as_deref()
            .unwrap_or_default()
            .contains("nothing to revoke")
    );
}

#[test]
fn a_fingerprint_match_revokes_a_token_whose_list_carries_no_secret() {
    let mut app = loaded();
    let secret = "f".repeat(64);
    let record = FingerprintRecord::new(
        "acme-fluid",
        ProviderKind::Fluid,
        Some("HTK-1001"),
        Some("ci-deploy"),
        &fingerprint(&SecretString::from(secret.clone())),
        "fingerprints.jsonl",
    )
    .unwrap();
    chars(&mut app, "L");
    paste(&mut app, &secret);
    update(&mut app, Msg::Fingerprints(fingerprints_of(vec![record])));
    let f = found(&app);
    assert_eq!(f.findings.method, Some(Method::Fingerprint));
    assert_eq!(f.findings.matches[0].status, MatchStatus::Listed);
    let effects = key(&mut app, KeyCode::Char('y'));
    let (id, req) = the_request(&effects);
    assert!(matches!(req, ApiRequest::Delete { account: 0, .. }));
    let effects = changed(&mut app, id, Ok(()));
    let (list, _) = the_request(&effects);
    // The provider says yes, but the token is still listed: that is said, and stays.
    let effects = answer(&mut app, list, Ok(fluid_tokens()));
    let i = incidents(&effects)[0];
    assert_eq!(i.matched_by, "fingerprint");
    assert_eq!(i.verification, "still_listed");
    let last = app.toasts.last().unwrap();
    assert!(
        last.sticky && last.text.starts_with("NOT verified"),
        "{last:?}"
    );
}

#[test]
fn sematext_can_disable_instead_and_the_relist_verifies_it_disabled() {
    let mut app = loaded();
    chars(&mut app, "L");
    paste(&mut app, SHIPPER_SECRET);
    update(&mut app, Msg::Fingerprints(Fingerprints::default()));
    let effects = key(&mut app, KeyCode::Char('t'));
    let (id, req) = the_request(&effects);
    assert!(
        matches!(&req, ApiRequest::Update { change, .. } if change.enabled == Some(false)),
        "{req:?}"
    );
    // Esc does not close while the revoke is unverified: the re-list is checked with the secret.
    key(&mut app, KeyCode::Esc);
    assert!(matches!(app.modal, Some(Modal::Leak(_))));
    let effects = changed(&mut app, id, Ok(()));
    let (list, _) = the_request(&effects);
    let mut now = sematext_tokens();
    now[0].enabled = Some(false);
    let effects = answer(&mut app, list, Ok(now));
    assert_eq!(incidents(&effects)[0].verification, "disabled");
    assert_eq!(incidents(&effects)[0].op, tokdash::model::OpKind::Disable);
    assert!(
        app.toasts
            .last()
            .unwrap()
            .text
            .starts_with("verified: token shipper (4711) listed as disabled in logs-sematext")
    );
}

#[test]
fn disabling_is_refused_where_the_provider_cannot_and_read_only_refuses_the_revoke() {
    let mut app = loaded();
    // lagrello's token key is its id, and its list carries it.
    chars(&mut app, "L");
    paste(&mut app, "lgk_9f8e7d6c5b4a39281706");
    update(&mut app, Msg::Fingerprints(Fingerprints::default()));
    assert_eq!(found(&app).findings.matches[0].account, "ops-lagrello");
    assert!(key(&mut app, KeyCode::Char('t')).is_empty());
    assert!(
        leak_view(&app)
            .note
            .as_deref()
            .unwrap()
            .contains("lagrello cannot disable tokens")
    );
    key(&mut app, KeyCode::Esc);

    // prod-qovery is read-only: the gate says no, and the incident record says so.
    let secret = "q".repeat(40);
    let record = FingerprintRecord::new(
        "prod-qovery",
        ProviderKind::Qovery,
        Some("8c1f4e2a-0b6d-4d5e-9a7b-3c2e1f0a9b8c"),
        Some("terraform"),
        &fingerprint(&SecretString::from(secret.clone())),
        "fingerprints.jsonl",
    )
    .unwrap();
    chars(&mut app, "L");
    paste(&mut app, &secret);
    update(&mut app, Msg::Fingerprints(fingerprints_of(vec![record])));
    let effects = key(&mut app, KeyCode::Char('y'));
    assert!(
        !effects.iter().any(|e| matches!(e, Effect::Api { .. })),
        "{effects:?}"
    );
    assert!(effects.iter().any(|e| matches!(e, Effect::Audit(_))));
    let i = incidents(&effects)[0];
    assert_eq!((i.outcome, i.verification), (Outcome::Refused, "not_run"));
    assert!(i.error.as_deref().unwrap().contains("read-only"));
}

#[test]
fn a_multi_line_paste_is_refused_without_quoting_it_and_typing_works_too() {
    let mut app = loaded();
    chars(&mut app, "L");
    assert!(paste(&mut app, "hunter2\nhunter3").is_empty());
    let note = leak_view(&app).note.clone().unwrap();
    assert!(
        note.contains("2 lines") && !note.contains("hunter"),
        "{note}"
    );
    // A terminal without bracketed paste types it: Enter searches.
    let effects = chars(&mut app, SHIPPER_SECRET);
    assert!(effects.is_empty());
    assert!(!format!("{app:?}").contains(SHIPPER_SECRET));
    let effects = key(&mut app, KeyCode::Enter);
    assert_eq!(effects, vec![Effect::LoadFingerprints]);
    update(&mut app, Msg::Fingerprints(Fingerprints::default()));
    assert_eq!(found(&app).findings.matches.len(), 1);
}

#[test]
fn the_command_line_opens_the_dialog_and_the_log() {
    let mut app = loaded();
    key(&mut app, KeyCode::Char(':'));
    chars(&mut app, "leak");
    key(&mut app, KeyCode::Enter);
    assert!(matches!(app.modal, Some(Modal::Leak(_))));
    key(&mut app, KeyCode::Esc);
    key(&mut app, KeyCode::Char(':'));
    chars(&mut app, "messages");
    key(&mut app, KeyCode::Enter);
    assert!(matches!(app.modal, Some(Modal::Messages(_))));
    key(&mut app, KeyCode::Esc);
    key(&mut app, KeyCode::Char('m'));
    assert!(matches!(app.modal, Some(Modal::Messages(_))));
}

/// Select sematext's shipper and send its delete; the request id.
fn delete_shipper(app: &mut App) -> tokdash::app::ReqId {
    key(app, KeyCode::Char(':'));
    chars(app, "account logs-sematext");
    key(app, KeyCode::Enter);
    key(app, KeyCode::Char('d'));
    the_request(&key(app, KeyCode::Char('y'))).0
}

#[test]
fn quitting_with_a_change_in_flight_asks_and_waiting_shows_the_outcome_then_quits() {
    let mut app = loaded();
    let id = delete_shipper(&mut app);
    assert!(key(&mut app, KeyCode::Char('q')).is_empty(), "asks first");
    assert!(matches!(app.modal, Some(Modal::Quit(_))));
    assert_eq!(
        tokdash::app::modal::quit::in_flight(&app),
        vec!["delete shipper in logs-sematext"]
    );
    key(&mut app, KeyCode::Char('w'));
    assert!(!app.quit);
    let effects = changed(&mut app, id, Ok(()));
    assert!(
        !effects.contains(&Effect::Quit),
        "the outcome is shown first"
    );
    assert!(app.needs_tick());
    let t0 = Instant::now();
    assert!(update(&mut app, Msg::Tick(t0, NOW)).is_empty());
    let effects = update(&mut app, Msg::Tick(t0 + LINGER, NOW));
    assert_eq!(effects, vec![Effect::Quit]);
    assert_eq!(app.exit_report, vec!["logs-sematext: deleted shipper"]);
}

/// Asked to quit with a change in flight, the change answers before the user chose: the
/// question no longer holds and goes, rather than read "0 changes in flight".
#[test]
fn the_quit_question_goes_when_the_change_answers_before_a_choice() {
    let mut app = loaded();
    let id = delete_shipper(&mut app);
    key(&mut app, KeyCode::Char('q'));
    assert!(matches!(app.modal, Some(Modal::Quit(_))));
    changed(&mut app, id, Ok(()));
    assert!(app.modal.is_none(), "{:?}", app.modal);
    assert!(!app.quit, "nobody chose to quit yet");
    assert!(
        app.toasts
            .iter()
            .any(|t| t.text == "nothing is in flight any more: q quits"),
        "{:?}",
        app.toasts
    );
    assert_eq!(key(&mut app, KeyCode::Char('q')), vec![Effect::Quit]);
}

/// "Wait, then quit" with a delivery to a sink in flight quits once the delivery answers.
#[test]
fn waiting_to_quit_on_a_delivery_quits_when_it_answers() {
    let mut app = loaded();
    let id = app.next_req();
    app.delivering
        .insert(id, "deliver shipper to vault".to_owned());
    key(&mut app, KeyCode::Char('q'));
    assert!(matches!(app.modal, Some(Modal::Quit(_))), "asks first");
    key(&mut app, KeyCode::Char('w'));
    update(
        &mut app,
        Msg::Delivered {
            id,
            result: Ok("ran `vault`".to_owned()),
        },
    );
    let t0 = Instant::now();
    update(&mut app, Msg::Tick(t0, NOW));
    let effects = update(&mut app, Msg::Tick(t0 + LINGER, NOW));
    assert_eq!(
        effects,
        vec![Effect::Quit],
        "waiting ended with the delivery"
    );
}

#[test]
fn quit_anyway_says_what_was_left_in_flight_and_esc_stays() {
    let mut app = loaded();
    delete_shipper(&mut app);
    ctrl(&mut app, 'c');
    assert!(matches!(app.modal, Some(Modal::Quit(_))), "ctrl-c asks too");
    key(&mut app, KeyCode::Esc);
    assert!(app.modal.is_none() && !app.quit);
    // Asked again, a second ctrl-c insists.
    key(&mut app, KeyCode::Char('q'));
    assert_eq!(ctrl(&mut app, 'c'), vec![Effect::Quit]);
    assert_eq!(app.exit_report.len(), 1);
    assert!(
        app.exit_report[0].starts_with("delete shipper in logs-sematext: still in flight"),
        "{:?}",
        app.exit_report
    );
}

#[test]
fn a_leak_revoke_counts_as_in_flight_until_verified() {
    let mut app = loaded();
    chars(&mut app, "L");
    paste(&mut app, SHIPPER_SECRET);
    update(&mut app, Msg::Fingerprints(Fingerprints::default()));
    let (id, _) = the_request(&key(&mut app, KeyCode::Char('y')));
    ctrl(&mut app, 'c');
    key(&mut app, KeyCode::Enter);
    let effects = changed(&mut app, id, Ok(()));
    let (list, _) = the_request(&effects);
    assert_eq!(
        tokdash::app::modal::quit::in_flight(&app),
        vec!["verify the delete of shipper in logs-sematext"]
    );
    let effects = answer(&mut app, list, Ok(vec![]));
    assert_eq!(incidents(&effects)[0].verification, "gone");
    let t0 = Instant::now();
    update(&mut app, Msg::Tick(t0, NOW));
    assert_eq!(
        update(&mut app, Msg::Tick(t0 + LINGER, NOW)),
        vec![Effect::Quit]
    );
    assert!(
        app.exit_report
            .iter()
            .any(|l| l.contains("verified: token shipper (4711) no longer listed")),
        "{:?}",
        app.exit_report
    );
}

#[test]
fn quitting_anyway_mid_revoke_leaves_an_incident_record_saying_so() {
    let mut app = loaded();
    chars(&mut app, "L");
    paste(&mut app, SHIPPER_SECRET);
    update(&mut app, Msg::Fingerprints(Fingerprints::default()));
    key(&mut app, KeyCode::Char('y'));
    key(&mut app, KeyCode::Char('q'));
    ctrl(&mut app, 'c');
    let effects = ctrl(&mut app, 'c');
    assert!(effects.contains(&Effect::Quit));
    let i = incidents(&effects)[0];
    assert_eq!((i.outcome, i.verification), (Outcome::Unknown, "not_run"));
}

#[test]
fn failures_stay_on_screen_until_dismissed_and_the_log_keeps_them() {
    let mut app = loaded();
    let id = delete_shipper(&mut app);
    changed(&mut app, id, Err(ApiError::Forbidden("no".into())));
    let t0 = Instant::now();
    update(&mut app, Msg::Tick(t0, NOW));
    update(
        &mut app,
        Msg::Tick(t0 + Duration::from_secs(TOAST_SECS * 10), NOW),
    );
    assert_eq!(app.toasts.len(), 1, "still there");
    assert!(app.toasts[0].sticky && app.toasts[0].kind == ToastKind::Error);
    assert!(!app.needs_tick(), "a toast that stays needs no timer");
    key(&mut app, KeyCode::Esc);
    assert!(app.toasts.is_empty(), "Esc dismisses");
    let e = app.log.newest_first().next().unwrap();
    assert_eq!(e.account.as_deref(), Some("logs-sematext"));
    assert_eq!(e.time, Some(NOW));
    assert!(e.text.contains("delete shipper failed: forbidden"), "{e:?}");
}

#[test]
fn a_token_whose_create_outcome_was_unknown_is_highlighted_after_the_relist() {
    let mut app = loaded();
    key(&mut app, KeyCode::Char(':'));
    chars(&mut app, "account logs-sematext");
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Char('n'));
    chars(&mut app, "maybe");
    let (id, _) = the_request(&ctrl(&mut app, 's'));
    let effects = update(
        &mut app,
        Msg::Api {
            id,
            result: ApiResult::Created(Err(ApiError::Timeout("no answer".into()))),
        },
    );
    let t0 = Instant::now();
    update(&mut app, Msg::Tick(t0, NOW));
    update(
        &mut app,
        Msg::Tick(t0 + Duration::from_secs(TOAST_SECS + 1), NOW),
    );
    assert!(
        app.toasts
            .iter()
            .any(|t| t.sticky && t.text.contains("may have been created")),
        "the unknown outcome stays"
    );
    let (list, _) = the_request(&effects);
    let mut listed = sematext_tokens();
    listed.push(Token::new("4712", "maybe"));
    answer(&mut app, list, Ok(listed));
    let flag = app.accounts[3]
        .flagged
        .get(&TokenId::new("4712"))
        .expect("flagged");
    assert!(
        flag.reason.contains("create that got no answer"),
        "{flag:?}"
    );
    assert!(!app.accounts[3].flagged.contains_key(&TokenId::new("4711")));
    assert!(log_lines(&app)[0].contains("token maybe appeared after the create"));
}

/// Select sematext's shipper and send its regenerate; it gets no answer. The re-list request.
fn regenerate_shipper_unanswered(app: &mut App) -> tokdash::app::ReqId {
    key(app, KeyCode::Char(':'));
    chars(app, "account logs-sematext");
    key(app, KeyCode::Enter);
    key(app, KeyCode::Char('2'));
    chars(app, "R");
    let (id, req) = the_request(&key(app, KeyCode::Char('y')));
    assert!(matches!(req, ApiRequest::Regenerate { .. }), "{req:?}");
    let effects = update(
        app,
        Msg::Api {
            id,
            result: ApiResult::Created(Err(ApiError::Timeout("no answer".into()))),
        },
    );
    the_request(&effects).0
}

/// A regenerate that got no answer: its token is known, so it is pointed out with the reason
/// at once; sematext's list carries secrets, so the re-list says whether it happened.
#[test]
fn a_token_whose_regenerate_outcome_was_unknown_is_highlighted_after_the_relist() {
    let mut app = loaded();
    let list = regenerate_shipper_unanswered(&mut app);
    assert!(
        app.toasts
            .iter()
            .any(|t| t.sticky && t.text.contains("may have been regenerated")),
        "the unknown outcome stays"
    );
    let shipper = TokenId::new("4711");
    let flag = app.accounts[3].flagged.get(&shipper).expect("flagged");
    assert_eq!(flag.op, tokdash::model::OpKind::Regenerate);
    assert!(
        flag.reason
            .starts_with("a regenerate of it got no answer (timed out): if it happened"),
        "{flag:?}"
    );
    // Listed with a new secret: it happened.
    let mut listed = sematext_tokens();
    listed[0].secret = Some("st-secret-value-0002".to_owned().into());
    answer(&mut app, list, Ok(listed));
    let flag = app.accounts[3]
        .flagged
        .get(&shipper)
        .expect("still flagged after the re-list");
    assert!(
        flag.reason
            .contains("listed with a new secret since: it happened"),
        "{flag:?}"
    );
    assert!(log_lines(&app)[0].contains("token shipper is listed with a new secret"));

    // Regenerated again, with an answer: its secret is shown, and the mark goes.
    chars(&mut app, "R");
    let (id, _) = the_request(&key(&mut app, KeyCode::Char('y')));
    update(
        &mut app,
        Msg::Api {
            id,
            result: ApiResult::Created(Ok(Box::new(tokdash::model::Created {
                token: Token::new("4711", "shipper"),
                secret: "st-secret-value-0003".to_owned().into(),
            }))),
        },
    );
    assert!(app.accounts[3].flagged.is_empty());
}

#[test]
fn a_regenerate_that_got_no_answer_and_left_the_secret_as_it_was_is_not_highlighted() {
    let mut app = loaded();
    let list = regenerate_shipper_unanswered(&mut app);
    answer(&mut app, list, Ok(sematext_tokens()));
    assert!(app.accounts[3].flagged.is_empty());
    assert!(
        log_lines(&app)[0].contains("listed with the same secret")
            && log_lines(&app)[0].contains("seems not to have happened"),
        "{:?}",
        log_lines(&app)
    );
    // Unanswered again, then gone from the list: no longer pointed out.
    let list = regenerate_shipper_unanswered(&mut app);
    answer(&mut app, list, Ok(vec![]));
    assert!(app.accounts[3].flagged.is_empty());
}
