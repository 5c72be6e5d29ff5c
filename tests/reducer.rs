//! The reducer, driven by messages as the event loop would send them; no terminal, no network.

mod common {
    pub mod fixtures;
}

use std::time::{Duration, Instant};

use common::fixtures::*;
use crossterm::event::KeyCode;
use tokdash::app::ApiResult;
use tokdash::app::modal::form::FieldValue;
use tokdash::app::modal::leak::{Stage, Step};
use tokdash::app::modal::quit::LINGER;
use tokdash::app::{
    ApiRequest, App, AppOptions, Effect, Focus, Keymap, Loadable, Modal, Mode, Msg, SortKey,
    TOAST_SECS, ToastKind, update,
};
use tokdash::audit::Outcome;
use tokdash::leak::{FingerprintRecord, Fingerprints, MatchStatus, Method};
use tokdash::model::ApiError;
use tokdash::model::{Token, TokenId};
use tokdash::provider::ProviderKind;
use tokdash::secret::{SecretString, fingerprint};

/// Names in the tokens table, top to bottom.
fn row_names(app: &App) -> Vec<String> {
    app.table
        .rows()
        .iter()
        .filter_map(|r| app.token_at(*r).map(|(_, t)| t.name.clone()))
        .collect()
}

#[test]
fn start_lists_every_account_at_once() {
    let (app, effects) = started(options());
    let reqs: Vec<_> = effects
        .iter()
        .map(|e| match e {
            Effect::Api { id, req } => (*id, req.clone()),
            other => panic!("unexpected {other:?}"),
        })
        .collect();
    assert_eq!(reqs.len(), 4);
    for (i, (id, req)) in reqs.iter().enumerate() {
        assert_eq!(*req, ApiRequest::List { account: i });
        assert_eq!(app.accounts[i].latest_list, Some(*id));
        assert!(matches!(app.accounts[i].tokens, Loadable::Loading));
    }
    assert_eq!(app.in_flight.len(), 4);
    assert!(app.needs_tick(), "spinners turn while loading");
}

#[test]
fn one_account_loading_does_not_hold_up_the_others() {
    let (mut app, _) = started(options());
    let id = list_id(&app, 1);
    answer(&mut app, id, Ok(lagrello_tokens()));
    assert_eq!(row_names(&app), vec!["grafana-reader", "zapier"]);
    assert!(matches!(app.accounts[0].tokens, Loadable::Loading));
    assert_eq!(app.in_flight.len(), 3);
}

#[test]
fn all_accounts_lists_every_token_sorted_by_name() {
    let app = loaded();
    assert_eq!(app.account_sel(), 0);
    assert_eq!(
        row_names(&app),
        vec![
            "alice-laptop",
            "backup-job",
            "ci-deploy",
            "grafana-reader",
            "shipper",
            "terraform",
            "zapier"
        ]
    );
    assert!(
        !app.busy() && !app.needs_tick(),
        "idle once everything answered"
    );
}

#[test]
fn moving_in_accounts_selects_an_account() {
    let mut app = loaded();
    key(&mut app, KeyCode::Char('j'));
    assert_eq!(app.selected_account(), Some(0));
    assert_eq!(
        row_names(&app),
        vec!["alice-laptop", "backup-job", "ci-deploy"]
    );
    key(&mut app, KeyCode::Char('G'));
    assert_eq!(app.selected_account(), Some(3));
    assert_eq!(row_names(&app), vec!["shipper"]);
    key(&mut app, KeyCode::Char('g'));
    assert_eq!(app.selected_account(), None);
    key(&mut app, KeyCode::Up);
    assert_eq!(app.account_sel(), 0, "the cursor stops at the top");
}

