//! End-to-end, the first run: the real binary in a detached tmux session (mouse off in tmux, so
//! the mouse sequences sent reach the dashboard as a terminal would send them). It names itself
//! and says how to set up, starts on the tokens so `j` moves them, and a click selects the row
//! under it. Skips (with a message) when tmux is not installed.

mod common {
    pub mod e2e;
    pub mod tmux;
}
use common::e2e::require_tools;
use common::tmux::{Tmux, idle, loaded_accounts};

/// The row (0-based) of the token cursor `▶`, and that row's text.
fn cursor_row(screen: &str) -> Option<(usize, String)> {
    screen
        .lines()
        .enumerate()
        .find(|(_, l)| l.contains('▶'))
        .map(|(i, l)| (i, l.to_owned()))
}

#[test]
fn the_demo_starts_on_the_tokens_names_itself_and_takes_a_click() {
    if !require_tools(&["tmux"]) {
        return;
    }
    let state = tempfile::tempdir().expect("temp dir");
    let bin = env!("CARGO_BIN_EXE_tokdash");
    let command = format!(
        "XDG_STATE_HOME='{}' '{bin}' --demo; echo TOKDASH_EXITED=$?; sleep 60",
        state.path().display()
    );
    let tmux = Tmux::start("firstrun", 120, 35, &command);
    let screen = tmux.wait_for("every demo account to load", |s| {
        idle(s) && loaded_accounts(s) == 4
    });
    let status = screen.lines().rev().find(|l| !l.trim().is_empty()).unwrap();
    assert!(
        status.contains(concat!("tokdash ", env!("CARGO_PKG_VERSION"))),
        "{status}"
    );
    assert!(status.contains("run `tokdash init`"), "{status}");

    // The tokens pane has the focus: its cursor is the solid one, on the first token row.
    let (row, _) = cursor_row(&screen).expect("a focused cursor");
    assert!(screen.contains("╔ 2 Tokens"), "{screen}");
    tmux.keys(&["j"]);
    let screen = tmux.wait_for("j to move the token cursor", |s| {
        cursor_row(s).is_some_and(|(r, _)| r == row + 1)
    });
    assert!(
        screen.contains("Tokens: All accounts"),
        "the accounts did not move:\n{screen}"
    );

    // A click on the sixth token row selects it. SGR mouse reporting, as a terminal sends it:
    // 1-based column;row, `M` the press, `m` the release. Column 60 is inside the tokens pane.
    let target = row + 5;
    let line = screen.lines().nth(target).expect("the row").to_owned();
    tmux.text(&format!("\x1b[<0;60;{}M", target + 1));
    tmux.text(&format!("\x1b[<0;60;{}m", target + 1));
    let screen = tmux.wait_for("the click to select the row", |s| {
        cursor_row(s).is_some_and(|(r, _)| r == target)
    });
    let (_, selected) = cursor_row(&screen).unwrap();
    assert_eq!(
        selected.replace('▶', " "),
        line,
        "the row clicked is the row selected:\n{screen}"
    );

    // The back key hides the setup line.
    tmux.keys(&["Escape"]);
    tmux.wait_for("the setup line to go", |s| !s.contains("tokdash init"));

    tmux.keys(&["q"]);
    let screen = tmux.wait_for("tokdash to exit", |s| s.contains("TOKDASH_EXITED="));
    assert!(screen.contains("TOKDASH_EXITED=0"), "{screen}");
}
