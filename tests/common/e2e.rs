//! Real processes for end-to-end tests: tmux to drive the binary as a user would, Xvfb for a
//! clipboard, and the rule that a missing tool skips a test with a message, except under CI,
//! where `.ci/run` installs it and its absence is a failure.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Are all `tools` installed? If not: under `CI=true` panic, elsewhere say what to install and
/// return false so the test can skip.
pub fn require_tools(tools: &[&str]) -> bool {
    let missing: Vec<&str> = tools.iter().copied().filter(|t| !installed(t)).collect();
    if missing.is_empty() {
        return true;
    }
    let in_ci = std::env::var("CI").is_ok_and(|v| v == "true" || v == "1");
    assert!(
        !in_ci,
        "missing under CI: {missing:?}; .ci/run must install them"
    );
    eprintln!("SKIP: {missing:?} not installed (Debian: apt-get install -y tmux xvfb xclip)");
    false
}

fn installed(tool: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {tool}")])
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// How long to wait for something to appear: 30 s, scaled by `TOKDASH_E2E_TIMEOUT_SCALE` for
/// slow machines.
pub fn timeout() -> Duration {
    let scale: f64 = std::env::var("TOKDASH_E2E_TIMEOUT_SCALE")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1.0);
    Duration::from_secs_f64(30.0 * scale)
}

/// A child process that is stopped and reaped when dropped. SIGTERM first, so a server such as
/// Xvfb removes its socket and lock file (SIGKILL leaves them behind, and stale ones pile up on
/// a machine that is reused).
pub struct Killed(pub Child);

impl Drop for Killed {
    fn drop(&mut self) {
        if let Ok(pid) = i32::try_from(self.0.id()) {
            // SAFETY: plain kill(2) on our own child's pid, which has not been reaped yet.
            unsafe {
                libc::kill(pid, libc::SIGTERM);
            }
            let deadline = Instant::now() + Duration::from_secs(3);
            while Instant::now() < deadline {
                if let Ok(Some(_)) = self.0.try_wait() {
                    return;
                }
                std::thread::sleep(Duration::from_millis(20));
            }
        }
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// An X server of our own, stopped on drop.
pub struct Xvfb {
    _server: Killed,
    pub display: String,
}

impl Xvfb {
    /// Start Xvfb on a display it picks itself (`-displayfd`): it checks for live servers and
    /// stale locks itself, and says the number once it accepts clients.
    pub fn start() -> Xvfb {
        let mut child = Command::new("Xvfb")
            .args([
                "-displayfd",
                "1",
                "-nolisten",
                "tcp",
                "-screen",
                "0",
                "640x480x24",
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start Xvfb");
        let stdout = child.stdout.take().expect("Xvfb stdout");
        let server = Killed(child);
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut line = String::new();
            let _ = std::io::BufRead::read_line(&mut std::io::BufReader::new(stdout), &mut line);
            let _ = tx.send(line);
        });
        let line = rx
            .recv_timeout(Duration::from_secs(20))
            .expect("Xvfb did not report a display within 20 s");
        let number: u32 = line
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("Xvfb reported no display number: {line:?}"));
        Xvfb {
            _server: server,
            display: format!(":{number}"),
        }
    }
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
    pub fn text(&self, text: &str) {
        self.cmd(&["send-keys", "-t", "main", "-l", text]);
    }

    /// Escape alone, then a pause, so the next key is not read as Alt+key.
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

/// The status bar (the last non-empty line) ends in `idle` when nothing is in flight.
pub fn idle(screen: &str) -> bool {
    screen
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .is_some_and(|l| l.trim_end().ends_with("idle"))
}

/// How many accounts the accounts pane shows as loaded (the `✓` before each name).
pub fn loaded_accounts(screen: &str) -> usize {
    screen.matches('✓').count()
}
