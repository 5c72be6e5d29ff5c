//! Toasts: short messages stacked at the bottom right, above the status bar.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Style};
use ratatui::widgets::{Clear, Paragraph};

use crate::app::{App, ToastKind};
use crate::text::truncate;

pub fn render(app: &App, frame: &mut Frame, area: Rect) {
    let max_width = (area.width.saturating_sub(4)).min(70);
    if max_width < 10 {
        return;
    }
    for (i, toast) in app.toasts.iter().rev().enumerate() {
        let y = area.bottom().saturating_sub(2 + i as u16);
        if y <= area.y {
            break;
        }
        // A sign as well as a colour, so the kind reads on monochrome terminals too.
        let sign = match toast.kind {
            ToastKind::Info => "•",
            ToastKind::Error => "✗",
        };
        let text = format!(
            " {sign} {} ",
            truncate(&toast.text, usize::from(max_width) - 4)
        );
        let width = (super::width_of(&text) as u16).min(max_width);
        let rect = Rect::new(area.right().saturating_sub(width + 1), y, width, 1);
        let style = match toast.kind {
            ToastKind::Info => Style::new().fg(Color::Black).bg(Color::Cyan),
            ToastKind::Error => Style::new().fg(Color::White).bg(Color::Red),
        };
        frame.render_widget(Clear, rect);
        frame.render_widget(Paragraph::new(text).style(style), rect);
    }
}
