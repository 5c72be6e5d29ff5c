//! End to end on the real binary, in tmux: a config with two sinks (one that stores what it
//! reads, one that fails), the sematext account preselecting the first. A token is created, its
//! secret delivered from the dialog to both, each outcome shown there; the secret lands in the
//! working sink's file and in no log, audit record or argument.
//!
//! Skips with a message when tmux is missing, except under CI=true.

use std::io::{BufRead, BufReader};
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Command, Stdio};

mod common {
    pub mod e2e;
    pub mod tmux;
    // For `Killed`, which stops the sandbox; no display is needed here.
    #[allow(dead_code)]
    pub mod xvfb;
}
use common::e2e::require_tools;
use common::tmux::{Tmux, idle, loaded_accounts};
use common::xvfb::Killed;

const BIN: &str = env!("CARGO_BIN_EXE_tokdash");

fn sandbox(config: &Path, state: &Path) -> Killed {
    let mut child = Command::new(BIN)
        .args(["sandbox", "--write-config"])
        .arg(config)
        .env("XDG_STATE_HOME", state)
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

fn script(dir: &Path, name: &str, body: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o700)).unwrap();
    path.display().to_string()
}

#[test]
fn create_then_deliver_from_the_dialog_and_see_each_outcome() {
    if !require_tools(&["tmux"]) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let state = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.toml");
    let _sandbox = sandbox(&config, state.path());
    let got = dir.path().join("got");
    let args = dir.path().join("args");
    let store = script(
        dir.path(),
        "store.sh",
        &format!(
            "cat > '{}'\necho \"$@\" > '{}'\nenv >> '{}'",
            got.display(),
            args.display(),
            args.display()
        ),
    );
    let broken = script(
        dir.path(),
        "broken.sh",
        "cat > /dev/null\necho 'vault is sealed' >&2\nexit 2",
    );
    // The sematext account preselects `store`; both sinks are offered.
    let text = std::fs::read_to_string(&config).unwrap().replace(
        "name = \"sematext-1\"\n",
        "name = \"sematext-1\"\nsinks = [\"store\"]\n",
    );
    let text = format!(
        "{text}\n[[sinks]]\nname = \"store\"\ncommand = [\"{store}\", \"{{account}}\", \"{{name}}\"]\n\
         [[sinks]]\nname = \"broken\"\ncommand = [\"{broken}\"]\n"
    );
    std::fs::write(&config, text).unwrap();

    let command = format!(
        "env -u DISPLAY XDG_STATE_HOME='{}' TOKDASH_LOG=trace '{BIN}' --config '{}'; echo TOKDASH_EXITED=$?; sleep 60",
        state.path().display(),
        config.display()
    );
    let tmux = Tmux::start("sinks", 120, 40, &command);
    tmux.wait_for("every account to load", |s| {
        idle(s) && loaded_accounts(s) == 4
    });
    tmux.keys(&[":"]);
    tmux.text("account sematext-1");
    tmux.keys(&["Enter"]);
    tmux.wait_for("the sematext tokens", |s| s.contains("Tokens: sematext-1"));
    tmux.keys(&["2", "n"]);
    tmux.wait_for("the create form", |s| s.contains("New token: sematext-1"));
    tmux.text("delivered");
    tmux.keys(&["C-s"]);
    tmux.wait_for("the secret dialog", |s| {
        s.contains("New secret (shown once)") && s.contains("d deliver")
    });

    tmux.keys(&["d"]);
    let screen = tmux.wait_for("the sinks", |s| s.contains("Deliver to:"));
    assert!(screen.contains("› [x] store"), "{screen}");
    assert!(screen.contains("[ ] broken"), "{screen}");
    tmux.keys(&["j", "Space", "Enter"]);
    let screen = tmux.wait_for("both outcomes", |s| {
        s.contains("✓ store: ran") && s.contains("✗ broken failed")
    });
    assert!(screen.contains("vault is sealed"), "{screen}");
    assert!(
        screen.contains("New secret (shown once)"),
        "the dialog stays open"
    );

    // The secret reached the store on its standard input, and nowhere else.
    let secret = std::fs::read_to_string(&got).unwrap();
    assert!(secret.len() >= 16, "{secret:?}");
    let argv = std::fs::read_to_string(&args).unwrap();
    assert!(argv.starts_with("sematext-1 delivered\n"), "{argv}");
    assert!(!argv.contains(&secret));
    assert!(!screen.contains(&secret), "masked on screen");

    tmux.escape();
    tmux.wait_for("the close question", |s| s.contains("y closes"));
    tmux.keys(&["y"]);
    tmux.wait_for("the dialog to close", |s| {
        !s.contains("New secret") && idle(s)
    });
    tmux.keys(&["q"]);
    tmux.wait_for("the exit", |s| s.contains("TOKDASH_EXITED=0"));

    let files = state.path().join("tokdash");
    let audit = std::fs::read_to_string(files.join("audit.jsonl")).unwrap();
    assert!(audit.contains(r#""kind":"delivery""#), "{audit}");
    assert!(audit.contains(r#""sink":"store""#) && audit.contains(r#""sink":"broken""#));
    for entry in std::fs::read_dir(&files).unwrap().flatten() {
        let text = std::fs::read_to_string(entry.path()).unwrap_or_default();
        assert!(
            !text.contains(&secret),
            "{} holds the secret",
            entry.path().display()
        );
    }
}
