//! A short list to pick one from: which account a new token goes in when `All accounts` is in
//! view, and what of a token to copy (its id or its name). Keys from the keymap's `Pick` layer:
//! the move keys choose, `accept` (Enter) takes the highlighted one, `cancel` (Esc) closes.

use crossterm::event::KeyEvent;

use crate::app::op::TokenRef;
use crate::app::{Action, App, CopySecret, Effect, Layer, Modal};
use crate::secret::SecretString;

/// What taking an option does.
#[derive(Debug, Clone)]
pub enum PickPurpose {
    /// Create a token in the account at this index of the options (`App::accounts` indexes).
    CreateIn(Vec<usize>),
    /// Copy one of these, in the options' order. Secrets: a secret-like id never shows here.
    Copy {
        token: TokenRef,
        values: Vec<CopySecret>,
    },
}

#[derive(Debug, Clone)]
pub struct PickView {
    pub title: String,
    /// What each option says.
    pub options: Vec<String>,
    pub cursor: usize,
    pub purpose: PickPurpose,
}

pub fn on_key(app: &mut App, mut view: PickView, key: KeyEvent) -> Vec<Effect> {
    let last = view.options.len().saturating_sub(1);
    match app.keymap.action_for(&key, Layer::Pick) {
        Some(Action::Cancel) => {
            app.close_modal();
            return Vec::new();
        }
        Some(Action::Up) => view.cursor = view.cursor.saturating_sub(1),
        Some(Action::Down) => view.cursor = (view.cursor + 1).min(last),
        Some(Action::Accept) => {
            app.close_modal();
            return take(app, view);
        }
        _ => {}
    }
    app.modal = Some(Modal::Pick(view));
    Vec::new()
}

fn take(app: &mut App, view: PickView) -> Vec<Effect> {
    match view.purpose {
        PickPurpose::CreateIn(accounts) => match accounts.get(view.cursor) {
            Some(&account) => crate::app::op_flow::create_in(app, account),
            None => Vec::new(),
        },
        PickPurpose::Copy { values, .. } => match values.into_iter().nth(view.cursor) {
            Some(value) => vec![Effect::Copy(value)],
            None => Vec::new(),
        },
    }
}

/// `y` on a token: ask whether to copy its id or its name.
pub fn open_copy(app: &mut App, token: TokenRef, shown_id: String) {
    let options = vec![format!("id    {shown_id}"), format!("name  {}", token.name)];
    let values = vec![
        CopySecret(SecretString::from(token.id.as_str().to_owned())),
        CopySecret(SecretString::from(token.name.clone())),
    ];
    app.open_modal(Modal::Pick(PickView {
        title: format!("Copy of {}", token.name),
        options,
        cursor: 0,
        purpose: PickPurpose::Copy { token, values },
    }));
}
