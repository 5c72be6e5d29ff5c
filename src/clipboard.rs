//! Copying new secrets to the clipboard, and clearing them again.
//!
//! One native clipboard handle lives as long as the app: on X11 the copied text is served by the
//! process that owns it, so a short-lived handle would lose it. Where there is no native clipboard
//! (no display, an SSH session) the text goes out as an OSC 52 escape sequence, which the
//! terminal (and tmux, through passthrough or `set-clipboard on`) puts on the user's clipboard.

use std::ffi::{OsStr, OsString};
use std::fmt;
use std::io::{self, Write};
use std::process::{Command, Stdio};

use base64::Engine;
use sha2::{Digest, Sha256};

use crate::secret::{ExposeSecret, SecretString};

/// `[ui] clipboard`. Parsed once, by the configuration reader; the names are the variants',
/// lowercased.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Default,
    strum::EnumString,
    strum::Display,
    strum::VariantNames,
)]
#[strum(
    serialize_all = "lowercase",
    parse_err_ty = String,
    parse_err_fn = unknown_mode
)]
pub enum ClipboardMode {
    /// Native when it works, OSC 52 otherwise (and straight away over SSH).
    #[default]
    Auto,
    Native,
    Osc52,
    Off,
}

fn unknown_mode(name: &str) -> String {
    use strum::VariantNames;
    format!(
        "`{name}` is not a clipboard mode; expected one of {}",
        ClipboardMode::VARIANTS.join(", ")
    )
}

/// The way a copy went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Native,
    Osc52,
}

impl fmt::Display for Backend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Backend::Native => "the system clipboard",
            Backend::Osc52 => "OSC 52 (your terminal's clipboard)",
        })
    }
}

/// Why nothing was copied. Never carries the text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ClipboardError {
    #[error("the clipboard is off ([ui] clipboard = \"off\"); copy the secret by hand")]
    Off,
    #[error(
        "no system clipboard: {0}; set [ui] clipboard = \"osc52\" or \"auto\" to use the terminal's"
    )]
    NativeUnavailable(String),
    #[error("could not write the OSC 52 sequence to the terminal: {0}")]
    Osc52(String),
    /// tmux swallows OSC 52 from programs unless `set-clipboard on` (its default is
    /// `external`), and passthrough is off: nothing reached a clipboard.
    #[error(
        "tmux set-clipboard is {0}, so the copy never reached a clipboard: run `tmux set -s \
         set-clipboard on` and copy again"
    )]
    TmuxClipboardOff(String),
}

/// What happened when the clear timer fired.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClearOutcome {
    Cleared,
    /// The user copied something else since; it was left alone.
    ChangedSince,
    /// Nothing of ours was on the clipboard.
    NothingToClear,
    /// The text went out by OSC 52, which cannot be read back or cleared safely.
    NotPossible,
}

/// Where OSC 52 sequences go: the terminal, or a buffer in tests.
pub type Osc52Sink = Box<dyn FnMut(&[u8]) -> io::Result<()> + Send>;

pub struct Clipboard {
    mode: ClipboardMode,
    native: Result<arboard::Clipboard, String>,
    osc52: Osc52Sink,
    /// `$TMUX` when running inside tmux: the server to ask whether OSC 52 gets through.
    tmux: Option<OsString>,
    /// SHA-256 of what we last copied natively, to check before clearing. Never the text.
    ours: Option<[u8; 32]>,
    last_backend: Option<Backend>,
}

impl Clipboard {
    /// Open the clipboard for `mode`, writing OSC 52 to standard output.
    pub fn new(mode: ClipboardMode) -> Self {
        Self::with_sink(
            mode,
            Box::new(|bytes| {
                let mut out = io::stdout().lock();
                out.write_all(bytes)?;
                out.flush()
            }),
        )
    }

    pub fn with_sink(mode: ClipboardMode, osc52: Osc52Sink) -> Self {
        let over_ssh =
            std::env::var_os("SSH_TTY").is_some() || std::env::var_os("SSH_CONNECTION").is_some();
        let native = match mode {
            ClipboardMode::Native => open_native(),
            ClipboardMode::Auto if !over_ssh => open_native(),
            ClipboardMode::Auto => Err("this is an SSH session".to_owned()),
            ClipboardMode::Osc52 | ClipboardMode::Off => Err("not used in this mode".to_owned()),
        };
        Clipboard {
            mode,
            native,
            osc52,
            tmux: std::env::var_os("TMUX").filter(|t| !t.is_empty()),
            ours: None,
            last_backend: None,
        }
    }

    /// As if running inside the tmux server of this `$TMUX` value (`None`: outside tmux).
    pub fn with_tmux(mut self, tmux: Option<OsString>) -> Self {
        self.tmux = tmux;
        self
    }

    pub fn mode(&self) -> ClipboardMode {
        self.mode
    }

    /// Copy `secret`, saying which way it went.
    pub fn copy(&mut self, secret: &SecretString) -> Result<Backend, ClipboardError> {
        let result = match self.mode {
            ClipboardMode::Off => Err(ClipboardError::Off),
            ClipboardMode::Native => self.copy_native(secret),
            ClipboardMode::Osc52 => self.copy_osc52(secret),
            ClipboardMode::Auto => match self.copy_native(secret) {
                Ok(b) => Ok(b),
                Err(_) => self.copy_osc52(secret),
            },
        };
        if let Ok(b) = result {
            self.last_backend = Some(b);
        }
        result
    }

