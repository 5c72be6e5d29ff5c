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

/// Prompt on stderr and read one line from the terminal with echo off (rpassword), so the
/// secret is not left on the screen.
fn read_hidden_line() -> Result<Vec<u8>, String> {
    eprint!("Paste the leaked secret and press Enter (it is not shown): ");
    let _ = std::io::stderr().flush();
    rpassword::read_password()
        .map(String::into_bytes)
        .map_err(|e| format!("could not read the secret: {e}"))
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
