//! Snapshot tests of the screen, rendered into ratatui's TestBackend with a fixed clock.
//! Review changes with `cargo insta review` (or `INSTA_UPDATE=always cargo test --test render`).

// Shared helpers: this file uses some of them.
#[allow(dead_code)]
mod common {
    pub mod fixtures;
}

use std::time::Instant;

use common::fixtures::*;
use crossterm::event::KeyCode;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use tokdash::app::{App, Mode, Msg, update};
use tokdash::model::{ApiError, Token};
use tokdash::sandbox::store::hostile_names;
use tokdash::ui::render;

/// The screen as text, one line per row, wide characters counted once.
fn draw(app: &App, width: u16, height: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("test terminal");
    terminal
        .draw(|f| render(app, f, NOW))
        .expect("draw into the test backend");
    let buffer = terminal.backend().buffer();
    let mut out = String::new();
    for y in 0..height {
        let mut skip = 0u16;
        for x in 0..width {
            let cell = &buffer[(x, y)];
            if skip == 0 {
                out.push_str(cell.symbol());
            }
            skip = skip.max(unicode_width(cell.symbol())).saturating_sub(1);
        }
        out.push('\n');
    }
    out
}

fn unicode_width(s: &str) -> u16 {
    ratatui::text::Span::raw(s).width() as u16
}

#[test]
fn loading() {
    let (app, _) = started(options());
    insta::assert_snapshot!("loading_80x24", draw(&app, 80, 24));
}

#[test]
fn all_accounts_80x24() {
    let app = loaded();
    insta::assert_snapshot!("all_accounts_80x24", draw(&app, 80, 24));
}

#[test]
fn all_accounts_160x40() {
    let app = loaded();
    insta::assert_snapshot!("all_accounts_160x40", draw(&app, 160, 40));
}

#[test]
fn one_account_120x35() {
    let mut app = loaded();
    key(&mut app, KeyCode::Char('j'));
    key(&mut app, KeyCode::Char('j'));
    key(&mut app, KeyCode::Enter);
    insta::assert_snapshot!("one_account_120x35", draw(&app, 120, 35));
}

#[test]
fn one_failed_account() {
    let (mut app, _) = started(options());
    let id = list_id(&app, 2);
    answer(
        &mut app,
        id,
        Err(ApiError::Unauthorized("invalid API token".into())),
    );
    for i in [0, 1] {
        let id = list_id(&app, i);
        answer(&mut app, id, Ok(tokens_for(i)));
    }
    // sematext is still loading
    insta::assert_snapshot!("one_failed_80x24", draw(&app, 80, 24));
    insta::assert_snapshot!("one_failed_160x40", draw(&app, 160, 40));
}

#[test]
fn filter_active() {
    let mut app = loaded();
    key(&mut app, KeyCode::Char('/'));
    chars(&mut app, "read");
    insta::assert_snapshot!("filter_active_80x24", draw(&app, 80, 24));
}

#[test]
fn help_overlay() {
    let mut app = loaded();
    key(&mut app, KeyCode::Char('2'));
    key(&mut app, KeyCode::Char('?'));
    insta::assert_snapshot!("help_80x24", draw(&app, 80, 24));
}

/// Help lists the keys of the text lines and of every dialog too (the leaked-secret dialog, the
/// quit question and the message log included): flowing over the columns there is room for,
/// scrolled to with the move keys.
#[test]
fn help_lists_dialog_keys() {
    let mut app = loaded();
    update(&mut app, Msg::Resize(120, 35));
    key(&mut app, KeyCode::Char('2'));
    key(&mut app, KeyCode::Char('?'));
    let wide = draw(&app, 120, 35);
    for dialog_key in [
        "y Y",
        "n N",
        "ctrl-s",
        "shift-tab ↑",
        "copy the secret",
        "delete its token",
        "disable it instead",
        "q n N esc     close",
        "w W           wait, then quit",
        "Message log",
    ] {
        assert!(wide.contains(dialog_key), "{dialog_key}: {wide}");
    }
    insta::assert_snapshot!("help_120x35", wide);

    update(&mut app, Msg::Resize(80, 24));
    key(&mut app, KeyCode::Char('G'));
    assert_eq!(
        app.mode,
        Mode::Help,
        "the move keys scroll a help taller than the screen"
    );
    insta::assert_snapshot!("help_scrolled_80x24", draw(&app, 80, 24));
    key(&mut app, KeyCode::Char('g'));
    assert_eq!(app.help_scroll, 0);
    key(&mut app, KeyCode::Char('x'));
    assert_eq!(app.mode, Mode::Normal, "any other key closes it");
}

