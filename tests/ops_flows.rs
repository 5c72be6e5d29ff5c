//! Token operations end to end, through the dashboard's own event loop: keys go in as
//! messages, the real effects runner and worker talk to an in-process sandbox, the answers come
//! back through the loop and every frame is drawn. Only the terminal is missing: the loop draws
//! on a test backend.
//!
//! Over 500 lines: a third of them are the harness that runs the loop, which no other test crate
//! uses, so it stays here rather than in `common`.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::Engine;
use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers, MouseEvent, MouseEventKind};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use secrecy::ExposeSecret;
use tokdash::app::modal::form::{FieldValue, Remote};
use tokdash::app::{AccountInfo, App, AppOptions, Keymap, Modal, Msg};
use tokdash::audit::AuditLog;
use tokdash::clipboard::{Clipboard, ClipboardMode};
use tokdash::event_loop::{EventLoop, Stop};
use tokdash::provider::Registry;
use tokdash::sandbox::faults::{FaultKind, FaultOp, FaultRule};
use tokdash::sandbox::{Sandbox, SandboxOptions};
use tokdash::secret::fingerprint;

/// How long the worker may take to answer everything one key asked for.
const SETTLE: Duration = Duration::from_secs(30);

struct Harness {
    app: App,
    event_loop: EventLoop<Terminal<TestBackend>>,
    sandbox: Sandbox,
    osc52: Arc<Mutex<Vec<u8>>>,
    state: tempfile::TempDir,
}

impl Harness {
    async fn start(read_only: bool) -> Harness {
        let sandbox = Sandbox::start(SandboxOptions::default())
            .await
            .expect("sandbox");
        let registry = Registry::from_config(&sandbox.config(), read_only).expect("registry");
        let app = App::new(AccountInfo::from_registry(&registry), AppOptions::default());
        let state = tempfile::tempdir().expect("temp dir");
        let osc52 = Arc::new(Mutex::new(Vec::new()));
        let sink = osc52.clone();
        let clipboard = Clipboard::with_sink(
            ClipboardMode::Osc52,
            Box::new(move |bytes| {
                sink.lock().unwrap().extend_from_slice(bytes);
                Ok(())
            }),
        );
        let screen = Terminal::new(TestBackend::new(120, 35)).expect("test backend");
        let audit = AuditLog::new(state.path());
        let event_loop = EventLoop::new(registry, clipboard, Some(audit), screen);
        let mut h = Harness {
            app,
            event_loop,
            sandbox,
            osc52,
            state,
        };
        let turn = h.event_loop.start(&mut h.app).expect("drawn");
        assert!(turn.is_continue());
        h.settle().await;
        h
    }

    /// One turn of the loop for one message; answers are left to come.
    fn send(&mut self, msg: Msg) {
        let turn = self.event_loop.dispatch(&mut self.app, msg).expect("drawn");
        assert!(turn.is_continue(), "the app stays up");
    }

    /// Let the loop take turns, with no input, until nothing is in flight.
    async fn settle(&mut self) {
        let mut no_input = futures::stream::pending();
        let stop = tokio::time::timeout(
            SETTLE,
            self.event_loop
                .run_until(&mut self.app, &mut no_input, |app| !app.busy()),
        )
        .await
        .expect("the worker answers")
        .expect("drawn");
        assert_eq!(stop, Stop::Done);
    }

    /// Terminal events through the loop's input, as the terminal sends them, then settle.
    async fn input(&mut self, events: Vec<Event>) {
        let mut input = futures::stream::iter(events.into_iter().map(Ok));
        let stop = tokio::time::timeout(
            SETTLE,
            self.event_loop
                .run_until(&mut self.app, &mut input, |_| false),
        )
        .await
        .expect("the input is read")
        .expect("drawn");
        assert_eq!(stop, Stop::InputClosed);
        self.settle().await;
    }

    async fn press(&mut self, code: KeyCode, mods: KeyModifiers) {
        self.send(Msg::Key(KeyEvent::new(code, mods)));
        self.settle().await;
    }

    /// The last frame the loop drew, row by row.
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

    async fn key(&mut self, c: char) {
        self.press(KeyCode::Char(c), KeyModifiers::NONE).await;
    }

    async fn special(&mut self, code: KeyCode) {
        self.press(code, KeyModifiers::NONE).await;
    }