#[test]
fn moving_in_tokens_and_paging() {
    let mut app = loaded();
    key(&mut app, KeyCode::Tab);
    assert_eq!(app.focus, Focus::Tokens);
    key(&mut app, KeyCode::Down);
    key(&mut app, KeyCode::Char('j'));
    assert_eq!(app.selected_token().unwrap().1.name, "ci-deploy");
    key(&mut app, KeyCode::Char('G'));
    assert_eq!(app.selected_token().unwrap().1.name, "zapier");
    key(&mut app, KeyCode::Char('j'));
    assert_eq!(
        app.selected_token().unwrap().1.name,
        "zapier",
        "stops at the bottom"
    );
    app.table.set_page(3);
    key(&mut app, KeyCode::PageUp);
    assert_eq!(app.selected_token().unwrap().1.name, "grafana-reader");
    key(&mut app, KeyCode::PageUp);
    key(&mut app, KeyCode::PageUp);
    assert_eq!(app.table.cursor(), 0);
    key(&mut app, KeyCode::PageDown);
    assert_eq!(app.table.cursor(), 3);
}

#[test]
fn focus_keys() {
    let mut app = loaded();
    key(&mut app, KeyCode::Char('3'));
    assert_eq!(app.focus, Focus::Detail);
    key(&mut app, KeyCode::Tab);
    assert_eq!(app.focus, Focus::Accounts, "tab wraps around");
    key(&mut app, KeyCode::BackTab);
    assert_eq!(app.focus, Focus::Detail);
    key(&mut app, KeyCode::Char('1'));
    assert_eq!(app.focus, Focus::Accounts);
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.focus, Focus::Tokens);
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.focus, Focus::Detail, "enter opens the detail");
    key(&mut app, KeyCode::Esc);
    assert_eq!(app.focus, Focus::Tokens);
}

#[test]
fn filter_narrows_as_you_type_and_esc_clears() {
    let mut app = loaded();
    key(&mut app, KeyCode::Char('/'));
    assert_eq!(app.mode, Mode::Filter);
    assert_eq!(app.focus, Focus::Tokens);
    chars(&mut app, "ci-dep");
    assert_eq!(row_names(&app), vec!["ci-deploy"]);
    key(&mut app, KeyCode::Esc);
    assert_eq!(app.mode, Mode::Normal);
    assert_eq!(app.table.query(), "");
    assert_eq!(app.table.rows().len(), 7);
}

#[test]
fn filter_matches_account_and_scopes_and_enter_keeps_it() {
    let mut app = loaded();
    key(&mut app, KeyCode::Char('/'));
    chars(&mut app, "lagrello");
    assert_eq!(row_names(&app), vec!["grafana-reader", "zapier"]);
    key(&mut app, KeyCode::Backspace);
    key(&mut app, KeyCode::Backspace);
    ctrl(&mut app, 'u');
    chars(&mut app, "write:cards");
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.mode, Mode::Normal);
    assert_eq!(row_names(&app), vec!["zapier"]);
    // Esc in normal mode clears a kept filter before it moves focus.
    key(&mut app, KeyCode::Esc);
    assert_eq!(app.table.rows().len(), 7);
    assert_eq!(app.focus, Focus::Tokens);
}

#[test]
fn typing_q_in_the_filter_does_not_quit() {
    let mut app = loaded();
    key(&mut app, KeyCode::Char('/'));
    let effects = chars(&mut app, "q");
    assert!(effects.is_empty());
    assert!(!app.quit);
    assert_eq!(app.table.query(), "q");
}

#[test]
fn pasted_text_loses_control_characters() {
    let mut app = loaded();
    key(&mut app, KeyCode::Char('/'));
    update(&mut app, Msg::Paste("zap\x1b[2J\nier".into()));
    assert_eq!(app.table.query(), "zap[2Jier");
}

#[test]
fn a_huge_paste_into_the_filter_is_cut_and_says_so() {
    let mut app = loaded();
    key(&mut app, KeyCode::Char('/'));
    update(&mut app, Msg::Paste("x".repeat(100_000)));
    assert_eq!(
        app.table.query().chars().count(),
        tokdash::app::line_edit::MAX_FIELD_CHARS
    );
    assert!(app.toasts.iter().any(|t| t.text.contains("cut to")));
}

