//! Logging to `$XDG_STATE_HOME/tokdash/tokdash.log` (default `~/.local/state/tokdash/`), never to
//! the screen. The level comes from `TOKDASH_LOG` (default `info`).

use tracing_appender::non_blocking::WorkerGuard;
use tracing_subscriber::EnvFilter;

/// Start logging. Keep the returned guard alive until exit: dropping it flushes the log. Returns
/// `None` (and logs nothing) when the directory cannot be created or a subscriber is already set.
pub fn init() -> Option<WorkerGuard> {
    let dir = crate::paths::state_dir()?;
    std::fs::create_dir_all(&dir).ok()?;
    let appender = tracing_appender::rolling::never(&dir, "tokdash.log");
    let (writer, guard) = tracing_appender::non_blocking(appender);
    let filter = EnvFilter::try_from_env("TOKDASH_LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(writer)
        .with_ansi(false)
        .try_init()
        .ok()?;
    Some(guard)
}
