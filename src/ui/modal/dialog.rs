//! The one sizing rule of every dialog: as wide as its longest line wants, within the width
//! the terminal has and a limit for its kind (a form stays readable, a report may be wider);
//! every line wraps inside it, and what does not fit the height scrolls, with what is above
//! and below counted on the border, so nothing the user needs is ever cut off.

use std::ops::Range;

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};

use crate::ui::theme;

/// The widest a form, a confirmation or a secret gets: a line of prose stays readable.
pub const FORM_WIDTH: u16 = 110;
/// The widest a report (a failure report, the leaked-secret findings, the log) gets.
pub const REPORT_WIDTH: u16 = 150;
/// The narrowest a dialog gets while the terminal has the room, so short ones do not look
/// like toasts.
const MIN_WIDTH: u16 = 50;
/// Columns left free on each side of a dialog, so it reads as above the panes.
const MARGIN: u16 = 2;

/// A dialog's outer width for content whose longest line is `content` columns wide: the
/// content and its borders, at least [`MIN_WIDTH`], at most `max`, and never wider than the
/// terminal leaves.
pub fn width(area: Rect, content: usize, max: u16) -> u16 {
    let wanted = u16::try_from(content)
        .unwrap_or(u16::MAX)
        .saturating_add(2)
        .clamp(MIN_WIDTH.min(max), max);
    wanted.min(area.width.saturating_sub(2 * MARGIN)).max(1)
}

/// A `width`×`height` box centred in `area`, cut to the area.
pub fn place(area: Rect, width: u16, height: u16) -> Rect {
    let width = width.min(area.width);
    let height = height.min(area.height);
    Rect::new(
        area.x + (area.width - width) / 2,
        area.y + (area.height - height) / 2,
        width,
        height,
    )
}

/// An overlay that fills the screen but for one column and one row on each side (the
/// summary), at most `max` wide.
pub fn nearly_full(area: Rect, max: u16) -> Rect {
    let width = area.width.saturating_sub(2).clamp(1, max);
    place(area, width, area.height.saturating_sub(2).max(1))
}

/// What a drawn dialog tells its caller: where its text went, and where each line landed.
pub struct Drawn {
    pub inner: Rect,
    /// The first wrapped row of each line, then the total.
    starts: Vec<usize>,
    scroll: usize,
}

impl Drawn {
    /// The screen row of `line`'s first row, if it is in view.
    pub fn row_of(&self, line: usize) -> Option<u16> {
        let start = *self.starts.get(line)?;
        let row = start.checked_sub(self.scroll)?;
        let row = u16::try_from(row).ok()?;
        (row < self.inner.height).then(|| self.inner.y + row)
    }
}

/// A dialog's lines, title and limits, ready to draw.
pub struct Dialog<'a> {
    title: String,
    lines: Vec<Line<'a>>,
    max_width: u16,
    content_width: Option<usize>,
    keep: Range<usize>,
}

