//! End to end on the real binary: `tokdash sandbox --write-config` in the background, the
//! dashboard in tmux, driven by send-keys. A sematext token is created, copied (read back with
//! xclip under Xvfb, or through tmux's OSC 52 buffer with no display), disabled, renamed,
//! regenerated and deleted, each checked with `tokdash list --format json`. Afterwards no
//! secret may be in the log, the audit log, the fingerprints or on the screen.
//!
//! Incident response too: in the demo, a leaked secret is pasted (bracketed paste, as a terminal
//! sends it) into `L` and its token revoked and verified; and quitting while a slow delete is in
//! flight asks first, then shows the outcome.
//!
//! Skips with a message when tmux, Xvfb or xclip are missing, except under CI=true.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

mod common {
    pub mod e2e;
    pub mod tmux;
    pub mod xvfb;
}
use common::e2e::require_tools;
use common::tmux::{Tmux, idle, loaded_accounts, timeout};
use common::xvfb::{Killed, Xvfb};

const BIN: &str = env!("CARGO_BIN_EXE_tokdash");

/// Where the helper commands of a session log: beside its config, never the user's home.
fn state_dir(config: &Path) -> &Path {
    config.parent().unwrap_or(config)
}

/// Start `tokdash sandbox --write-config` (with `extra` arguments) and wait until the config is
/// written.
fn sandbox(config: &Path, extra: &[&str]) -> Killed {
    let mut child = Command::new(BIN)
        .args(["sandbox", "--write-config"])
        .arg(config)
        .args(extra)
        .env("XDG_STATE_HOME", state_dir(config))
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start the sandbox");
    let out = child.stdout.take().expect("stdout");
    let mut lines = BufReader::new(out).lines();
    let guard = Killed(child);
    for line in lines.by_ref() {
        if line.expect("sandbox output").starts_with("wrote ") {
            break;
        }
    }
    // Keep draining so the sandbox never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    guard
}

/// The tokens of the sandbox's sematext account, by `tokdash list --format json`.
fn sematext_tokens(config: &Path) -> Vec<serde_json::Value> {
    let out = Command::new(BIN)
        .args(["--config"])
        .arg(config)
        .env("XDG_STATE_HOME", state_dir(config))
        .args(["list", "--format", "json", "--provider", "sematext"])
        .output()
        .expect("tokdash list");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON from list");
    v["tokens"].as_array().cloned().unwrap_or_default()
}

fn poll_list(config: &Path, what: &str, pred: impl Fn(&[serde_json::Value]) -> bool) {
    let deadline = Instant::now() + timeout();
    loop {
        let tokens = sematext_tokens(config);
        if pred(&tokens) {
            return;
        }
        if Instant::now() > deadline {
            panic!("timed out waiting for {what}; tokens: {tokens:#?}");
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}

fn named<'a>(tokens: &'a [serde_json::Value], name: &str) -> Option<&'a serde_json::Value> {
    tokens.iter().find(|t| t["name"] == name)
}

/// The revealed secret: the line after "shown only now" and a blank line, inside the box.
fn revealed_secret(screen: &str) -> String {
    let lines: Vec<&str> = screen.lines().collect();
    let at = lines
        .iter()
        .position(|l| l.contains("shown only now"))
        .expect("the secret modal");
    let inner = |l: &str| -> String {
        let parts: Vec<&str> = l.split('│').collect();
        // ...│ modal text │... : the modal's text is the first cell starting with two spaces.
        parts
            .iter()
            .find(|p| p.starts_with("  ") && !p.trim().is_empty())
            .map(|p| p.trim().to_owned())
            .unwrap_or_default()
    };
    inner(lines[at + 2])
}

struct Session {
    tmux: Tmux,
    config: PathBuf,
    state: tempfile::TempDir,
    _dir: tempfile::TempDir,
    _sandbox: Killed,
}

fn start(display: Option<&str>, tag: &str) -> Session {
    start_with(display, tag, &[])
}