    async fn type_text(&mut self, text: &str) {
        for c in text.chars() {
            self.key(c).await;
        }
    }

    /// Show one account's tokens, by the `:account` command a user would type.
    async fn select_account(&mut self, name: &str) -> usize {
        self.key(':').await;
        self.type_text(&format!("account {name}")).await;
        self.special(KeyCode::Enter).await;
        self.app
            .selected_account()
            .expect("the account is selected")
    }

    fn account_named(&self, provider: &str) -> String {
        self.app
            .accounts
            .iter()
            .find(|a| a.info.kind.name() == provider)
            .map(|a| a.info.name.clone())
            .expect("one account per provider")
    }

    fn names(&self) -> Vec<String> {
        self.app
            .table
            .rows()
            .iter()
            .filter_map(|r| self.app.token_at(*r).map(|(_, t)| t.name.clone()))
            .collect()
    }

    fn select_token(&mut self, name: &str) {
        let i = self
            .names()
            .iter()
            .position(|n| n == name)
            .unwrap_or_else(|| panic!("no token {name} in {:?}", self.names()));
        self.app.table.set_cursor(i);
    }

    fn first_token(&self) -> String {
        self.names().first().cloned().expect("a token to act on")
    }

    fn toasts(&self) -> String {
        self.app
            .toasts
            .iter()
            .map(|t| t.text.clone())
            .collect::<Vec<_>>()
            .join("\n")
    }

    fn audit_lines(&self) -> Vec<serde_json::Value> {
        read_jsonl(&self.state.path().join("audit.jsonl"))
    }

    fn fingerprints(&self) -> Vec<serde_json::Value> {
        read_jsonl(&self.state.path().join("fingerprints.jsonl"))
    }

    /// Fill in whatever the create form asks for, without knowing the provider.
    async fn fill_form(&mut self, name: &str) {
        let n = match &self.app.modal {
            Some(Modal::Form(f)) => f.fields.len(),
            other => panic!("expected the form, got {other:?}"),
        };
        for i in 0..n {
            let (value, key) = match &self.app.modal {
                Some(Modal::Form(f)) => (f.fields[i].value.clone(), f.fields[i].spec.key),
                _ => unreachable!(),
            };
            match value {
                FieldValue::Text(_) if i == 0 => {
                    self.press(KeyCode::Char('u'), KeyModifiers::CONTROL).await;
                    self.type_text(name).await
                }
                // Other text fields (qovery's policy and expiry) have a syntax of their own and
                // are optional: left empty.
                FieldValue::Text(_) if key == "description" => {
                    self.type_text("made by the e2e test").await
                }
                FieldValue::Text(_) => {}
                // A provider's default is checked already: the form shows what is sent.
                FieldValue::Multi(on, _) if !on.iter().any(|b| *b) => self.key(' ').await,
                FieldValue::Multi(..) => {}
                FieldValue::Flag(_) => {}
                FieldValue::Remote { choices, .. } => {
                    assert!(
                        matches!(choices, Remote::Loaded(ref c) if !c.is_empty()),
                        "choices were fetched through the worker: {choices:?}"
                    );
                    self.special(KeyCode::Right).await;
                }
            }
            if i + 1 < n {
                self.special(KeyCode::Tab).await;
            }
        }
    }

    /// The open secret modal's secret.
    fn shown_secret(&self) -> String {
        match &self.app.modal {
            Some(Modal::Secret(v)) => v.secret.expose_secret().to_owned(),
            other => panic!("expected the secret modal, got {other:?}"),
        }
    }

    /// Close the secret modal on purpose: Esc, then y.
    async fn close_secret(&mut self) {
        self.special(KeyCode::Esc).await;
        assert!(
            matches!(self.app.modal, Some(Modal::Secret(_))),
            "one Esc only asks"
        );
        self.key('y').await;
    }
}

fn read_jsonl(path: &std::path::Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect()
}

const PROVIDERS: [&str; 4] = ["fluid", "lagrello", "qovery", "sematext"];

