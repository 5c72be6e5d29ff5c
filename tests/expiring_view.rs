//! Expiring tokens in the dashboard: the `expiring` view through the reducer (with the config's
//! `expiring_within_days` and the clock), and how the table and the detail pane mark expired and
//! soon-expiring tokens, as a snapshot at the fixtures' fixed clock. Only qovery's policy API
//! tokens carry an expiry, so the qovery account lists some beside its usual token.

// Shared helpers: this file uses some of them.
#[allow(dead_code)]
mod common {
    pub mod fixtures;
    pub mod screen;
}

use common::fixtures::*;
use common::screen::draw;
use crossterm::event::KeyCode;
use tokdash::app::token_table::view::View;
use tokdash::app::{App, AppOptions, Msg, update};
use tokdash::model::{Privilege, Token};

/// qovery's fixture token and three policy tokens: expired on 2026-05-20, expiring on
/// 2026-06-04 (three days after `NOW`) and on 2026-09-01.
fn qovery_with_policy_tokens() -> Vec<Token> {
    let policy = |id: &str, name: &str, expires: &str| {
        Token::new(id, name)
            .with_created(Some("2026-03-01T00:00:00Z"))
            .with_scopes(["Viewer"])
            .with_role(Some("Viewer"))
            .with_privilege(Privilege::Read)
            .with_kind(Some("policy"))
            .with_expires(Some(expires))
            .with_extra("opa policy", Some("allow if { input.method == \"GET\" }"))
    };
    let mut tokens = qovery_tokens();
    tokens.extend([
        policy(
            "1b9e2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d",
            "old-agent",
            "2026-05-20T00:00:00Z",
        ),
        policy(
            "2c0f3d4e-5f6a-4b7c-9d8e-0f1a2b3c4d5e",
            "deploy-agent",
            "2026-06-04T12:00:00Z",
        ),
        policy(
            "3d1a4e5f-6a7b-4c8d-8e9f-1a2b3c4d5e6f",
            "reader-agent",
            "2026-09-01T00:00:00Z",
        ),
    ]);
    tokens
}

fn loaded_with(options: AppOptions) -> App {
    let (mut app, _) = started(options);
    for i in 0..app.accounts.len() {
        let id = list_id(&app, i);
        let tokens = if i == 2 {
            qovery_with_policy_tokens()
        } else {
            tokens_for(i)
        };
        answer(&mut app, id, Ok(tokens));
    }
    app
}

fn row_names(app: &App) -> Vec<String> {
    app.table
        .rows()
        .iter()
        .filter_map(|r| app.token_at(*r).map(|(_, t)| t.name.clone()))
        .collect()
}

fn command(app: &mut App, line: &str) {
    key(app, KeyCode::Char(':'));
    chars(app, line);
    key(app, KeyCode::Enter);
}

#[test]
fn the_expiring_view_lists_the_expired_and_those_within_the_window() {
    let mut app = loaded_with(options());
    command(&mut app, "view expiring");
    assert_eq!(app.table.view(), View::Expiring);
    assert_eq!(
        row_names(&app),
        ["deploy-agent", "old-agent"],
        "expired, or within 14 days of NOW; never the tokens without an expiry"
    );
    // `:view expired` is the same view; and `V` reaches it after duplicates.
    command(&mut app, "view all");
    command(&mut app, "view expired");
    assert_eq!(app.table.view(), View::Expiring);
    command(&mut app, "view duplicates");
    key(&mut app, KeyCode::Char('V'));
    assert_eq!(app.table.view(), View::Expiring);

    // Eighty days on, reader-agent is within the window too.
    update(&mut app, Msg::Clock(NOW + time::Duration::days(80)));
    assert_eq!(
        row_names(&app),
        ["deploy-agent", "old-agent", "reader-agent"]
    );

    // A wider window in the config takes it in at once.
    let mut wide = options();
    wide.expiring_within_days = 120;
    let mut app = loaded_with(wide);
    command(&mut app, "view expiring");
    assert_eq!(
        row_names(&app),
        ["deploy-agent", "old-agent", "reader-agent"]
    );
}

/// The qovery account in the expiring view, the expired token selected: `EXPIRED` in the
/// table's state column and in words in the detail pane, the other marked with the days left,
/// both tagged `[policy]`.
#[test]
fn expired_and_expiring_tokens_are_marked_120x35() {
    let mut app = loaded_with(options());
    command(&mut app, "account prod-qovery");
    command(&mut app, "view expiring");
    key(&mut app, KeyCode::Char('2'));
    key(&mut app, KeyCode::Char('j'));
    assert_eq!(
        app.selected_token().map(|(_, t)| t.name.clone()).as_deref(),
        Some("old-agent")
    );
    let screen = draw(&app, 120, 35);
    assert!(screen.contains("[expiring]"), "{screen}");
    assert!(screen.contains("EXPIRED"), "{screen}");
    assert!(screen.contains("exp 3d"), "{screen}");
    assert!(screen.contains("[policy] old-agent"), "{screen}");
    assert!(screen.contains("(EXPIRED 12d ago)"), "{screen}");
    insta::assert_snapshot!("expiring_view_120x35", screen);
}
