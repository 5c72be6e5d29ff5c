//! The rule for end-to-end tests that need real programs (tmux, Xvfb, xclip): a missing tool skips
//! the test with a message, except under CI, where `.ci/run` installs it and its absence is a
//! failure. The programs themselves are driven by the `tmux` and `xvfb` modules.

use std::process::{Command, Stdio};

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
