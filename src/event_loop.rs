//! The dashboard's one event loop. The dashboard drives it with the terminal's events and draws
//! on the terminal; the flow tests drive the same code with scripted messages, the real worker
//! and a test backend.
//!
//! A turn: one message goes through `update`; answers that queued up meanwhile go through it
//! too; the effects run (those that answer at once, like a copy, feed straight back); then the
//! screen is drawn if the app is dirty. Between turns the loop waits for the input, the worker
//! (and the clipboard timer) or the tick, which runs only while the app needs it.

use std::io;
use std::ops::ControlFlow;
use std::time::{Duration, Instant};

use crossterm::event::{Event, KeyEventKind, MouseButton, MouseEventKind};
use futures::{Stream, StreamExt};
use ratatui::Terminal;
use ratatui::backend::Backend;
use time::OffsetDateTime;
use tokio::sync::mpsc;
use tokio::time::{Interval, MissedTickBehavior};

use crate::app::{App, Effect, Msg, update};
use crate::audit::AuditLog;
use crate::clipboard::Clipboard;
use crate::effects::{EffectRunner, Next};
use crate::provider::Registry;
use crate::{ui, worker};

/// Spinner and toast timer period; it runs only while something animates or expires.
pub const TICK: Duration = Duration::from_millis(100);

/// Where the loop draws: the terminal, or a test backend.
pub trait Screen {
    /// Columns and rows.
    fn size(&self) -> io::Result<(u16, u16)>;
    fn draw(&mut self, app: &App) -> io::Result<()>;
}

impl<B> Screen for Terminal<B>
where
    B: Backend,
    B::Error: Send + Sync + 'static,
{
    fn size(&self) -> io::Result<(u16, u16)> {
        let size = Terminal::size(self).map_err(io::Error::other)?;
        Ok((size.width, size.height))
    }

    fn draw(&mut self, app: &App) -> io::Result<()> {
        let now = OffsetDateTime::now_utc();
        Terminal::draw(self, |f| ui::render(app, f, now))
            .map(drop)
            .map_err(io::Error::other)
    }
}

impl<S: Screen + ?Sized> Screen for &mut S {
    fn size(&self) -> io::Result<(u16, u16)> {
        (**self).size()
    }

    fn draw(&mut self, app: &App) -> io::Result<()> {
        (**self).draw(app)
    }
}

/// Why the loop stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stop {
    /// The app asked to quit.
    Quit,
    /// The input ended (the terminal went away).
    InputClosed,
    /// The caller's condition held (see [`EventLoop::run_until`]).
    Done,
}

/// The loop and what it owns: the effect runner (with the worker behind it), the channel the
/// worker and the timers answer on, the screen and the tick. The [`App`] stays the caller's.
pub struct EventLoop<S> {
    runner: EffectRunner,
    replies: mpsc::UnboundedReceiver<Msg>,
    screen: S,
    tick: Interval,
}

impl<S: Screen> EventLoop<S> {
    /// Start the worker for `registry` on the current tokio runtime and wire it, the clipboard
    /// and the audit trail (refusals here, changes in the worker) to a loop drawing on `screen`.
    pub fn new(
        registry: Registry,
        clipboard: Clipboard,
        audit: Option<AuditLog>,
        screen: S,
    ) -> EventLoop<S> {
        let (replies_tx, replies) = mpsc::unbounded_channel();
        let requests = worker::spawn(registry, replies_tx.clone(), audit.clone());
        let runner = EffectRunner::new(requests, clipboard, audit, replies_tx);
        let mut tick = tokio::time::interval(TICK);
        tick.set_missed_tick_behavior(MissedTickBehavior::Skip);
        EventLoop {
            runner,
            replies,
            screen,
            tick,
        }
    }

    pub fn screen(&self) -> &S {
        &self.screen
    }

