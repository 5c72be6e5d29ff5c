//! Where tokdash keeps its state files (the config file's location is `config::resolve`'s). XDG locations on every Unix, macOS included, so that dotfile
//! setups behave the same everywhere.

use std::path::PathBuf;

/// `$XDG_STATE_HOME/tokdash`, else `~/.local/state/tokdash`: logs, the audit log and secret
/// fingerprints.
pub fn state_dir() -> Option<PathBuf> {
    xdg_dir("XDG_STATE_HOME", ".local/state").map(|d| d.join("tokdash"))
}

fn xdg_dir(var: &str, fallback: &str) -> Option<PathBuf> {
    // The XDG spec says relative values are invalid and must be ignored.
    match std::env::var_os(var).map(PathBuf::from) {
        Some(p) if p.is_absolute() => Some(p),
        _ => std::env::var_os("HOME")
            .map(PathBuf::from)
            .filter(|h| h.is_absolute())
            .map(|h| h.join(fallback)),
    }
}
