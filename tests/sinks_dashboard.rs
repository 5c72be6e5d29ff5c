//! Delivering a new secret from the dashboard's dialog, through the real event loop, effects
//! runner and worker, against the in-process sandbox: the account's default sinks come
//! preselected, each outcome is shown in the dialog, which stays open with the secret, and a
//! rotation whose delivery failed keeps its old token.

use std::collections::HashMap;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::time::Duration;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use secrecy::ExposeSecret;
use tokdash::app::modal::deliver::DeliveryState;
use tokdash::app::modal::form::FieldValue;
use tokdash::app::{AccountInfo, App, AppOptions, Modal, Msg, SinkBook};
use tokdash::audit::AuditLog;
use tokdash::clipboard::{Clipboard, ClipboardMode};
use tokdash::event_loop::{EventLoop, Stop};
use tokdash::provider::Registry;
use tokdash::sandbox::{Sandbox, SandboxOptions};
use tokdash::sink::{DEFAULT_TIMEOUT, Sink, Target, Template};

const SETTLE: Duration = Duration::from_secs(30);

struct Harness {
    app: App,
    event_loop: EventLoop<Terminal<TestBackend>>,
    _sandbox: Sandbox,
    state: tempfile::TempDir,
}

fn script(dir: &Path, name: &str, body: &str) -> Sink {
    let path = dir.join(name);
    std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o700)).unwrap();
    Sink {
        name: name.into(),
        target: Target::Command(vec![Template::parse(path.to_str().unwrap()).unwrap()]),
        timeout: DEFAULT_TIMEOUT,
    }
}

impl Harness {
    /// The sandbox's accounts, with two sinks: `ok` (writes its stdin to `got`) and `broken`
    /// (fails saying why); `defaults` preselects them per account.
    async fn start(defaults: &[(&str, &str)]) -> Harness {
        let sandbox = Sandbox::start(SandboxOptions::default()).await.unwrap();
        let registry = Registry::from_config(&sandbox.config(), false).unwrap();
        let state = tempfile::tempdir().unwrap();
        let got = state.path().join("got");
        let sinks = vec![
            script(state.path(), "ok", &format!("cat > '{}'", got.display())),
            script(
                state.path(),
                "broken",
                "cat >/dev/null; echo 'store is sealed' >&2; exit 3",
            ),
        ];
        let mut by_account: HashMap<String, Vec<String>> = HashMap::new();
        for (account, sink) in defaults {
            by_account
                .entry((*account).to_owned())
                .or_default()
                .push((*sink).to_owned());
        }
        let options = AppOptions {
            sinks: SinkBook {
                sinks,
                defaults: by_account,
            },
            ..AppOptions::default()
        };
        let app = App::new(AccountInfo::from_registry(&registry), options);
        let clipboard = Clipboard::with_sink(ClipboardMode::Osc52, Box::new(|_| Ok(())));
        let screen = Terminal::new(TestBackend::new(120, 40)).unwrap();
        let audit = AuditLog::new(state.path());
        let event_loop = EventLoop::new(registry, clipboard, Some(audit), screen);
        let mut h = Harness {
            app,
            event_loop,
            _sandbox: sandbox,
            state,
        };
        assert!(h.event_loop.start(&mut h.app).unwrap().is_continue());
        h.settle().await;
        h
    }

    async fn settle(&mut self) {
        let mut no_input = futures::stream::pending();
        let stop = tokio::time::timeout(
            SETTLE,
            self.event_loop
                .run_until(&mut self.app, &mut no_input, |app| !app.busy()),
        )
        .await
        .expect("the worker answers")
        .unwrap();
        assert_eq!(stop, Stop::Done);
    }

    async fn press(&mut self, code: KeyCode, mods: KeyModifiers) {
        let turn = self
            .event_loop
            .dispatch(&mut self.app, Msg::Key(KeyEvent::new(code, mods)))
            .unwrap();
        assert!(turn.is_continue());
        self.settle().await;
    }

    async fn key(&mut self, c: char) {
        self.press(KeyCode::Char(c), KeyModifiers::NONE).await;
    }

    async fn special(&mut self, code: KeyCode) {
        self.press(code, KeyModifiers::NONE).await;
    }

    async fn select_account(&mut self, name: &str) {
        self.key(':').await;
        for c in format!("account {name}").chars() {
            self.key(c).await;
        }
        self.special(KeyCode::Enter).await;
        self.key('2').await;
    }

    fn names(&self) -> Vec<String> {
        self.app
            .table
            .rows()
            .iter()
            .filter_map(|r| self.app.token_at(*r).map(|(_, t)| t.name.clone()))
            .collect()
    }

    fn screen(&self) -> String {
        let buffer = self.event_loop.screen().backend().buffer();
        let width = usize::from(buffer.area.width);
        buffer
            .content
            .chunks(width)
            .map(|row| row.iter().map(|c| c.symbol()).collect::<String>())
            .collect::<Vec<_>>()
            .join("\n")
    }