#[test]
fn detail_stacks_on_a_narrow_terminal() {
    let mut app = loaded();
    key(&mut app, KeyCode::Char('2'));
    key(&mut app, KeyCode::Char('G'));
    key(&mut app, KeyCode::Enter);
    insta::assert_snapshot!("detail_80x24", draw(&app, 80, 24));
}

#[test]
fn secrets_stay_masked_until_revealed() {
    let mut app = loaded();
    key(&mut app, KeyCode::Char(':'));
    chars(&mut app, "account logs-sematext");
    key(&mut app, KeyCode::Enter);
    let screen = draw(&app, 160, 40);
    assert!(!screen.contains("st-secret-value-0001"), "{screen}");
    insta::assert_snapshot!("secret_masked_160x40", screen);
    key(&mut app, KeyCode::Char('v'));
    assert!(draw(&app, 160, 40).contains("st-secret-value-0001"));
}

#[test]
fn status_bar_shows_busy_then_idle_and_demo() {
    let (mut app, _) = started(common::fixtures::options());
    app.demo = true;
    update(&mut app, Msg::Tick(Instant::now(), NOW));
    let screen = draw(&app, 80, 24);
    let status = screen.lines().last().unwrap();
    assert!(
        status.contains("4 in flight") && status.contains("DEMO"),
        "{status}"
    );
    for i in 0..4 {
        let id = list_id(&app, i);
        answer(&mut app, id, Ok(tokens_for(i)));
    }
    let screen = draw(&app, 80, 24);
    let status = screen.lines().last().unwrap();
    assert!(status.trim_end().ends_with("idle"), "{status}");
}

#[test]
fn hostile_names_never_reach_the_terminal() {
    let (mut app, _) = started(options());
    let tokens: Vec<Token> = hostile_names()
        .iter()
        .enumerate()
        .map(|(i, name)| {
            Token::new(&format!("id-\x1b[31m{i}"), name)
                .with_created(Some("2026-05-01T00:00:00Z"))
                .with_scopes(["\x1b]52;c;aGk=\x07"])
                .with_extra("owner", Some("\u{202E}evil"))
        })
        .collect();
    let id = list_id(&app, 0);
    answer(&mut app, id, Ok(tokens));
    key(&mut app, KeyCode::Char('j'));
    key(&mut app, KeyCode::Char('2'));
    for size in [(80, 24), (160, 40)] {
        let screen = draw(&app, size.0, size.1);
        assert!(
            !screen.chars().any(|c| c.is_control() && c != '\n'),
            "a control character reached the screen:\n{screen}"
        );
        assert!(!screen.contains('\u{202E}'));
    }
    key(&mut app, KeyCode::Enter);
    let screen = draw(&app, 160, 40);
    assert!(!screen.chars().any(|c| c.is_control() && c != '\n'));
    insta::assert_snapshot!("hostile_names_160x40", screen);
}

#[test]
fn tiny_terminals_do_not_break() {
    for setup in ["", "2", "3", "?", "/x"] {
        let mut app = loaded();
        chars(&mut app, setup);
        for (w, h) in [(1, 1), (10, 3), (20, 5), (40, 12), (79, 23), (300, 100)] {
            let screen = draw(&app, w, h);
            assert_eq!(screen.lines().count(), usize::from(h));
        }
    }
    // The status bar keeps `idle` visible at the smallest supported size.
    let screen = draw(&loaded(), 80, 24);
    assert!(screen.lines().last().unwrap().trim_end().ends_with("idle"));
}

/// The sematext account selected, tokens focused.
fn sematext_selected() -> App {
    let mut app = loaded();
    key(&mut app, KeyCode::Char('G'));
    key(&mut app, KeyCode::Char('2'));
    app
}

#[test]
fn create_form_80x24() {
    let mut app = sematext_selected();
    key(&mut app, KeyCode::Char('n'));
    chars(&mut app, "deploy bot");
    insta::assert_snapshot!("create_form_80x24", draw(&app, 80, 24));
}

#[test]
fn create_form_with_error_120x35() {
    let mut app = loaded();
    key(&mut app, KeyCode::Char('j'));
    key(&mut app, KeyCode::Char('j'));
    key(&mut app, KeyCode::Char('n'));
    ctrl(&mut app, 's');
    insta::assert_snapshot!("create_form_error_120x35", draw(&app, 120, 35));
}

