//! The export dialog (`e`, `:export`): writes the tokens the table lists, in its order (the
//! view, the filter and the sort as they are), to a CSV or JSON file whose name it asks for,
//! `tokdash-inventory-YYYY-MM-DD.csv` by default. The file is written by an effect, mode 0600,
//! never through a symbolic link, and never holds a secret (see `crate::inventory`). A file that
//! is there already is replaced only after a second Enter.

use crossterm::event::KeyEvent;
use tui_input::Input;

use crate::app::line_edit::{MAX_FIELD_CHARS, edit_text, insert_pasted};
use crate::app::{Action, App, Effect, Layer, Modal, ToastKind};
use crate::inventory::{Format, InventoryRow, WriteError};

/// What the export effect writes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportJob {
    /// As typed (`~/` is the home directory; relative to where tokdash started).
    pub path: String,
    pub format: Format,
    pub rows: Vec<InventoryRow>,
    /// Replace a file that is there already.
    pub replace: bool,
}

/// How an export went: the absolute path and the rows written, or why not.
pub type ExportResult = Result<(String, usize), WriteError>;

#[derive(Debug, Clone)]
pub struct ExportView {
    pub path: Input,
    /// The file is there already and the next Enter replaces it.
    pub replace: bool,
    /// Why the last attempt failed.
    pub error: Option<String>,
    /// Sent and not answered yet.
    pub writing: bool,
}

/// The name offered: the day's inventory, in the directory tokdash started in.
pub fn default_path(app: &App) -> String {
    match app.clock() {
        Some(now) => format!(
            "tokdash-inventory-{:04}-{:02}-{:02}.csv",
            now.year(),
            u8::from(now.month()),
            now.day()
        ),
        None => "tokdash-inventory.csv".to_owned(),
    }
}

/// Ask where to write the view; `path` fills the field instead of the default.
pub fn open(app: &mut App, path: Option<String>) {
    let path = path.unwrap_or_else(|| default_path(app));
    app.open_modal(Modal::Export(ExportView {
        path: Input::new(path),
        replace: false,
        error: None,
        writing: false,
    }));
}

pub fn on_key(app: &mut App, mut view: ExportView, key: KeyEvent) -> Vec<Effect> {
    let mut effects = Vec::new();
    match app.keymap.action_for(&key, Layer::Line) {
        Some(Action::Cancel) => {
            app.close_modal();
            return effects;
        }
        Some(Action::Accept) if !view.writing => {
            let path = view.path.value().trim().to_owned();
            if path.is_empty() {
                view.error = Some("a file name, please".to_owned());
            } else {
                view.error = None;
                view.writing = true;
                effects.push(Effect::Export(ExportJob {
                    format: Format::of_path(&path),
                    rows: rows(app),
                    path,
                    replace: view.replace,
                }));
            }
        }
        Some(Action::Accept) => {}
        _ => {
            let before = view.path.value().to_owned();
            edit_text(&mut view.path, &key);
            if view.path.value() != before {
                view.replace = false;
                view.error = None;
            }
        }
    }
    app.modal = Some(Modal::Export(view));
    effects
}

pub fn on_paste(app: &mut App, text: &str) {
    if let Some(Modal::Export(view)) = &mut app.modal {
        insert_pasted(&mut view.path, text, MAX_FIELD_CHARS);
        view.replace = false;
        view.error = None;
        app.dirty = true;
    }
}

/// The rows the table lists, in its order, as the inventory has them.
pub fn rows(app: &App) -> Vec<InventoryRow> {
    let now = app.clock();
    app.table
        .rows()
        .iter()
        .filter_map(|r| app.token_at(*r))
        .map(|(acc, token)| {
            InventoryRow::new(
                &acc.info.name,
                acc.info.kind,
                acc.caps(),
                token,
                acc.partial.as_deref(),
                now,
                app.stale_after_days,
            )
        })
        .collect()
}

/// The effect's answer: said where and how many, or asked again in the dialog.
pub fn on_exported(app: &mut App, result: ExportResult) {
    let open = match &mut app.modal {
        Some(Modal::Export(view)) => Some(view),
        _ => None,
    };
    match (result, open) {
        (Ok((path, rows)), open) => {
            if open.is_some() {
                app.close_modal();
            }
            let s = if rows == 1 { "" } else { "s" };
            app.toast(ToastKind::Info, format!("wrote {rows} row{s} to {path}"));
        }
        (Err(WriteError::Exists(path)), Some(view)) => {
            view.writing = false;
            view.replace = true;
            view.error = Some(format!(
                "{} is there already: Enter again replaces it, or change the name",
                path.display()
            ));
        }
        (Err(WriteError::Failed(why)), Some(view)) => {
            view.writing = false;
            view.error = Some(why);
        }
        (Err(WriteError::Exists(path)), None) => app.toast(
            ToastKind::Error,
            format!("not exported: {} is there already", path.display()),
        ),
        (Err(WriteError::Failed(why)), None) => {
            app.toast(ToastKind::Error, format!("not exported: {why}"));
        }
    }
    app.dirty = true;
}