/// A session whose sandbox gets `sandbox_args` (`--latency-ms 1500`, say).
fn start_with(display: Option<&str>, tag: &str, sandbox_args: &[&str]) -> Session {
    let dir = tempfile::tempdir().expect("temp dir");
    let state = tempfile::tempdir().expect("state dir");
    let config = dir.path().join("config.toml");
    let sandbox = sandbox(&config, sandbox_args);
    let env = match display {
        Some(d) => format!("env DISPLAY={d}"),
        None => "env -u DISPLAY -u WAYLAND_DISPLAY".to_owned(),
    };
    let command = format!(
        "{env} XDG_STATE_HOME='{}' TOKDASH_LOG=trace '{BIN}' --config '{}'; echo TOKDASH_EXITED=$?; sleep 60",
        state.path().display(),
        config.display()
    );
    let tmux = Tmux::start(&format!("ops-{tag}"), 120, 35, &command);
    tmux.cmd(&["set-option", "-g", "set-clipboard", "on"]);
    tmux.wait_for("every account to load", |s| {
        idle(s) && loaded_accounts(s) == 4
    });
    // Show the sematext account, tokens focused.
    tmux.keys(&[":"]);
    tmux.text("account sematext-1");
    tmux.keys(&["Enter"]);
    tmux.wait_for("the sematext tokens", |s| s.contains("Tokens: sematext-1"));
    tmux.keys(&["2"]);
    Session {
        tmux,
        config,
        state,
        _dir: dir,
        _sandbox: sandbox,
    }
}

/// Create a token named `name` and return its secret, leaving the modal open.
fn create(s: &Session, name: &str) -> String {
    s.tmux.keys(&["n"]);
    s.tmux
        .wait_for("the create form", |sc| sc.contains("New token: sematext-1"));
    s.tmux.text(name);
    s.tmux.keys(&["C-s"]);
    s.tmux.wait_for("the secret modal", |sc| {
        sc.contains("New secret (shown once)")
    });
    s.tmux.keys(&["v"]);
    let screen = s
        .tmux
        .wait_for("the revealed secret", |sc| sc.contains("v hide"));
    let secret = revealed_secret(&screen);
    assert!(secret.len() >= 16, "a secret: {secret:?}\n{screen}");
    secret
}

fn close_secret(s: &Session) {
    s.tmux.escape();
    s.tmux
        .wait_for("the close question", |sc| sc.contains("y closes"));
    s.tmux.keys(&["y"]);
    s.tmux.wait_for("the modal to close", |sc| {
        !sc.contains("New secret") && idle(sc)
    });
}

fn assert_no_secret_anywhere(s: &Session, secrets: &[String]) {
    let screen = s.tmux.screen();
    let dir = s.state.path().join("tokdash");
    let mut files = vec![("screen".to_owned(), screen)];
    for f in ["tokdash.log", "audit.jsonl", "fingerprints.jsonl"] {
        let text = std::fs::read_to_string(dir.join(f)).unwrap_or_default();
        if f != "tokdash.log" {
            assert!(!text.is_empty(), "{f} was written");
        }
        files.push((f.to_owned(), text));
    }
    // The log file may be rotated with a date suffix: check every file in the directory.
    for entry in std::fs::read_dir(&dir).expect("state dir").flatten() {
        let text = std::fs::read_to_string(entry.path()).unwrap_or_default();
        files.push((entry.path().display().to_string(), text));
    }
    for secret in secrets {
        for (name, text) in &files {
            assert!(!text.contains(secret.as_str()), "{name} holds a secret");
        }
    }
}

