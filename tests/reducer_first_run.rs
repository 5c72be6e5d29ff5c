//! The first minutes with the dashboard, through the reducer: it starts on the tokens, the
//! cursor holds still while the accounts answer, `:account` says which accounts a short name
//! could mean, and the mouse clicks rows and panes and scrolls the pane under it. Where a click
//! lands is found on the drawn screen, as a user would aim, never from hard-coded coordinates.

#[allow(dead_code)]
mod common {
    pub mod fixtures;
    pub mod screen;
}

use common::fixtures::*;
use common::screen::draw;
use crossterm::event::{KeyCode, KeyModifiers, MouseButton, MouseEvent, MouseEventKind};
use tokdash::app::{AccountInfo, App, Focus, Msg, ToastKind, update};
use tokdash::provider::ProviderKind;

fn on(app: &App) -> Option<String> {
    app.selected_token().map(|(_, t)| t.name.clone())
}

fn mouse(app: &mut App, kind: MouseEventKind, column: u16, row: u16) {
    update(
        app,
        Msg::Mouse(MouseEvent {
            kind,
            column,
            row,
            modifiers: KeyModifiers::NONE,
        }),
    );
}

fn click(app: &mut App, (column, row): (u16, u16)) {
    mouse(app, MouseEventKind::Down(MouseButton::Left), column, row);
}

/// Where `text` is drawn on a `width`×`height` screen: its column and row, the first match
/// from the top whose column is at least `from_column`.
fn find(app: &App, size: (u16, u16), text: &str, from_column: usize) -> (u16, u16) {
    let screen = draw(app, size.0, size.1);
    for (row, line) in screen.lines().enumerate() {
        let chars: Vec<char> = line.chars().collect();
        let wanted: Vec<char> = text.chars().collect();
        for column in from_column..chars.len().saturating_sub(wanted.len() - 1) {
            if chars[column..column + wanted.len()] == wanted[..] {
                return (column as u16, row as u16);
            }
        }
    }
    panic!("`{text}` is not on the screen:\n{screen}");
}

#[test]
fn the_dashboard_starts_on_the_tokens_and_j_moves_them() {
    let mut app = loaded();
    assert_eq!(app.focus, Focus::Tokens);
    assert_eq!(on(&app).as_deref(), Some("alice-laptop"));
    key(&mut app, KeyCode::Char('j'));
    assert_eq!(
        on(&app).as_deref(),
        Some("backup-job"),
        "j moved the tokens"
    );
    assert_eq!(app.selected_account(), None, "not the accounts");
}

#[test]
fn while_accounts_load_the_cursor_stays_on_the_top_row() {
    let (mut app, _) = started(options());
    // prod-qovery answers first: its only token is on the top row.
    let id = list_id(&app, 2);
    answer(&mut app, id, Ok(tokens_for(2)));
    assert_eq!(on(&app).as_deref(), Some("terraform"));
    // acme-fluid's tokens sort above it: the cursor stays on the top row instead of following
    // terraform down the list.
    let id = list_id(&app, 0);
    answer(&mut app, id, Ok(tokens_for(0)));
    assert_eq!(app.table.cursor(), 0);
    assert_eq!(on(&app).as_deref(), Some("alice-laptop"));

    // Once the user has moved, the cursor keeps to the token they chose.
    key(&mut app, KeyCode::Char('j'));
    assert_eq!(on(&app).as_deref(), Some("backup-job"));
    for i in [1, 3] {
        let id = list_id(&app, i);
        answer(&mut app, id, Ok(tokens_for(i)));
    }
    assert_eq!(on(&app).as_deref(), Some("backup-job"));
}

fn qovery_accounts() -> App {
    let names = ["qovery-dev", "qovery-prod", "qovery-staging", "fluid"];
    let accounts = names
        .iter()
        .map(|n| AccountInfo {
            name: (*n).into(),
            kind: if n.starts_with("qovery") {
                ProviderKind::Qovery
            } else {
                ProviderKind::Fluid
            },
            read_only: false,
        })
        .collect();
    App::new(accounts, options())
}

fn command(app: &mut App, line: &str) {
    key(app, KeyCode::Char(':'));
    chars(app, line);
    key(app, KeyCode::Enter);
}

#[test]
fn an_ambiguous_account_name_lists_its_candidates() {
    let mut app = qovery_accounts();
    command(&mut app, "account qov");
    let toast = app.toasts.last().expect("a toast");
    assert_eq!(toast.kind, ToastKind::Error);
    assert_eq!(
        toast.text,
        "`qov` is ambiguous: qovery-dev, qovery-prod, qovery-staging; type more of the name"
    );
    assert_eq!(app.selected_account(), None, "nothing was chosen");

    // A unique prefix, or a unique part of the name, picks one.
    command(&mut app, "account qovery-p");
    assert_eq!(app.selected_account(), Some(1));
    command(&mut app, "account staging");
    assert_eq!(app.selected_account(), Some(2));
    command(&mut app, "account all");
    assert_eq!(app.selected_account(), None);
    command(&mut app, "account nope");
    assert_eq!(
        app.toasts.last().map(|t| t.text.as_str()),
        Some("no account named `nope`")
    );
}