#[test]
fn a_page_is_the_rows_the_table_really_shows() {
    let mut app = loaded();
    // 120×35: the detail pane sits under the tokens, so a page is far less than the height.
    update(&mut app, Msg::Resize(120, 35));
    let with_detail = app.table.page();
    assert!((10..25).contains(&with_detail), "{with_detail}");
    // 80×24 stacks accounts above the tokens and shows no detail beside them.
    update(&mut app, Msg::Resize(80, 24));
    assert!(app.table.page() < with_detail, "{}", app.table.page());
    assert_eq!(
        app.table.page(),
        tokdash::ui::token_rows_visible(&app, 80, 24)
    );
}

#[test]
fn sort_cycles_and_reverses() {
    let mut app = loaded();
    key(&mut app, KeyCode::Char('j'));
    assert_eq!(
        row_names(&app),
        vec!["alice-laptop", "backup-job", "ci-deploy"]
    );
    key(&mut app, KeyCode::Char('s'));
    assert_eq!(app.table.sort(), SortKey::Created);
    assert_eq!(
        row_names(&app),
        vec!["backup-job", "ci-deploy", "alice-laptop"]
    );
    key(&mut app, KeyCode::Char('S'));
    assert_eq!(
        row_names(&app),
        vec!["alice-laptop", "ci-deploy", "backup-job"]
    );
    for _ in 0..3 {
        key(&mut app, KeyCode::Char('s'));
    }
    assert_eq!(app.table.sort(), SortKey::Name);
}

#[test]
fn the_cursor_follows_its_token_across_a_resort() {
    let mut app = loaded();
    key(&mut app, KeyCode::Char('2'));
    key(&mut app, KeyCode::Char('G'));
    assert_eq!(app.selected_token().unwrap().1.name, "zapier");
    key(&mut app, KeyCode::Char('S'));
    assert_eq!(app.table.cursor(), 0);
    assert_eq!(app.selected_token().unwrap().1.name, "zapier");
}

#[test]
fn stale_list_results_are_dropped() {
    let mut app = loaded();
    key(&mut app, KeyCode::Char('j'));
    let first = list_id(&app, 0);
    let effects = ctrl(&mut app, 'r');
    let second = match effects.as_slice() {
        [
            Effect::Api {
                id,
                req: ApiRequest::List { account: 0 },
            },
        ] => *id,
        other => panic!("expected one list request, got {other:?}"),
    };
    assert_ne!(first, second);
    let effects = ctrl(&mut app, 'r');
    let third = match effects.as_slice() {
        [Effect::Api { id, .. }] => *id,
        other => panic!("{other:?}"),
    };
    // The second request answers after the third was sent: it is stale.
    answer(&mut app, second, Ok(vec![]));
    assert_eq!(
        app.table.rows().len(),
        3,
        "the stale empty list was dropped"
    );
    assert_eq!(app.in_flight.len(), 1);
    let mut fresh = fluid_tokens();
    fresh.truncate(1);
    answer(&mut app, third, Ok(fresh));
    assert_eq!(row_names(&app), vec!["ci-deploy"]);
    assert!(!app.busy());
}

#[test]
fn refresh_under_all_accounts_relists_everything() {
    let mut app = loaded();
    let effects = ctrl(&mut app, 'r');
    assert_eq!(effects.len(), 4);
}

#[test]
fn a_failed_account_shows_why_and_the_rest_load() {
    let (mut app, _) = started(options());
    let id = list_id(&app, 2);
    answer(
        &mut app,
        id,
        Err(ApiError::Unauthorized("invalid token".into())),
    );
    for i in [0, 1, 3] {
        let id = list_id(&app, i);
        answer(&mut app, id, Ok(tokens_for(i)));
    }
    match &app.accounts[2].tokens {
        Loadable::Failed(e) => assert_eq!(e.short(), "auth failed"),
        other => panic!("{other:?}"),
    }
    assert_eq!(app.table.rows().len(), 6);
    assert_eq!(app.toasts.len(), 1);
    assert_eq!(app.toasts[0].kind, ToastKind::Error);
    assert!(app.toasts[0].text.contains("prod-qovery"));
    assert!(app.toasts[0].text.contains("invalid token"));
}

