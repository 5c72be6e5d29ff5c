//! The operators' dashboard through the reducer: marks (clear, only marked, the ones hidden from
//! a bulk delete), creating under `All accounts`, forms that show what they send, copying a
//! token's id or name, what a rotation leaves behind, outages and the automatic refresh.

// Shared helpers: this file uses some of them.
#[allow(dead_code)]
mod common {
    pub mod fixtures;
    pub mod screen;
}

use std::time::{Duration, Instant};

use common::fixtures::*;
use crossterm::event::KeyCode;
use secrecy::SecretString;
use tokdash::app::modal::form::{FieldValue, Form};
use tokdash::app::modal::{Modal, PickPurpose};
use tokdash::app::{
    ApiRequest, ApiResult, App, CopySecret, Effect, Focus, Loadable, Msg, ToastKind, update,
};
use tokdash::model::free_name;
use tokdash::model::{ApiError, Created, Token};

fn row_names(app: &App) -> Vec<String> {
    app.table
        .rows()
        .iter()
        .filter_map(|r| app.token_at(*r).map(|(_, t)| t.name.clone()))
        .collect()
}

fn selected_name(app: &App) -> Option<String> {
    app.selected_token().map(|(_, t)| t.name.clone())
}

fn toast_texts(app: &App) -> Vec<String> {
    app.toasts.iter().map(|t| t.text.clone()).collect()
}

fn put_cursor_on(app: &mut App, name: &str) {
    app.focus = Focus::Tokens;
    let at = row_names(app)
        .iter()
        .position(|n| n == name)
        .expect("listed");
    app.table.set_cursor(at);
}

fn form(app: &App) -> &Form {
    match &app.modal {
        Some(Modal::Form(f)) => f,
        other => panic!("expected a form, got {other:?}"),
    }
}

fn api_requests(effects: &[Effect]) -> Vec<ApiRequest> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Api { req, .. } => Some(req.clone()),
            _ => None,
        })
        .collect()
}

// ---- marks ----

#[test]
fn u_clears_every_mark_and_says_how_many() {
    let mut app = loaded();
    app.focus = Focus::Tokens;
    key(&mut app, KeyCode::Char(' '));
    key(&mut app, KeyCode::Char(' '));
    assert_eq!(app.table.mark_count(), 2);
    key(&mut app, KeyCode::Char('u'));
    assert_eq!(app.table.mark_count(), 0);
    assert!(toast_texts(&app).contains(&"unmarked 2 tokens".to_owned()));
    key(&mut app, KeyCode::Char('u'));
    assert!(toast_texts(&app).contains(&"no tokens are marked".to_owned()));
}

#[test]
fn capital_m_shows_only_the_marked_tokens_and_back() {
    let mut app = loaded();
    key(&mut app, KeyCode::Char('M'));
    assert!(
        toast_texts(&app)
            .iter()
            .any(|t| t.contains("no tokens are marked")),
        "never silent: {:?}",
        toast_texts(&app)
    );
    assert_eq!(row_names(&app).len(), 7);
    put_cursor_on(&mut app, "backup-job");
    key(&mut app, KeyCode::Char(' '));
    put_cursor_on(&mut app, "zapier");
    key(&mut app, KeyCode::Char(' '));
    key(&mut app, KeyCode::Char('M'));
    assert_eq!(row_names(&app), vec!["backup-job", "zapier"]);
    assert!(common::screen::draw(&app, 120, 30).contains("[marked only]"));
    // Unmarking one in this list takes it out.
    put_cursor_on(&mut app, "zapier");
    key(&mut app, KeyCode::Char(' '));
    assert_eq!(row_names(&app), vec!["backup-job"]);
    key(&mut app, KeyCode::Char('M'));
    assert_eq!(row_names(&app).len(), 7);
}

