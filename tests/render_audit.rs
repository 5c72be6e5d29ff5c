//! Snapshots of the auditing screens: privilege, partial lists, views, the summary and the
//! export dialog, with the fixed clock of the fixtures. Review changes with `cargo insta review`
//! (or `INSTA_UPDATE=always cargo test --test render_audit`).

// Shared helpers: this file uses some of them.
#[allow(dead_code)]
mod common {
    pub mod fixtures;
    pub mod screen;
}

use common::fixtures::*;
use common::screen::{draw, draw_styled};
use crossterm::event::KeyCode;
use ratatui::style::Color;
use tokdash::app::{ApiResult, App, Msg, update};
use tokdash::model::Listing;

/// Admin tokens stand out: a white-on-red `ADMIN`, in capitals so it shows without colour
/// too; write is yellow, unknown dimmed. Scopes stay beside it, in the provider's words.
#[test]
fn admin_tokens_stand_out_120x35() {
    let mut app = loaded();
    key(&mut app, KeyCode::Char('2'));
    let screen = draw_styled(&app, 120, 35, |s| {
        s.bg == Some(Color::Red) || s.fg == Some(Color::Yellow)
    });
    insta::assert_snapshot!("admin_stands_out_120x35", screen);
}

/// An app whose lagrello account was listed only in part.
fn with_partial_lagrello() -> App {
    with_partial_lagrello_and(false)
}

/// The same, and with logs-sematext's list failed if `sematext_fails`.
fn with_partial_lagrello_and(sematext_fails: bool) -> App {
    let (mut app, _) = started(options());
    for i in 0..app.accounts.len() {
        let id = list_id(&app, i);
        if i == 3 && sematext_fails {
            answer(
                &mut app,
                id,
                Err(tokdash::model::ApiError::Unauthorized(
                    "invalid API token".into(),
                )),
            );
            continue;
        }
        let listing = if i == 1 {
            Listing::partial(
                tokens_for(i),
                "ops-lagrello: only the first 3 pages were listed (max_pages = 3)",
            )
        } else {
            Listing::from(tokens_for(i))
        };
        update(
            &mut app,
            Msg::Api {
                id,
                result: ApiResult::List(Ok(listing)),
            },
        );
    }
    app
}

#[test]
fn a_partial_list_is_marked_in_its_row_and_says_why_in_the_tokens_title() {
    let mut app = with_partial_lagrello();
    let screen = draw(&app, 120, 35);
    assert!(screen.contains("◐ ops-lagrello"), "{screen}");
    assert!(screen.contains("2 partial"), "{screen}");
    assert!(
        screen.contains("partial: ops-lagrello: only the first 3"),
        "All accounts names the one partial account:\n{screen}"
    );
    key(&mut app, KeyCode::Char('1'));
    key(&mut app, KeyCode::Char('j'));
    key(&mut app, KeyCode::Char('j'));
    insta::assert_snapshot!("partial_account_120x35", draw(&app, 120, 35));
}

/// The title has room for the start of a partial list's reason only: the message log keeps it
/// whole, once, however often a refresh repeats it.
#[test]
fn a_partial_lists_whole_reason_is_in_the_message_log_once() {
    let mut app = with_partial_lagrello();
    let lines = |app: &App| -> Vec<String> {
        app.log
            .newest_first()
            .map(|e| e.line())
            .filter(|l| l.contains("listed in part"))
            .collect()
    };
    assert_eq!(
        lines(&app),
        ["ops-lagrello: listed in part: only the first 3 pages were listed (max_pages = 3)"]
    );
    let _refresh = app.request_list(1);
    let id = list_id(&app, 1);
    let again = Listing::partial(
        tokens_for(1),
        "ops-lagrello: only the first 3 pages were listed (max_pages = 3)",
    );
    update(
        &mut app,
        Msg::Api {
            id,
            result: ApiResult::List(Ok(again)),
        },
    );
    assert_eq!(
        lines(&app).len(),
        1,
        "a refresh with the same reason adds nothing"
    );
}

/// The view names itself in the tokens title, the filter works inside it, and the status bar
/// counts what is shown.
#[test]
fn a_view_with_the_filter_on_top_80x24() {
    let mut app = loaded();
    key(&mut app, KeyCode::Char('V'));
    key(&mut app, KeyCode::Char('/'));
    chars(&mut app, "a");
    key(&mut app, KeyCode::Enter);
    let screen = draw(&app, 80, 24);
    assert!(screen.contains("[stale]"), "{screen}");
    insta::assert_snapshot!("stale_view_filtered_80x24", screen);
    // A view with nothing in it says so.
    key(&mut app, KeyCode::Esc);
    key(&mut app, KeyCode::Char(':'));
    chars(&mut app, "view duplicates");
    key(&mut app, KeyCode::Enter);
    let screen = draw(&app, 80, 24);
    assert!(
        screen.contains("No tokens in the duplicates view (names used twice in an account)."),
        "{screen}"
    );
}

/// Every account at a glance, charts first: by the overlay (`:summary`), and in the detail pane
/// while `All accounts` is chosen in the accounts pane.
#[test]
fn the_summary_120x35_and_in_the_detail_pane_160x40() {
    let mut app = with_partial_lagrello_and(true);
    // The failure's message would cover the charts.
    app.dismiss_toasts();
    key(&mut app, KeyCode::Char('1'));
    let pane = draw(&app, 160, 40);
    assert!(pane.contains("Tokens per account"), "{pane}");
    insta::assert_snapshot!("summary_pane_160x40", pane);
    insta::assert_snapshot!("summary_pane_200x50", draw(&app, 200, 50));

    key(&mut app, KeyCode::Char(':'));
    chars(&mut app, "summary");
    key(&mut app, KeyCode::Enter);
    let screen = draw(&app, 120, 35);
    assert!(screen.contains("Token ages"), "{screen}");
    assert!(
        screen.contains("partial: ops-lagrello: only the first 3"),
        "{screen}"
    );
    // Tokens may expire (qovery's policy tokens do); only the last use is in no API.
    assert!(screen.contains("last use: in no API"), "{screen}");
    assert!(!screen.contains("expiry: in no API"), "{screen}");
    insta::assert_snapshot!("summary_120x35", screen);
    // Any key but the move keys closes it.
    key(&mut app, KeyCode::Char('j'));
    assert!(app.modal.is_some());
    key(&mut app, KeyCode::Esc);
    assert!(app.modal.is_none());
}

/// The export dialog says what it will write (how many tokens, from which view, filter and
/// sort), asks for the file, and asks again before replacing one.
#[test]
fn the_export_dialog_80x24() {
    let mut app = loaded();
    key(&mut app, KeyCode::Char('V'));
    key(&mut app, KeyCode::Char('e'));
    let screen = draw(&app, 80, 24);
    assert!(
        screen.contains("tokdash-inventory-2026-06-01.csv"),
        "{screen}"
    );
    assert!(screen.contains("Writes the 3 tokens listed"), "{screen}");
    key(&mut app, KeyCode::Enter);
    update(
        &mut app,
        Msg::Exported(Err(tokdash::inventory::WriteError::Exists(
            "tokdash-inventory-2026-06-01.csv".into(),
        ))),
    );
    insta::assert_snapshot!("export_exists_80x24", draw(&app, 80, 24));
}
