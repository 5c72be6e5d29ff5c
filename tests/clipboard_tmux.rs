//! The clipboard tells the truth inside tmux: with tmux's default `set-clipboard external`, an
//! OSC 52 copy from a program reaches no clipboard, so tokdash says so (and what to set) instead
//! of "copied". Asked of a real tmux server, through `$TMUX` as tokdash sees it inside one.

// Shared helpers: this file uses some of them.
#[allow(dead_code)]
mod common {
    pub mod e2e;
    pub mod tmux;
}

use std::ffi::OsString;

use common::e2e::require_tools;
use common::tmux::Tmux;
use tokdash::clipboard::{Backend, Clipboard, ClipboardError, ClipboardMode, tmux_option};
use tokdash::secret::SecretString;

/// `$TMUX` as a program running in this server's pane gets it: the socket path first.
fn tmux_env(tmux: &Tmux) -> OsString {
    let socket = tmux.cmd(&["display", "-p", "#{socket_path}"]);
    OsString::from(format!("{},1,0", socket.trim()))
}

fn osc52_copy(env: &OsString) -> Result<Backend, ClipboardError> {
    let mut cb = Clipboard::with_sink(ClipboardMode::Osc52, Box::new(|_| Ok(())))
        .with_tmux(Some(env.clone()));
    cb.copy(&SecretString::from("s3cret".to_owned()))
}

#[test]
fn an_osc52_copy_under_tmux_external_says_nothing_reached_a_clipboard() {
    if !require_tools(&["tmux"]) {
        return;
    }
    let tmux = Tmux::start("clipboard", 80, 24, "sleep 600");
    let env = tmux_env(&tmux);
    tmux.cmd(&["set", "-s", "set-clipboard", "external"]);
    assert_eq!(
        tmux_option(&env, &["-sv", "set-clipboard"]).as_deref(),
        Some("external")
    );
    let err = osc52_copy(&env).expect_err("nothing reached a clipboard");
    assert_eq!(err, ClipboardError::TmuxClipboardOff("external".into()));
    let text = err.to_string();
    assert!(
        text.contains("tmux set-clipboard is external")
            && text.contains("run `tmux set -s set-clipboard on`"),
        "{text}"
    );

    tmux.cmd(&["set", "-s", "set-clipboard", "off"]);
    assert_eq!(
        osc52_copy(&env),
        Err(ClipboardError::TmuxClipboardOff("off".into()))
    );

    tmux.cmd(&["set", "-s", "set-clipboard", "on"]);
    assert_eq!(
        tmux_option(&env, &["-sv", "set-clipboard"]).as_deref(),
        Some("on")
    );
    assert_eq!(osc52_copy(&env), Ok(Backend::Osc52));
}

#[test]
fn outside_tmux_or_without_a_server_nothing_is_claimed_either_way() {
    let gone = OsString::from("/nonexistent/tmux-socket,1,0");
    assert_eq!(tmux_option(&gone, &["-sv", "set-clipboard"]), None);
    let mut cb = Clipboard::with_sink(ClipboardMode::Osc52, Box::new(|_| Ok(()))).with_tmux(None);
    assert_eq!(
        cb.copy(&SecretString::from("x".to_owned())),
        Ok(Backend::Osc52)
    );
}
