//! The message log (`m`, `:messages`): every message the dashboard said while it ran, newest
//! first, with its time and account. Keys from the keymap's `Log` layer: the move keys scroll
//! (`j`/`k`, PgUp/PgDn, `g`/`G`), and `cancel`, `accept`, `quit` and `messages` close it (Esc,
//! Enter, `q`, `m`).

use crossterm::event::KeyEvent;

use crate::app::{Action, App, Effect, Layer, Modal};

/// How far PgUp and PgDn scroll, in messages.
const PAGE: usize = 10;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MessagesView {
    /// How many of the newest messages are scrolled past.
    pub scroll: usize,
}

pub fn open(app: &mut App) {
    app.open_modal(Modal::Messages(MessagesView::default()));
}

pub fn on_key(app: &mut App, mut view: MessagesView, key: KeyEvent) -> Vec<Effect> {
    let last = app.log.len().saturating_sub(1);
    match app.keymap.action_for(&key, Layer::Log) {
        Some(Action::Cancel | Action::Accept | Action::Quit | Action::Messages) => {
            app.close_modal();
            return Vec::new();
        }
        Some(Action::Down) => view.scroll = (view.scroll + 1).min(last),
        Some(Action::Up) => view.scroll = view.scroll.saturating_sub(1),
        Some(Action::PageDown) => view.scroll = (view.scroll + PAGE).min(last),
        Some(Action::PageUp) => view.scroll = view.scroll.saturating_sub(PAGE),
        Some(Action::Top) => view.scroll = 0,
        Some(Action::Bottom) => view.scroll = last,
        _ => {}
    }
    app.modal = Some(Modal::Messages(view));
    Vec::new()
}