#[test]
fn a_bulk_delete_says_how_many_marked_tokens_the_filter_hides() {
    let mut app = loaded();
    for name in ["alice-laptop", "backup-job", "ci-deploy"] {
        put_cursor_on(&mut app, name);
        key(&mut app, KeyCode::Char(' '));
    }
    key(&mut app, KeyCode::Char('/'));
    chars(&mut app, "alice");
    key(&mut app, KeyCode::Enter);
    assert_eq!(row_names(&app), vec!["alice-laptop"]);
    key(&mut app, KeyCode::Char('d'));
    let Some(Modal::Confirm { op, .. }) = &app.modal else {
        panic!("expected a confirmation, got {:?}", app.modal);
    };
    assert_eq!(op.tokens().len(), 3);
    assert_eq!(
        app.hidden_note(op).as_deref(),
        Some("2 of them are hidden by the filter")
    );
    let screen = common::screen::draw(&app, 120, 35);
    assert!(
        screen.contains("2 of them are hidden by the filter"),
        "{screen}"
    );
}

// ---- creating under All accounts ----

#[test]
fn n_under_all_accounts_asks_which_account_among_those_that_can_create() {
    let mut app = loaded();
    put_cursor_on(&mut app, "zapier");
    let effects = key(&mut app, KeyCode::Char('n'));
    assert!(
        effects.is_empty(),
        "nothing is sent before the account is chosen"
    );
    let Some(Modal::Pick(pick)) = &app.modal else {
        panic!("expected the account question, got {:?}", app.modal);
    };
    // prod-qovery is read-only: not offered.
    assert_eq!(pick.options.len(), 3, "{:?}", pick.options);
    assert!(pick.options.iter().all(|o| !o.contains("prod-qovery")));
    assert!(matches!(&pick.purpose, PickPurpose::CreateIn(a) if a == &vec![0, 1, 3]));
    // It starts on the selected row's account, but the user moves and chooses.
    assert!(pick.options[pick.cursor].starts_with("ops-lagrello"));
    key(&mut app, KeyCode::Down);
    key(&mut app, KeyCode::Enter);
    assert_eq!(form(&app).account, 3, "logs-sematext was chosen");

    // With an account selected, n opens its form straight away.
    key(&mut app, KeyCode::Esc);
    app.select_account_row(1);
    key(&mut app, KeyCode::Char('n'));
    assert_eq!(form(&app).account, 0);
}

// ---- forms ----

#[test]
fn the_lagrello_form_starts_with_read_checked_as_it_will_be_sent() {
    let mut app = loaded();
    app.select_account_row(2); // ops-lagrello
    key(&mut app, KeyCode::Char('n'));
    let perms = form(&app)
        .fields
        .iter()
        .find_map(|f| match &f.value {
            FieldValue::Multi(on, _) => Some(on.clone()),
            _ => None,
        })
        .expect("a permissions field");
    assert_eq!(perms, vec![true, false, false], "READ, WRITE, ADMIN");
    chars(&mut app, "reader");
    let effects = ctrl(&mut app, 's');
    match api_requests(&effects).as_slice() {
        [ApiRequest::Create { new, .. }] => assert_eq!(new.permissions, vec!["READ"]),
        other => panic!("expected a create, got {other:?}"),
    }
}

#[test]
fn the_lagrello_form_refuses_none_checked_rather_than_send_a_hidden_default() {
    let mut app = loaded();
    app.select_account_row(2);
    key(&mut app, KeyCode::Char('n'));
    chars(&mut app, "reader");
    key(&mut app, KeyCode::Tab);
    key(&mut app, KeyCode::Char(' ')); // READ off
    let effects = ctrl(&mut app, 's');
    assert!(api_requests(&effects).is_empty());
    let error = form(&app).error.clone().unwrap_or_default();
    assert!(error.contains("none checked gets READ"), "{error}");
}

/// The fixtures' accounts with prod-qovery writable.
fn qovery_writable() -> App {
    let mut accounts = accounts();
    accounts[2].read_only = false;
    let mut app = App::new(accounts, options());
    update(&mut app, Msg::Clock(NOW));
    app.start();
    for i in 0..app.accounts.len() {
        let id = list_id(&app, i);
        let mut tokens = tokens_for(i);
        if i == 2 {
            tokens.push(Token::new("b2", "terraform (2)"));
        }
        answer(&mut app, id, Ok(tokens));
    }
    app
}

