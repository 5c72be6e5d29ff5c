//! The summary overlay: nearly the whole screen, the totals in its title, the charts and the
//! table of `ui::summary` inside.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, Clear};
use time::OffsetDateTime;

use super::dialog::{self, REPORT_WIDTH};
use crate::app::modal::SummaryView;
use crate::app::summary::Summary;
use crate::app::{Action, App, Layer};
use crate::ui::{summary, theme};

pub fn render(app: &App, view: &SummaryView, frame: &mut Frame, area: Rect, now: OffsetDateTime) {
    // Nearly the whole screen: the charts and the table use every column they are given.
    let rect = dialog::nearly_full(area, REPORT_WIDTH);
    let totals = summary::totals_line(&Summary::of(app));
    let keys = match (
        app.keymap.first_key(Action::Down, Layer::Panes),
        app.keymap.first_key(Action::Up, Layer::Panes),
    ) {
        (Some(d), Some(u)) => format!(" {d}/{u} scroll  other keys close "),
        _ => " any key closes ".to_owned(),
    };
    let block = Block::bordered()
        .title(format!(" Summary: {totals} "))
        // Some tokens do expire (the expiring view lists them); none says when it was last used.
        .title_bottom(Line::styled(" last use: in no API ", theme::dim()).left_aligned())
        .title_bottom(Line::styled(keys, theme::dim()).right_aligned())
        .border_style(theme::border(true));
    let inner = block.inner(rect);
    frame.render_widget(Clear, rect);
    frame.render_widget(block, rect);
    summary::render_full(app, frame, inner, now, view.scroll);
}
