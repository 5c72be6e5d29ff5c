//! Snapshot tests of the screen, rendered into ratatui's TestBackend with a fixed clock. The
//! leaked-secret dialog, the quit question and the message log are in `render_incident.rs`, the
//! auditing screens in `render_audit.rs`.
//! Review changes with `cargo insta review` (or `INSTA_UPDATE=always cargo test --test render`).

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
use tokdash::app::{App, Mode, Msg, update};
use tokdash::model::{ApiError, Token};
use tokdash::sandbox::store::hostile_names;

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
    key(&mut app, KeyCode::Char('1'));
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
    insta::assert_snapshot!("help_120x35", wide);
    // Taller than the screen: the last groups are a scroll away.
    key(&mut app, KeyCode::Char('G'));
    let bottom = draw(&app, 120, 35);
    assert!(bottom.contains("Message log"), "{bottom}");
    let both = format!("{wide}\n{bottom}");
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
    ] {
        assert!(both.contains(dialog_key), "{dialog_key}: {both}");
    }
    key(&mut app, KeyCode::Char('g'));

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
    let screen = draw(&app, 80, 24);
    // A lagrello token: its id is the secret, and the hint under its fields says so.
    assert!(screen.contains("v to reveal the id"), "{screen}");
    insta::assert_snapshot!("detail_80x24", screen);
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

/// With a dialog open the status bar says the dialog has the keys, whole or not at all.
#[test]
fn the_dialog_note_in_the_status_bar_is_never_cut_mid_sentence() {
    let mut app = loaded();
    key(&mut app, KeyCode::Char('e'));
    let wide = draw(&app, 120, 35);
    assert!(
        wide.lines()
            .last()
            .unwrap()
            .contains("a dialog has the keys")
    );
    for width in [40, 50, 60] {
        let screen = draw(&app, width, 14);
        let status = screen.lines().last().unwrap();
        assert!(
            !status.contains("a dialog") || status.contains("a dialog has the keys"),
            "{width}: {status}"
        );
    }
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
    assert!(status.contains("idle"), "{status}");
    assert!(
        status.trim_end().ends_with("tokdash"),
        "the product names itself: {status}"
    );
    let wide = draw(&app, 120, 35);
    let status = wide.lines().last().unwrap();
    assert!(
        status
            .trim_end()
            .ends_with(concat!("tokdash ", env!("CARGO_PKG_VERSION"))),
        "with its version where there is room: {status}"
    );
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
    key(&mut app, KeyCode::Char('1'));
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
    // The status bar keeps `idle` and the product's name visible at the smallest supported size.
    let screen = draw(&loaded(), 80, 24);
    let status = screen.lines().last().unwrap().trim_end();
    assert!(status.ends_with("idle tokdash"), "{status}");
}

/// The sematext account selected, tokens focused.
fn sematext_selected() -> App {
    let mut app = loaded();
    key(&mut app, KeyCode::Char('1'));
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
    key(&mut app, KeyCode::Char('1'));
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
    key(&mut app, KeyCode::Char('1'));
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
        delivery: Default::default(),
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
    key(&mut app, KeyCode::Char('1'));
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
        key(&mut app, KeyCode::Char('1'));
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
    key(&mut app, KeyCode::Char('1'));
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

#[test]
fn a_bulk_delete_confirmation_speaks_of_the_tokens_in_the_plural() {
    let mut app = loaded();
    key(&mut app, KeyCode::Char('2'));
    key(&mut app, KeyCode::Char(' '));
    key(&mut app, KeyCode::Char(' '));
    key(&mut app, KeyCode::Char('d'));
    let screen = draw(&app, 120, 35);
    assert!(screen.contains("Delete these 2 tokens?"), "{screen}");
    assert!(
        screen.contains("Anything using them stops working at once."),
        "{screen}"
    );
    assert!(!screen.contains("using it stops"), "{screen}");
}