#[test]
fn the_qovery_form_cannot_be_sent_while_its_roles_load() {
    let mut app = qovery_writable();
    app.select_account_row(3);
    let effects = key(&mut app, KeyCode::Char('n'));
    assert!(matches!(
        api_requests(&effects).as_slice(),
        [ApiRequest::Choices { .. }]
    ));
    chars(&mut app, "deployer");
    let effects = ctrl(&mut app, 's');
    assert!(api_requests(&effects).is_empty(), "{effects:?}");
    let error = form(&app).error.clone().unwrap_or_default();
    assert!(error.contains("roles are loading"), "{error}");
}

#[test]
fn rotating_on_qovery_suggests_a_name_not_taken() {
    let mut app = qovery_writable();
    app.select_account_row(3);
    put_cursor_on(&mut app, "terraform");
    key(&mut app, KeyCode::Char('o'));
    // "terraform (2)" is listed already.
    assert_eq!(form(&app).text("name").as_deref(), Some("terraform (3)"));
    // Where names need not be unique, the old name stays.
    app.close_modal();
    app.select_account_row(1);
    put_cursor_on(&mut app, "ci-deploy");
    key(&mut app, KeyCode::Char('o'));
    assert_eq!(form(&app).text("name").as_deref(), Some("ci-deploy"));
}

#[test]
fn free_names_count_on() {
    assert_eq!(free_name("ci", ["ci"]), "ci (2)");
    assert_eq!(free_name("ci", ["ci", "ci (2)"]), "ci (3)");
    assert_eq!(free_name("ci (2)", ["ci", "ci (2)"]), "ci (3)");
    assert_eq!(free_name("a (b)", ["a (b)"]), "a (b) (2)");
}

// ---- copy and reveal ----

#[test]
fn y_on_a_token_offers_its_id_or_its_name() {
    let mut app = loaded();
    put_cursor_on(&mut app, "grafana-reader");
    let effects = key(&mut app, KeyCode::Char('y'));
    assert!(effects.is_empty());
    let Some(Modal::Pick(pick)) = &app.modal else {
        panic!("expected the copy question, got {:?}", app.modal);
    };
    // A secret-like id is masked in the question.
    assert!(pick.options[0].contains("••••281706"), "{:?}", pick.options);
    assert!(!pick.options[0].contains("lgk_9f8e"), "{:?}", pick.options);
    key(&mut app, KeyCode::Down);
    let effects = key(&mut app, KeyCode::Enter);
    assert_eq!(
        effects,
        vec![Effect::Copy(CopySecret(SecretString::from(
            "grafana-reader".to_owned()
        )))]
    );
    assert!(app.modal.is_none());
    key(&mut app, KeyCode::Char('y'));
    let effects = key(&mut app, KeyCode::Enter);
    assert_eq!(
        effects,
        vec![Effect::Copy(CopySecret(SecretString::from(
            "lgk_9f8e7d6c5b4a39281706".to_owned()
        )))]
    );
}

#[test]
fn y_and_v_never_do_nothing_silently() {
    let mut app = loaded();
    put_cursor_on(&mut app, "ci-deploy");
    key(&mut app, KeyCode::Char('v'));
    assert!(!app.reveal);
    assert!(
        toast_texts(&app)
            .iter()
            .any(|t| t.contains("no secret to reveal")),
        "{:?}",
        toast_texts(&app)
    );
    // An empty table: nothing to copy or reveal, and a toast says so.
    key(&mut app, KeyCode::Char('/'));
    chars(&mut app, "zzzz-no-such");
    key(&mut app, KeyCode::Enter);
    app.dismiss_toasts();
    key(&mut app, KeyCode::Char('y'));
    key(&mut app, KeyCode::Char('v'));
    let texts = toast_texts(&app);
    assert!(
        texts.iter().any(|t| t.contains("nothing to copy")),
        "{texts:?}"
    );
    assert!(
        texts.iter().any(|t| t.contains("nothing to reveal")),
        "{texts:?}"
    );
    assert!(app.modal.is_none());
}

