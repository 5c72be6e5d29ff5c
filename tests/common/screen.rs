//! The screen of a TestBackend as text (and, where colour is the point, its styled runs), drawn
//! with the fixed clock of the fixtures.

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::style::{Color, Modifier, Style};
use tokdash::app::App;
use tokdash::ui::render;

use super::fixtures::NOW;

fn buffer(app: &App, width: u16, height: u16) -> Buffer {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("test terminal");
    terminal
        .draw(|f| render(app, f, NOW))
        .expect("draw into the test backend");
    terminal.backend().buffer().clone()
}

fn width_of(s: &str) -> u16 {
    ratatui::text::Span::raw(s).width() as u16
}

/// The screen as text, one line per row, wide characters counted once.
pub fn draw(app: &App, width: u16, height: u16) -> String {
    let buffer = buffer(app, width, height);
    let mut out = String::new();
    for y in 0..height {
        let mut skip = 0u16;
        for x in 0..width {
            let cell = &buffer[(x, y)];
            if skip == 0 {
                out.push_str(cell.symbol());
            }
            skip = skip.max(width_of(cell.symbol())).saturating_sub(1);
        }
        out.push('\n');
    }
    out
}

/// The screen as text, then every run of text drawn in a style that `pick` picks, row by row,
/// with the style: `12  "ADMIN"  fg White, bg Red, bold`.
#[allow(dead_code)] // not every screen test looks at styles
pub fn draw_styled(app: &App, width: u16, height: u16, pick: impl Fn(Style) -> bool) -> String {
    let buffer = buffer(app, width, height);
    let mut out = draw(app, width, height);
    out.push_str("\nstyled runs:\n");
    for y in 0..height {
        let mut run: Option<(Style, String)> = None;
        let mut flush = |run: &mut Option<(Style, String)>| {
            if let Some((style, text)) = run.take()
                && !text.trim().is_empty()
            {
                out.push_str(&format!("{y:>3}  {:?}  {}\n", text.trim(), describe(style)));
            }
        };
        for x in 0..width {
            let cell = &buffer[(x, y)];
            let style = cell.style();
            if !pick(style) {
                flush(&mut run);
                continue;
            }
            match &mut run {
                Some((s, text)) if *s == style => text.push_str(cell.symbol()),
                _ => {
                    flush(&mut run);
                    run = Some((style, cell.symbol().to_owned()));
                }
            }
        }
        flush(&mut run);
    }
    out
}

fn describe(style: Style) -> String {
    let mut parts = Vec::new();
    if let Some(fg) = style.fg.filter(|c| *c != Color::Reset) {
        parts.push(format!("fg {fg}"));
    }
    if let Some(bg) = style.bg.filter(|c| *c != Color::Reset) {
        parts.push(format!("bg {bg}"));
    }
    for (m, name) in [
        (Modifier::BOLD, "bold"),
        (Modifier::REVERSED, "reversed"),
        (Modifier::CROSSED_OUT, "crossed out"),
    ] {
        if style.add_modifier.contains(m) {
            parts.push(name.to_owned());
        }
    }
    parts.join(", ")
}