    fn deliveries(&self) -> Vec<(String, DeliveryState)> {
        match &self.app.modal {
            Some(Modal::Secret(v)) => v
                .delivery
                .sent
                .iter()
                .map(|d| (d.sink.clone(), d.state.clone()))
                .collect(),
            other => panic!("expected the secret dialog, got {other:?}"),
        }
    }

    fn audit(&self) -> String {
        std::fs::read_to_string(self.state.path().join("audit.jsonl")).unwrap_or_default()
    }
}

#[tokio::test]
async fn deliver_from_the_dialog_shows_each_outcome_and_keeps_the_secret() {
    let mut h = Harness::start(&[("fluid-1", "ok")]).await;
    h.select_account("fluid-1").await;
    h.key('n').await;
    // fluid's form: a name first.
    match &h.app.modal {
        Some(Modal::Form(f)) => assert!(matches!(f.fields[0].value, FieldValue::Text(_))),
        other => panic!("{other:?}"),
    }
    for c in "delivered".chars() {
        h.key(c).await;
    }
    h.press(KeyCode::Char('s'), KeyModifiers::CONTROL).await;
    let secret = match &h.app.modal {
        Some(Modal::Secret(v)) => v.secret.expose_secret().to_owned(),
        other => panic!("{other:?}"),
    };
    assert!(h.screen().contains("d deliver"), "{}", h.screen());

    // The account's default is chosen; the other sink is chosen by hand.
    h.key('d').await;
    let screen = h.screen();
    assert!(screen.contains("› [x] ok"), "{screen}");
    assert!(screen.contains("[ ] broken"), "{screen}");
    h.key('j').await;
    h.key(' ').await;
    h.special(KeyCode::Enter).await;

    let deliveries = h.deliveries();
    assert!(
        matches!(&deliveries[0], (s, DeliveryState::Done(_)) if s == "ok"),
        "{deliveries:?}"
    );
    assert!(
        matches!(&deliveries[1], (s, DeliveryState::Failed(why)) if s == "broken" && why.contains("store is sealed")),
        "{deliveries:?}"
    );
    let screen = h.screen();
    assert!(screen.contains("✓ ok: ran"), "{screen}");
    assert!(screen.contains("✗ broken failed"), "{screen}");
    assert!(screen.contains("store is sealed"), "{screen}");
    assert!(!screen.contains(&secret), "the secret stays masked");
    assert_eq!(
        std::fs::read_to_string(h.state.path().join("got")).unwrap(),
        secret
    );
    // Still open, the secret still there: closing is still on purpose.
    assert!(matches!(h.app.modal, Some(Modal::Secret(_))));
    let audit = h.audit();
    assert!(audit.contains(r#""kind":"delivery""#), "{audit}");
    assert!(audit.contains(r#""sink":"broken""#), "{audit}");
    assert!(!audit.contains(&secret));
    h.special(KeyCode::Esc).await;
    assert!(
        matches!(h.app.modal, Some(Modal::Secret(_))),
        "Esc only asks"
    );
    h.key('y').await;
    assert!(h.app.modal.is_none());
}

#[tokio::test]
async fn a_rotation_delivers_first_and_a_failure_keeps_the_old_token() {
    let mut h = Harness::start(&[("fluid-1", "broken")]).await;
    h.select_account("fluid-1").await;
    let old = h.names()[0].clone();
    h.app.table.set_cursor(0);
    h.key('o').await;
    h.press(KeyCode::Char('s'), KeyModifiers::CONTROL).await;
    // The list of sinks opens at once, the account's default chosen.
    let screen = h.screen();
    assert!(screen.contains("› [ ] ok"), "{screen}");
    assert!(screen.contains("  [x] broken"), "{screen}");
    h.special(KeyCode::Enter).await;
    assert!(matches!(&h.deliveries()[0].1, DeliveryState::Failed(_)));
    h.special(KeyCode::Esc).await;
    h.key('y').await;
    assert!(
        !matches!(h.app.modal, Some(Modal::Confirm { .. })),
        "deleting the old token is not offered"
    );
    let toasts: String = h.app.toasts.iter().map(|t| t.text.clone()).collect();
    assert!(toasts.contains("kept the old token"), "{toasts}");
    assert_eq!(
        h.names().iter().filter(|n| **n == old).count(),
        2,
        "old and twin"
    );

    // Delivered everywhere: then the old token is offered for deletion.
    h.app.table.set_cursor(0);
    h.key('o').await;
    h.press(KeyCode::Char('s'), KeyModifiers::CONTROL).await;
    h.key('j').await;
    h.key(' ').await; // not broken
    h.key('k').await;
    h.key(' ').await; // ok
    h.special(KeyCode::Enter).await;
    assert!(matches!(&h.deliveries()[..], [(s, DeliveryState::Done(_))] if s == "ok"));
    h.special(KeyCode::Esc).await;
    h.key('y').await;
    assert!(matches!(h.app.modal, Some(Modal::Confirm { .. })));
}
