//! Secrets stay where they belong. With tracing at its most verbose, every flow that touches a
//! secret today — credentials read from the environment, from a command and from the file, fluid's
//! login and session, create, regenerate, delete, `list` in every format, `find` and
//! `revoke --from-stdin` with a leaked secret, the dashboard's create, regenerate and rotate with
//! the secret revealed and copied, and a forced panic of the dashboard — leaves no credential and
//! no secret in the log, the audit trail, the fingerprints, the exports, stdout or stderr (but
//! for the one line where a command prints the secret it just made), the screen after its
//! dialog closed, or the panic's output.

mod common {
    #[allow(dead_code)]
    pub mod cli;
    pub mod e2e;
    #[allow(dead_code)]
    pub mod tmux;
}

use std::io::Write;
use std::process::Output;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use common::cli::{Env, code, printed_secret, setup_with, stderr, stdout, write_private};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use secrecy::ExposeSecret;
use tokdash::app::{AccountInfo, App, AppOptions, Modal, Msg};
use tokdash::audit::AuditLog;
use tokdash::clipboard::{Clipboard, ClipboardMode};
use tokdash::event_loop::{EventLoop, Stop};
use tokdash::provider::{ProviderKind, Registry};
use tokdash::sandbox::{Sandbox, SandboxOptions};

/// Two accounts per provider, so fluid is covered both logging in and with a session cookie.
fn options() -> SandboxOptions {
    SandboxOptions {
        accounts_per_provider: 2,
        ..SandboxOptions::default()
    }
}

/// Every credential the sandbox handed out: session cookies, bearer and API tokens, API keys, and
/// fluid's login passwords.
fn credentials(sandbox: &Sandbox) -> Vec<String> {
    let mut out = Vec::new();
    for a in sandbox.accounts() {
        out.extend(a.secrets());
    }
    assert!(out.len() >= 8, "every account has a credential: {out:?}");
    out
}

/// One command's output, with the secret it was allowed to print.
struct Run {
    what: String,
    out: Output,
    allowed: Option<String>,
}

fn run(env: &Env, args: &[&str], allowed: Option<&str>) -> Run {
    let out = env.run(args);
    assert_eq!(code(&out), 0, "{args:?}: {}", stderr(&out));
    Run {
        what: args.join(" "),
        out,
        allowed: allowed.map(str::to_owned),
    }
}

/// The id line of a table-format create.
fn printed_id(out: &Output) -> String {
    stdout(out)
        .lines()
        .find_map(|l| l.strip_prefix("id "))
        .map(|id| id.trim().to_owned())
        .expect("an id line")
}

/// Every secret tokdash sent to the sandbox: the credential part of each `Authorization`, each
/// fluid session cookie (those a login handed out too) and each login password.
fn sent_secrets(sandbox: &Sandbox) -> Vec<String> {
    let mut out = Vec::new();
    for r in sandbox.requests() {
        if let Some(auth) = r.header("authorization") {
            out.extend(auth.split_once(' ').map(|(_, c)| c.to_owned()));
        }
        if let Some(cookie) = r.header("cookie") {
            out.extend(
                cookie
                    .split(';')
                    .filter_map(|c| Some(c.split_once('=')?.1.to_owned())),
            );
        }
        if r.uri.starts_with("/v1/auth/login")
            && let Ok(body) = serde_json::from_slice::<serde_json::Value>(&r.body)
        {
            out.extend(body["password"].as_str().map(str::to_owned));
        }
    }
    out.retain(|s| s.len() >= 8);
    out.sort();
    out.dedup();
    out
}

/// Credentials from every source: `lagrello-2` and `qovery-2` and fluid-1's login password from
/// the environment, `sematext-2` and `fluid-2` from a command (`cat` of a private file), the rest
/// from the file.
fn vary_credential_sources(env: &mut Env) {
    let mut text = std::fs::read_to_string(&env.config).unwrap();
    for account in env.sandbox.accounts().to_vec() {
        let secret = account.secrets().pop().expect("a secret");
        let literal = format!("value = \"{secret}\"");
        assert!(text.contains(&literal), "{}: {text}", account.name);
        let var = format!(
            "TOKDASH_LEAK_{}",
            account.name.replace('-', "_").to_uppercase()
        );
        let source = match account.name.as_str() {
            "lagrello-2" | "qovery-2" | "fluid-1" => {
                env.vars.push((var.clone(), secret.clone()));
                format!("env = \"{var}\"")
            }
            "sematext-2" | "fluid-2" => {
                let file = env.dir().join(format!("{var}.secret"));
                write_private(&file, &secret);
                format!("command = [\"cat\", \"{}\"]", file.display())
            }
            _ => continue,
        };
        text = text.replace(&literal, &source);
    }
    std::fs::write(&env.config, text).unwrap();
}

