//! The message log (`m`, `:messages`): every message the dashboard said while it ran, newest
//! first, with its time and account. `j`/`k` scroll, Esc closes.

use crossterm::event::{KeyCode, KeyEvent};

use crate::app::{App, Effect, Modal};

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
    match key.code {
        KeyCode::Esc | KeyCode::Enter | KeyCode::Char('q') | KeyCode::Char('m') => {
            app.close_modal();
            return Vec::new();
        }
        KeyCode::Down | KeyCode::Char('j') => view.scroll = (view.scroll + 1).min(last),
        KeyCode::Up | KeyCode::Char('k') => view.scroll = view.scroll.saturating_sub(1),
        KeyCode::PageDown => view.scroll = (view.scroll + PAGE).min(last),
        KeyCode::PageUp => view.scroll = view.scroll.saturating_sub(PAGE),
        KeyCode::Home | KeyCode::Char('g') => view.scroll = 0,
        KeyCode::End | KeyCode::Char('G') => view.scroll = last,
        _ => {}
    }
    app.modal = Some(Modal::Messages(view));
    Vec::new()
}
