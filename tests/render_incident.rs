//! Snapshots of incident response on screen: the leaked-secret dialog, the quit question with a
//! change in flight, the message log, and a token marked after an unknown outcome; rendered into
//! ratatui's TestBackend with a fixed clock. Review changes with `cargo insta review` (or
//! `INSTA_UPDATE=always cargo test --test render_incident`).

// Shared helpers: this file uses some of them.
#[allow(dead_code)]
mod common {
    pub mod fixtures;
    pub mod screen;
}

use std::time::Instant;

use common::fixtures::*;
use common::screen::draw;
use crossterm::event::KeyCode;
use tokdash::app::{App, Msg, update};
use tokdash::model::ApiError;

use tokdash::app::{ApiResult, Effect};
use tokdash::leak::Fingerprints;

fn leak_found(app: &mut App, secret: &str) {
    chars(app, "L");
    update(app, Msg::Paste(secret.to_owned()));
    update(app, Msg::Fingerprints(Fingerprints::default()));
}

fn request_id(effects: &[Effect]) -> tokdash::app::ReqId {
    effects
        .iter()
        .find_map(|e| match e {
            Effect::Api { id, .. } => Some(*id),
            _ => None,
        })
        .expect("a request")
}

#[test]
fn leak_match_then_verified_120x35() {
    let mut app = loaded();
    leak_found(&mut app, "st-secret-value-0001");
    let screen = draw(&app, 120, 35);
    assert!(!screen.contains("st-secret-value-0001"), "{screen}");
    insta::assert_snapshot!("leak_match_120x35", screen);

    let id = request_id(&key(&mut app, KeyCode::Char('y')));
    let list = request_id(&update(
        &mut app,
        Msg::Api {
            id,
            result: ApiResult::Changed(Ok(())),
        },
    ));
    answer(&mut app, list, Ok(vec![]));
    update(&mut app, Msg::Tick(Instant::now(), NOW));
    let screen = draw(&app, 120, 35);
    assert!(screen.contains("verified: token shipper (4711) no longer listed in"));
    insta::assert_snapshot!("leak_verified_120x35", screen);
}

