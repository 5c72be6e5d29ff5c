//! tmux, to drive the binary in a real terminal as a user would, and what its screen says.

use std::process::Command;
use std::time::{Duration, Instant};

/// How long to wait for something to appear: 30 s, scaled by `TOKDASH_E2E_TIMEOUT_SCALE` for
/// slow machines.
pub fn timeout() -> Duration {
    let scale: f64 = std::env::var("TOKDASH_E2E_TIMEOUT_SCALE")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1.0);
    Duration::from_secs_f64(30.0 * scale)
}

/// A tmux server on a private socket with one session, `main`; killed on drop.
pub struct Tmux {
    socket: String,
}

impl Tmux {
    /// Start `command` in a detached session of `cols`×`rows`.
    pub fn start(name: &str, cols: u16, rows: u16, command: &str) -> Tmux {
        let tmux = Tmux {
            socket: format!("tokdash-{name}-{}", std::process::id()),
        };
        let (cols, rows) = (cols.to_string(), rows.to_string());
        tmux.cmd(&[
            "-f",
            "/dev/null",
            "new-session",
            "-d",
            "-s",
            "main",
            "-x",
            &cols,
            "-y",
            &rows,
            command,
        ]);
        tmux
    }

    pub fn cmd(&self, args: &[&str]) -> String {
        let out = Command::new("tmux")
            .arg("-L")
            .arg(&self.socket)
            .args(args)
            .output()
            .expect("run tmux");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    pub fn screen(&self) -> String {
        self.cmd(&["capture-pane", "-p", "-t", "main"])
    }

    /// Keys by tmux name (`Enter`, `C-s`, `j`).
    pub fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", "main"];
        args.extend_from_slice(keys);
        self.cmd(&args);
    }

    /// Literal text, typed.
    #[allow(dead_code)] // not every tmux test types text
    pub fn text(&self, text: &str) {
        self.cmd(&["send-keys", "-t", "main", "-l", text]);
    }

    /// Escape alone, then a pause, so the next key is not read as Alt+key.
    #[allow(dead_code)] // not every tmux test presses Escape
    pub fn escape(&self) {
        self.keys(&["Escape"]);
        std::thread::sleep(Duration::from_millis(150));
    }

    /// Wait until `pred` holds for the screen; panic with the last screen otherwise.
    pub fn wait_for(&self, what: &str, pred: impl Fn(&str) -> bool) -> String {
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

/// The status bar (the last non-empty line) says `idle`, before the product's name, when
/// nothing is in flight.
pub fn idle(screen: &str) -> bool {
    screen
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .is_some_and(|l| l.contains(" idle tokdash") || l.trim_end().ends_with("idle"))
}

/// How many accounts the accounts pane shows as loaded (the `✓` before each name).
pub fn loaded_accounts(screen: &str) -> usize {
    screen.matches('✓').count()
}
