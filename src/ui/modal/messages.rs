//! The message log: newest first, each with its time (UTC), a sign for its kind, the account it
//! is about and the whole text, wrapped.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};

use super::dialog::{self, REPORT_WIDTH};
use super::key_hints;
use crate::app::modal::MessagesView;
use crate::app::{Action, App, Layer, ToastKind};
use crate::ui::theme;

pub fn render(app: &App, view: &MessagesView, frame: &mut Frame, area: Rect) {
    // As wide as the longest message wants (each wraps below that), as tall as the screen.
    let widest = app
        .log
        .newest_first()
        .map(|e| 12 + e.account.as_ref().map_or(0, |a| a.len() + 2) + crate::ui::width_of(e.body()))
        .max()
        .unwrap_or(0);
    let width = dialog::width(area, widest.max(60), REPORT_WIDTH);
    let rect = dialog::place(area, width, area.height.saturating_sub(2).max(1));
    let hints = key_hints(
        app,
        Layer::Log,
        &[
            (&[Action::Down, Action::Up], 1, "scroll"),
            (&[Action::Cancel], 1, "close"),
        ],
        "   ",
    );
    let block = Block::bordered()
        .title(format!(" Messages: {}, newest first ", app.log.len()))
        .title_bottom(Line::styled(format!(" {hints} "), theme::dim()))
        .border_style(theme::border(true));
    let inner = block.inner(rect);
    frame.render_widget(Clear, rect);
    frame.render_widget(block, rect);
    let mut lines: Vec<Line> = Vec::new();
    if app.log.is_empty() {
        lines.push(Line::styled("Nothing has been said yet.", theme::dim()));
    }
    for e in app.log.newest_first().skip(view.scroll) {
        let time = e
            .time
            .map(crate::model::human_time)
            .unwrap_or_else(|| "----------  --:--    ".to_owned());
        let (sign, style) = match e.kind {
            ToastKind::Info => ("•", theme::dim()),
            ToastKind::Error => ("✗", theme::error()),
        };
        let mut spans = vec![
            Span::styled(time, theme::dim()),
            Span::raw(" "),
            Span::styled(sign, style),
            Span::raw(" "),
        ];
        if let Some(account) = &e.account {
            spans.push(Span::styled(format!("{account}  "), theme::label()));
        }
        spans.push(Span::raw(e.body().to_owned()));
        lines.push(Line::from(spans));
    }
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
}
