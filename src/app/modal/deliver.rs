//! Delivering a new secret from its dialog: `deliver` opens the list of sinks (the account's
//! defaults preselected), the move keys and the toggle choose, accept sends, cancel goes back.
//! Each delivery runs in the worker (an [`Effect::Deliver`]); its outcome is shown in the
//! dialog, which stays open until it is closed on purpose, as ever: delivering does not count as
//! having seen the secret. A rotation's dialog opens the list at once, and its old token is
//! offered for deletion only when no delivery failed or is still running.

use std::collections::HashMap;

use crossterm::event::KeyEvent;

use super::secret::SecretView;
use crate::app::{Action, App, CopySecret, Effect, Layer, ReqId, ToastKind};
use crate::sink::{self, Sink, Subject};

/// Every configured sink, and which ones each account preselects.
#[derive(Debug, Clone, Default)]
pub struct SinkBook {
    pub sinks: Vec<Sink>,
    /// Account name → the names of its default sinks.
    pub defaults: HashMap<String, Vec<String>>,
}

impl SinkBook {
    fn is_default(&self, account: &str, sink: &str) -> bool {
        self.defaults
            .get(account)
            .is_some_and(|names| names.iter().any(|n| n == sink))
    }
}

/// The deliveries of one secret: the list of sinks while it is open, and what was sent.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Deliveries {
    /// The list of sinks, when open: the cursor and which are chosen (one per sink, in order).
    pub picker: Option<Picker>,
    pub sent: Vec<Delivery>,
}

impl Deliveries {
    /// Is every delivery sent done, and did all of them succeed?
    pub fn settled_ok(&self) -> bool {
        self.sent
            .iter()
            .all(|d| matches!(d.state, DeliveryState::Done(_)))
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Picker {
    pub cursor: usize,
    pub chosen: Vec<bool>,
}

/// One delivery asked from the dialog.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    pub id: ReqId,
    pub sink: String,
    pub state: DeliveryState,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeliveryState {
    Running,
    /// What was done ("ran `gh`", "wrote …").
    Done(String),
    /// Why not, with what the command printed.
    Failed(String),
}

/// A delivery for the worker: the sink, what the secret is for, and the secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeliverJob {
    pub id: ReqId,
    pub provider: crate::model::ProviderKind,
    pub subject: Subject,
    pub sink: Sink,
    pub secret: CopySecret,
}

/// Open the list of sinks over the secret, the account's defaults chosen. Without sinks, say
/// how to configure one.
pub fn open(app: &mut App, view: &mut SecretView) {
    if app.sinks.sinks.is_empty() {
        app.toast(
            ToastKind::Info,
            "no sinks configured: add [[sinks]] to the config (see config.example.toml)",
        );
        return;
    }
    let account = &app.accounts[view.account].info.name;
    let chosen = app
        .sinks
        .sinks
        .iter()
        .map(|s| app.sinks.is_default(account, &s.name))
        .collect();
    view.delivery.picker = Some(Picker { cursor: 0, chosen });
}

/// A key while the list of sinks is open.
pub fn on_key(app: &mut App, view: &mut SecretView, key: &KeyEvent) -> Vec<Effect> {
    let Some(picker) = view.delivery.picker.as_mut() else {
        return Vec::new();
    };
    let count = picker.chosen.len();
    match app.keymap.action_for(key, Layer::Secret) {
        Some(Action::Up) => picker.cursor = picker.cursor.saturating_sub(1),
        Some(Action::Down) => picker.cursor = (picker.cursor + 1).min(count.saturating_sub(1)),
        Some(Action::ToggleChoice) => {
            if let Some(on) = picker.chosen.get_mut(picker.cursor) {
                *on = !*on;
            }
        }
        Some(Action::Accept) => return send(app, view),
        Some(Action::Cancel | Action::Quit) => view.delivery.picker = None,
        _ => {}
    }
    Vec::new()
}

/// Send the chosen sinks a delivery each; with none chosen, the one under the cursor.
fn send(app: &mut App, view: &mut SecretView) -> Vec<Effect> {
    let Some(picker) = view.delivery.picker.take() else {
        return Vec::new();
    };
    let mut picked: Vec<Sink> = app
        .sinks
        .sinks
        .iter()
        .zip(&picker.chosen)
        .filter(|(_, on)| **on)
        .map(|(s, _)| s.clone())
        .collect();
    if picked.is_empty()
        && let Some(sink) = app.sinks.sinks.get(picker.cursor)
    {
        picked.push(sink.clone());
    }
    let info = &app.accounts[view.account].info;
    let subject = Subject::new(
        &info.name,
        info.kind,
        &view.token.name,
        &view.token.id,
        info.kind.caps(),
    );
    let provider = info.kind;
    let mut effects = Vec::new();
    for sink in picked {
        let id = app.next_req();
        app.delivering
            .insert(id, format!("deliver {} to {}", view.token.name, sink.name));
        view.delivery.sent.push(Delivery {
            id,
            sink: sink.name.clone(),
            state: DeliveryState::Running,
        });
        effects.push(Effect::Deliver(Box::new(DeliverJob {
            id,
            provider,
            subject: subject.clone(),
            sink,
            secret: CopySecret(view.secret.clone()),
        })));
    }
    effects
}

/// How a delivery went: said in its secret's dialog (open or waiting), or in a toast if that
/// was closed meanwhile.
pub fn on_delivered(app: &mut App, id: ReqId, result: Result<String, sink::Failure>) {
    app.dirty = true;
    app.delivering.remove(&id);
    let state = match &result {
        Ok(done) => DeliveryState::Done(done.clone()),
        Err(e) => DeliveryState::Failed(e.message()),
    };
    let owner = app.find_modal_mut(
        |m| matches!(m, super::Modal::Secret(v) if v.delivery.sent.iter().any(|d| d.id == id)),
    );
    if let Some(super::Modal::Secret(view)) = owner
        && let Some(d) = view.delivery.sent.iter_mut().find(|d| d.id == id)
    {
        let sink = d.sink.clone();
        d.state = state;
        let (kind, line) = match result {
            Ok(done) => (ToastKind::Info, format!("delivered to {sink}: {done}")),
            Err(e) => (
                ToastKind::Error,
                format!("delivery to {sink} failed: {}", e.reason),
            ),
        };
        app.log.push(kind, None, line);
        return;
    }
    match result {
        Ok(done) => app.toast(ToastKind::Info, format!("delivered: {done}")),
        Err(e) => app.alert(None, format!("a delivery failed: {}", e.reason)),
    }
}