#[tokio::test]
async fn create_shows_the_secret_once_copies_it_and_fingerprints_it_for_every_provider() {
    let mut h = Harness::start(false).await;
    for provider in PROVIDERS {
        let account = h.account_named(provider);
        h.select_account(&account).await;
        let name = format!("e2e-{provider}");
        h.key('n').await;
        h.fill_form(&name).await;
        h.press(KeyCode::Char('s'), KeyModifiers::CONTROL).await;

        let secret = h.shown_secret();
        assert!(
            h.names().contains(&name),
            "{provider}: re-listed: {:?}",
            h.names()
        );
        let selected = h
            .app
            .selected_row()
            .and_then(|r| h.app.token_at(r))
            .map(|(_, t)| t.name.clone());
        assert_eq!(
            selected.as_deref(),
            Some(name.as_str()),
            "{provider}: the cursor is on the new token"
        );
        // Copy: the runner says which way it went, and the modal stays.
        h.key('y').await;
        match &h.app.modal {
            Some(Modal::Secret(v)) => {
                let how = v
                    .copied
                    .clone()
                    .expect("copy result shown")
                    .expect("copied");
                assert!(how.contains("OSC 52"), "{how}");
            }
            other => panic!("{provider}: the modal stays open after copy: {other:?}"),
        }
        let encoded = base64::engine::general_purpose::STANDARD.encode(&secret);
        let sent = String::from_utf8(std::mem::take(&mut *h.osc52.lock().unwrap())).unwrap();
        assert!(
            sent.contains(&encoded),
            "{provider}: OSC 52 carried the secret"
        );
        // A stray key after Esc keeps the secret on screen.
        h.special(KeyCode::Esc).await;
        h.key('x').await;
        assert!(matches!(h.app.modal, Some(Modal::Secret(_))));
        h.close_secret().await;
        assert!(h.app.modal.is_none(), "{provider}: closed on purpose");

        let fp = h.fingerprints();
        let last = fp.last().expect("a fingerprint");
        assert_eq!(last["account"], account.as_str());
        assert_eq!(last["sha256"], fingerprint(&secret.clone().into()));
        let audit = h.audit_lines();
        let last = audit.last().expect("an audit record");
        assert_eq!(last["operation"], "create");
        assert_eq!(last["outcome"], "ok");
        assert_eq!(last["token_name"], name.as_str());
        for file in ["audit.jsonl", "fingerprints.jsonl"] {
            let text = std::fs::read_to_string(h.state.path().join(file)).unwrap();
            assert!(!text.contains(&secret), "{file} never holds the secret");
        }
    }
}

#[tokio::test]
async fn delete_confirms_naming_the_token_starts_on_no_and_relists_for_every_provider() {
    let mut h = Harness::start(false).await;
    for provider in PROVIDERS {
        let account = h.account_named(provider);
        h.select_account(&account).await;
        h.key('2').await;
        let victim = h.first_token();
        h.select_token(&victim);
        h.key('d').await;
        assert!(matches!(
            h.app.modal,
            Some(Modal::Confirm { yes: false, .. })
        ));
        let screen = h.screen();
        assert!(
            screen.contains(&format!("Delete token \"{victim}\"")),
            "{provider}: the dialog on screen names {victim}:\n{screen}"
        );
        // Enter takes the highlighted choice, which is No.
        h.special(KeyCode::Enter).await;
        assert!(h.app.modal.is_none());
        assert!(h.names().contains(&victim), "nothing was deleted");
        h.key('d').await;
        h.key('y').await;
        assert!(!h.names().contains(&victim), "{provider}: {victim} gone");
        let last = h.audit_lines().pop().expect("audit");
        assert_eq!(last["operation"], "delete");
        assert_eq!(last["outcome"], "ok");
        assert_eq!(last["token_name"], victim.as_str());
    }
}