#[test]
fn toasts_expire_on_ticks() {
    let mut app = loaded();
    app.toast(ToastKind::Info, "deleted ci-deploy");
    let t0 = Instant::now();
    update(&mut app, Msg::Tick(t0, NOW));
    assert_eq!(app.toasts.len(), 1);
    update(
        &mut app,
        Msg::Tick(t0 + Duration::from_secs(TOAST_SECS - 1), NOW),
    );
    assert_eq!(app.toasts.len(), 1);
    update(
        &mut app,
        Msg::Tick(t0 + Duration::from_secs(TOAST_SECS + 1), NOW),
    );
    assert!(app.toasts.is_empty());
}

/// A failed list stays until dismissed, like any failure; one per account, the newest, and
/// gone once the account lists fine again.
#[test]
fn a_failed_list_stays_once_per_account_until_it_lists_fine() {
    let (mut app, _) = started(options());
    for i in [1, 2] {
        let id = list_id(&app, i);
        answer(&mut app, id, Ok(tokens_for(i)));
    }
    let id = list_id(&app, 0);
    answer(&mut app, id, Err(ApiError::Network("refused".into())));
    let t0 = Instant::now();
    update(&mut app, Msg::Tick(t0, NOW));
    update(
        &mut app,
        Msg::Tick(t0 + Duration::from_secs(TOAST_SECS * 10), NOW),
    );
    assert_eq!(app.toasts.len(), 1, "still there");
    assert!(app.toasts[0].sticky && app.toasts[0].kind == ToastKind::Error);

    // It fails again: the newer failure replaces it, at the top.
    app.request_list(0);
    let id = list_id(&app, 0);
    answer(&mut app, id, Err(ApiError::Timeout("no answer".into())));
    let id = list_id(&app, 3);
    answer(&mut app, id, Err(ApiError::Network("reset".into())));
    let texts: Vec<&str> = app.toasts.iter().map(|t| t.text.as_str()).collect();
    assert_eq!(texts.len(), 2, "one per account: {texts:?}");
    assert!(
        texts[0].starts_with("acme-fluid: list tokens failed: timed out"),
        "{texts:?}"
    );
    assert!(
        texts[1].starts_with("logs-sematext: list tokens failed"),
        "{texts:?}"
    );

    // It lists fine: its failure goes; the other account's stays.
    app.request_list(0);
    let id = list_id(&app, 0);
    answer(&mut app, id, Ok(tokens_for(0)));
    assert_eq!(app.toasts.len(), 1);
    assert!(app.toasts[0].text.starts_with("logs-sematext"));
    let failures = app
        .log
        .newest_first()
        .filter(|e| e.text.contains("list tokens failed"))
        .count();
    assert_eq!(failures, 3, "the log keeps every failure");
}

#[test]
fn idle_ticks_do_not_redraw() {
    let mut app = loaded();
    app.dirty = false;
    update(&mut app, Msg::Tick(Instant::now(), NOW));
    assert!(!app.dirty);
    assert!(!app.needs_tick());
}

#[test]
fn help_opens_and_any_key_closes_it() {
    let mut app = loaded();
    key(&mut app, KeyCode::Char('?'));
    assert_eq!(app.mode, Mode::Help);
    let effects = key(&mut app, KeyCode::Char('q'));
    assert!(effects.is_empty(), "q closes help rather than quitting");
    assert_eq!(app.mode, Mode::Normal);
}

#[test]
fn command_line_selects_an_account_refreshes_and_quits() {
    let mut app = loaded();
    key(&mut app, KeyCode::Char(':'));
    assert_eq!(app.mode, Mode::Command);
    chars(&mut app, "account logs-sematext");
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.mode, Mode::Normal);
    assert_eq!(app.selected_account(), Some(3));
    assert_eq!(row_names(&app), vec!["shipper"]);

    key(&mut app, KeyCode::Char(':'));
    chars(&mut app, "account ops");
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.selected_account(), Some(1), "a unique prefix selects");

    key(&mut app, KeyCode::Char(':'));
    chars(&mut app, "refresh");
    let effects = key(&mut app, KeyCode::Enter);
    assert_eq!(effects.len(), 1);

    key(&mut app, KeyCode::Char(':'));
    chars(&mut app, "q");
    let effects = key(&mut app, KeyCode::Enter);
    assert_eq!(effects, vec![Effect::Quit]);
}

