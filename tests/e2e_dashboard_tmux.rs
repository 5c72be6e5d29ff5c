//! End to end on the real binary in tmux, against `tokdash sandbox`: the message log keeps the
//! reminder a declined delete after a rotate leaves, and a refresh while the providers are down
//! keeps the tokens listed before (marked old), never "(0/0) Loading…".
//!
//! Skips with a message when tmux is missing, except under CI=true.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};

// Shared helpers: this file uses some of them.
#[allow(dead_code)]
mod common {
    pub mod e2e;
    pub mod tmux;
    pub mod xvfb;
}
use common::e2e::require_tools;
use common::tmux::{Tmux, idle, loaded_accounts};
use common::xvfb::Killed;

const BIN: &str = env!("CARGO_BIN_EXE_tokdash");

/// `tokdash sandbox --write-config`, once the config is written.
fn sandbox(config: &Path) -> Killed {
    let mut child = Command::new(BIN)
        .args(["sandbox", "--tokens-per-account", "6", "--write-config"])
        .arg(config)
        .env("XDG_STATE_HOME", config.parent().unwrap_or(config))
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
    std::thread::spawn(move || for _ in lines {});
    guard
}

struct Session {
    tmux: Tmux,
    sandbox: Option<Killed>,
    _state: tempfile::TempDir,
    _dir: tempfile::TempDir,
}

/// The dashboard on a fresh sandbox, every account listed, the sematext tokens in view.
fn start(tag: &str) -> Session {
    let dir = tempfile::tempdir().expect("temp dir");
    let state = tempfile::tempdir().expect("state dir");
    let config = dir.path().join("config.toml");
    let sandbox = sandbox(&config);
    let command = format!(
        "env -u DISPLAY -u WAYLAND_DISPLAY XDG_STATE_HOME='{}' '{BIN}' --config '{}'; sleep 60",
        state.path().display(),
        config.display()
    );
    let tmux = Tmux::start(&format!("dash-{tag}"), 120, 35, &command);
    tmux.wait_for("every account to load", |s| {
        idle(s) && loaded_accounts(s) == 4
    });
    tmux.keys(&[":"]);
    tmux.text("account sematext-1");
    tmux.keys(&["Enter"]);
    tmux.wait_for("the sematext tokens", |s| s.contains("Tokens: sematext-1"));
    tmux.keys(&["2"]);
    Session {
        tmux,
        sandbox: Some(sandbox),
        _state: state,
        _dir: dir,
    }
}

/// The name in the row under the cursor (`▶`).
fn selected_row(screen: &str) -> String {
    let line = screen
        .lines()
        .find(|l| l.contains('▶'))
        .expect("a selected row");
    let after = line.split('▶').nth(1).unwrap_or_default();
    after
        .split_whitespace()
        .next()
        .unwrap_or_default()
        .to_owned()
}

#[test]
fn the_message_log_keeps_the_reminder_of_a_rotate_whose_old_token_was_kept() {
    if !require_tools(&["tmux"]) {
        return;
    }
    let s = start("rotate");
    let old = selected_row(&s.tmux.screen());
    s.tmux.keys(&["o"]);
    s.tmux
        .wait_for("the rotate form", |sc| sc.contains("create its twin"));
    s.tmux.keys(&["C-s"]);
    s.tmux.wait_for("the new secret", |sc| {
        sc.contains("New secret (shown once)")
    });
    s.tmux.escape();
    s.tmux
        .wait_for("the close question", |sc| sc.contains("y closes"));
    s.tmux.keys(&["y"]);
    s.tmux.wait_for("the offer to delete the old token", |sc| {
        sc.contains("Delete token") && sc.contains(&old)
    });
    s.tmux.keys(&["n"]);
    s.tmux
        .wait_for("the offer to close", |sc| !sc.contains("Delete token"));
    s.tmux.keys(&["m"]);
    let log = s.tmux.wait_for("the reminder in the message log", |sc| {
        // The log wraps the line where its width says: the words may part after "kept and".
        sc.contains("Messages:") && sc.contains("was kept and")
    });
    assert!(log.contains(&old), "the reminder names {old}:\n{log}");
}

#[test]
fn a_refresh_while_the_providers_are_down_keeps_the_old_rows() {
    if !require_tools(&["tmux"]) {
        return;
    }
    let mut s = start("outage");
    let before = s.tmux.screen();
    let first = selected_row(&before);
    assert!(before.contains("(6/6)"), "{before}");
    // The providers go down: the sandbox is stopped, so every request is refused.
    drop(s.sandbox.take());
    s.tmux.keys(&["C-r"]);
    let after = s.tmux.wait_for("the failed refresh", |sc| {
        idle(sc) && sc.contains("old list from") && sc.contains("refresh unreachable")
    });
    assert!(after.contains("(6/6)"), "the rows stay:\n{after}");
    assert!(!after.contains("Loading…"), "{after}");
    assert_eq!(selected_row(&after), first, "the cursor stays:\n{after}");
    assert!(after.contains("still showing the list"), "{after}");
    // Every account: the failures are counted, the rows kept.
    s.tmux.keys(&[":"]);
    s.tmux.text("account all");
    s.tmux.keys(&["Enter"]);
    s.tmux.keys(&["C-r"]);
    let all = s.tmux.wait_for("every account's failure", |sc| {
        idle(sc) && sc.contains("4 accounts show an old list")
    });
    assert!(all.contains("(24/24)"), "{all}");
    assert!(all.contains("4 failed"), "{all}");
}
