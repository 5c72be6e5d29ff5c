//! One-line text fields (the filter, the `:` line, form fields) and the readline habits they
//! share: ctrl-u, ctrl-w, ctrl-a, ctrl-e, ctrl-k, arrows, home/end, and pasting in one step.

use crossterm::event::{Event, KeyEvent};
use tui_input::backend::crossterm::to_input_request;
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

/// Readline habits for one-line text, as `tui_input` maps them: ctrl-u, ctrl-w, ctrl-a, ctrl-e,
/// ctrl-k, arrows, home/end and their word-wise variants. Returns false when the key means
/// nothing to a text field, so the caller may use it.
pub fn edit_text(input: &mut Input, key: &KeyEvent) -> bool {
    let Some(req) = to_input_request(&Event::Key(*key)) else {
        return false;
    };
    if !matches!(req, InputRequest::InsertChar(_) | InputRequest::Yank) {
        input.handle(req);
        return true;
    }
    // Typing (or ctrl-y) into a full field is taken but changes nothing: the cap must hold for
    // every way text gets in, not only for paste.
    let before = input.clone();
    input.handle(req);
    if input.value().chars().count() > MAX_FIELD_CHARS {
        *input = before;
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::{KeyCode, KeyModifiers};

    fn press(input: &mut Input, code: KeyCode, modifiers: KeyModifiers) -> bool {
        edit_text(input, &KeyEvent::new(code, modifiers))
    }

    #[test]
    fn readline_keys_edit_the_line() {
        let mut input = Input::new("deploy token".into());
        press(&mut input, KeyCode::Char('w'), KeyModifiers::CONTROL);
        assert_eq!(input.value(), "deploy ");
        press(&mut input, KeyCode::Char('a'), KeyModifiers::CONTROL);
        press(&mut input, KeyCode::Char('X'), KeyModifiers::SHIFT);
        assert_eq!(input.value(), "Xdeploy ");
        press(&mut input, KeyCode::Char('k'), KeyModifiers::CONTROL);
        assert_eq!(input.value(), "X");
        press(&mut input, KeyCode::Char('e'), KeyModifiers::CONTROL);
        press(&mut input, KeyCode::Backspace, KeyModifiers::NONE);
        assert_eq!(input.value(), "");
        assert!(!press(
            &mut input,
            KeyCode::Char('s'),
            KeyModifiers::CONTROL
        ));
    }

    #[test]
    fn typing_and_yanking_stop_at_the_cap() {
        let full = "x".repeat(MAX_FIELD_CHARS);
        let mut input = Input::new(full.clone());
        assert!(press(&mut input, KeyCode::Char('y'), KeyModifiers::NONE));
        assert_eq!(input.value(), full);
        // Kill the line, type it again, then yank the killed copy back: still capped.
        press(&mut input, KeyCode::Char('u'), KeyModifiers::CONTROL);
        for _ in 0..MAX_FIELD_CHARS - 1 {
            press(&mut input, KeyCode::Char('x'), KeyModifiers::NONE);
        }
        press(&mut input, KeyCode::Char('y'), KeyModifiers::CONTROL);
        assert_eq!(
            input.value().len(),
            MAX_FIELD_CHARS - 1,
            "the yank would overflow"
        );
        press(&mut input, KeyCode::Char('u'), KeyModifiers::CONTROL);
        press(&mut input, KeyCode::Char('y'), KeyModifiers::CONTROL);
        assert_eq!(
            input.value().len(),
            MAX_FIELD_CHARS - 1,
            "yank gives back what was killed"
        );
    }
}
