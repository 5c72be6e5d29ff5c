//! Colours and styles in one place.

use ratatui::style::{Color, Modifier, Style};
use ratatui::widgets::BorderType;

pub const SPINNER: [&str; 10] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

pub fn spinner(frame: usize) -> &'static str {
    SPINNER[frame % SPINNER.len()]
}

pub fn border(focused: bool) -> Style {
    if focused {
        Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD)
    } else {
        Style::new().fg(Color::DarkGray)
    }
}

/// The focused pane has a double border, so focus shows without colour too.
pub fn border_type(focused: bool) -> BorderType {
    if focused {
        BorderType::Double
    } else {
        BorderType::Plain
    }
}

/// A pane title: bold, and cyan when the pane has focus.
pub fn title(focused: bool) -> Style {
    if focused {
        Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD)
    } else {
        Style::new().add_modifier(Modifier::BOLD)
    }
}

pub fn selected(focused: bool) -> Style {
    if focused {
        Style::new().add_modifier(Modifier::REVERSED)
    } else {
        Style::new().add_modifier(Modifier::BOLD)
    }
}

/// The selected row's marker: a solid arrow in the focused pane, a light one elsewhere, so the
/// selection shows without colour.
pub fn marker(focused: bool) -> &'static str {
    if focused { "▶" } else { "›" }
}

/// Rows of disabled tokens.
pub fn disabled() -> Style {
    Style::new().fg(Color::DarkGray)
}

pub fn header() -> Style {
    Style::new().add_modifier(Modifier::BOLD)
}

pub fn dim() -> Style {
    Style::new().fg(Color::DarkGray)
}

pub fn error() -> Style {
    Style::new().fg(Color::Red)
}

pub fn ok() -> Style {
    Style::new().fg(Color::Green)
}

pub fn warn() -> Style {
    Style::new().fg(Color::Yellow)
}

/// An admin token's privilege: a badge that stands out in any row.
pub fn admin() -> Style {
    Style::new()
        .fg(Color::White)
        .bg(Color::Red)
        .add_modifier(Modifier::BOLD)
}

/// The view in the tokens title (`[stale]`): not every token is listed.
pub fn view() -> Style {
    Style::new().fg(Color::Magenta).add_modifier(Modifier::BOLD)
}

pub fn badge() -> Style {
    Style::new().fg(Color::Black).bg(Color::Yellow)
}

pub fn label() -> Style {
    Style::new().fg(Color::Cyan)
}
