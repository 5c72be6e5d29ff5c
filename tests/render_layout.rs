//! The screen uses the space it has: dialogs sized to the terminal with every hint and error
//! whole, table columns measured over the whole view (steady while scrolling), the accounts pane
//! saying how many accounts are out of view, the help hint always in the status bar, toasts off
//! the cursor row, a huge name kept inside the detail pane, and a title that says how rows are
//! ordered. TestBackend with the fixtures' fixed clock, as in render.rs.

// Shared helpers: this file uses some of them.
#[allow(dead_code)]
mod common {
    pub mod fixtures;
    pub mod screen;
}

use common::fixtures::*;
use common::screen::draw;
use crossterm::event::KeyCode;
use tokdash::app::{AccountInfo, ApiResult, App, AppOptions, Effect, Msg, update};
use tokdash::model::{ApiError, Listing, Privilege, Token};
use tokdash::provider::ProviderKind;

/// Three accounts per provider, as `tokdash sandbox --accounts-per-provider 3` serves them, each
/// listed with the fixture tokens of its provider.
fn twelve_accounts(options: AppOptions) -> App {
    let kinds = [
        ProviderKind::Fluid,
        ProviderKind::Lagrello,
        ProviderKind::Qovery,
        ProviderKind::Sematext,
    ];
    let accounts: Vec<AccountInfo> = kinds
        .iter()
        .flat_map(|kind| {
            (1..=3).map(move |n| AccountInfo {
                name: format!("{}-{n}", kind.name()),
                kind: *kind,
                read_only: false,
            })
        })
        .collect();
    let mut app = App::new(accounts, options);
    update(&mut app, Msg::Clock(NOW));
    app.start();
    for i in 0..app.accounts.len() {
        let id = list_id(&app, i);
        answer(&mut app, id, Ok(tokens_for(i / 3)));
    }
    app
}

fn demo() -> AppOptions {
    AppOptions {
        demo: true,
        ..options()
    }
}

/// The last screen row: the status bar.
fn status_bar(screen: &str) -> &str {
    screen.lines().last().unwrap_or_default()
}

#[test]
fn twelve_accounts_at_80x24_count_what_is_out_of_view_and_keep_the_help_hint() {
    let mut app = twelve_accounts(demo());
    let screen = draw(&app, 80, 24);
    // 13 rows (All accounts and 12) in a pane of 5: the other 8 are counted.
    assert!(screen.contains("+8 more ↓"), "{screen}");
    assert!(status_bar(&screen).starts_with("? help"), "{screen}");
    insta::assert_snapshot!("twelve_accounts_80x24", screen);

    // Down to the last account: it is in view, and what is above is counted instead.
    key(&mut app, KeyCode::Char('1'));
    for _ in 0..12 {
        key(&mut app, KeyCode::Char('j'));
    }
    let screen = draw(&app, 80, 24);
    let selected = screen
        .lines()
        .find(|l| l.contains('▶'))
        .expect("a selected account");
    assert!(selected.contains("sematext-3"), "{screen}");
    assert!(screen.contains("↑ 8 more"), "{screen}");
    assert!(!screen.contains("more ↓"), "{screen}");

    // A narrower terminal drops counts and badges before the help hint.
    for width in [60, 40, 24] {
        let screen = draw(&app, width, 20);
        assert!(
            status_bar(&screen).starts_with("? help"),
            "{width}: {screen}"
        );
    }
}

/// One qovery account with 60 tokens: short names and no scopes at the top, a long name and
/// scopes at the bottom; qovery ids are UUIDs, not secrets.
fn long_list() -> App {
    let (mut app, _) = started(options());
    let mut tokens: Vec<Token> = (0..60)
        .map(|i| {
            Token::new(
                &format!("0b6d4d5e-9a7b-4c2e-8f0a-{i:012}"),
                &format!("tok-{i:02}"),
            )
            .with_created(Some("2026-05-01T00:00:00Z"))
            .with_privilege(Privilege::Read)
        })
        .collect();
    tokens.push(
        Token::new(
            "0b6d4d5e-9a7b-4c2e-8f0a-999999999999",
            "zz-the-longest-name-of-them-all",
        )
        .with_created(Some("2026-05-01T00:00:00Z"))
        .with_scopes(["Admin"])
        .with_privilege(Privilege::Admin),
    );
    for i in 0..app.accounts.len() {
        let id = list_id(&app, i);
        let list = if i == 2 { tokens.clone() } else { Vec::new() };
        answer(&mut app, id, Ok(list));
    }
    key(&mut app, KeyCode::Char('2'));
    app
}

fn header(screen: &str) -> String {
    screen
        .lines()
        .find(|l| l.contains("Name") && l.contains("Priv"))
        .unwrap_or_else(|| panic!("no table header:\n{screen}"))
        .to_owned()
}