    fn copy_native(&mut self, secret: &SecretString) -> Result<Backend, ClipboardError> {
        let cb = self
            .native
            .as_mut()
            .map_err(|e| ClipboardError::NativeUnavailable(e.clone()))?;
        cb.set_text(secret.expose_secret().to_owned())
            .map_err(|e| ClipboardError::NativeUnavailable(describe(&e)))?;
        self.ours = Some(digest(secret.expose_secret()));
        Ok(Backend::Native)
    }

    fn copy_osc52(&mut self, secret: &SecretString) -> Result<Backend, ClipboardError> {
        let encoded = base64::engine::general_purpose::STANDARD.encode(secret.expose_secret());
        let plain = format!("\x1b]52;c;{encoded}\x07");
        (self.osc52)(plain.as_bytes()).map_err(|e| ClipboardError::Osc52(e.to_string()))?;
        if let Some(tmux) = &self.tmux {
            // tmux drops OSC 52 from programs unless `set-clipboard on`; passthrough reaches
            // the outer terminal where `allow-passthrough` is on. Sending both covers either.
            let wrapped = format!("\x1bPtmux;\x1b\x1b]52;c;{encoded}\x07\x1b\\");
            (self.osc52)(wrapped.as_bytes()).map_err(|e| ClipboardError::Osc52(e.to_string()))?;
            // Neither on: nothing reached a clipboard, whatever the terminal would have done.
            let clipboard = tmux_option(tmux, &["-sv", "set-clipboard"]);
            let passthrough = tmux_option(tmux, &["-pv", "allow-passthrough"]);
            let through = passthrough
                .as_deref()
                .is_some_and(|p| p == "on" || p == "all");
            if let Some(setting) = clipboard.filter(|c| c != "on" && !through) {
                self.ours = None;
                return Err(ClipboardError::TmuxClipboardOff(setting));
            }
        }
        self.ours = None;
        Ok(Backend::Osc52)
    }

    /// Clear the clipboard if it still holds what we copied last.
    pub fn clear_if_unchanged(&mut self) -> ClearOutcome {
        if self.last_backend == Some(Backend::Osc52) {
            return ClearOutcome::NotPossible;
        }
        let Some(ours) = self.ours.take() else {
            return ClearOutcome::NothingToClear;
        };
        let Ok(cb) = self.native.as_mut() else {
            return ClearOutcome::NothingToClear;
        };
        match cb.get_text() {
            Ok(text) if digest(&text) == ours => match cb.clear() {
                Ok(()) => ClearOutcome::Cleared,
                Err(_) => ClearOutcome::NothingToClear,
            },
            Ok(_) => ClearOutcome::ChangedSince,
            Err(_) => ClearOutcome::NothingToClear,
        }
    }
}

impl fmt::Debug for Clipboard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Clipboard")
            .field("mode", &self.mode)
            .field("native", &self.native.is_ok())
            .finish_non_exhaustive()
    }
}

/// One option's value, asked of the tmux server that `$TMUX` names (`tmux show -sv
/// set-clipboard`). `None` when tmux cannot be asked: then nothing is claimed either way.
pub fn tmux_option(tmux_env: &OsStr, show_args: &[&str]) -> Option<String> {
    let out = Command::new("tmux")
        .arg("show")
        .args(show_args)
        .env("TMUX", tmux_env)
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .ok()?;
    if !out.status.success() {
        return None;
    }
    let value = String::from_utf8_lossy(&out.stdout).trim().to_owned();
    (!value.is_empty()).then(|| crate::text::sanitize(&value))
}

fn open_native() -> Result<arboard::Clipboard, String> {
    arboard::Clipboard::new().map_err(|e| describe(&e))
}

fn describe(e: &arboard::Error) -> String {
    match e {
        arboard::Error::ClipboardNotSupported => {
            "this system has no clipboard tokdash can use".into()
        }
        arboard::Error::ClipboardOccupied => "another program is holding the clipboard".into(),
        other => crate::text::sanitize(&other.to_string()),
    }
}

fn digest(text: &str) -> [u8; 32] {
    Sha256::digest(text.as_bytes()).into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Mutex};

    fn capture() -> (Osc52Sink, Arc<Mutex<Vec<u8>>>) {
        let buf = Arc::new(Mutex::new(Vec::new()));
        let b = buf.clone();
        (
            Box::new(move |bytes| {
                b.lock().unwrap().extend_from_slice(bytes);
                Ok(())
            }),
            buf,
        )
    }

    #[test]
    fn osc52_sends_the_base64_of_the_secret() {
        let (sink, buf) = capture();
        // Outside tmux: inside, tmux would be asked whether the copy got through.
        let mut cb = Clipboard::with_sink(ClipboardMode::Osc52, sink).with_tmux(None);
        let backend = cb.copy(&SecretString::from("s3cret".to_owned())).unwrap();
        assert_eq!(backend, Backend::Osc52);
        let out = String::from_utf8(buf.lock().unwrap().clone()).unwrap();
        assert!(out.starts_with("\x1b]52;c;czNjcmV0\x07"), "{out:?}");
        assert_eq!(cb.clear_if_unchanged(), ClearOutcome::NotPossible);
    }

    #[test]
    fn off_refuses_and_says_how_to_copy() {
        let (sink, buf) = capture();
        let mut cb = Clipboard::with_sink(ClipboardMode::Off, sink);
        let err = cb.copy(&SecretString::from("x".to_owned())).unwrap_err();
        assert_eq!(err, ClipboardError::Off);
        assert!(buf.lock().unwrap().is_empty());
    }

    #[test]
    fn modes_parse_with_a_clear_error() {
        assert_eq!("osc52".parse::<ClipboardMode>(), Ok(ClipboardMode::Osc52));
        assert!(
            "x11"
                .parse::<ClipboardMode>()
                .unwrap_err()
                .contains("expected one of auto, native, osc52, off")
        );
    }
}