#[test]
fn sematext_token_lifecycle_with_the_native_clipboard_under_xvfb() {
    if !require_tools(&["tmux", "Xvfb", "xclip"]) {
        return;
    }
    let x = Xvfb::start();
    let s = start(Some(&x.display), "x11");
    let mut secrets = Vec::new();

    let secret = create(&s, "e2e-tmux");
    s.tmux.keys(&["y"]);
    s.tmux.wait_for("the copy note", |sc| {
        sc.contains("copied to the system clipboard")
    });
    let pasted = Command::new("xclip")
        .args(["-o", "-selection", "clipboard"])
        .env("DISPLAY", &x.display)
        .output()
        .expect("xclip");
    assert_eq!(String::from_utf8_lossy(&pasted.stdout), secret);
    secrets.push(secret);
    close_secret(&s);
    poll_list(&s.config, "the new token", |t| {
        named(t, "e2e-tmux").is_some()
    });

    // Show only our token, then disable it.
    s.tmux.keys(&["/"]);
    s.tmux.text("e2e-");
    s.tmux.keys(&["Enter"]);
    s.tmux.wait_for("the filter", |sc| {
        sc.contains("best match, then name↑ /e2e-")
    });
    // Our token sorts first; put the cursor on it.
    s.tmux.keys(&["g"]);
    s.tmux.keys(&["t"]);
    s.tmux.wait_for("the disable confirmation", |sc| {
        sc.contains("Confirm disable")
    });
    s.tmux.keys(&["y"]);
    poll_list(&s.config, "disabled", |t| {
        named(t, "e2e-tmux").is_some_and(|t| t["enabled"] == false)
    });

    s.tmux.wait_for("idle", idle);
    s.tmux.keys(&["r"]);
    s.tmux
        .wait_for("the rename form", |sc| sc.contains("Rename e2e-tmux"));
    s.tmux.keys(&["C-u"]);
    s.tmux.text("e2e-renamed");
    s.tmux.keys(&["Enter"]);
    poll_list(&s.config, "renamed", |t| named(t, "e2e-renamed").is_some());

    s.tmux.wait_for("the renamed row", |sc| {
        sc.contains("e2e-renamed") && idle(sc)
    });
    s.tmux.keys(&["R"]);
    s.tmux.wait_for("the regenerate confirmation", |sc| {
        sc.contains("Confirm regenerate")
    });
    s.tmux.keys(&["y"]);
    s.tmux.wait_for("the new secret", |sc| {
        sc.contains("New secret (shown once)")
    });
    s.tmux.keys(&["v"]);
    let screen = s
        .tmux
        .wait_for("the revealed secret", |sc| sc.contains("v hide"));
    let regenerated = revealed_secret(&screen);
    assert_ne!(regenerated, secrets[0]);
    secrets.push(regenerated);
    close_secret(&s);

    s.tmux.keys(&["d"]);
    s.tmux.wait_for("the delete confirmation", |sc| {
        sc.contains("Confirm delete")
    });
    s.tmux.keys(&["y"]);
    poll_list(&s.config, "deleted", |t| named(t, "e2e-renamed").is_none());

    s.tmux.wait_for("idle", idle);
    assert_no_secret_anywhere(&s, &secrets);
    let fingerprints =
        std::fs::read_to_string(s.state.path().join("tokdash/fingerprints.jsonl")).unwrap();
    assert_eq!(fingerprints.lines().count(), 2);
    s.tmux.keys(&["q"]);
    let screen = s.tmux.wait_for("exit", |sc| sc.contains("TOKDASH_EXITED="));
    assert!(screen.contains("TOKDASH_EXITED=0"), "{screen}");
}

#[test]
fn with_no_display_the_copy_goes_through_osc52() {
    if !require_tools(&["tmux"]) {
        return;
    }
    let s = start(None, "osc");
    let secret = create(&s, "e2e-osc");
    s.tmux.keys(&["y"]);
    s.tmux
        .wait_for("the OSC 52 note", |sc| sc.contains("copied via OSC 52"));
    // With `set-clipboard on`, tmux keeps what OSC 52 sent in a paste buffer.
    let deadline = Instant::now() + timeout();
    loop {
        let buffer = s.tmux.cmd(&["show-buffer"]);
        if buffer == secret {
            break;
        }
        assert!(Instant::now() < deadline, "tmux buffer: {buffer:?}");
        std::thread::sleep(Duration::from_millis(100));
    }
    close_secret(&s);
    assert_no_secret_anywhere(&s, &[secret]);
}

/// The revealed secret in the detail pane: the value after `secret` on its line.
fn detail_secret(screen: &str) -> String {
    screen
        .lines()
        .find_map(|l| {
            let at = l.find("│secret ")?;
            let rest = &l[at + "│secret ".len()..];
            rest.split('│').next().map(|v| v.trim().to_owned())
        })
        .filter(|v| !v.is_empty() && !v.starts_with('•'))
        .unwrap_or_else(|| panic!("no revealed secret in the detail pane:\n{screen}"))
}

/// Paste `text` as a terminal does with bracketed paste on.
fn paste(tmux: &Tmux, text: &str) {
    tmux.cmd(&["set-buffer", "-b", "leak", text]);
    tmux.cmd(&["paste-buffer", "-p", "-d", "-b", "leak", "-t", "main"]);
}

