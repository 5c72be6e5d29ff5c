//! Where tokdash keeps its state files (the config file's location is `config::resolve`'s), and
//! how it opens them. XDG locations on every Unix, macOS included, so that dotfile setups behave
//! the same everywhere.
//!
//! The state directory is private (0700) and every file tokdash writes in it is too (0600). A
//! state file is never written through a symbolic link: it is opened with `O_NOFOLLOW`, so a link
//! planted where the audit trail or the log should be makes the write fail instead of changing
//! (or chmod-ing) whatever the link points at.

use std::fs::{DirBuilder, File, OpenOptions};
use std::io;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use etcetera::BaseStrategy;
use rustix::fs::OFlags;
use rustix::io::Errno;

/// `$XDG_STATE_HOME/tokdash`, else `~/.local/state/tokdash`: logs, the audit log and secret
/// fingerprints. `None` when there is no home directory to put it in.
pub fn state_dir() -> Option<PathBuf> {
    // The base strategy is XDG on macOS too; relative `$XDG_*` values are ignored, as the spec says.
    etcetera::choose_base_strategy()
        .ok()?
        .state_dir()
        .map(|d| d.join("tokdash"))
}

/// Create `dir` and any missing parent with mode 0700. An existing `dir` that group or others
/// can reach into is narrowed to 0700, unless it is a symbolic link (a link the user made to keep
/// the state elsewhere is theirs to manage).
pub fn private_dir(dir: &Path) -> io::Result<()> {
    DirBuilder::new().recursive(true).mode(0o700).create(dir)?;
    let meta = std::fs::symlink_metadata(dir)?;
    if meta.is_dir() && meta.permissions().mode() & 0o077 != 0 {
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
    }
    Ok(())
}

/// Open `path` for appending, creating it with mode 0600, and narrow an existing file to 0600.
/// A symbolic link, or anything but a regular file, is refused: nothing is written or chmod-ed
/// through it.
pub fn open_private_append(path: &Path) -> io::Result<File> {
    let f = OpenOptions::new()
        .create(true)
        .append(true)
        .mode(0o600)
        // O_NONBLOCK: a FIFO put in the file's place fails the check below instead of hanging.
        .custom_flags((OFlags::NOFOLLOW | OFlags::NONBLOCK).bits() as i32)
        .open(path)
        .map_err(|e| {
            if Errno::from_io_error(&e) == Some(Errno::LOOP) {
                io::Error::other(format!(
                    "{} is a symbolic link; tokdash does not write through links: remove it",
                    path.display()
                ))
            } else {
                e
            }
        })?;
    let meta = f.metadata()?;
    if !meta.is_file() {
        return Err(io::Error::other(format!(
            "{} is not a regular file; remove it",
            path.display()
        )));
    }
    if meta.permissions().mode() & 0o777 != 0o600 {
        // fchmod on the open file: the file itself, never a link's target.
        f.set_permissions(std::fs::Permissions::from_mode(0o600))?;
    }
    Ok(f)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    fn mode(path: &Path) -> u32 {
        std::fs::symlink_metadata(path)
            .unwrap()
            .permissions()
            .mode()
            & 0o7777
    }

    #[test]
    fn a_symbolic_link_is_never_written_through_or_chmod_ed() {
        let dir = tempfile::tempdir().unwrap();
        let victim = dir.path().join("victim");
        std::fs::write(&victim, "theirs\n").unwrap();
        std::fs::set_permissions(&victim, std::fs::Permissions::from_mode(0o644)).unwrap();
        let link = dir.path().join("audit.jsonl");
        symlink(&victim, &link).unwrap();

        let err = open_private_append(&link).unwrap_err().to_string();
        assert!(err.contains("is a symbolic link"), "{err}");
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "theirs\n");
        assert_eq!(mode(&victim), 0o644);
        // A dangling link is not followed to create its target either.
        let dangling = dir.path().join("fingerprints.jsonl");
        symlink(dir.path().join("created-elsewhere"), &dangling).unwrap();
        assert!(open_private_append(&dangling).is_err());
        assert!(!dir.path().join("created-elsewhere").exists());
    }

    #[test]
    fn files_are_0600_and_directories_0700() {
        let dir = tempfile::tempdir().unwrap();
        let state = dir.path().join("state/tokdash/demo");
        private_dir(&state).unwrap();
        assert_eq!(mode(&state), 0o700);
        assert_eq!(mode(state.parent().unwrap()), 0o700);
        let wide = dir.path().join("wide");
        std::fs::create_dir(&wide).unwrap();
        std::fs::set_permissions(&wide, std::fs::Permissions::from_mode(0o755)).unwrap();
        private_dir(&wide).unwrap();
        assert_eq!(mode(&wide), 0o700);

        let file = state.join("audit.jsonl");
        open_private_append(&file).unwrap();
        assert_eq!(mode(&file), 0o600);
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
        open_private_append(&file).unwrap();
        assert_eq!(mode(&file), 0o600);
    }
}