#[tokio::test]
async fn sematext_disable_rename_regenerate() {
    let mut h = Harness::start(false).await;
    let account = h.account_named("sematext");
    let a = h.select_account(&account).await;
    h.key('2').await;
    let name = h.first_token();
    h.select_token(&name);
    let enabled = |h: &Harness, name: &str| {
        h.app
            .table
            .rows()
            .iter()
            .filter_map(|r| h.app.token_at(*r))
            .find(|(_, t)| t.name == name)
            .and_then(|(_, t)| t.enabled)
    };
    assert_eq!(enabled(&h, &name), Some(true));
    h.key('t').await;
    assert!(
        matches!(h.app.modal, Some(Modal::Confirm { .. })),
        "disable confirms"
    );
    h.key('y').await;
    assert_eq!(enabled(&h, &name), Some(false));
    // Enabling harms nothing and does not ask.
    h.select_token(&name);
    h.key('t').await;
    assert!(h.app.modal.is_none());
    assert_eq!(enabled(&h, &name), Some(true));

    // Rename: the form opens with the current name; ctrl-w takes the last word away.
    h.select_token(&name);
    h.key('r').await;
    match &h.app.modal {
        Some(Modal::Form(f)) => assert_eq!(f.text("name").as_deref(), Some(name.as_str())),
        other => panic!("{other:?}"),
    }
    h.press(KeyCode::Char('u'), KeyModifiers::CONTROL).await;
    h.type_text("renamed by e2e").await;
    h.press(KeyCode::Char('w'), KeyModifiers::CONTROL).await;
    h.type_text("test").await;
    h.special(KeyCode::Enter).await;
    assert!(h.app.modal.is_none(), "the form closed on success");
    assert!(
        h.names().contains(&"renamed by test".to_owned()),
        "{:?}",
        h.names()
    );

    h.select_token("renamed by test");
    let before = h.app.accounts[a].tokens.clone();
    let old_secret = match before {
        tokdash::app::Loadable::Loaded(t) => t
            .iter()
            .find(|t| t.name == "renamed by test")
            .and_then(|t| t.secret.as_ref().map(|s| s.expose_secret().to_owned())),
        _ => None,
    };
    h.key('R').await;
    h.key('y').await;
    let new_secret = h.shown_secret();
    assert_ne!(Some(new_secret.clone()), old_secret, "a new secret");
    h.close_secret().await;
    let lines = h.audit_lines();
    let ops: Vec<String> = lines
        .iter()
        .map(|l| format!("{}:{}", l["operation"], l["outcome"]))
        .collect();
    // Each change is on record as pending before its request, then with its outcome.
    assert_eq!(
        ops,
        [
            "\"disable\":\"pending\"",
            "\"disable\":\"ok\"",
            "\"enable\":\"pending\"",
            "\"enable\":\"ok\"",
            "\"rename\":\"pending\"",
            "\"rename\":\"ok\"",
            "\"regenerate\":\"pending\"",
            "\"regenerate\":\"ok\""
        ]
    );
    for pair in lines.chunks(2) {
        assert!(pair[0]["attempt"].is_string(), "{}", pair[0]);
        assert_eq!(pair[0]["attempt"], pair[1]["attempt"], "{pair:?}");
        assert_eq!(pair[0]["token_id"], pair[1]["token_id"], "{pair:?}");
    }
    assert_ne!(lines[0]["attempt"], lines[2]["attempt"]);
    assert_eq!(h.fingerprints().len(), 1);
}

#[tokio::test]
async fn rotate_creates_a_twin_then_offers_to_delete_the_old_one() {
    let mut h = Harness::start(false).await;
    for provider in ["fluid", "lagrello", "qovery"] {
        let account = h.account_named(provider);
        h.select_account(&account).await;
        h.key('2').await;
        let old = h.first_token();
        h.select_token(&old);
        let old_id = h.app.selected_token_id().expect("selected").1;
        h.key('o').await;
        // qovery wants unique names: the form suggests a free one rather than the old.
        let twin = if provider == "qovery" {
            format!("{old} (2)")
        } else {
            old.clone()
        };
        match &h.app.modal {
            Some(Modal::Form(f)) => assert_eq!(f.text("name").as_deref(), Some(twin.as_str())),
            other => panic!("{provider}: {other:?}"),
        }
        h.press(KeyCode::Char('s'), KeyModifiers::CONTROL).await;
        match &h.app.modal {
            Some(Modal::Secret(v)) => assert!(v.replaces.is_some(), "{provider}"),
            other => panic!("{provider}: {other:?}"),
        }
        assert!(h.names().contains(&twin), "{provider}: twin");
        h.close_secret().await;
        assert!(
            matches!(&h.app.modal, Some(Modal::Confirm { yes: false, .. })),
            "{provider}: deleting the old token is offered"
        );
        h.key('y').await;
        assert!(h.names().contains(&twin), "{provider}");
        let ids: Vec<_> = h
            .app
            .table
            .rows()
            .iter()
            .filter_map(|r| h.app.token_at(*r))
            .map(|(_, t)| t.id.clone())
            .collect();
        assert!(!ids.contains(&old_id), "{provider}: the old one went");
    }
}