// ---- a rotation's old token ----

#[test]
fn declining_to_delete_the_old_token_after_a_rotate_leaves_a_reminder() {
    let mut app = loaded();
    put_cursor_on(&mut app, "grafana-reader");
    key(&mut app, KeyCode::Char('o'));
    let effects = ctrl(&mut app, 's');
    let (id, _) = the_request(&effects);
    let created = Created {
        token: Token::new("lgk_new0000000000000000", "grafana-reader"),
        secret: SecretString::from("lgk_new0000000000000000".to_owned()),
    };
    update(
        &mut app,
        Msg::Api {
            id,
            result: ApiResult::Created(Ok(Box::new(created))),
        },
    );
    assert!(matches!(app.modal, Some(Modal::Secret(_))));
    key(&mut app, KeyCode::Esc);
    key(&mut app, KeyCode::Char('y'));
    assert!(matches!(app.modal, Some(Modal::Confirm { .. })));
    key(&mut app, KeyCode::Char('n'));
    let reminder = app
        .log
        .newest_first()
        .find(|e| e.text.contains("was kept and still works"))
        .expect("a reminder in the log");
    assert!(
        reminder.text.contains("grafana-reader"),
        "{}",
        reminder.text
    );
    assert!(reminder.text.contains("••••281706"), "{}", reminder.text);
    assert!(!reminder.text.contains("lgk_9f8e"), "{}", reminder.text);
}

// ---- outages ----

#[test]
fn a_failed_refresh_keeps_the_last_list_marked_with_its_age_and_error() {
    let mut app = loaded();
    put_cursor_on(&mut app, "backup-job");
    update(&mut app, Msg::Clock(NOW + time::Duration::hours(3)));
    let effects = ctrl(&mut app, 'r');
    assert_eq!(effects.len(), 4);
    let id = list_id(&app, 0);
    answer(
        &mut app,
        id,
        Err(ApiError::Server {
            status: 503,
            message: "down for maintenance".into(),
        }),
    );
    assert_eq!(row_names(&app).len(), 7, "the old rows stay");
    assert_eq!(selected_name(&app).as_deref(), Some("backup-job"));
    assert!(matches!(app.accounts[0].tokens, Loadable::Loaded(_)));
    assert_eq!(app.table.counts().failed, 1);
    let alert = app
        .toasts
        .iter()
        .find(|t| t.kind == ToastKind::Error)
        .expect("the failure is said");
    assert!(
        alert.text.contains("still showing the list from 3h ago"),
        "{}",
        alert.text
    );
    let screen = common::screen::draw(&app, 180, 30);
    assert!(
        screen.contains("acme-fluid: old list from 3h ago, refresh server error"),
        "{screen}"
    );
    // It lists again: the mark of the outage goes.
    app.request_list(0);
    let id = list_id(&app, 0);
    answer(&mut app, id, Ok(fluid_tokens()));
    assert!(app.accounts[0].refresh_failed.is_none());
    assert_eq!(app.table.counts().failed, 0);
}

/// A refresh that fails within a minute of the last good list says "just now", not "now ago".
#[test]
fn a_refresh_failing_right_after_a_list_says_just_now() {
    let mut app = loaded();
    update(&mut app, Msg::Clock(NOW + time::Duration::seconds(20)));
    app.request_list(0);
    let id = list_id(&app, 0);
    answer(&mut app, id, Err(ApiError::Network("refused".into())));
    let alert = app
        .toasts
        .iter()
        .find(|t| t.kind == ToastKind::Error)
        .expect("the failure is said");
    assert!(
        alert.text.contains("still showing the list from just now"),
        "{}",
        alert.text
    );
    key(&mut app, KeyCode::Char('1'));
    key(&mut app, KeyCode::Char('j'));
    let screen = common::screen::draw(&app, 180, 30);
    assert!(screen.contains("old list from just now"), "{screen}");
    assert!(!screen.contains("now ago"), "{screen}");
}