    /// Start the app and run until it quits or the input ends: the dashboard's whole life.
    pub async fn run<I>(&mut self, app: &mut App, mut input: I) -> io::Result<Stop>
    where
        I: Stream<Item = io::Result<Event>> + Unpin,
    {
        if let ControlFlow::Break(stop) = self.start(app)? {
            return Ok(stop);
        }
        self.run_until(app, &mut input, |_| false).await
    }

    /// The first turn: the screen's size, a list request for every account, the first frame.
    pub fn start(&mut self, app: &mut App) -> io::Result<ControlFlow<Stop>> {
        let (width, height) = self.screen.size()?;
        let mut effects = update(app, Msg::Clock(OffsetDateTime::now_utc()));
        effects.extend(app.start());
        effects.extend(update(app, Msg::Resize(width, height)));
        self.finish_turn(app, effects)
    }

    /// One turn for one message.
    pub fn dispatch(&mut self, app: &mut App, msg: Msg) -> io::Result<ControlFlow<Stop>> {
        let effects = update(app, msg);
        self.finish_turn(app, effects)
    }

    /// Wait for messages and take a turn for each until `done` holds (checked before every
    /// wait), the app quits or the input ends.
    pub async fn run_until<I>(
        &mut self,
        app: &mut App,
        input: &mut I,
        done: impl Fn(&App) -> bool,
    ) -> io::Result<Stop>
    where
        I: Stream<Item = io::Result<Event>> + Unpin,
    {
        loop {
            if done(app) {
                return Ok(Stop::Done);
            }
            let needs_tick = app.needs_tick();
            let msg = tokio::select! {
                event = input.next() => match event {
                    Some(Ok(event)) => match to_msg(event) {
                        Some(msg) => {
                            // What the user does next may depend on the date (the stale view,
                            // an export's default name): `update` learns it from the loop.
                            update(app, Msg::Clock(OffsetDateTime::now_utc()));
                            msg
                        }
                        None => continue,
                    },
                    Some(Err(e)) => return Err(e),
                    None => return Ok(Stop::InputClosed),
                },
                // Never closed: the runner holds a sender.
                Some(msg) = self.replies.recv() => msg,
                _ = self.tick.tick(), if needs_tick => Msg::Tick(Instant::now(), OffsetDateTime::now_utc()),
            };
            if let ControlFlow::Break(stop) = self.dispatch(app, msg)? {
                return Ok(stop);
            }
        }
    }

    fn finish_turn(
        &mut self,
        app: &mut App,
        mut effects: Vec<Effect>,
    ) -> io::Result<ControlFlow<Stop>> {
        // Answers that queued up while we worked are handled before the next draw.
        while let Ok(msg) = self.replies.try_recv() {
            effects.extend(update(app, msg));
        }
        // Running an effect may answer at once (a copy); those answers run before the draw.
        while !effects.is_empty() {
            for effect in std::mem::take(&mut effects) {
                match self.runner.run(effect) {
                    Next::Continue => {}
                    Next::Feed(msg) => effects.extend(update(app, msg)),
                    Next::Quit => return Ok(ControlFlow::Break(Stop::Quit)),
                }
            }
        }
        if app.dirty {
            self.screen.draw(app)?;
            app.dirty = false;
        }
        Ok(ControlFlow::Continue(()))
    }
}