#[test]
fn columns_keep_their_widths_while_scrolling_and_ids_are_whole_where_there_is_room() {
    let mut app = long_list();
    let top = draw(&app, 160, 40);
    // The scopes column is there for the view, though no row on this page has scopes.
    assert!(header(&top).contains("Scopes"), "{top}");
    // Room enough: the ids are whole.
    assert!(
        top.contains("0b6d4d5e-9a7b-4c2e-8f0a-000000000000"),
        "{top}"
    );
    key(&mut app, KeyCode::Char('G'));
    let bottom = draw(&app, 160, 40);
    assert!(
        bottom.contains("zz-the-longest-name-of-them-all"),
        "{bottom}"
    );
    assert_eq!(header(&top), header(&bottom), "{top}\n{bottom}");
    insta::assert_snapshot!("long_list_scrolled_160x40", bottom);

    // A narrow terminal cuts the id, but still not while scrolling.
    key(&mut app, KeyCode::Char('g'));
    let top = draw(&app, 100, 30);
    key(&mut app, KeyCode::Char('G'));
    let bottom = draw(&app, 100, 30);
    assert_eq!(header(&top), header(&bottom), "{top}\n{bottom}");
}

/// The text inside the dialog whose top border starts with `┌ {title}`, its rows joined by
/// spaces and its whitespace collapsed.
fn dialog_text(screen: &str, title: &str) -> String {
    let lines: Vec<Vec<char>> = screen.lines().map(|l| l.chars().collect()).collect();
    let needle: Vec<char> = format!("┌ {title}").chars().collect();
    let (top, left) = lines
        .iter()
        .enumerate()
        .find_map(|(y, l)| {
            l.windows(needle.len())
                .position(|w| w == needle.as_slice())
                .map(|x| (y, x))
        })
        .unwrap_or_else(|| panic!("no dialog {title:?}:\n{screen}"));
    let right = left
        + lines[top][left..]
            .iter()
            .position(|c| *c == '┐')
            .expect("the top right corner");
    let mut text = Vec::new();
    for l in &lines[top + 1..] {
        if l.get(left) == Some(&'└') {
            break;
        }
        text.push(l[left + 1..right].iter().collect::<String>());
    }
    text.join(" ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn a_long_server_error_in_a_form_wraps_whole_at_every_size() {
    let mut app = loaded();
    key(&mut app, KeyCode::Char('G'));
    key(&mut app, KeyCode::Char('2'));
    key(&mut app, KeyCode::Char('n'));
    // Under All accounts `n` asks which account, the cursor's (ops-lagrello) chosen.
    key(&mut app, KeyCode::Enter);
    chars(&mut app, "deploy bot");
    let effects = ctrl(&mut app, 's');
    let id = match effects.as_slice() {
        [Effect::Api { id, .. }] => *id,
        other => panic!("{other:?}"),
    };
    let error = ApiError::Conflict(
        "a token named deploy bot already exists in this organization (Organization \
         3f9c2a71-logs-production-eu-central, project ingest); names are unique per \
         organization, so choose another name or delete the old token first"
            .into(),
    );
    let words = error.to_string();
    update(
        &mut app,
        Msg::Api {
            id,
            result: ApiResult::Created(Err(error)),
        },
    );
    for (w, h) in [(80, 24), (160, 45), (240, 70)] {
        let screen = draw(&app, w, h);
        let text = dialog_text(&screen, "New token");
        assert!(text.contains(&words), "{w}x{h}: {text}\n{screen}");
        assert!(text.contains("esc cancel"), "{w}x{h}: {screen}");
    }
    insta::assert_snapshot!("form_long_error_80x24", draw(&app, 80, 24));
}

#[test]
fn a_dialog_taller_than_the_screen_keeps_the_focused_field_and_counts_the_rest() {
    let mut app = loaded();
    key(&mut app, KeyCode::Char('1'));
    key(&mut app, KeyCode::Char('j'));
    key(&mut app, KeyCode::Char('j'));
    key(&mut app, KeyCode::Char('n'));
    key(&mut app, KeyCode::Tab);
    // Eight rows for the panes: the form cannot show all of its lines.
    let screen = draw(&app, 60, 9);
    assert!(screen.contains("› Permissions"), "{screen}");
    assert!(screen.contains("more"), "{screen}");
}

#[test]
fn toasts_never_hide_the_row_under_the_cursor() {
    let mut app = long_list();
    // The cursor on the last row of the page, where toasts stack by default.
    for _ in 0..20 {
        key(&mut app, KeyCode::Char('j'));
    }
    key(&mut app, KeyCode::Char(':'));
    chars(&mut app, "account nobody");
    key(&mut app, KeyCode::Enter);
    for (w, h) in [(80, 24), (160, 45)] {
        let screen = draw(&app, w, h);
        assert!(screen.contains("no account named"), "{w}x{h}: {screen}");
        let cursor = screen
            .lines()
            .find(|l| l.contains('▶'))
            .unwrap_or_else(|| panic!("no cursor row:\n{screen}"));
        let name = format!("tok-{:02}", app.table.cursor());
        assert!(cursor.contains(&name), "{w}x{h}: {name}\n{screen}");
        assert!(!cursor.contains("no account named"), "{w}x{h}: {screen}");
    }
}

#[test]
fn a_5000_character_name_stays_in_the_detail_pane_s_own_column() {
    let (mut app, _) = started(options());
    let name = "n".repeat(5_000);
    for i in 0..app.accounts.len() {
        let id = list_id(&app, i);
        let mut list = tokens_for(i);
        if i == 1 {
            list[0].name = name.clone();
        }
        answer(&mut app, id, Ok(list));
    }
    key(&mut app, KeyCode::Char('1'));
    key(&mut app, KeyCode::Char('j'));
    key(&mut app, KeyCode::Char('j'));
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Char('2'));
    assert_eq!(app.selected_token().map(|(_, t)| t.name.len()), Some(5_000));
    for (w, h) in [(200, 50), (80, 24)] {
        if w == 80 {
            key(&mut app, KeyCode::Enter);
        }
        let screen = draw(&app, w, h);
        let can = screen
            .lines()
            .find(|l| l.contains("can "))
            .unwrap_or_else(|| panic!("{w}x{h}: the permissions are out of view\n{screen}"));
        let perms = &can[can.find("can ").unwrap()..];
        assert!(!perms.contains("nnnn"), "{w}x{h}: {screen}");
        assert!(screen.contains("cannot "), "{w}x{h}: {screen}");
        // A few rows of it at most, in the table and the detail pane, the cut marked.
        let rows = screen.lines().filter(|l| l.contains("nnnnnnnnnn")).count();
        assert!((1..=4).contains(&rows), "{w}x{h}: {rows}\n{screen}");
        let detail = screen
            .lines()
            .find(|l| l.contains("name        nnnn"))
            .unwrap_or_else(|| panic!("{w}x{h}: no name in the detail pane\n{screen}"));
        assert!(!detail.contains("can"), "{w}x{h}: {screen}");
        assert!(
            screen.lines().any(|l| l.contains("nnn…")),
            "{w}x{h}: the cut is marked\n{screen}"
        );
    }
}