#[tokio::test]
async fn missing_operations_and_read_only_are_refused_by_the_gate_and_audited() {
    let mut h = Harness::start(false).await;
    let account = h.account_named("fluid");
    h.select_account(&account).await;
    h.key('2').await;
    h.sandbox.clear_requests();
    for k in ['R', 'r', 't'] {
        h.key(k).await;
        assert!(h.app.modal.is_none());
    }
    let toasts = h.toasts();
    assert!(
        toasts.contains("fluid cannot regenerate tokens"),
        "{toasts}"
    );
    assert!(toasts.contains("fluid cannot rename tokens"), "{toasts}");
    let refused: Vec<_> = h
        .audit_lines()
        .into_iter()
        .filter(|l| l["outcome"] == "refused")
        .collect();
    assert_eq!(refused.len(), 3);
    assert!(h.sandbox.requests().is_empty(), "nothing was sent");

    let mut ro = Harness::start(true).await;
    let account = ro.account_named("sematext");
    ro.select_account(&account).await;
    ro.key('2').await;
    ro.sandbox.clear_requests();
    for k in ['n', 'd', 'R', 't', 'r', 'o'] {
        ro.key(k).await;
        assert!(ro.app.modal.is_none(), "{k} refused");
    }
    assert!(ro.toasts().contains("read-only"), "{}", ro.toasts());
    assert_eq!(ro.audit_lines().len(), 6);
    assert!(ro.sandbox.requests().is_empty(), "nothing was sent");
}

#[tokio::test]
async fn bulk_delete_confirms_once_and_reports_failures_token_by_token() {
    let mut h = Harness::start(false).await;
    let fluid = h.account_named("fluid");
    let qovery = h.account_named("qovery");
    h.sandbox.set_faults(vec![FaultRule::new(
        "fluid",
        FaultOp::Delete,
        FaultKind::Status(500),
    )]);
    let mut marked = Vec::new();
    for account in [&fluid, &qovery] {
        h.select_account(account).await;
        h.key('2').await;
        let name = h.first_token();
        h.select_token(&name);
        h.key(' ').await;
        marked.push(name);
    }
    h.key('d').await;
    match &h.app.modal {
        Some(Modal::Confirm { op, yes: false }) => assert_eq!(op.tokens().len(), 2),
        other => panic!("{other:?}"),
    }
    h.key('y').await;
    match &h.app.modal {
        Some(Modal::Report { lines, .. }) => {
            let text = lines.join("\n");
            assert!(
                text.contains(&format!("{fluid}: delete {}: failed", marked[0])),
                "{text}"
            );
            assert!(
                text.contains("the provider is in trouble; try again later"),
                "{text}"
            );
            assert!(
                text.contains(&format!("{qovery}: delete {}: ok", marked[1])),
                "{text}"
            );
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(h.app.table.mark_count(), 0);
}

#[tokio::test]
async fn a_rejected_create_keeps_the_form_open_with_the_providers_words() {
    let mut h = Harness::start(false).await;
    let account = h.account_named("qovery");
    h.select_account(&account).await;
    h.key('2').await;
    // An organization API token's name: the form creates that kind (names are unique per kind).
    let taken = h
        .app
        .table
        .rows()
        .iter()
        .filter_map(|r| h.app.token_at(*r))
        .find(|(_, t)| t.kind.is_none())
        .map(|(_, t)| t.name.clone())
        .expect("an organization API token");
    h.key('n').await;
    // Inline validation first: the name is required.
    h.press(KeyCode::Char('s'), KeyModifiers::CONTROL).await;
    match &h.app.modal {
        Some(Modal::Form(f)) => assert_eq!(f.error.as_deref(), Some("Name is required")),
        other => panic!("{other:?}"),
    }
    h.fill_form(&taken).await;
    h.press(KeyCode::Char('s'), KeyModifiers::CONTROL).await;
    match &h.app.modal {
        Some(Modal::Form(f)) => {
            let e = f.error.clone().unwrap_or_default();
            assert!(e.contains("already exists"), "{e}");
        }
        other => panic!("the form stays open: {other:?}"),
    }
    assert_eq!(h.audit_lines().last().unwrap()["outcome"], "failed");
}

#[tokio::test]
async fn an_unknown_create_outcome_is_relisted_and_never_retried() {
    let mut h = Harness::start(false).await;
    h.sandbox.set_faults(vec![FaultRule::new(
        "sematext",
        FaultOp::Create,
        FaultKind::Truncated,
    )]);
    let account = h.account_named("sematext");
    h.select_account(&account).await;
    h.key('n').await;
    h.fill_form("maybe-made").await;
    h.sandbox.clear_requests();
    h.special(KeyCode::Enter).await;
    let toasts = h.toasts();
    assert!(toasts.contains("may have been created"), "{toasts}");
    let methods: Vec<String> = h
        .sandbox
        .requests()
        .iter()
        .map(|r| r.method.to_string())
        .collect();
    assert_eq!(
        methods.iter().filter(|m| *m == "POST").count(),
        1,
        "sent once: {methods:?}"
    );
    assert!(h.names().contains(&"maybe-made".to_owned()), "re-listed");
    assert_eq!(h.audit_lines().last().unwrap()["outcome"], "unknown");
    // The token that appeared is pointed out, with the reason, and the warning stays.
    h.select_token("maybe-made");
    h.key('2').await;
    let screen = h.screen();
    assert!(screen.contains("? maybe-made"), "{screen}");
    assert!(
        screen.contains("appeared after a create that got"),
        "{screen}"
    );
    assert!(
        h.app
            .toasts
            .iter()
            .any(|t| t.sticky && t.text.contains("may have been created"))
    );
}

#[tokio::test]
async fn a_row_with_a_change_in_flight_refuses_more() {
    let mut h = Harness::start(false).await;
    let account = h.account_named("sematext");
    h.select_account(&account).await;
    h.key('2').await;
    let name = h.first_token();
    h.select_token(&name);
    let key = |c| Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE));
    h.send(key('d'));
    assert!(!h.app.busy());
    // The delete goes out; its answer is not taken before the next key.
    h.send(key('y'));
    assert_eq!(h.app.in_flight.len(), 1, "one request went out");
    h.send(key('t'));
    assert_eq!(h.app.in_flight.len(), 1, "no second request");
    assert!(
        h.toasts().contains("deleting already in progress"),
        "{}",
        h.toasts()
    );
    h.settle().await;
    assert!(!h.names().contains(&name));
}