#[test]
fn unknown_commands_and_accounts_toast() {
    let mut app = loaded();
    key(&mut app, KeyCode::Char(':'));
    chars(&mut app, "account nobody");
    key(&mut app, KeyCode::Enter);
    assert!(
        app.toasts
            .last()
            .unwrap()
            .text
            .contains("no account named `nobody`")
    );
    key(&mut app, KeyCode::Char(':'));
    chars(&mut app, "launch");
    key(&mut app, KeyCode::Enter);
    assert!(app.toasts.last().unwrap().text.contains("unknown command"));
    assert_eq!(app.account_sel(), 0);
}

#[test]
fn q_and_ctrl_c_quit() {
    let mut app = loaded();
    assert_eq!(key(&mut app, KeyCode::Char('q')), vec![Effect::Quit]);
    let mut app = loaded();
    key(&mut app, KeyCode::Char('/'));
    assert_eq!(
        ctrl(&mut app, 'c'),
        vec![Effect::Quit],
        "ctrl-c works even in a text field"
    );
}

#[test]
fn remapped_keys_take_effect() {
    let keymap =
        Keymap::from_config(&[("quit".into(), "x".into()), ("down".into(), "n".into())]).unwrap();
    let (mut app, _) = started(AppOptions {
        keymap,
        ..options()
    });
    assert!(key(&mut app, KeyCode::Char('q')).is_empty());
    key(&mut app, KeyCode::Char('j'));
    assert_eq!(app.account_sel(), 0, "j no longer moves");
    key(&mut app, KeyCode::Char('n'));
    assert_eq!(app.account_sel(), 1);
    assert_eq!(key(&mut app, KeyCode::Char('x')), vec![Effect::Quit]);
}

#[test]
fn reveal_needs_a_secret() {
    let mut app = loaded();
    key(&mut app, KeyCode::Char('2'));
    // alice-laptop (fluid) has no secret.
    key(&mut app, KeyCode::Char('v'));
    assert!(!app.reveal);
    assert_eq!(app.toasts.len(), 1);
    key(&mut app, KeyCode::Char(':'));
    chars(&mut app, "account logs");
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Char('v'));
    assert!(app.reveal);
    key(&mut app, KeyCode::Char('v'));
    assert!(!app.reveal);
}

/// Dialog and text-line keys come from the keymap too: rebound, the old key no longer acts
/// (and is typed where text is typed), the new one does.
#[test]
fn dialog_and_line_keys_can_be_rebound() {
    let keymap = Keymap::from_config(&[
        ("confirm".into(), "o".into()),
        ("cancel".into(), "ctrl-g".into()),
        ("accept".into(), "ctrl-j".into()),
        ("next_field".into(), "ctrl-n".into()),
        ("toggle_choice".into(), "x".into()),
    ])
    .unwrap();
    let (mut app, _) = started(AppOptions {
        keymap,
        ..options()
    });
    for i in 0..app.accounts.len() {
        let id = list_id(&app, i);
        answer(&mut app, id, Ok(tokens_for(i)));
    }
    // logs-sematext's tokens.
    key(&mut app, KeyCode::Char('G'));
    key(&mut app, KeyCode::Char('2'));

    // A confirmation: `y` no longer says yes, `o` does.
    key(&mut app, KeyCode::Char('d'));
    assert!(key(&mut app, KeyCode::Char('y')).is_empty());
    assert!(
        matches!(app.modal, Some(Modal::Confirm { .. })),
        "y means nothing now"
    );
    key(&mut app, KeyCode::Esc);
    assert!(app.modal.is_some(), "esc is no longer cancel");
    let effects = key(&mut app, KeyCode::Char('o'));
    assert!(app.modal.is_none());
    assert!(
        matches!(effects.as_slice(), [Effect::Api { .. }]),
        "o confirms: {effects:?}"
    );

    // The filter line: esc no longer leaves it, ctrl-j keeps the filter.
    key(&mut app, KeyCode::Char('/'));
    chars(&mut app, "ship");
    key(&mut app, KeyCode::Esc);
    assert_eq!(app.mode, Mode::Filter);
    ctrl(&mut app, 'j');
    assert_eq!(app.mode, Mode::Normal);
    assert_eq!(app.table.query(), "ship");

    // A form: tab no longer moves on, ctrl-n does; `x` toggles a flag but is typed in a name.
    key(&mut app, KeyCode::Char('n'));
    chars(&mut app, "x");
    key(&mut app, KeyCode::Tab);
    let Some(Modal::Form(form)) = &app.modal else {
        panic!("a form: {:?}", app.modal)
    };
    assert_eq!((form.focus, form.text("name").as_deref()), (0, Some("x")));
    ctrl(&mut app, 'n');
    key(&mut app, KeyCode::Char(' '));
    key(&mut app, KeyCode::Char('x'));
    let Some(Modal::Form(form)) = &app.modal else {
        panic!("a form: {:?}", app.modal)
    };
    assert_eq!(form.focus, 1);
    assert!(
        matches!(form.fields[1].value, FieldValue::Flag(false)),
        "x toggled Readable off; space did nothing"
    );
    ctrl(&mut app, 'g');
    assert!(app.modal.is_none(), "ctrl-g cancels");
}

