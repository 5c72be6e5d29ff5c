//! The native clipboard under a real X server (Xvfb), read back with xclip: what a user pasting
//! into another program would get. Skips with a message where Xvfb or xclip is missing, except
//! under CI, where `.ci/run` installs them.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

mod common {
    pub mod e2e;
    pub mod xvfb;
}
use common::e2e::require_tools;
use common::xvfb::Xvfb;
use tokdash::clipboard::{Backend, ClearOutcome, Clipboard, ClipboardMode};
use tokdash::secret::SecretString;

fn xclip_out(display: &str) -> String {
    let out = Command::new("xclip")
        .args(["-o", "-selection", "clipboard"])
        .env("DISPLAY", display)
        .output()
        .expect("run xclip");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn xclip_in(display: &str, text: &str) {
    use std::io::Write;
    let mut child = Command::new("xclip")
        .args(["-i", "-selection", "clipboard"])
        .env("DISPLAY", display)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("run xclip");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    child.wait().unwrap();
}

/// One test, because it points this process's DISPLAY at its own Xvfb.
#[test]
fn native_copy_reaches_other_programs_and_is_cleared_only_if_unchanged() {
    if !require_tools(&["Xvfb", "xclip"]) {
        return;
    }
    let x = Xvfb::start();
    // SAFETY: this test binary has this single test, so no other thread reads the environment.
    unsafe {
        std::env::set_var("DISPLAY", &x.display);
        std::env::remove_var("SSH_TTY");
        std::env::remove_var("SSH_CONNECTION");
        std::env::remove_var("WAYLAND_DISPLAY");
    }

    let mut osc = Vec::new();
    let (tx, rx) = std::sync::mpsc::channel::<Vec<u8>>();
    let mut cb = Clipboard::with_sink(
        ClipboardMode::Auto,
        Box::new(move |b| {
            tx.send(b.to_vec()).unwrap();
            Ok(())
        }),
    );
    let secret = SecretString::from("sandbox-secret-5f0c2a".to_owned());
    assert_eq!(cb.copy(&secret).unwrap(), Backend::Native);
    assert_eq!(xclip_out(&x.display), "sandbox-secret-5f0c2a");
    osc.extend(rx.try_iter().flatten());
    assert!(
        osc.is_empty(),
        "a working native clipboard must not fall back to OSC 52"
    );

    // Cleared when it still holds our secret.
    assert_eq!(cb.clear_if_unchanged(), ClearOutcome::Cleared);
    assert_ne!(xclip_out(&x.display), "sandbox-secret-5f0c2a");

    // Left alone when the user copied something else in between.
    cb.copy(&secret).unwrap();
    xclip_in(&x.display, "something the user copied");
    // xclip claims the selection from a forked child; wait until it has.
    let deadline = Instant::now() + Duration::from_secs(5);
    while xclip_out(&x.display) != "something the user copied" {
        assert!(Instant::now() < deadline, "xclip never took the clipboard");
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(cb.clear_if_unchanged(), ClearOutcome::ChangedSince);
    assert_eq!(xclip_out(&x.display), "something the user copied");
}
