//! End-to-end: on a wide terminal (240 columns) the dialogs use the room they have, so a form's
//! help, its choice hints and its key hints show whole, never cut mid-word. The real binary in
//! tmux, as in e2e_tmux.rs; skips (with a message) when tmux is not installed.

mod common {
    pub mod e2e;
    pub mod tmux;
}
use common::e2e::require_tools;
use common::tmux::{Tmux, idle, loaded_accounts};

#[test]
fn a_form_at_240_columns_shows_its_whole_hint() {
    if !require_tools(&["tmux"]) {
        return;
    }
    let state = tempfile::tempdir().expect("temp dir");
    let bin = env!("CARGO_BIN_EXE_tokdash");
    let command = format!(
        "XDG_STATE_HOME='{}' '{bin}' --demo; sleep 60",
        state.path().display()
    );
    let tmux = Tmux::start("layout", 240, 70, &command);
    tmux.wait_for("every demo account to load", |s| {
        idle(s) && loaded_accounts(s) == 4
    });

    // The lagrello account's create form, on its permissions: a choice with a long help.
    tmux.keys(&["1", "j", "j"]);
    tmux.wait_for("the lagrello account", |s| s.contains("Tokens: lagrello-1"));
    tmux.keys(&["n"]);
    tmux.wait_for("the create form", |s| s.contains("New token: lagrello-1"));
    tmux.keys(&["Tab"]);
    let screen = tmux.wait_for("the permissions field", |s| s.contains("› Permissions"));

    // One row each, whole: the choice hint, the field's help and the form's keys.
    let row = |needle: &str| {
        screen
            .lines()
            .find(|l| l.contains(needle))
            .unwrap_or_else(|| panic!("no row with {needle:?}:\n{screen}"))
            .to_owned()
    };
    assert!(
        row("› Permissions").contains("(←/→ move, space toggles)"),
        "{screen}"
    );
    assert!(
        row("Every token can READ").contains("ADMIN manages tokens"),
        "{screen}"
    );
    assert!(
        row("tab next").contains("ctrl-s submit   esc cancel"),
        "{screen}"
    );
    // And the dialog is wider than the old fixed 76 columns would allow for all that.
    let top = row("┌ New token: lagrello-1");
    let dialog = &top[top.find("┌ New token").expect("the top border")..];
    let width = dialog.chars().take_while(|c| *c != '┐').count() + 1;
    assert!(width > 76, "{width}: {top}");
    tmux.keys(&["Escape"]);
    tmux.wait_for("the form to close", |s| !s.contains("New token:"));
    tmux.keys(&["q"]);
}
