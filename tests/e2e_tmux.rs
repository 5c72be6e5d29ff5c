//! End-to-end: the real binary in a detached tmux session, driven by send-keys and read with
//! capture-pane. Skips (with a message) when tmux is not installed. Every wait polls until the
//! screen shows what it should, with a generous timeout scaled by `TOKDASH_E2E_TIMEOUT_SCALE`.

use std::process::Command;
use std::time::{Duration, Instant};

struct Tmux {
    socket: String,
}

impl Tmux {
    fn cmd(&self, args: &[&str]) -> String {
        let out = Command::new("tmux")
            .arg("-L")
            .arg(&self.socket)
            .args(args)
            .output()
            .expect("run tmux");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    fn screen(&self) -> String {
        self.cmd(&["capture-pane", "-p", "-t", "main"])
    }

    fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", "main"];
        args.extend_from_slice(keys);
        self.cmd(&args);
    }

    /// Wait until `pred` holds for the screen; panic with the last screen otherwise.
    fn wait_for(&self, what: &str, pred: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + timeout();
        loop {
            let screen = self.screen();
            if pred(&screen) {
                return screen;
            }
            if Instant::now() > deadline {
                panic!("timed out waiting for {what}; the screen was:\n{screen}");
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["-L", &self.socket, "kill-server"])
            .output();
    }
}

fn timeout() -> Duration {
    let scale: f64 = std::env::var("TOKDASH_E2E_TIMEOUT_SCALE")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1.0);
    Duration::from_secs_f64(30.0 * scale)
}

fn tmux_available() -> bool {
    Command::new("tmux")
        .arg("-V")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// The status bar (last non-empty line) ends in `idle` when nothing is in flight.
fn idle(screen: &str) -> bool {
    screen
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .is_some_and(|l| l.trim_end().ends_with("idle"))
}

#[test]
fn demo_dashboard_moves_filters_helps_and_restores_the_terminal() {
    if !tmux_available() {
        eprintln!("skipping: tmux is not installed");
        return;
    }
    let state = tempfile::tempdir().expect("temp dir");
    let tmux = Tmux {
        socket: format!("tokdash-e2e-{}", std::process::id()),
    };
    let bin = env!("CARGO_BIN_EXE_tokdash");
    let command = format!(
        "XDG_STATE_HOME='{}' '{bin}' --demo; echo TOKDASH_EXITED=$?; sleep 60",
        state.path().display()
    );
    tmux.cmd(&[
        "new-session",
        "-d",
        "-s",
        "main",
        "-x",
        "120",
        "-y",
        "35",
        &command,
    ]);

    let screen = tmux.wait_for("every demo account to load", |s| {
        idle(s) && s.matches("loaded").count() == 4
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