#[test]
fn in_the_demo_a_pasted_leaked_secret_is_revoked_and_verified_with_two_keys() {
    if !require_tools(&["tmux"]) {
        return;
    }
    let state = tempfile::tempdir().expect("state dir");
    let command = format!(
        "env -u DISPLAY -u WAYLAND_DISPLAY XDG_STATE_HOME='{}' TOKDASH_LOG=trace '{BIN}' --demo; \
         echo TOKDASH_EXITED=$?; sleep 60",
        state.path().display()
    );
    let tmux = Tmux::start("leak", 120, 35, &command);
    tmux.wait_for("every demo account to load", |s| {
        idle(s) && loaded_accounts(s) == 4
    });
    // Take a seeded secret: sematext lists them, masked until `v`.
    tmux.keys(&[":"]);
    tmux.text("account sematext-1");
    tmux.keys(&["Enter"]);
    tmux.wait_for("the sematext tokens", |s| s.contains("Tokens: sematext-1"));
    tmux.keys(&["2", "v"]);
    let screen = tmux.wait_for("the revealed secret", |s| s.contains("v to hide"));
    let secret = detail_secret(&screen);
    tmux.keys(&["v"]);
    tmux.wait_for("the secret hidden again", |s| s.contains("v to reveal"));
    // Somewhere else entirely: the dialog searches every account.
    tmux.keys(&["1", "g"]);
    tmux.wait_for("all accounts", |s| s.contains("Tokens: All accounts"));

    // Key 1: L. Then the paste, which searches at once.
    tmux.keys(&["L"]);
    tmux.wait_for("the leak dialog", |s| s.contains("waiting for a paste"));
    paste(&tmux, &secret);
    let screen = tmux.wait_for("the match with its revoke ready", |s| {
        s.contains("matched by listed secret") && s.contains("y delete")
    });
    assert!(
        !screen.contains(&secret),
        "the secret is never drawn:\n{screen}"
    );
    let name = screen
        .lines()
        .find_map(|l| {
            let at = l.find("Delete token \"")? + "Delete token \"".len();
            l[at..].split('"').next().map(str::to_owned)
        })
        .expect("the question names the token");
    // Key 2: y. Then the re-list verifies it.
    tmux.keys(&["y"]);
    let screen = tmux.wait_for("the verification", |s| s.contains("✓ verified: token"));
    assert!(screen.contains("no longer"), "{screen}");
    assert!(
        screen.contains(&format!("verified: token {name} (")),
        "{screen}"
    );

    let demo = state.path().join("tokdash/demo");
    let audit = std::fs::read_to_string(demo.join("audit.jsonl")).expect("the demo's audit log");
    let incident: serde_json::Value = audit
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).expect("JSON"))
        .rfind(|v| v["kind"] == "incident")
        .expect("an incident record");
    assert_eq!(incident["token_name"], name.as_str());
    assert_eq!(incident["matched_by"], "listed_secret");
    assert_eq!(incident["verification"], "gone");
    tmux.keys(&["Escape"]);
    tmux.wait_for("the dialog to close", |s| !s.contains("Leaked secret"));
    tmux.keys(&["q"]);
    let screen = tmux.wait_for("exit", |s| s.contains("TOKDASH_EXITED="));
    assert!(screen.contains("TOKDASH_EXITED=0"), "{screen}");
    for entry in std::fs::read_dir(state.path().join("tokdash"))
        .expect("state dir")
        .chain(std::fs::read_dir(&demo).expect("demo dir"))
        .flatten()
    {
        let text = std::fs::read_to_string(entry.path()).unwrap_or_default();
        assert!(
            !text.contains(&secret),
            "{} holds the secret",
            entry.path().display()
        );
    }
}

#[test]
fn quitting_while_a_slow_delete_is_in_flight_asks_and_waiting_shows_the_outcome() {
    if !require_tools(&["tmux"]) {
        return;
    }
    let s = start_with(None, "quit", &["--latency-ms", "1500"]);
    s.tmux.wait_for("idle", idle);
    s.tmux.keys(&["d"]);
    let screen = s.tmux.wait_for("the delete confirmation", |sc| {
        sc.contains("Confirm delete")
    });
    let name = screen
        .lines()
        .find_map(|l| {
            let at = l.find("Delete token \"")? + "Delete token \"".len();
            l[at..].split('"').next().map(str::to_owned)
        })
        .expect("the dialog names the token");
    s.tmux.keys(&["y", "q"]);
    s.tmux.wait_for("the question", |sc| {
        sc.contains("1 change in flight") && sc.contains(&format!("delete {name} in sematext-1"))
    });
    s.tmux.keys(&["w"]);
    s.tmux.wait_for("the outcome", |sc| {
        sc.contains("every change answered") && sc.contains(&format!("deleted {name}"))
    });
    let screen = s.tmux.wait_for("exit", |sc| sc.contains("TOKDASH_EXITED="));
    assert!(screen.contains("TOKDASH_EXITED=0"), "{screen}");
    assert!(
        screen.contains(&format!("tokdash: sematext-1: deleted {name}")),
        "the outcome is said again once the screen is gone:\n{screen}"
    );
    poll_list(&s.config, "deleted", |t| named(t, &name).is_none());
}
