//! Rebinding keys through the reducer: `[keys]` in the config moves the main keys, the dialogs'
//! and text lines' keys, the leaked-secret dialog's, the quit question's and the message log's.
//! No terminal, no network.

// Shared helpers: this file uses some of them.
#[allow(dead_code)]
mod common {
    pub mod fixtures;
}

use common::fixtures::*;
use crossterm::event::KeyCode;
use tokdash::app::modal::form::FieldValue;
use tokdash::app::{
    ApiRequest, App, AppOptions, Effect, Keymap, Modal, Mode, Msg, ToastKind, update,
};
use tokdash::leak::Fingerprints;

#[test]
fn remapped_keys_take_effect() {
    let keymap =
        Keymap::from_config(&[("quit".into(), "x".into()), ("down".into(), "n".into())]).unwrap();
    let (mut app, _) = started(AppOptions {
        keymap,
        ..options()
    });
    assert!(key(&mut app, KeyCode::Char('q')).is_empty());
    key(&mut app, KeyCode::Char('1'));
    key(&mut app, KeyCode::Char('j'));
    assert_eq!(app.account_sel(), 0, "j no longer moves");
    key(&mut app, KeyCode::Char('n'));
    assert_eq!(app.account_sel(), 1);
    assert_eq!(key(&mut app, KeyCode::Char('x')), vec![Effect::Quit]);
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
    key(&mut app, KeyCode::Char('1'));
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
