//! The terminal side of the incident commands: the secret comes in on standard input (hidden when
//! that is a terminal), and a confirmation, since standard input is taken, comes from the
//! controlling terminal `/dev/tty`.

use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, IsTerminal, Read, Write};

use crate::leak::{input::MAX_INPUT, secret_from_input};
use crate::secret::SecretString;

const TTY: &str = "/dev/tty";

/// Read the secret from standard input: all of it when piped, one hidden line when it is a
/// terminal. The error is a message for the user; it never quotes the input.
pub async fn read_secret() -> Result<SecretString, String> {
    tokio::task::spawn_blocking(read_secret_blocking)
        .await
        .map_err(|e| format!("could not read standard input: {e}"))?
}

fn read_secret_blocking() -> Result<SecretString, String> {
    let stdin = std::io::stdin();
    let raw = if stdin.is_terminal() {
        read_hidden_line()?
    } else {
        let mut raw = Vec::new();
        stdin
            .lock()
            .take(MAX_INPUT as u64 + 1)
            .read_to_end(&mut raw)
            .map_err(|e| format!("could not read standard input: {e}"))?;
        raw
    };
    secret_from_input(raw).map_err(|e| e.to_string())
}

/// Prompt on stderr and read one line from the terminal on stdin with echo off, so the secret
/// is not left on the screen.
fn read_hidden_line() -> Result<Vec<u8>, String> {
    eprint!("Paste the leaked secret and press Enter (it is not shown): ");
    let _ = std::io::stderr().flush();
    let line = {
        let _echo = EchoOff::new();
        let mut line = Vec::new();
        std::io::stdin()
            .lock()
            .take(MAX_INPUT as u64 + 1)
            .read_until(b'\n', &mut line)
            .map(|_| line)
    };
    eprintln!();
    line.map_err(|e| format!("could not read the secret: {e}"))
}

/// Turns terminal echo off on stdin for as long as it lives.
struct EchoOff {
    saved: Option<libc::termios>,
}

impl EchoOff {
    fn new() -> Self {
        // SAFETY: tcgetattr/tcsetattr on fd 0 with a termios value owned here.
        unsafe {
            let mut t: libc::termios = std::mem::zeroed();
            if libc::tcgetattr(libc::STDIN_FILENO, &mut t) != 0 {
                return EchoOff { saved: None };
            }
            let saved = t;
            t.c_lflag &= !(libc::ECHO | libc::ECHONL);
            if libc::tcsetattr(libc::STDIN_FILENO, libc::TCSANOW, &t) != 0 {
                return EchoOff { saved: None };
            }
            EchoOff { saved: Some(saved) }
        }
    }
}

impl Drop for EchoOff {
    fn drop(&mut self) {
        if let Some(saved) = &self.saved {
            // SAFETY: restores the attributes read in `new`.
            unsafe {
                libc::tcsetattr(libc::STDIN_FILENO, libc::TCSANOW, saved);
            }
        }
    }
}

fn open_tty() -> std::io::Result<File> {
    OpenOptions::new().read(true).write(true).open(TTY)
}

/// Is there a controlling terminal to ask on?
pub fn can_ask() -> bool {
    open_tty().is_ok()
}

/// Ask a yes/no question on the controlling terminal; anything but `y` or `yes` is no.
pub async fn confirm(question: String) -> Result<bool, String> {
    tokio::task::spawn_blocking(move || {
        let mut tty = open_tty()?;
        write!(tty, "{question} [y/N] ")?;
        tty.flush()?;
        let mut line = String::new();
        BufReader::new(tty).read_line(&mut line)?;
        Ok::<_, std::io::Error>(line)
    })
    .await
    .map_err(|e| format!("could not read the answer: {e}"))?
    .map_err(|e| format!("could not read the answer on {TTY}: {e}"))
    .map(|answer| matches!(answer.trim().to_ascii_lowercase().as_str(), "y" | "yes"))
}
