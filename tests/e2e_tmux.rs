//! End-to-end: the real binary in a detached tmux session, driven by send-keys and read with
//! capture-pane. Skips (with a message) when tmux is not installed. Every wait polls until the
//! screen shows what it should, with a generous timeout scaled by `TOKDASH_E2E_TIMEOUT_SCALE`.

mod common {
    pub mod e2e;
    pub mod tmux;
}
use common::e2e::require_tools;
use common::tmux::{Tmux, idle, loaded_accounts};

#[test]
fn demo_dashboard_moves_filters_helps_and_restores_the_terminal() {
    if !require_tools(&["tmux"]) {
        return;
    }
    let state = tempfile::tempdir().expect("temp dir");
    let bin = env!("CARGO_BIN_EXE_tokdash");
    let command = format!(
        "XDG_STATE_HOME='{}' '{bin}' --demo; echo TOKDASH_EXITED=$?; sleep 60",
        state.path().display()
    );
    let tmux = Tmux::start("e2e", 120, 35, &command);

    let screen = tmux.wait_for("every demo account to load", |s| {
        idle(s) && loaded_accounts(s) == 4
    });
    assert!(screen.contains("DEMO"), "{screen}");
    assert!(screen.contains("All accounts"), "{screen}");
    assert_eq!(
        tmux.cmd(&["display", "-p", "-t", "main", "#{alternate_on}"])
            .trim(),
        "1"
    );

    // Select the first account: the tokens pane follows.
    tmux.keys(&["1", "j"]);
    tmux.wait_for("the fluid account's tokens", |s| {
        s.contains("Tokens: fluid-1")
    });

    // Filter as you type; Enter keeps the filter.
    tmux.keys(&["2", "/", "github"]);
    let screen = tmux.wait_for("the filter to apply", |s| s.contains("/github"));
    tmux.keys(&["Enter"]);
    assert!(screen.contains("github-actions"), "{screen}");
    assert!(!screen.contains("datadog-sync"), "{screen}");

    // Help overlay, then any key closes it.
    tmux.keys(&["?"]);
    tmux.wait_for("the help overlay", |s| s.contains("Help: Tokens"));
    tmux.keys(&["Escape"]);
    tmux.wait_for("help to close", |s| !s.contains("Help:"));

    tmux.keys(&["q"]);
    let screen = tmux.wait_for("tokdash to exit", |s| s.contains("TOKDASH_EXITED="));
    assert!(screen.contains("TOKDASH_EXITED=0"), "{screen}");
    assert!(
        !screen.contains("All accounts"),
        "the dashboard is gone:\n{screen}"
    );
    assert_eq!(
        tmux.cmd(&["display", "-p", "-t", "main", "#{alternate_on}"])
            .trim(),
        "0",
        "left the alternate screen"
    );
    assert_eq!(
        tmux.cmd(&["display", "-p", "-t", "main", "#{cursor_flag}"])
            .trim(),
        "1",
        "the cursor is visible again"
    );
}

#[test]
fn with_no_config_anywhere_the_demo_opens_and_says_why() {
    if !require_tools(&["tmux"]) {
        return;
    }
    let home = tempfile::tempdir().expect("temp home");
    let bin = env!("CARGO_BIN_EXE_tokdash");
    let command = format!(
        "env -u TOKDASH_CONFIG -u XDG_CONFIG_HOME -u XDG_STATE_HOME HOME='{}' '{bin}'; echo TOKDASH_EXITED=$?; sleep 60",
        home.path().display()
    );
    let tmux = Tmux::start("noconfig", 120, 35, &command);
    let screen = tmux.wait_for("the demo and its notice", |s| {
        s.contains("this is the demo") && s.contains("DEMO")
    });
    assert!(screen.contains("All accounts"), "{screen}");
    tmux.keys(&["q"]);
    let screen = tmux.wait_for("tokdash to exit", |s| s.contains("TOKDASH_EXITED="));
    assert!(screen.contains("TOKDASH_EXITED=0"), "{screen}");
}

/// The words of `stty -a` (its flags), from a file it was written to.
fn stty_flags(path: &std::path::Path) -> Vec<String> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .split([' ', ';', '\n'])
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect()
}

/// A bug that panics in the middle of the dashboard (raw mode, the alternate screen) leaves the
/// terminal as it found it: echo and line editing back on, the main screen, the message shown.
/// `TOKDASH_TEST_PANIC=1` makes the dashboard panic right after its first frame, for this test.
#[test]
fn a_panic_leaves_the_terminal_restored() {
    if !require_tools(&["tmux"]) {
        return;
    }
    let state = tempfile::tempdir().expect("temp dir");
    let before = state.path().join("stty-before");
    let after = state.path().join("stty-after");
    let bin = env!("CARGO_BIN_EXE_tokdash");
    let command = format!(
        "stty -a > '{}'; XDG_STATE_HOME='{}' TOKDASH_TEST_PANIC=1 RUST_BACKTRACE=0 '{bin}' --demo; \
         echo TOKDASH_EXITED=$?; stty -a > '{}'; echo STTY_DONE; sleep 60",
        before.display(),
        state.path().display(),
        after.display()
    );
    let tmux = Tmux::start("panic", 120, 35, &command);
    let screen = tmux.wait_for("tokdash to panic and the terminal to be read", |s| {
        s.contains("STTY_DONE")
    });
    assert!(screen.contains("TOKDASH_EXITED=101"), "{screen}");
    // The message whole, on the main screen: nothing later was written over it.
    assert!(
        screen
            .lines()
            .any(|l| l.starts_with("thread 'main'") && l.contains("panicked at")),
        "{screen}"
    );
    assert!(
        screen.contains("TOKDASH_TEST_PANIC=1: panicking"),
        "{screen}"
    );
    let flags = stty_flags(&before);
    assert!(
        flags.iter().any(|f| f == "echo") && flags.iter().any(|f| f == "icanon"),
        "the terminal starts cooked: {flags:?}"
    );
    let flags = stty_flags(&after);
    for flag in ["echo", "icanon", "icrnl", "opost"] {
        assert!(
            flags.iter().any(|f| f == flag),
            "{flag} is back on after the panic: {flags:?}"
        );
        assert!(!flags.iter().any(|f| *f == format!("-{flag}")), "{flags:?}");
    }
    assert_eq!(
        tmux.cmd(&["display", "-p", "-t", "main", "#{alternate_on}"])
            .trim(),
        "0",
        "left the alternate screen"
    );
    assert_eq!(
        tmux.cmd(&["display", "-p", "-t", "main", "#{cursor_flag}"])
            .trim(),
        "1",
        "the cursor is visible again"
    );
}