impl<'a> Dialog<'a> {
    pub fn new(title: &str, lines: Vec<Line<'a>>) -> Dialog<'a> {
        Dialog {
            title: title.to_owned(),
            lines,
            max_width: FORM_WIDTH,
            content_width: None,
            keep: 0..1,
        }
    }

    /// At most this wide (see [`FORM_WIDTH`], [`REPORT_WIDTH`]).
    pub fn max_width(mut self, max: u16) -> Self {
        self.max_width = max;
        self
    }

    /// The width the content wants, where the caller knows better than its longest line (a
    /// text field that scrolls sideways).
    pub fn content_width(mut self, width: usize) -> Self {
        self.content_width = Some(width);
        self
    }

    /// Lines to keep in view when the dialog must scroll: their start wins over their end.
    pub fn keep_in_view(mut self, lines: Range<usize>) -> Self {
        self.keep = lines;
        self
    }

    /// The outer width this dialog takes in `area`.
    pub fn width_in(&self, area: Rect) -> u16 {
        let content = self
            .content_width
            .unwrap_or_else(|| self.lines.iter().map(Line::width).max().unwrap_or(0))
            .max(crate::ui::width_of(&self.title) + 2);
        width(area, content, self.max_width)
    }

    /// Draw it centred in `area`, cleared underneath.
    pub fn draw(self, frame: &mut Frame, area: Rect) -> Drawn {
        let width = self.width_in(area);
        let inner_width = width.saturating_sub(2).max(1);
        let mut starts = Vec::with_capacity(self.lines.len() + 1);
        let mut total = 0;
        for line in &self.lines {
            starts.push(total);
            total += rows(line, inner_width);
        }
        starts.push(total);
        let room = usize::from(area.height.saturating_sub(2));
        let height = u16::try_from(total.min(room)).unwrap_or(u16::MAX);
        let rect = place(area, width, height.saturating_add(2));
        let view = usize::from(rect.height.saturating_sub(2));
        let scroll = scroll_for(&starts, &self.keep, total, view);

        let title_room = usize::from(inner_width.saturating_sub(2));
        let mut block = Block::bordered()
            .title(format!(
                " {} ",
                crate::text::truncate(&self.title, title_room)
            ))
            .border_style(theme::border(true));
        let below = total.saturating_sub(scroll + view);
        if scroll > 0 || below > 0 {
            let mut parts = Vec::new();
            if scroll > 0 {
                parts.push(format!("↑ {scroll} more"));
            }
            if below > 0 {
                parts.push(format!("↓ {below} more"));
            }
            block = block.title_bottom(
                Line::styled(format!(" {} ", parts.join(" · ")), theme::warn()).right_aligned(),
            );
        }
        let inner = block.inner(rect);
        frame.render_widget(Clear, rect);
        frame.render_widget(block, rect);
        let offset = u16::try_from(scroll).unwrap_or(u16::MAX);
        frame.render_widget(
            Paragraph::new(self.lines)
                .wrap(Wrap { trim: false })
                .scroll((offset, 0)),
            inner,
        );
        Drawn {
            inner,
            starts,
            scroll,
        }
    }
}

/// How many rows `line` takes wrapped to `width`, as the paragraph will draw it.
fn rows(line: &Line<'_>, width: u16) -> usize {
    Paragraph::new(line.clone())
        .wrap(Wrap { trim: false })
        .line_count(width)
        .max(1)
}

/// The first row to show of `total` in `view` rows: 0 when all fit, else the least scroll that
/// shows the end of `keep`, but never past its start.
fn scroll_for(starts: &[usize], keep: &Range<usize>, total: usize, view: usize) -> usize {
    if total <= view {
        return 0;
    }
    let last = starts.len().saturating_sub(1);
    let first = starts[keep.start.min(last)];
    let end = starts[keep.end.clamp(keep.start.min(last), last)].max(first + 1);
    end.saturating_sub(view).min(first).min(total - view)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dialogs_take_the_width_their_content_wants_within_limits() {
        let wide = Rect::new(0, 0, 240, 60);
        assert_eq!(width(wide, 200, FORM_WIDTH), FORM_WIDTH);
        assert_eq!(width(wide, 200, REPORT_WIDTH), REPORT_WIDTH);
        assert_eq!(width(wide, 70, FORM_WIDTH), 72);
        assert_eq!(width(wide, 10, FORM_WIDTH), MIN_WIDTH);
        let narrow = Rect::new(0, 0, 80, 24);
        assert_eq!(width(narrow, 200, FORM_WIDTH), 76);
        assert_eq!(width(Rect::new(0, 0, 3, 3), 200, FORM_WIDTH), 1);
    }

    #[test]
    fn a_dialog_taller_than_the_screen_scrolls_to_what_must_stay_in_view() {
        // Ten one-row lines in a view of four.
        let starts: Vec<usize> = (0..=10).collect();
        assert_eq!(scroll_for(&starts, &(0..1), 10, 4), 0);
        assert_eq!(scroll_for(&starts, &(6..8), 10, 4), 4);
        // A kept range taller than the view shows its start.
        assert_eq!(scroll_for(&starts, &(2..9), 10, 4), 2);
        assert_eq!(scroll_for(&starts, &(9..10), 10, 4), 6);
        assert_eq!(scroll_for(&starts, &(0..1), 3, 4), 0);
    }
}