/// The dashboard, against the same config and environment, in tmux with `TOKDASH_TEST_PANIC=1`:
/// it panics after its first frame. What the terminal shows, scrollback and all; `None` where
/// tmux is missing (outside CI).
fn forced_panic_output(env: &Env) -> Option<String> {
    if !common::e2e::require_tools(&["tmux"]) {
        return None;
    }
    // The variables go through a script, so no secret is on a command line.
    let script = env.dir().join("panic.sh");
    let mut text = String::from("#!/bin/sh\n");
    for (k, v) in &env.vars {
        text.push_str(&format!("export {k}='{v}'\n"));
    }
    text.push_str(&format!(
        "export XDG_STATE_HOME='{}' TOKDASH_LOG=trace TOKDASH_TEST_PANIC=1\n\
         '{}' --config '{}'\necho TOKDASH_EXITED=$?\n",
        env.state_home.display(),
        env!("CARGO_BIN_EXE_tokdash"),
        env.config.display()
    ));
    write_private(&script, &text);
    let tmux = common::tmux::Tmux::start(
        "leak",
        120,
        35,
        &format!("sh '{}'; sleep 60", script.display()),
    );
    tmux.wait_for("the forced panic", |s| s.contains("TOKDASH_EXITED="));
    let shown = tmux.cmd(&["capture-pane", "-p", "-S", "-", "-t", "main"]);
    assert!(shown.contains("TOKDASH_EXITED=101"), "{shown}");
    assert!(shown.contains("panicking after the first frame"), "{shown}");
    Some(shown)
}