#[test]
fn the_title_says_how_a_filtered_view_is_ordered() {
    let mut app = loaded();
    key(&mut app, KeyCode::Char('2'));
    key(&mut app, KeyCode::Char('/'));
    chars(&mut app, "e");
    key(&mut app, KeyCode::Enter);
    let screen = draw(&app, 120, 35);
    assert!(screen.contains("best match, then name↑"), "{screen}");
    let before: Vec<_> = app.table.rows().to_vec();
    key(&mut app, KeyCode::Char('s'));
    let screen = draw(&app, 120, 35);
    assert!(screen.contains("best match, then created↑"), "{screen}");
    assert!(!screen.contains("sorted by match"), "{screen}");
    // The sort did reorder the equal matches, as the title now says it would.
    assert_ne!(before, app.table.rows(), "{screen}");
    key(&mut app, KeyCode::Esc);
    let screen = draw(&app, 120, 35);
    assert!(screen.contains("sort created↑"), "{screen}");
}

#[test]
fn column_widths_are_measured_over_the_view() {
    // Measured once from the list answer, not per frame.
    let (mut app, _) = started(options());
    let id = list_id(&app, 2);
    update(
        &mut app,
        Msg::Api {
            id,
            result: ApiResult::List(Ok(Listing::from(qovery_tokens()))),
        },
    );
    let w = app.table.column_widths();
    assert_eq!(w.name, "terraform".len());
    assert_eq!(w.id, 36);
    assert_eq!(w.scopes, "ADMIN".len());
}

#[test]
fn a_field_s_help_wraps_under_the_values_not_the_labels() {
    let mut app = loaded();
    key(&mut app, KeyCode::Char('1'));
    key(&mut app, KeyCode::Char('j'));
    key(&mut app, KeyCode::Char('j'));
    key(&mut app, KeyCode::Char('n'));
    key(&mut app, KeyCode::Tab);
    let screen = draw(&app, 80, 24);
    let rows: Vec<&str> = screen
        .lines()
        .skip_while(|l| !l.contains("› Permissions"))
        .skip(1)
        .take_while(|l| !l.contains("tab next"))
        .filter(|l| l.chars().any(char::is_alphabetic))
        .collect();
    assert!(rows.len() >= 2, "the help wraps at 80 columns:\n{screen}");
    // The dialog's text starts where the focused field's marker is.
    let field_row = screen
        .lines()
        .find(|l| l.contains("› Permissions"))
        .expect("the permissions row");
    let start = field_row[..field_row.find("› Permissions").unwrap()]
        .chars()
        .count();
    let text_col = |l: &str| l.chars().skip(start).take_while(|c| *c == ' ').count();
    for row in rows {
        assert_eq!(text_col(row), 14, "{row:?}\n{screen}");
    }
}