fn wheel(kind: MouseEventKind) -> Event {
    Event::Mouse(MouseEvent {
        kind,
        column: 40,
        row: 12,
        modifiers: KeyModifiers::NONE,
    })
}

#[tokio::test]
async fn the_wheel_scrolls_the_tokens_under_it_whatever_the_keys_but_never_in_a_dialog() {
    let mut h = Harness::start(false).await;
    let account = h.account_named("sematext");
    h.select_account(&account).await;
    h.key('2').await;
    h.app.keymap = Keymap::from_config(&[
        ("down".into(), "ctrl-n".into()),
        ("up".into(), "ctrl-p".into()),
    ])
    .expect("keymap");
    assert_eq!(h.app.table.cursor(), 0);
    h.input(vec![
        wheel(MouseEventKind::ScrollDown),
        wheel(MouseEventKind::ScrollDown),
    ])
    .await;
    assert_eq!(
        h.app.table.cursor(),
        6,
        "the wheel over the tokens scrolls them, three rows a notch, whatever the keys"
    );
    h.input(vec![wheel(MouseEventKind::ScrollUp)]).await;
    assert_eq!(h.app.table.cursor(), 3);

    h.key('d').await;
    h.input(vec![
        wheel(MouseEventKind::ScrollDown),
        wheel(MouseEventKind::ScrollUp),
    ])
    .await;
    assert!(
        matches!(h.app.modal, Some(Modal::Confirm { yes: false, .. })),
        "the dialog is untouched: {:?}",
        h.app.modal
    );
    assert_eq!(h.app.table.cursor(), 3, "the cursor stays under the dialog");
}