/// The leaked-secret dialog's, the quit question's and the message log's hints come from the
/// keymap too.
#[test]
fn leak_quit_and_log_hints_show_rebound_keys() {
    use tokdash::app::{AppOptions, Keymap};
    let keymap = Keymap::from_config(&[
        ("confirm".into(), "o".into()),
        ("disable_instead".into(), "x".into()),
        ("cancel".into(), "ctrl-g".into()),
        ("accept".into(), "ctrl-j".into()),
        ("wait".into(), "ctrl-w".into()),
        ("down".into(), "ctrl-n".into()),
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
    chars(&mut app, "L");
    let screen = draw(&app, 120, 35);
    assert!(
        screen.contains("paste the secret: the search starts at once   ctrl-g close"),
        "{screen}"
    );
    chars(&mut app, "st-");
    let screen = draw(&app, 120, 35);
    assert!(screen.contains("typed: ctrl-j searches"), "{screen}");
    assert!(
        screen.contains("ctrl-j search   ctrl-u clear   ctrl-g close"),
        "{screen}"
    );
    ctrl(&mut app, 'g');
    leak_found(&mut app, "st-secret-value-0001");
    let screen = draw(&app, 120, 35);
    assert!(
        screen.contains("o delete   x disable instead (reversible)   ctrl-g close"),
        "{screen}"
    );

    key(&mut app, KeyCode::Char('o'));
    ctrl(&mut app, 'c');
    let screen = draw(&app, 80, 24);
    assert!(
        screen.contains("ctrl-w wait   o quit anyway   ctrl-g stay   ←/→ choose, ctrl-j takes"),
        "{screen}"
    );
    ctrl(&mut app, 'w');
    let screen = draw(&app, 80, 24);
    assert!(
        screen.contains("o quit anyway   ctrl-g stay   (it quits"),
        "{screen}"
    );
    ctrl(&mut app, 'g');

    app.close_modal();
    key(&mut app, KeyCode::Char('m'));
    let screen = draw(&app, 120, 35);
    assert!(
        screen.contains(" ctrl-n/k scroll   ctrl-g close "),
        "{screen}"
    );
    ctrl(&mut app, 'g');

    // And help says so.
    key(&mut app, KeyCode::Char('?'));
    let screen = draw(&app, 120, 35);
    for rebound in [
        "o             delete its token",
        "x             disable it instead",
        "ctrl-w        wait, then quit",
        "o             quit anyway",
    ] {
        assert!(screen.contains(rebound), "{rebound}: {screen}");
    }
}

/// Once the re-list has judged a revoke, the match line says what it shows, not what the
/// search found: disabled, or still enabled when the disable did not take.
#[test]
fn leak_match_line_shows_the_verified_state() {
    for (enabled_after, state) in [
        (
            false,
            "listed, disabled (verified) · matched by listed secret",
        ),
        (
            true,
            "still listed, enabled, after the disable · matched by",
        ),
    ] {
        let mut app = loaded();
        leak_found(&mut app, "st-secret-value-0001");
        assert!(draw(&app, 120, 35).contains("listed, enabled · matched by listed secret"));
        let id = request_id(&key(&mut app, KeyCode::Char('t')));
        let list = request_id(&update(
            &mut app,
            Msg::Api {
                id,
                result: ApiResult::Changed(Ok(())),
            },
        ));
        let mut listed = tokens_for(3);
        listed[0].enabled = Some(enabled_after);
        answer(&mut app, list, Ok(listed));
        let screen = draw(&app, 120, 35);
        assert!(screen.contains(state), "{screen}");
        assert!(!screen.contains("listed, enabled ·"), "{screen}");
    }
}

/// A secret that matches nothing, though it fits a provider's format: the dialog says what to do
/// next rather than leave "no match" as the last word.
#[test]
fn leak_with_no_match_says_what_to_do_next() {
    let mut app = loaded();
    leak_found(&mut app, "sk_live_notarealsecret123456");
    let screen = draw(&app, 120, 35);
    assert!(screen.contains("No token matches this secret."), "{screen}");
    assert!(screen.contains("• The value"), "{screen}");
    assert!(
        screen.contains("revoke it in that provider's own console"),
        "{screen}"
    );
}

#[test]
fn leak_partial_search_with_no_match_names_the_account_and_hints_100x30() {
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
    leak_found(&mut app, "13777603-bdf9-48f7-a493-3b4a94e8be02");
    let id = list_id(&app, 2);
    answer(
        &mut app,
        id,
        Err(ApiError::Unauthorized("invalid token".into())),
    );
    let screen = draw(&app, 100, 30);
    assert!(screen.contains("Not searched: prod-qovery"), "{screen}");
    insta::assert_snapshot!("leak_partial_no_match_100x30", screen);
}

#[test]
fn message_log_newest_first_with_time_and_account_120x35() {
    let mut app = loaded();
    key(&mut app, KeyCode::Char(':'));
    chars(&mut app, "account logs-sematext");
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Char('d'));
    let id = request_id(&key(&mut app, KeyCode::Char('y')));
    update(
        &mut app,
        Msg::Tick(Instant::now(), NOW - time::Duration::minutes(3)),
    );
    update(
        &mut app,
        Msg::Api {
            id,
            result: ApiResult::Changed(Err(ApiError::Forbidden("token lacks scope".into()))),
        },
    );
    update(
        &mut app,
        Msg::Tick(Instant::now(), NOW - time::Duration::minutes(2)),
    );
    key(&mut app, KeyCode::Char(':'));
    chars(&mut app, "account nobody");
    key(&mut app, KeyCode::Enter);
    update(&mut app, Msg::Tick(Instant::now(), NOW));
    // The failure stays on screen; the log has everything.
    insta::assert_snapshot!("failure_stays_120x35", draw(&app, 120, 35));
    key(&mut app, KeyCode::Esc);
    key(&mut app, KeyCode::Char('m'));
    insta::assert_snapshot!("messages_120x35", draw(&app, 120, 35));
}

#[test]
fn quit_with_a_change_in_flight_80x24() {
    let mut app = loaded();
    key(&mut app, KeyCode::Char(':'));
    chars(&mut app, "account logs-sematext");
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Char('d'));
    key(&mut app, KeyCode::Char('y'));
    key(&mut app, KeyCode::Char('q'));
    insta::assert_snapshot!("quit_in_flight_80x24", draw(&app, 80, 24));
}

/// A regenerate that got no answer: after the re-list the token is marked `?` and the detail
/// pane says what the re-list showed, beside the message that stays.
#[test]
fn regenerate_outcome_unknown_marks_the_token_120x35() {
    let mut app = loaded();
    key(&mut app, KeyCode::Char(':'));
    chars(&mut app, "account logs-sematext");
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Char('2'));
    chars(&mut app, "R");
    let id = request_id(&key(&mut app, KeyCode::Char('y')));
    let list = request_id(&update(
        &mut app,
        Msg::Api {
            id,
            result: ApiResult::Created(Err(ApiError::Timeout("no answer".into()))),
        },
    ));
    // Listed with a new secret: it happened.
    let mut listed = tokens_for(3);
    listed[0].secret = Some("st-secret-value-0002".to_owned().into());
    answer(&mut app, list, Ok(listed));
    update(&mut app, Msg::Tick(Instant::now(), NOW));
    let screen = draw(&app, 120, 35);
    assert!(screen.contains("? shipper"), "{screen}");
    assert!(screen.contains("? regen?"), "{screen}");
    insta::assert_snapshot!("regenerate_unknown_120x35", screen);
}
