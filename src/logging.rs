//! Logging to `$XDG_STATE_HOME/tokdash/tokdash.log` (default `~/.local/state/tokdash/`), never to
//! the screen. The level comes from `TOKDASH_LOG` (default `info`).
//!
//! The log is private (0600, in the 0700 state directory, never written through a symbolic link)
//! and bounded: past [`MAX_LOG_BYTES`] it becomes `tokdash.log.1`, the older ones move up to
//! `tokdash.log.`[`KEPT_LOGS`], and the oldest is dropped. tracing-appender's own rolling
//! appender cannot set a file's mode nor refuse a link, so the file is this module's; the
//! appender's non-blocking writer still does the writing off the caller's thread.

use std::fs::File;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use tracing_appender::non_blocking::WorkerGuard;
use tracing_subscriber::EnvFilter;

use crate::paths::{open_private_append, private_dir};

pub const LOG_FILE: &str = "tokdash.log";
/// A log larger than this is rotated before the next line.
pub const MAX_LOG_BYTES: u64 = 5 * 1024 * 1024;
/// Rotated logs kept beside the current one: at most `(KEPT_LOGS + 1) × MAX_LOG_BYTES` in all.
pub const KEPT_LOGS: usize = 3;

/// Start logging. Keep the returned guard alive until exit: dropping it flushes the log. Returns
/// `None` (and logs nothing) when the directory or file cannot be opened safely or a subscriber
/// is already set.
pub fn init() -> Option<WorkerGuard> {
    let dir = crate::paths::state_dir()?;
    let log = RotatingLog::open(&dir, MAX_LOG_BYTES, KEPT_LOGS).ok()?;
    let (writer, guard) = tracing_appender::non_blocking(log);
    let filter = EnvFilter::try_from_env("TOKDASH_LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(writer)
        .with_ansi(false)
        .try_init()
        .ok()?;
    Some(guard)
}

/// `tokdash.log` in a directory, rotated by size with a bounded number of old files.
pub struct RotatingLog {
    dir: PathBuf,
    max_bytes: u64,
    keep: usize,
    file: File,
    /// The current file's size as far as this process knows (its size when opened, plus what
    /// this process wrote since).
    size: u64,
}

impl RotatingLog {
    /// Open (creating the directory 0700 and the file 0600) `dir/tokdash.log`; rotate it past
    /// `max_bytes`, keeping `keep` old files (at least one).
    pub fn open(dir: &Path, max_bytes: u64, keep: usize) -> io::Result<Self> {
        private_dir(dir)?;
        let file = open_private_append(&dir.join(LOG_FILE))?;
        let size = file.metadata()?.len();
        Ok(RotatingLog {
            dir: dir.to_owned(),
            max_bytes,
            keep: keep.max(1),
            file,
            size,
        })
    }

    fn rotated(&self, n: usize) -> PathBuf {
        self.dir.join(format!("{LOG_FILE}.{n}"))
    }

    /// `tokdash.log.N` → `.N+1` (the last one is overwritten), `tokdash.log` → `.1`, and a fresh
    /// `tokdash.log`. A rename moves a link itself, never its target.
    fn rotate(&mut self) -> io::Result<()> {
        for n in (1..self.keep).rev() {
            match std::fs::rename(self.rotated(n), self.rotated(n + 1)) {
                Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
                _ => {}
            }
        }
        let current = self.dir.join(LOG_FILE);
        std::fs::rename(&current, self.rotated(1))?;
        self.file = open_private_append(&current)?;
        self.size = self.file.metadata()?.len();
        Ok(())
    }
}

impl Write for RotatingLog {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        // A failed rotation (say, another tokdash rotated first) keeps writing where it was: a
        // log a little over its size beats lost lines.
        if self.size > 0 && self.size + buf.len() as u64 > self.max_bytes {
            let _ = self.rotate();
        }
        let n = self.file.write(buf)?;
        self.size += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.file.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn mode(path: &Path) -> u32 {
        std::fs::symlink_metadata(path)
            .unwrap()
            .permissions()
            .mode()
            & 0o777
    }

    #[test]
    fn the_log_is_private_and_rotated_with_a_bounded_number_of_files() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("tokdash");
        let mut log = RotatingLog::open(&dir, 1_000, 2).unwrap();
        assert_eq!(mode(&dir), 0o700);
        let line = [b'x'; 99];
        for _ in 0..100 {
            log.write_all(&line).unwrap();
            log.write_all(b"\n").unwrap();
        }
        log.flush().unwrap();
        let mut names: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        assert_eq!(names, ["tokdash.log", "tokdash.log.1", "tokdash.log.2"]);
        for name in &names {
            let path = dir.join(name);
            assert_eq!(mode(&path), 0o600, "{name}");
            assert!(std::fs::metadata(&path).unwrap().len() <= 1_000, "{name}");
        }
    }

    #[test]
    fn a_log_that_is_a_symbolic_link_is_refused() {
        let tmp = tempfile::tempdir().unwrap();
        let victim = tmp.path().join("victim");
        std::fs::write(&victim, "").unwrap();
        std::fs::set_permissions(&victim, std::fs::Permissions::from_mode(0o644)).unwrap();
        let dir = tmp.path().join("tokdash");
        std::fs::create_dir(&dir).unwrap();
        std::os::unix::fs::symlink(&victim, dir.join(LOG_FILE)).unwrap();
        assert!(RotatingLog::open(&dir, MAX_LOG_BYTES, KEPT_LOGS).is_err());
        assert_eq!(mode(&victim), 0o644);
    }
}
