//! One-line text fields (the filter, the `:` line, form fields) and the readline habits they
//! share: ctrl-u, ctrl-w, ctrl-a, ctrl-e, ctrl-k, arrows, home/end, and pasting in one step.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use tui_input::{Input, InputRequest};

/// The most a one-line form field holds: far beyond any provider's names, and short enough that
/// an accidental paste of a whole file cannot stall the dashboard.
pub const MAX_FIELD_CHARS: usize = 512;

/// Insert pasted text at the cursor in one step (one insert per character is quadratic, and
/// froze the dashboard for minutes on a large paste). A one-line field takes printable text
/// only: newlines and escapes are dropped. Returns true when the text was cut to `max` chars.
pub fn insert_pasted(input: &mut Input, text: &str, max: usize) -> bool {
    let value = input.value();
    let at = value
        .char_indices()
        .nth(input.cursor())
        .map_or(value.len(), |(i, _)| i);
    let (before, after) = value.split_at(at);
    let room = max.saturating_sub(value.chars().count());
    let mut printable = text.chars().filter(|c| !c.is_control());
    let pasted: String = printable.by_ref().take(room).collect();
    let cut = printable.next().is_some();
    let cursor = input.cursor() + pasted.chars().count();
    *input = Input::new(format!("{before}{pasted}{after}")).with_cursor(cursor);
    cut
}

/// Readline habits for one-line text: ctrl-u, ctrl-w, ctrl-a, ctrl-e, arrows, home/end.
pub fn edit_text(input: &mut Input, key: &KeyEvent) -> bool {
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    let req = match key.code {
        KeyCode::Char('w') if ctrl => InputRequest::DeletePrevWord,
        KeyCode::Char('u') if ctrl => InputRequest::DeleteLine,
        KeyCode::Char('a') if ctrl => InputRequest::GoToStart,
        KeyCode::Char('e') if ctrl => InputRequest::GoToEnd,
        KeyCode::Char('k') if ctrl => InputRequest::DeleteTillEnd,
        KeyCode::Char(_) if ctrl => return false,
        // Full: the key is taken but changes nothing.
        KeyCode::Char(_) if input.value().chars().count() >= MAX_FIELD_CHARS => return true,
        KeyCode::Char(c) => InputRequest::InsertChar(c),
        KeyCode::Backspace => InputRequest::DeletePrevChar,
        KeyCode::Delete => InputRequest::DeleteNextChar,
        KeyCode::Left => InputRequest::GoToPrevChar,
        KeyCode::Right => InputRequest::GoToNextChar,
        KeyCode::Home => InputRequest::GoToStart,
        KeyCode::End => InputRequest::GoToEnd,
        _ => return false,
    };
    input.handle(req);
    true
}