#[test]
fn every_account_failed_shows_the_failures_not_loading() {
    let (mut app, _) = started(options());
    for i in 0..4 {
        let id = list_id(&app, i);
        answer(&mut app, id, Err(ApiError::Network("refused".into())));
    }
    assert_eq!(app.table.counts().failed, 4);
    let screen = common::screen::draw(&app, 140, 30);
    assert!(!screen.contains("Loading…"), "{screen}");
    assert!(
        screen.contains("Could not list tokens of any account (acme-fluid: unreachable"),
        "{screen}"
    );
}

#[test]
fn a_delete_answered_404_relists_the_account_by_itself() {
    let mut app = loaded();
    put_cursor_on(&mut app, "zapier");
    key(&mut app, KeyCode::Char('d'));
    let effects = key(&mut app, KeyCode::Char('y'));
    let (id, req) = the_request(&effects);
    assert!(matches!(req, ApiRequest::Delete { account: 1, .. }));
    let effects = update(
        &mut app,
        Msg::Api {
            id,
            result: ApiResult::Changed(Err(ApiError::NotFound("no such token".into()))),
        },
    );
    assert_eq!(
        api_requests(&effects),
        vec![ApiRequest::List { account: 1 }]
    );
}

// ---- automatic refresh ----

fn auto_refreshing() -> App {
    let mut opts = options();
    opts.refresh_secs = 60;
    let (mut app, _) = started(opts);
    for i in 0..app.accounts.len() {
        let id = list_id(&app, i);
        answer(&mut app, id, Ok(tokens_for(i)));
    }
    app
}

#[test]
fn auto_refresh_relists_and_keeps_the_cursor_on_its_token() {
    let mut app = auto_refreshing();
    put_cursor_on(&mut app, "shipper");
    let t0 = Instant::now();
    assert!(update(&mut app, Msg::Tick(t0, NOW)).is_empty());
    assert!(update(&mut app, Msg::Tick(t0 + Duration::from_secs(30), NOW)).is_empty());
    let effects = update(&mut app, Msg::Tick(t0 + Duration::from_secs(61), NOW));
    let lists = api_requests(&effects);
    assert_eq!(lists.len(), 4, "{lists:?}");
    // New tokens above it: the cursor follows shipper, not its old row.
    let id = list_id(&app, 0);
    let mut tokens = fluid_tokens();
    tokens.push(Token::new("HTK-1", "aaa-first"));
    tokens.push(Token::new("HTK-2", "aab-second"));
    answer(&mut app, id, Ok(tokens));
    assert_eq!(selected_name(&app).as_deref(), Some("shipper"));
}

#[test]
fn auto_refresh_waits_while_a_dialog_is_open() {
    let mut app = auto_refreshing();
    put_cursor_on(&mut app, "zapier");
    key(&mut app, KeyCode::Char('d'));
    let t0 = Instant::now();
    update(&mut app, Msg::Tick(t0, NOW));
    let effects = update(&mut app, Msg::Tick(t0 + Duration::from_secs(61), NOW));
    assert!(api_requests(&effects).is_empty(), "{effects:?}");
    assert!(matches!(app.modal, Some(Modal::Confirm { .. })));
    key(&mut app, KeyCode::Esc);
    let effects = update(&mut app, Msg::Tick(t0 + Duration::from_secs(62), NOW));
    assert_eq!(api_requests(&effects).len(), 4);
}

#[test]
fn auto_refresh_is_off_by_default() {
    let mut app = loaded();
    assert!(!app.needs_tick());
    let t0 = Instant::now();
    update(&mut app, Msg::Tick(t0, NOW));
    let effects = update(&mut app, Msg::Tick(t0 + Duration::from_secs(3600), NOW));
    assert!(effects.is_empty());
}
