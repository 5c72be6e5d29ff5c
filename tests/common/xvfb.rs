//! An X server of our own (Xvfb) for a real clipboard, and child processes stopped on drop.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

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
