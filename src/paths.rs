//! Where tokdash keeps its state files (the config file's location is `config::resolve`'s).
//! XDG locations on every Unix, macOS included, so that dotfile setups behave the same everywhere.

use std::path::PathBuf;

use etcetera::BaseStrategy;

/// `$XDG_STATE_HOME/tokdash`, else `~/.local/state/tokdash`: logs, the audit log and secret
/// fingerprints. `None` when there is no home directory to put it in.
pub fn state_dir() -> Option<PathBuf> {
    // The base strategy is XDG on macOS too; relative `$XDG_*` values are ignored, as the spec says.
    etcetera::choose_base_strategy()
        .ok()?
        .state_dir()
        .map(|d| d.join("tokdash"))
}