#[test]
fn an_exact_name_wins_over_longer_ones() {
    let mut app = App::new(
        ["prod", "prod-2"]
            .iter()
            .map(|n| AccountInfo {
                name: (*n).into(),
                kind: ProviderKind::Qovery,
                read_only: false,
            })
            .collect(),
        options(),
    );
    command(&mut app, "account prod");
    assert_eq!(app.selected_account(), Some(0));
    assert!(app.toasts.is_empty());
}

const SIZE: (u16, u16) = (120, 35);

fn loaded_at(size: (u16, u16)) -> App {
    let mut app = loaded();
    update(&mut app, Msg::Resize(size.0, size.1));
    app
}

#[test]
fn a_click_selects_the_token_row_under_it() {
    let mut app = loaded_at(SIZE);
    let at = find(&app, SIZE, "grafana-reader", 0);
    click(&mut app, at);
    assert_eq!(on(&app).as_deref(), Some("grafana-reader"));
    assert_eq!(app.focus, Focus::Tokens);

    // The header row and the border are no rows: the cursor stays.
    let header = find(&app, SIZE, "Name", 0);
    click(&mut app, header);
    assert_eq!(on(&app).as_deref(), Some("grafana-reader"));
}

#[test]
fn a_click_on_an_account_focuses_the_accounts_and_selects_it() {
    let mut app = loaded_at(SIZE);
    let at = find(&app, SIZE, "ops-lagrello", 0);
    click(&mut app, at);
    assert_eq!(app.focus, Focus::Accounts);
    assert_eq!(app.selected_account(), Some(1));
    let names: Vec<String> = app
        .table
        .rows()
        .iter()
        .filter_map(|r| app.token_at(*r).map(|(_, t)| t.name.clone()))
        .collect();
    assert_eq!(names, ["grafana-reader", "zapier"]);

    // A click in the tokens pane takes the focus back there.
    let at = find(&app, SIZE, "zapier", 0);
    click(&mut app, at);
    assert_eq!(app.focus, Focus::Tokens);
    assert_eq!(on(&app).as_deref(), Some("zapier"));
}

#[test]
fn a_click_in_the_detail_pane_focuses_it() {
    let mut app = loaded_at(SIZE);
    // The detail pane names the selected token's fields; its border title says Detail.
    let at = find(&app, SIZE, "Detail", 0);
    click(&mut app, (at.0, at.1 + 2));
    assert_eq!(app.focus, Focus::Detail);
}

#[test]
fn the_wheel_scrolls_the_pane_under_it_not_the_focused_one() {
    let mut app = loaded_at(SIZE);
    assert_eq!(app.focus, Focus::Tokens);
    // Over the accounts: the accounts move, the focus stays on the tokens.
    let accounts = find(&app, SIZE, "acme-fluid", 0);
    mouse(&mut app, MouseEventKind::ScrollDown, accounts.0, accounts.1);
    assert_eq!(app.focus, Focus::Tokens);
    assert!(app.selected_account().is_some(), "the accounts scrolled");
    mouse(&mut app, MouseEventKind::ScrollUp, accounts.0, accounts.1);
    assert_eq!(app.selected_account(), None);

    // Over the tokens: the token cursor moves, three rows a notch.
    key(&mut app, KeyCode::Char('1'));
    let tokens = find(&app, SIZE, "alice-laptop", 0);
    let before = app.table.cursor();
    mouse(&mut app, MouseEventKind::ScrollDown, tokens.0, tokens.1);
    assert_eq!(app.focus, Focus::Accounts, "the focus stays");
    assert_eq!(app.table.cursor(), (before + 3).min(6));
    key(&mut app, KeyCode::Char('g'));
    assert_eq!(
        app.selected_account(),
        None,
        "g went to the top of the accounts"
    );
    mouse(&mut app, MouseEventKind::ScrollDown, tokens.0, tokens.1);
    mouse(&mut app, MouseEventKind::ScrollUp, tokens.0, tokens.1);
    mouse(&mut app, MouseEventKind::ScrollUp, tokens.0, tokens.1);
    assert_eq!(app.table.cursor(), 0, "stops at the top");
}

#[test]
fn the_mouse_leaves_dialogs_and_text_lines_alone() {
    let mut app = loaded_at(SIZE);
    let at = find(&app, SIZE, "zapier", 0);
    key(&mut app, KeyCode::Char('/'));
    click(&mut app, at);
    assert_eq!(
        on(&app).as_deref(),
        Some("alice-laptop"),
        "typing the filter"
    );
    key(&mut app, KeyCode::Esc);
    key(&mut app, KeyCode::Char('d'));
    assert!(app.modal.is_some());
    click(&mut app, at);
    assert!(app.modal.is_some());
    assert_eq!(
        on(&app).as_deref(),
        Some("alice-laptop"),
        "a dialog has the keys"
    );
}
