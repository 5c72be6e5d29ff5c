//! The reducer, driven by messages as the event loop would send them; no terminal, no network:
//! loading, moving, the filter, sorting, toasts, the command line and quitting. The leaked-secret
//! dialog and other incident flows are in `reducer_incident.rs`, rebinding keys in
//! `reducer_keys.rs`, the auditing views in `reducer_audit.rs`.

// Shared helpers: this file uses some of them.
#[allow(dead_code)]
mod common {
    pub mod fixtures;
}

use std::time::{Duration, Instant};

use common::fixtures::*;
use crossterm::event::KeyCode;
use tokdash::app::{
    ApiRequest, App, Effect, Focus, Loadable, Mode, Msg, SortKey, TOAST_SECS, ToastKind, update,
};
use tokdash::model::ApiError;

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
    key(&mut app, KeyCode::Char('1'));
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
    assert_eq!(
        app.focus,
        Focus::Tokens,
        "the dashboard starts on the tokens"
    );
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
    key(&mut app, KeyCode::Char('1'));
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
    key(&mut app, KeyCode::Char('1'));
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