#[tokio::test(flavor = "multi_thread")]
async fn no_secret_reaches_the_log_the_audit_trail_or_stderr() {
    let mut env = setup_with(options()).await;
    env.log_level = Some("trace");
    vary_credential_sources(&mut env);
    let mut secrets = credentials(&env.sandbox);
    let mut runs = Vec::new();

    let names: Vec<(String, ProviderKind)> = env
        .sandbox
        .accounts()
        .iter()
        .map(|a| (a.name.clone(), a.provider))
        .collect();
    for (account, kind) in &names {
        let account = account.as_str();
        let extra: &[&str] = match kind {
            ProviderKind::Lagrello => &["--permission", "READ"],
            ProviderKind::Sematext => &["--readable"],
            _ => &[],
        };
        let mut made = Vec::new();
        for name in ["leak-check", "leak-incident"] {
            let mut args = vec!["create", "--account", account, "--name", name];
            args.extend_from_slice(extra);
            let created = env.run(&args);
            assert_eq!(code(&created), 0, "{account}: {}", stderr(&created));
            let secret = printed_secret(&created);
            made.push((secret.clone(), printed_id(&created)));
            secrets.push(secret.clone());
            runs.push(Run {
                what: args.join(" "),
                out: created,
                allowed: Some(secret),
            });
        }
        let id = made[0].1.clone();

        // lagrello's id is its secret: `list` prints it masked in every format, and `delete`
        // below takes that masked id (create printed it masked too).
        for format in ["table", "json", "csv"] {
            runs.push(run(
                &env,
                &["list", "--account", account, "--format", format],
                None,
            ));
        }

        if *kind == ProviderKind::Sematext {
            let regenerated = env.run(&["regenerate", "--account", account, "--id", &id, "--yes"]);
            assert_eq!(code(&regenerated), 0, "{}", stderr(&regenerated));
            let new_secret = printed_secret(&regenerated);
            secrets.push(new_secret.clone());
            runs.push(Run {
                what: format!("regenerate {account}"),
                out: regenerated,
                allowed: Some(new_secret),
            });
        }
        runs.push(run(
            &env,
            &["delete", "--account", account, "--id", &id, "--yes"],
            None,
        ));

        // The second token's secret leaks: find it, in both formats, then revoke it.
        let leaked = format!("{}\n", made[1].0);
        for format in ["table", "json"] {
            let out = env.run_with_stdin(&["find", "--format", format], &leaked);
            assert_eq!(code(&out), 0, "{account}: find: {}", stderr(&out));
            runs.push(Run {
                what: format!("find {account} {format}"),
                out,
                allowed: None,
            });
        }
        let out = env.run_with_stdin(&["revoke", "--from-stdin", "--yes"], &leaked);
        assert_eq!(code(&out), 0, "{account}: revoke: {}", stderr(&out));
        assert!(stdout(&out).contains("verified"), "{}", stdout(&out));
        runs.push(Run {
            what: format!("revoke {account}"),
            out,
            allowed: None,
        });
    }

    let panic_output = forced_panic_output(&env);
    // What was really sent: the sessions fluid-1's logins were given among it.
    let sent = sent_secrets(&env.sandbox);
    let handed_out = credentials(&env.sandbox);
    assert!(
        sent.iter().any(|s| !handed_out.contains(s)),
        "a login session was sent"
    );
    secrets.extend(sent);

    let log = std::fs::read_to_string(env.state_file("tokdash.log")).unwrap();
    // The log is really written at trace level, so its silence about secrets means something.
    assert!(log.contains("change attempted"), "{log}");
    assert!(log.contains("TRACE"), "nothing at trace level was logged");
    let audit = std::fs::read_to_string(env.state_file("audit.jsonl")).unwrap();
    assert!(
        audit.contains("\"kind\":\"incident\""),
        "the revokes are on record"
    );
    let prints = std::fs::read_to_string(env.state_file("fingerprints.jsonl")).unwrap();

    for secret in &secrets {
        assert!(!log.contains(secret.as_str()), "log holds {secret}");
        assert!(!audit.contains(secret.as_str()), "audit holds {secret}");
        assert!(
            !prints.contains(secret.as_str()),
            "fingerprints hold {secret}"
        );
        if let Some(shown) = &panic_output {
            assert!(!shown.contains(secret.as_str()), "the panic shows {secret}");
        }
        for r in &runs {
            assert!(
                !stderr(&r.out).contains(secret.as_str()),
                "{}: stderr holds {secret}",
                r.what
            );
            if r.allowed.as_deref() != Some(secret.as_str()) {
                assert!(
                    !stdout(&r.out).contains(secret.as_str()),
                    "{}: stdout holds {secret}",
                    r.what
                );
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn debug_output_of_the_configuration_and_registry_shows_no_credential() {
    let sandbox = Sandbox::start(options()).await.unwrap();
    let config = sandbox.config();
    let registry = Registry::from_config(&config, false).unwrap();
    let mut shown = vec![format!("{config:?}"), format!("{registry:?}")];
    shown.extend(config.accounts.iter().map(|a| format!("{a:#?}")));
    shown.extend(registry.accounts.iter().map(|a| format!("{a:#?}")));
    // The registry really lists the accounts, so its Debug is not simply empty.
    assert!(shown[1].contains("sematext-1"), "{}", shown[1]);
    for secret in credentials(&sandbox) {
        for text in &shown {
            assert!(!text.contains(&secret), "{text}");
        }
    }
}

/// Everything logged in this process, at trace level: the dashboard's worker and loop run here.
fn captured_log() -> Arc<Mutex<Vec<u8>>> {
    struct Sink(Arc<Mutex<Vec<u8>>>);
    impl Write for Sink {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    static LOG: OnceLock<Arc<Mutex<Vec<u8>>>> = OnceLock::new();
    LOG.get_or_init(|| {
        let log = Arc::new(Mutex::new(Vec::new()));
        let sink = log.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            .with_ansi(false)
            .with_writer(move || Sink(sink.clone()))
            .finish();
        tracing::subscriber::set_global_default(subscriber).expect("the only subscriber");
        log
    })
    .clone()
}

/// The dashboard's loop with the real worker, its audit trail in a temporary directory, OSC 52
/// copies caught, and every screen it drew kept, with whether a revealed secret was on it.
struct Dashboard {
    app: App,
    event_loop: EventLoop<Terminal<TestBackend>>,
    osc52: Arc<Mutex<Vec<u8>>>,
    screens: Vec<(bool, String)>,
}

impl Dashboard {
    async fn settle(&mut self) {
        let mut no_input = futures::stream::pending();
        let stop = tokio::time::timeout(
            Duration::from_secs(30),
            self.event_loop
                .run_until(&mut self.app, &mut no_input, |app| !app.busy()),
        )
        .await
        .expect("the worker answers")
        .expect("drawn");
        assert_eq!(stop, Stop::Done);
        let buffer = self.event_loop.screen().backend().buffer();
        let screen: String = buffer.content.iter().map(|c| c.symbol()).collect();
        let revealed = matches!(&self.app.modal, Some(Modal::Secret(v)) if v.revealed);
        self.screens.push((revealed, screen));
    }

    async fn press(&mut self, code: KeyCode, mods: KeyModifiers) {
        let msg = Msg::Key(KeyEvent::new(code, mods));
        let turn = self.event_loop.dispatch(&mut self.app, msg).expect("drawn");
        assert!(turn.is_continue());
        self.settle().await;
    }

    async fn keys(&mut self, keys: &str) {
        for c in keys.chars() {
            self.press(KeyCode::Char(c), KeyModifiers::NONE).await;
        }
    }

    async fn account(&mut self, name: &str) {
        self.keys(":").await;
        self.keys(&format!("account {name}")).await;
        self.press(KeyCode::Enter, KeyModifiers::NONE).await;
        self.keys("2").await;
    }

    /// The secret in the open dialog, shown, copied, hidden again and closed on purpose.
    async fn take_secret(&mut self) -> String {
        let secret = match &self.app.modal {
            Some(Modal::Secret(v)) => v.secret.expose_secret().to_owned(),
            other => panic!("expected the new secret's dialog, got {other:?}"),
        };
        self.keys("v").await;
        let (revealed, screen) = self.screens.last().unwrap();
        assert!(*revealed && screen.contains(&secret), "revealed:\n{screen}");
        self.keys("yv").await;
        self.press(KeyCode::Esc, KeyModifiers::NONE).await;
        self.keys("y").await;
        secret
    }
}

/// The dashboard's flows that touch a secret: create, regenerate and rotate, each new secret
/// revealed and copied, with sematext's listed secrets on the screen's detail pane. Only the
/// revealed dialog and the copy ever hold one; the log, the audit trail, the fingerprints and
/// every other screen never do.
#[tokio::test(flavor = "multi_thread")]
async fn the_dashboard_shows_a_secret_only_in_its_dialog() {
    let log = captured_log();
    let sandbox = Sandbox::start(options()).await.unwrap();
    let registry = Registry::from_config(&sandbox.config(), false).unwrap();
    let state = tempfile::tempdir().unwrap();
    let osc52 = Arc::new(Mutex::new(Vec::new()));
    let sink = osc52.clone();
    let clipboard = Clipboard::with_sink(
        ClipboardMode::Osc52,
        Box::new(move |bytes| {
            sink.lock().unwrap().extend_from_slice(bytes);
            Ok(())
        }),
    );
    let mut d = Dashboard {
        app: App::new(AccountInfo::from_registry(&registry), AppOptions::default()),
        event_loop: EventLoop::new(
            registry,
            clipboard,
            Some(AuditLog::new(state.path())),
            Terminal::new(TestBackend::new(140, 40)).unwrap(),
        ),
        osc52,
        screens: Vec::new(),
    };
    assert!(d.event_loop.start(&mut d.app).unwrap().is_continue());
    d.settle().await;
    let mut secrets = credentials(&sandbox);

    // sematext: create, then regenerate what was made; its list carries every secret.
    d.account("sematext-1").await;
    d.keys("n").await;
    d.press(KeyCode::Char('u'), KeyModifiers::CONTROL).await;
    d.keys("leak-dash").await;
    d.press(KeyCode::Char('s'), KeyModifiers::CONTROL).await;
    secrets.push(d.take_secret().await);
    d.keys("R").await;
    d.keys("y").await;
    secrets.push(d.take_secret().await);
    for row in d.app.table.rows() {
        if let Some((_, t)) = d.app.token_at(*row) {
            secrets.extend(t.secret.as_ref().map(|s| s.expose_secret().to_owned()));
        }
    }
    // Rotate a fluid token: a twin and its secret, then the old one deleted.
    d.account("fluid-2").await;
    d.keys("o").await;
    d.press(KeyCode::Char('s'), KeyModifiers::CONTROL).await;
    secrets.push(d.take_secret().await);
    d.keys("y").await;
    secrets.extend(sent_secrets(&sandbox));

    let copied = String::from_utf8(d.osc52.lock().unwrap().clone()).unwrap();
    assert!(!copied.is_empty(), "the copies went out by OSC 52");
    let log = String::from_utf8(log.lock().unwrap().clone()).unwrap();
    assert!(log.contains("listed"), "the worker logged: {log}");
    let audit = std::fs::read_to_string(state.path().join("audit.jsonl")).unwrap();
    assert!(audit.contains("\"operation\":\"regenerate\""), "{audit}");
    let prints = std::fs::read_to_string(state.path().join("fingerprints.jsonl")).unwrap();
    assert!(d.screens.iter().any(|(revealed, _)| *revealed));
    for secret in &secrets {
        assert!(!log.contains(secret.as_str()), "log holds {secret}");
        assert!(!audit.contains(secret.as_str()), "audit holds {secret}");
        assert!(
            !prints.contains(secret.as_str()),
            "fingerprints hold {secret}"
        );
        for (i, (revealed, screen)) in d.screens.iter().enumerate() {
            if !revealed {
                assert!(
                    !screen.contains(secret.as_str()),
                    "screen {i} shows {secret}"
                );
            }
        }
    }
    sandbox.shutdown().await;
}
