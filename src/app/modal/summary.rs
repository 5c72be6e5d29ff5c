//! The summary overlay (`i`, `:summary`): every account at a glance, charts first. The move keys
//! scroll its table; any other key closes it, as with help.

use crossterm::event::KeyEvent;

use crate::app::{Action, App, Effect, Layer, Modal};

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SummaryView {
    /// How many account lines are scrolled past.
    pub scroll: usize,
}

pub fn open(app: &mut App) {
    app.open_modal(Modal::Summary(SummaryView::default()));
}

pub fn on_key(app: &mut App, mut view: SummaryView, key: KeyEvent) -> Vec<Effect> {
    let last = app.accounts.len().saturating_sub(1);
    let page = 10;
    view.scroll = match app.keymap.action_for(&key, Layer::Panes) {
        Some(Action::Down) => (view.scroll + 1).min(last),
        Some(Action::Up) => view.scroll.saturating_sub(1),
        Some(Action::PageDown) => (view.scroll + page).min(last),
        Some(Action::PageUp) => view.scroll.saturating_sub(page),
        Some(Action::Top) => 0,
        Some(Action::Bottom) => last,
        _ => {
            app.close_modal();
            return Vec::new();
        }
    };
    app.modal = Some(Modal::Summary(view));
    Vec::new()
}
