//! Quitting while changes are in flight (`q`, `:q` or ctrl-c with a delete, a create, … not yet
//! answered) asks first: wait, or quit anyway. It starts on Wait. Keys from the keymap's
//! `Quitting` layer: `wait` (w) waits, `confirm` (y) quits anyway (so does a second ctrl-c),
//! `deny` and `cancel` (n, Esc) stay, `choose` (the arrows, Tab, `h`, `l`) moves between the two
//! and `accept` (Enter) takes the highlighted. Waiting shows the outcomes as they come, then
//! quits by itself; what happened is said again on stderr once the terminal is restored, so it
//! is never lost with the screen.

use std::time::{Duration, Instant};

use crossterm::event::KeyEvent;

use super::leak;
use crate::app::{Action, App, Effect, Layer, Modal, ToastKind};

/// How long the outcomes stay on screen before the dashboard quits by itself.
pub const LINGER: Duration = Duration::from_secs(2);

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuitPrompt {
    /// The highlighted choice: wait (where it starts) or quit anyway.
    pub wait: bool,
    /// Set once the user chose to wait.
    pub waiting: Option<Waiting>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Waiting {
    /// The outcomes are the messages logged from this one on.
    pub since: u64,
    /// Everything that was in flight has answered.
    pub done: bool,
    /// When to quit; set by the first tick after `done`.
    pub quit_at: Option<Instant>,
}

/// Quit now, or ask first when changes are in flight.
pub fn request(app: &mut App) -> Vec<Effect> {
    if in_flight(app).is_empty() {
        return quit_now(app);
    }
    app.open_modal_in_front(Modal::Quit(QuitPrompt {
        wait: true,
        waiting: None,
    }));
    Vec::new()
}

fn quit_now(app: &mut App) -> Vec<Effect> {
    app.quit = true;
    vec![Effect::Quit]
}

/// The changes in flight, in words ("delete ci-deploy in sematext-1"), oldest first; a leaked
/// secret's revoke counts until its re-list has verified it.
pub fn in_flight(app: &App) -> Vec<String> {
    let mut ops: Vec<_> = app.ops.iter().filter(|(_, p)| p.op.is_change()).collect();
    ops.sort_by_key(|(id, _)| **id);
    let mut lines: Vec<String> = ops
        .into_iter()
        .map(|(_, p)| {
            let account = app
                .accounts
                .get(p.account)
                .map(|a| a.info.name.as_str())
                .unwrap_or("?");
            match (&p.token, &p.new_name) {
                (Some(t), _) => format!("{} {} in {account}", p.op.verb(), t.name),
                (None, Some(name)) => format!("{} {name} in {account}", p.op.verb()),
                (None, None) => format!("{} in {account}", p.op.verb()),
            }
        })
        .collect();
    lines.extend(leak::verifying(app));
    let mut deliveries: Vec<_> = app.delivering.iter().collect();
    deliveries.sort_by_key(|(id, _)| **id);
    lines.extend(deliveries.into_iter().map(|(_, what)| what.clone()));
    lines
}

/// The quit dialog is waiting to close by itself: the timer must run.
pub fn lingering(app: &App) -> bool {
    matches!(
        &app.modal,
        Some(Modal::Quit(QuitPrompt { waiting: Some(w), .. })) if w.done
    )
}

pub fn on_key(app: &mut App, mut prompt: QuitPrompt, key: KeyEvent) -> Vec<Effect> {
    let action = app.keymap.action_for(&key, Layer::Quitting);
    if let Some(waiting) = &prompt.waiting {
        if waiting.done {
            // The outcomes are on screen: any key quits at once.
            return finish(app, waiting.since);
        }
        return match action {
            Some(Action::Confirm) => quit_anyway(app),
            Some(Action::Deny | Action::Cancel) => {
                app.close_modal();
                Vec::new()
            }
            _ => {
                app.modal = Some(Modal::Quit(prompt));
                Vec::new()
            }
        };
    }
    match action {
        Some(Action::Wait) => start_waiting(app, prompt),
        Some(Action::Accept) if prompt.wait => start_waiting(app, prompt),
        Some(Action::Confirm | Action::Accept) => quit_anyway(app),
        Some(Action::Deny | Action::Cancel) => {
            app.close_modal();
            Vec::new()
        }
        Some(Action::Choose) => {
            prompt.wait = !prompt.wait;
            app.modal = Some(Modal::Quit(prompt));
            Vec::new()
        }
        _ => {
            app.modal = Some(Modal::Quit(prompt));
            Vec::new()
        }
    }
}

fn start_waiting(app: &mut App, mut prompt: QuitPrompt) -> Vec<Effect> {
    prompt.waiting = Some(Waiting {
        since: app.log.next_seq(),
        done: false,
        quit_at: None,
    });
    app.modal = Some(Modal::Quit(prompt));
    after_answer(app);
    Vec::new()
}

/// After every answer: once nothing is in flight any more, a waiting dialog shows the outcomes
/// and starts its countdown.
pub fn after_answer(app: &mut App) {
    let done = in_flight(app).is_empty();
    // Asked but not answered yet: the question ("1 change in flight: wait / quit anyway") no
    // longer holds, so it goes rather than read "0 changes in flight"; the outcome is a toast.
    if done
        && matches!(
            &app.modal,
            Some(Modal::Quit(QuitPrompt { waiting: None, .. }))
        )
    {
        app.close_modal();
        let again = app
            .keymap
            .first_key(Action::Quit, Layer::Panes)
            .map_or(String::new(), |k| format!(": {k} quits"));
        app.toast(
            ToastKind::Info,
            format!("nothing is in flight any more{again}"),
        );
        return;
    }
    if let Some(Modal::Quit(QuitPrompt {
        waiting: Some(w), ..
    })) = &mut app.modal
        && !w.done
        && done
    {
        w.done = true;
        app.dirty = true;
    }
}

/// A tick: quit once the outcomes have been on screen for [`LINGER`].
pub fn on_tick(app: &mut App, now: Instant) -> Vec<Effect> {
    let Some(Modal::Quit(QuitPrompt {
        waiting: Some(w), ..
    })) = &mut app.modal
    else {
        return Vec::new();
    };
    if !w.done {
        return Vec::new();
    }
    match w.quit_at {
        None => {
            w.quit_at = Some(now + LINGER);
            Vec::new()
        }
        Some(at) if now >= at => {
            let since = w.since;
            finish(app, since)
        }
        Some(_) => Vec::new(),
    }
}

/// Quit after waiting: the outcomes go to stderr too, once the terminal is restored.
fn finish(app: &mut App, since: u64) -> Vec<Effect> {
    app.exit_report = app.log.since(since).map(|e| e.line()).collect();
    quit_now(app)
}

/// Quit with changes in flight, saying on stderr which, since their outcome is not known here.
/// ctrl-c in the dialog does this too.
pub fn quit_anyway(app: &mut App) -> Vec<Effect> {
    app.exit_report = in_flight(app)
        .into_iter()
        .map(|what| {
            format!(
                "{what}: still in flight when tokdash quit, so its outcome is unknown here; list \
                 the account to see whether it happened"
            )
        })
        .collect();
    let mut effects = leak::abandoned(app);
    effects.extend(quit_now(app));
    effects
}