#[test]
fn confirm_delete_80x24() {
    let mut app = sematext_selected();
    key(&mut app, KeyCode::Char('d'));
    insta::assert_snapshot!("confirm_delete_80x24", draw(&app, 80, 24));
}

#[test]
fn secret_modal_is_masked_120x35() {
    use tokdash::app::ApiResult;
    use tokdash::model::Created;
    let mut app = sematext_selected();
    key(&mut app, KeyCode::Char('R'));
    let effects = key(&mut app, KeyCode::Char('y'));
    let id = match effects.as_slice() {
        [tokdash::app::Effect::Api { id, .. }] => *id,
        other => panic!("{other:?}"),
    };
    update(
        &mut app,
        Msg::Api {
            id,
            result: ApiResult::Created(Ok(Box::new(Created {
                token: Token::new("4711", "shipper"),
                secret: "st-brand-new-secret-0002".to_owned().into(),
            }))),
        },
    );
    let screen = draw(&app, 120, 35);
    assert!(!screen.contains("st-brand-new-secret-0002"), "masked");
    insta::assert_snapshot!("secret_modal_masked_120x35", screen);
    key(&mut app, KeyCode::Esc);
    insta::assert_snapshot!("secret_modal_closing_120x35", draw(&app, 120, 35));
}

/// The hints inside dialogs come from the keymap: a rebound key shows there.
#[test]
fn dialog_hints_show_rebound_keys() {
    use tokdash::app::{AppOptions, Keymap};
    let keymap = Keymap::from_config(&[
        ("confirm".into(), "o".into()),
        ("deny".into(), "x".into()),
        ("cancel".into(), "ctrl-g".into()),
        ("submit".into(), "f2".into()),
        ("toggle_choice".into(), "t".into()),
        ("reveal".into(), "ctrl-v".into()),
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
    key(&mut app, KeyCode::Char('G'));
    key(&mut app, KeyCode::Char('2'));

    key(&mut app, KeyCode::Char('d'));
    let screen = draw(&app, 80, 24);
    assert!(
        screen.contains("o yes   x/ctrl-g no   ←/→ choose   enter takes the highlighted"),
        "{screen}"
    );
    ctrl(&mut app, 'g');

    key(&mut app, KeyCode::Char('n'));
    let screen = draw(&app, 80, 24);
    assert!(
        screen.contains("tab next   enter next/submit   f2 submit   ctrl-g cancel"),
        "{screen}"
    );
    key(&mut app, KeyCode::Tab);
    let screen = draw(&app, 120, 35);
    assert!(screen.contains("(t toggles)"), "{screen}");
    ctrl(&mut app, 'g');

    // A new secret: reveal is ctrl-v there too, and `o` answers the closing question.
    app.open_modal(tokdash::app::Modal::Secret(tokdash::app::SecretView {
        account: 3,
        token: tokdash::app::TokenRef {
            account: 3,
            id: tokdash::model::TokenId::new("4711"),
            name: "shipper".into(),
        },
        secret: "st-brand-new-secret-0002".to_owned().into(),
        revealed: false,
        closing: false,
        copied: None,
        replaces: None,
    }));
    let screen = draw(&app, 120, 35);
    assert!(
        screen.contains("ctrl-v reveal   y copy   ctrl-g close"),
        "{screen}"
    );
    ctrl(&mut app, 'g');
    let screen = draw(&app, 120, 35);
    assert!(screen.contains("o closes, any other key keeps"), "{screen}");
}

#[test]
fn unavailable_operation_80x24() {
    let mut app = loaded();
    key(&mut app, KeyCode::Char('j'));
    key(&mut app, KeyCode::Char('2'));
    key(&mut app, KeyCode::Char('R'));
    update(&mut app, Msg::Tick(Instant::now(), NOW));
    insta::assert_snapshot!("unavailable_operation_80x24", draw(&app, 80, 24));
}

#[test]
fn a_huge_paste_into_a_form_field_is_cut_quickly() {
    // Someone pastes a file instead of a name. Inserting it char by char took minutes.
    for len in [200, 65_500, 70_000] {
        let mut app = sematext_selected();
        key(&mut app, KeyCode::Char('n'));
        let started = Instant::now();
        update(
            &mut app,
            Msg::Paste("名".repeat(len / 2) + &"x".repeat(len / 2)),
        );
        assert!(started.elapsed().as_secs() < 5, "{:?}", started.elapsed());
        for (w, h) in [(80, 24), (120, 35)] {
            let screen = draw(&app, w, h);
            assert!(screen.contains("Name"), "{screen}");
            assert_eq!(len > 512, screen.contains("cut to 512"), "{screen}");
        }
    }
}

#[test]
fn a_paste_lands_at_the_cursor_and_drops_control_characters() {
    let mut app = sematext_selected();
    key(&mut app, KeyCode::Char('n'));
    chars(&mut app, "ab");
    key(&mut app, KeyCode::Left);
    update(&mut app, Msg::Paste("X\nY\x1b".into()));
    chars(&mut app, "z");
    let screen = draw(&app, 80, 24);
    assert!(screen.contains("aXYzb"), "{screen}");
}

#[test]
fn what_an_account_cannot_do_reads_as_one_phrase_at_every_size() {
    // acme-fluid lacks operations; prod-qovery is read-only.
    for (down, reason) in [
        (1, "(fluid does not support it)"),
        (3, "(the account is read-only)"),
    ] {
        let mut app = loaded();
        for _ in 0..down {
            key(&mut app, KeyCode::Char('j'));
        }
        key(&mut app, KeyCode::Enter);
        key(&mut app, KeyCode::Char('2'));
        key(&mut app, KeyCode::Enter);
        for (w, h) in [(80, 24), (120, 35), (160, 40), (200, 50)] {
            let screen = draw(&app, w, h);
            let lines: Vec<&str> = screen.lines().collect();
            let Some(first) = lines.iter().position(|l| l.contains("cannot ")) else {
                panic!("{w}x{h}: no `cannot` line\n{screen}");
            };
            let Some(last) = lines.iter().position(|l| l.contains(reason)) else {
                panic!("{w}x{h}: the reason is cut apart\n{screen}");
            };
            // Each wrapped line of the list and the reason starts at the value column, never
            // under the label.
            let col = lines[first].find("cannot ").unwrap();
            for line in &lines[first + 1..=last] {
                let label_cell = line.get(col..col + 12).unwrap_or("");
                assert!(label_cell.trim().is_empty(), "{w}x{h}: {line}\n{screen}");
            }
        }
        if down == 1 {
            insta::assert_snapshot!("fluid_detail_120x35", draw(&app, 120, 35));
        }
    }
}

#[test]
fn a_secret_like_id_is_masked_alike_in_the_table_the_detail_the_dialog_and_the_audit_trail() {
    use tokdash::audit::TokenLabel;
    use tokdash::model::TokenId;
    use tokdash::provider::ProviderKind;
    let mut app = loaded();
    key(&mut app, KeyCode::Char('j'));
    key(&mut app, KeyCode::Char('j'));
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Char('2'));
    key(&mut app, KeyCode::Char('d'));
    let screen = draw(&app, 160, 40);
    let shown = "••••281706";
    // The table row, the detail pane and the confirmation all show the same mask.
    assert_eq!(screen.matches(shown).count(), 3, "{screen}");
    assert!(
        screen.contains(&format!("\"grafana-reader\" (id {shown})")),
        "{screen}"
    );
    assert!(!screen.contains("9f8e7d6c"), "{screen}");
    let id = TokenId::new("lgk_9f8e7d6c5b4a39281706");
    let label = TokenLabel::new(Some(&id), None, ProviderKind::Lagrello.caps());
    assert_eq!(label.id.as_deref(), Some(shown));
}

#[test]
fn a_revealed_secret_is_sanitised_like_in_the_secret_dialog() {
    let (mut app, _) = started(options());
    for i in 0..app.accounts.len() {
        let tokens = if i == 3 {
            vec![Token::new("4711", "shipper").with_secret(Some("st-\x1b[2J\u{202E}x".into()))]
        } else {
            tokens_for(i)
        };
        let id = list_id(&app, i);
        answer(&mut app, id, Ok(tokens));
    }
    key(&mut app, KeyCode::Char(':'));
    chars(&mut app, "account logs-sematext");
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Char('v'));
    let screen = draw(&app, 160, 40);
    assert!(screen.contains("st-\\x1b[2J<U+202E>x"), "{screen}");
    assert!(!screen.chars().any(|c| c.is_control() && c != '\n'));
    assert!(!screen.contains('\u{202E}'));
}

// The leaked-secret dialog, the message log and the quit question.

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
