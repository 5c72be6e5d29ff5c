//! The dashboard's entry point: build the app, start the worker (and, in demo mode, the
//! sandbox), then run the event loop until the user quits.

use std::time::{Duration, Instant};

use crossterm::event::{
    Event, EventStream, KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseEventKind,
};
use futures::StreamExt;
use time::OffsetDateTime;
use tokio::sync::mpsc;

use crate::app::{AccountInfo, App, AppOptions, Keymap, Msg, ToastKind, update};
use crate::audit::AuditLog;
use crate::clipboard::Clipboard;
use crate::config::Config;
use crate::effects::{EffectRunner, Next};
use crate::provider::Registry;
use crate::sandbox::{Sandbox, SandboxOptions};
use crate::terminal::{TerminalGuard, install_panic_hook};
use crate::{logging, ui, worker};

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

/// Spinner and toast timer period; it runs only while something animates or expires.
const TICK: Duration = Duration::from_millis(100);

/// Run the dashboard on a runtime of its own and return the exit code (see [`run_async`]). For
/// callers that are not async; from inside a tokio runtime call [`run_async`] instead.
pub fn run(launch: Launch) -> i32 {
    match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime.block_on(run_async(launch)),
        Err(e) => {
            eprintln!("tokdash: cannot start the async runtime: {e}");
            1
        }
    }
}

/// Run the dashboard on the current (multi-threaded) tokio runtime and return the exit code: 0
/// on quit, 2 for a `[keys]` or account problem (printed to stderr before the terminal is
/// touched), 1 when the terminal or the demo sandbox cannot be set up.
pub async fn run_async(launch: Launch) -> i32 {
    let keymap = match Keymap::from_config(&launch.config.keys) {
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
            keymap,
            demo: launch.demo,
            clipboard_clear_secs: launch.config.ui.clipboard_clear_secs,
        },
    );
    if let Some(notice) = &launch.notice {
        app.toast(ToastKind::Info, notice.clone());
    }
    let clipboard_mode = launch.config.ui.clipboard;
    let (msg_tx, msg_rx) = mpsc::unbounded_channel();
    let audit = AuditLog::default_location(launch.demo);
    let requests = worker::spawn_with_audit(registry, msg_tx.clone(), audit.clone());
    // One clipboard handle for the life of the app: on X11 the owner serves the pasted text.
    let mut runner = EffectRunner::new(requests, Clipboard::new(clipboard_mode), audit, msg_tx);

    install_panic_hook();
    let code = match TerminalGuard::enter(launch.config.ui.mouse) {
        Ok(mut guard) => match event_loop(&mut app, &mut guard, &mut runner, msg_rx).await {
            Ok(()) => 0,
            Err(e) => {
                drop(guard);
                eprintln!("tokdash: terminal error: {e}");
                1
            }
        },
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

fn demo_options() -> SandboxOptions {
    SandboxOptions {
        latency: Duration::from_millis(250),
        tokens_per_account: 15,
        ..SandboxOptions::default()
    }
}

async fn event_loop(
    app: &mut App,
    guard: &mut TerminalGuard,
    runner: &mut EffectRunner,
    mut replies: mpsc::UnboundedReceiver<Msg>,
) -> std::io::Result<()> {
    let mut events = EventStream::new();
    let mut tick = tokio::time::interval(TICK);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);

    let size = guard.terminal.size()?;
    let mut pending = vec![Msg::Resize(size.width, size.height)];
    let mut effects = app.start();
    loop {
        for msg in pending.drain(..) {
            effects.extend(update(app, msg));
        }
        // Messages that queued up while we worked are handled before the next draw.
        while let Ok(msg) = replies.try_recv() {
            effects.extend(update(app, msg));
        }
        // Running an effect may answer at once (a copy); those answers run before the draw.
        while !effects.is_empty() {
            for effect in std::mem::take(&mut effects) {
                match runner.run(effect) {
                    Next::Continue => {}
                    Next::Feed(msg) => effects.extend(update(app, msg)),
                    Next::Quit => return Ok(()),
                }
            }
        }
        if app.dirty {
            let now = OffsetDateTime::now_utc();
            guard.terminal.draw(|f| ui::render(app, f, now))?;
            app.dirty = false;
        }
        let needs_tick = app.needs_tick();
        tokio::select! {
            event = events.next() => match event {
                Some(Ok(event)) => pending.extend(to_msg(event)),
                Some(Err(e)) => return Err(e),
                None => return Ok(()),
            },
            Some(msg) = replies.recv() => pending.push(msg),
            _ = tick.tick(), if needs_tick => pending.push(Msg::Tick(Instant::now())),
        }
    }
}

fn to_msg(event: Event) -> Option<Msg> {
    match event {
        Event::Key(key) if key.kind == KeyEventKind::Press => Some(Msg::Key(key)),
        Event::Paste(text) => Some(Msg::Paste(text)),
        Event::Resize(w, h) => Some(Msg::Resize(w, h)),
        // With `[ui] mouse = true`, the wheel moves like the arrow keys.
        Event::Mouse(m) => match m.kind {
            MouseEventKind::ScrollDown => {
                Some(Msg::Key(KeyEvent::new(KeyCode::Down, KeyModifiers::NONE)))
            }
            MouseEventKind::ScrollUp => {
                Some(Msg::Key(KeyEvent::new(KeyCode::Up, KeyModifiers::NONE)))
            }
            _ => None,
        },
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_keys_exit_2_before_the_terminal_is_touched() {
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
        assert_eq!(run(launch), 2);
    }
}
