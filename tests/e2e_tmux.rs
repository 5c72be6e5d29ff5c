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
    tmux.keys(&["j"]);
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