// The leaked-secret dialog (`L`), quitting with changes in flight, and messages that stay.

/// The sematext fixture token's listed secret.
const SHIPPER_SECRET: &str = "st-secret-value-0001";

fn paste(app: &mut App, text: &str) -> Vec<Effect> {
    update(app, Msg::Paste(text.to_owned()))
}

fn changed(app: &mut App, id: tokdash::app::ReqId, result: Result<(), ApiError>) -> Vec<Effect> {
    update(
        app,
        Msg::Api {
            id,
            result: ApiResult::Changed(result),
        },
    )
}

/// The one request among the effects, with its id.
fn the_request(effects: &[Effect]) -> (tokdash::app::ReqId, ApiRequest) {
    let reqs: Vec<_> = effects
        .iter()
        .filter_map(|e| match e {
            Effect::Api { id, req } => Some((*id, req.clone())),
            _ => None,
        })
        .collect();
    assert_eq!(reqs.len(), 1, "one request: {effects:?}");
    reqs[0].clone()
}

fn leak_view(app: &App) -> &tokdash::app::modal::LeakView {
    match &app.modal {
        Some(Modal::Leak(view)) => view,
        other => panic!("expected the leak dialog, got {other:?}"),
    }
}

fn found(app: &App) -> &tokdash::app::modal::leak::Found {
    match &leak_view(app).stage {
        Stage::Found(found) => found,
        _ => panic!("the search is not done: {:?}", leak_view(app)),
    }
}

fn incidents(effects: &[Effect]) -> Vec<&tokdash::app::IncidentEntry> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Incident(i) => Some(i),
            _ => None,
        })
        .collect()
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

/// An app with every account loaded, keys as `[keys]` says.
fn loaded_with_keys(entries: &[(&str, &str)]) -> App {
    let entries: Vec<(String, String)> = entries
        .iter()
        .map(|(a, k)| ((*a).to_owned(), (*k).to_owned()))
        .collect();
    let keymap = Keymap::from_config(&entries).unwrap();
    let (mut app, _) = started(AppOptions {
        keymap,
        ..options()
    });
    for i in 0..app.accounts.len() {
        let id = list_id(&app, i);
        answer(&mut app, id, Ok(tokens_for(i)));
    }
    app
}