/// A terminal event as a message; `None` for what the dashboard ignores.
pub fn to_msg(event: Event) -> Option<Msg> {
    match event {
        Event::Key(key) if key.kind == KeyEventKind::Press => Some(Msg::Key(key)),
        Event::Paste(text) => Some(Msg::Paste(text)),
        Event::Resize(w, h) => Some(Msg::Resize(w, h)),
        // With `[ui] mouse = true`: clicks and the wheel; the rest (moves, drags, releases)
        // would only wake the loop.
        Event::Mouse(m) => match m.kind {
            MouseEventKind::Down(MouseButton::Left)
            | MouseEventKind::ScrollDown
            | MouseEventKind::ScrollUp => Some(Msg::Mouse(m)),
            _ => None,
        },
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::{AccountInfo, AppOptions, ToastKind};
    use crate::clipboard::ClipboardMode;
    use crate::config::Config;
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers, MouseEvent};

    /// Counts frames instead of drawing them.
    struct Frames(usize);

    impl Screen for Frames {
        fn size(&self) -> io::Result<(u16, u16)> {
            Ok((80, 24))
        }

        fn draw(&mut self, _: &App) -> io::Result<()> {
            self.0 += 1;
            Ok(())
        }
    }

    fn key(c: char) -> Msg {
        Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE))
    }

    #[tokio::test]
    async fn draws_only_what_changed_and_ticks_only_while_something_waits() {
        let registry = Registry::from_config(&Config::default(), false).expect("no accounts");
        let mut app = App::new(AccountInfo::from_registry(&registry), AppOptions::default());
        let clipboard = Clipboard::new(ClipboardMode::Off);
        let mut event_loop = EventLoop::new(registry, clipboard, None, Frames(0));
        assert!(event_loop.start(&mut app).expect("start").is_continue());
        assert_eq!(event_loop.screen().0, 1, "the first frame");
        assert!(
            app.clock().is_some(),
            "update learns the time from the loop"
        );

        // A key bound to nothing changes nothing: no frame.
        assert!(
            event_loop
                .dispatch(&mut app, key('z'))
                .expect("turn")
                .is_continue()
        );
        assert_eq!(event_loop.screen().0, 1);
        assert!(
            event_loop
                .dispatch(&mut app, key('?'))
                .expect("turn")
                .is_continue()
        );
        assert_eq!(event_loop.screen().0, 2, "help opened");

        // Idle: no tick wakes the loop (`done` is asked once per turn) and nothing is drawn.
        let mut no_input = futures::stream::pending();
        let turns = std::cell::Cell::new(0);
        let waited = tokio::time::timeout(
            TICK * 3,
            event_loop.run_until(&mut app, &mut no_input, |_| {
                turns.set(turns.get() + 1);
                false
            }),
        )
        .await;
        assert!(waited.is_err(), "still waiting");
        assert_eq!(turns.get(), 1, "no turn while idle");
        assert_eq!(event_loop.screen().0, 2);

        // A toast has to expire, so the tick runs: its first one starts the toast's clock.
        app.toast(ToastKind::Info, "hello");
        let stop = tokio::time::timeout(
            TICK * 10,
            event_loop.run_until(&mut app, &mut no_input, |app| {
                app.toasts.iter().all(|t| t.expires.is_some())
            }),
        )
        .await
        .expect("the tick came")
        .expect("drawn");
        assert_eq!(stop, Stop::Done);
        assert_eq!(event_loop.screen().0, 3, "the toast was drawn");

        assert!(
            event_loop
                .dispatch(&mut app, key('q'))
                .expect("turn")
                .is_continue()
        );
        assert_eq!(
            event_loop.dispatch(&mut app, key('q')).expect("turn"),
            ControlFlow::Break(Stop::Quit),
            "the first q closed help, the second quits"
        );
    }

    fn wheel(kind: MouseEventKind) -> Event {
        Event::Mouse(MouseEvent {
            kind,
            column: 0,
            row: 0,
            modifiers: KeyModifiers::NONE,
        })
    }

    #[test]
    fn clicks_and_the_wheel_reach_update_and_moves_do_not() {
        for kind in [
            MouseEventKind::ScrollDown,
            MouseEventKind::ScrollUp,
            MouseEventKind::Down(MouseButton::Left),
        ] {
            assert!(
                matches!(to_msg(wheel(kind)), Some(Msg::Mouse(_))),
                "{kind:?}"
            );
        }
        assert!(to_msg(wheel(MouseEventKind::Moved)).is_none());
        assert!(to_msg(wheel(MouseEventKind::Up(MouseButton::Left))).is_none());
    }
}