/// The leaked-secret dialog end to end: `L`, the paste, `y`; then the screen must say the token
/// is verified gone, the token must be gone from the list, and the audit log must hold the
/// incident record, with no secret anywhere.
async fn leak_revoke(h: &mut Harness, secret: &str, account: &str, name: &str, matched_by: &str) {
    h.key('L').await;
    h.send(Msg::Paste(secret.to_owned()));
    h.settle().await;
    let screen = h.screen();
    assert!(
        screen.contains(&format!("Delete token \"{name}\"")),
        "{account}: the match, with its revoke ready:\n{screen}"
    );
    assert!(!screen.contains(secret), "the secret is never drawn");
    h.key('y').await;
    // The dialog wraps it; the log line below has it whole.
    let screen = h.screen();
    assert!(
        screen.contains(&format!("✓ verified: token {name} (")) && screen.contains("no longer"),
        "{account}:\n{screen}"
    );
    assert!(
        !h.names().contains(&name.to_owned()),
        "{account}: {name} is gone"
    );
    let logged = h.app.log.newest_first().next().expect("a message").line();
    assert!(
        logged.starts_with(&format!("{account}: verified: token {name} ("))
            && logged.ends_with(&format!(") no longer listed in {account}")),
        "{logged}"
    );
    let incident = h
        .audit_lines()
        .into_iter()
        .rfind(|l| l["kind"] == "incident")
        .expect("an incident record");
    assert_eq!(incident["account"], account);
    assert_eq!(incident["token_name"], name);
    assert_eq!(incident["matched_by"], matched_by);
    assert_eq!(incident["operation"], "delete");
    assert_eq!(incident["outcome"], "ok");
    assert_eq!(incident["verification"], "gone");
    assert_eq!(
        incident["fingerprint_prefix"],
        fingerprint(&secret.to_owned().into())[..12]
    );
    for file in ["audit.jsonl", "fingerprints.jsonl"] {
        let text = std::fs::read_to_string(h.state.path().join(file)).unwrap_or_default();
        assert!(!text.contains(secret), "{file} never holds the secret");
    }
    assert!(!format!("{:?}", h.app).contains(secret));
    h.special(KeyCode::Esc).await;
    assert!(h.app.modal.is_none());
}

/// A token of `provider`'s account and the secret its list carries.
fn listed_secret(h: &Harness, provider: &str) -> (String, String) {
    let acc = h
        .app
        .accounts
        .iter()
        .find(|a| a.info.kind.name() == provider)
        .expect("the account");
    let tokens = match &acc.tokens {
        tokdash::app::Loadable::Loaded(t) => t,
        other => panic!("{other:?}"),
    };
    let t = &tokens[tokens.len() / 2];
    let secret = match &t.secret {
        Some(s) => s.expose_secret().to_owned(),
        // lagrello's tokenKey is its id.
        None => t.id.as_str().to_owned(),
    };
    (t.name.clone(), secret)
}

#[tokio::test]
async fn a_leaked_listed_secret_is_found_and_revoked_verified_for_sematext_and_lagrello() {
    let mut h = Harness::start(false).await;
    for provider in ["sematext", "lagrello"] {
        let account = h.account_named(provider);
        let (name, secret) = listed_secret(&h, provider);
        leak_revoke(&mut h, &secret, &account, &name, "listed_secret").await;
    }
}

#[tokio::test]
async fn a_secret_tokdash_created_is_found_by_its_fingerprint_and_revoked_verified() {
    let mut h = Harness::start(false).await;
    let account = h.account_named("fluid");
    h.select_account(&account).await;
    h.key('n').await;
    h.fill_form("leaked-by-e2e").await;
    h.press(KeyCode::Char('s'), KeyModifiers::CONTROL).await;
    let secret = h.shown_secret();
    h.close_secret().await;
    // From elsewhere on the screen: the dialog searches every account.
    h.key('1').await;
    h.key('g').await;
    leak_revoke(&mut h, &secret, &account, "leaked-by-e2e", "fingerprint").await;
}

#[tokio::test]
async fn read_only_refuses_the_revoke_of_a_leaked_secret() {
    let mut h = Harness::start(true).await;
    let account = h.account_named("sematext");
    let (name, secret) = listed_secret(&h, "sematext");
    h.key('L').await;
    h.send(Msg::Paste(secret));
    h.settle().await;
    h.key('y').await;
    assert!(h.names().contains(&name), "{name} is still listed");
    let screen = h.screen();
    assert!(screen.contains("delete refused"), "{screen}");
    let incident = h
        .audit_lines()
        .into_iter()
        .rfind(|l| l["kind"] == "incident")
        .expect("an incident record");
    assert_eq!(incident["account"], account.as_str());
    assert_eq!(incident["outcome"], "refused");
    assert_eq!(incident["verification"], "not_run");
}