/// One `confirm` everywhere it means yes: rebound, it is the leaked-secret dialog's delete and
/// the quit question's "quit anyway" too, and `y` no longer is.
#[test]
fn rebinding_confirm_moves_the_leak_delete_and_the_quit_anyway_too() {
    let mut app = loaded_with_keys(&[("confirm", "o")]);
    chars(&mut app, "L");
    paste(&mut app, SHIPPER_SECRET);
    update(&mut app, Msg::Fingerprints(Fingerprints::default()));
    assert!(
        key(&mut app, KeyCode::Char('y')).is_empty(),
        "y is not delete"
    );
    assert!(found(&app).revoke.is_none());
    let (_, req) = the_request(&key(&mut app, KeyCode::Char('o')));
    assert!(
        matches!(req, ApiRequest::Delete { account: 3, .. }),
        "{req:?}"
    );

    // The revoke is in flight: quitting asks, and `o`, not `y`, quits anyway.
    ctrl(&mut app, 'c');
    assert!(matches!(app.modal, Some(Modal::Quit(_))));
    assert!(key(&mut app, KeyCode::Char('y')).is_empty());
    assert!(matches!(app.modal, Some(Modal::Quit(_))) && !app.quit);
    let effects = key(&mut app, KeyCode::Char('o'));
    assert!(effects.contains(&Effect::Quit), "{effects:?}");
    assert!(app.quit);
    assert_eq!(
        incidents(&effects).len(),
        1,
        "the unverified revoke is recorded"
    );
}

/// The leaked-secret dialog's other keys and the quit question's are the keymap's too.
#[test]
fn the_leak_dialog_and_the_quit_question_take_rebound_keys() {
    let mut app = loaded_with_keys(&[
        ("disable_instead", "x"),
        ("wait", "ctrl-w"),
        ("cancel", "ctrl-g"),
        ("accept", "ctrl-j"),
    ]);
    // The field is a text layer: Esc and Enter are no longer its keys, and printable keys,
    // `q` and `y` included, are typed.
    chars(&mut app, "L");
    key(&mut app, KeyCode::Esc);
    chars(&mut app, "qy");
    assert!(leak_view(&app).typing(), "q and y were typed");
    assert!(key(&mut app, KeyCode::Enter).is_empty());
    ctrl(&mut app, 'u');
    chars(&mut app, SHIPPER_SECRET);
    assert_eq!(ctrl(&mut app, 'j'), vec![Effect::LoadFingerprints]);
    update(&mut app, Msg::Fingerprints(Fingerprints::default()));
    // The match: `t` no longer disables, `x` does; Esc no longer closes.
    assert!(key(&mut app, KeyCode::Char('t')).is_empty());
    key(&mut app, KeyCode::Esc);
    let (_, req) = the_request(&key(&mut app, KeyCode::Char('x')));
    assert!(matches!(req, ApiRequest::Update { .. }), "{req:?}");

    // Quitting: `w` no longer waits, ctrl-w does; ctrl-g stays.
    ctrl(&mut app, 'c');
    let waiting = |app: &App| matches!(&app.modal, Some(Modal::Quit(q)) if q.waiting.is_some());
    key(&mut app, KeyCode::Char('w'));
    assert!(!waiting(&app));
    ctrl(&mut app, 'w');
    assert!(waiting(&app));
    ctrl(&mut app, 'g');
    assert!(
        matches!(app.modal, Some(Modal::Leak(_))),
        "stayed: the dialog is back"
    );
}

/// The message log scrolls and closes with the keymap's move and close keys.
#[test]
fn the_message_log_takes_rebound_keys() {
    let mut app = loaded_with_keys(&[("down", "ctrl-n"), ("quit", "x"), ("messages", "M")]);
    for i in 0..3 {
        app.toast(ToastKind::Info, format!("message {i}"));
    }
    chars(&mut app, "M");
    let scroll = |app: &App| match &app.modal {
        Some(Modal::Messages(v)) => v.scroll,
        other => panic!("the log: {other:?}"),
    };
    key(&mut app, KeyCode::Char('j'));
    assert_eq!(scroll(&app), 0, "j is no longer down");
    ctrl(&mut app, 'n');
    assert_eq!(scroll(&app), 1);
    key(&mut app, KeyCode::Char('G'));
    assert_eq!(scroll(&app), 2);
    for c in ['q', 'm'] {
        key(&mut app, KeyCode::Char(c));
        assert!(
            matches!(app.modal, Some(Modal::Messages(_))),
            "{c} no longer closes"
        );
    }
    key(&mut app, KeyCode::Char('x'));
    assert!(app.modal.is_none(), "quit's key closes it");
    chars(&mut app, "M");
    chars(&mut app, "M");
    assert!(app.modal.is_none(), "so does the key that opened it");
}
