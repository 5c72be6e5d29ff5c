//! The dashboard's entry point: build the app (and, in demo mode, start the sandbox), enter the
//! terminal, then run the [event loop](crate::event_loop), which starts the worker, until the
//! user quits.

use std::io;
use std::time::Duration;

use crossterm::event::EventStream;

use crate::app::{AccountInfo, App, AppOptions, Keymap, SinkBook, ToastKind};
use crate::audit::AuditLog;
use crate::clipboard::Clipboard;
use crate::config::Config;
use crate::event_loop::{EventLoop, Screen};
use crate::logging;
use crate::provider::Registry;
use crate::sandbox::{Sandbox, SandboxOptions};
use crate::terminal::{TerminalGuard, Tui, install_panic_hook};

/// How to start the dashboard; the CLI fills it in.
#[derive(Debug, Clone)]
pub struct Launch {
    pub config: Config,
    /// Start the sandbox in-process and show its accounts instead of the configured ones.
    pub demo: bool,
    /// Force every account read-only (`--read-only`).
    pub read_only: bool,
    /// Shown as a toast once the screen is up, e.g. why the demo opened.
    pub notice: Option<String>,
}

/// Run the dashboard on the current (multi-threaded) tokio runtime and return the exit code: 0
/// on quit, 2 for a `[keys]` or account problem (printed to stderr before the terminal is
/// touched), 1 when the terminal or the demo sandbox cannot be set up.
pub async fn run_async(launch: Launch) -> i32 {
    let keymap = match Keymap::configured(&launch.config) {
        Ok(k) => k,
        Err(e) => {
            eprintln!("tokdash: configuration error: {e}");
            return 2;
        }
    };
    // Does nothing if the caller set up logging already.
    let _log = logging::init();
    let sandbox = if launch.demo {
        match Sandbox::start(demo_options()).await {
            Ok(s) => Some(s),
            Err(e) => {
                eprintln!("tokdash: cannot start the demo sandbox: {e}");
                return 1;
            }
        }
    } else {
        None
    };
    let accounts_config = match &sandbox {
        Some(s) => s.config(),
        None => launch.config.clone(),
    };
    let registry = match Registry::from_config(&accounts_config, launch.read_only) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("tokdash: configuration error: {e}");
            return 2;
        }
    };
    let mut app = App::new(
        AccountInfo::from_registry(&registry),
        AppOptions {
            stale_after_days: launch.config.stale_after_days,
            expiring_within_days: launch.config.expiring_within_days,
            keymap,
            demo: launch.demo,
            clipboard_clear_secs: launch.config.ui.clipboard_clear_secs,
            sinks: SinkBook {
                sinks: accounts_config.sinks.clone(),
                defaults: accounts_config
                    .accounts
                    .iter()
                    .map(|a| (a.name.clone(), a.sinks.clone()))
                    .collect(),
            },
            refresh_secs: launch.config.ui.refresh_secs,
        },
    );
    if let Some(notice) = &launch.notice {
        app.toast(ToastKind::Info, notice.clone());
    }
    let clipboard_mode = launch.config.ui.clipboard;
    let audit = AuditLog::default_location(launch.demo);
    // One clipboard handle for the life of the app: on X11 the owner serves the pasted text.
    let clipboard = Clipboard::new(clipboard_mode);

    // NO_COLOR (set and not empty) turns colours off; `[theme]` picks them otherwise.
    crate::ui::theme::install(crate::ui::theme::Palette::new(
        &launch.config.theme,
        std::env::var_os("NO_COLOR").as_deref(),
    ));
    install_panic_hook();
    let code = match TerminalGuard::enter(launch.config.ui.mouse) {
        Ok(mut guard) => {
            let screen = DashboardScreen {
                terminal: &mut guard.terminal,
                panic_after_frame: std::env::var_os(TEST_PANIC).is_some_and(|v| v == "1"),
            };
            let mut event_loop = EventLoop::new(registry, clipboard, audit, screen);
            let result = event_loop.run(&mut app, EventStream::new()).await;
            drop(event_loop);
            drop(guard);
            // What happened to the changes in flight at quit, now that the screen is gone.
            for line in &app.exit_report {
                eprintln!("tokdash: {line}");
            }
            match result {
                Ok(_) => 0,
                Err(e) => {
                    eprintln!("tokdash: terminal error: {e}");
                    1
                }
            }
        }
        Err(e) => {
            eprintln!("tokdash: cannot set up the terminal: {e}");
            1
        }
    };
    if let Some(s) = sandbox {
        s.shutdown().await;
    }
    code
}

/// **For one test only** (`tests/e2e_tmux.rs`, which checks that a panic leaves the terminal
/// usable, and prints and logs no secret): with `TOKDASH_TEST_PANIC=1` in its environment the
/// dashboard panics right after drawing its first frame, in raw mode on the alternate screen,
/// as a bug would. Nothing else sets or reads it.
const TEST_PANIC: &str = "TOKDASH_TEST_PANIC";

/// The terminal the dashboard draws on; panics after the first frame when [`TEST_PANIC`] asks.
struct DashboardScreen<'a> {
    terminal: &'a mut Tui,
    panic_after_frame: bool,
}

impl Screen for DashboardScreen<'_> {
    fn size(&self) -> io::Result<(u16, u16)> {
        Screen::size(&*self.terminal)
    }

    fn draw(&mut self, app: &App) -> io::Result<()> {
        Screen::draw(&mut *self.terminal, app)?;
        if self.panic_after_frame {
            panic!("{TEST_PANIC}=1: panicking after the first frame, as the test asked");
        }
        Ok(())
    }
}

fn demo_options() -> SandboxOptions {
    SandboxOptions {
        latency: Duration::from_millis(250),
        tokens_per_account: 15,
        ..SandboxOptions::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn bad_keys_exit_2_before_the_terminal_is_touched() {
        let config = Config {
            keys: vec![("explode".into(), "x".into())],
            ..Config::default()
        };
        let launch = Launch {
            config,
            demo: false,
            read_only: false,
            notice: None,
        };
        assert_eq!(run_async(launch).await, 2);
    }
}
