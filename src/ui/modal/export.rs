//! The export dialog: what will be written (how many tokens, from which view, filter and sort),
//! the file name being typed, and why the last try did not write.

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};

use super::{draw_box, key_hints};
use crate::app::modal::ExportView;
use crate::app::token_table::view::View;
use crate::app::{Action, App, Layer};
use crate::inventory::Format;
use crate::ui::theme;

/// Label column width.
const LABEL: usize = 7;

pub fn render(app: &App, view: &ExportView, frame: &mut Frame, area: Rect) {
    let table = &app.table;
    let n = table.rows().len();
    let scope = match app.selected_account() {
        Some(i) => app.accounts[i].info.name.clone(),
        None => "all accounts".to_owned(),
    };
    let mut what = vec![scope];
    if table.view() != View::All {
        what.push(format!("view {}", table.view().name()));
    }
    let query = table.query().trim();
    if !query.is_empty() {
        what.push(format!("filter /{}", crate::text::truncate(query, 30)));
    }
    let arrow = if table.descending() { "↓" } else { "↑" };
    let by = format!("{}{arrow}", table.sort().label());
    if query.is_empty() {
        what.push(format!("sorted by {by}"));
    } else {
        what.push(format!("best matches first, then by {by}"));
    }
    let s = if n == 1 { "" } else { "s" };
    // The field first, so the text cursor's row is known however the rest wraps.
    let mut lines = vec![Line::from(vec![
        Span::styled(format!("{:<LABEL$}", "file"), theme::label()),
        Span::raw(view.path.value().to_owned()),
    ])];
    let format = Format::of_path(view.path.value());
    lines.push(Line::styled(
        format!(
            "{:LABEL$}{}: a name ending in .json writes JSON, others CSV",
            "",
            format.name()
        ),
        theme::dim(),
    ));
    lines.push(Line::raw(""));
    lines.push(Line::raw(format!(
        "Writes the {n} token{s} listed ({}), in that order, readable by you alone (0600); every \
         column but secrets: ids that are secrets are masked.",
        what.join(", ")
    )));
    lines.push(Line::raw(""));
    if let Some(e) = &view.error {
        let style = if view.replace {
            theme::warn()
        } else {
            theme::error()
        };
        lines.push(Line::styled(e.clone(), style));
    }
    if view.writing {
        lines.push(Line::styled("writing…", theme::warn()));
    }
    let verb = if view.replace { "replace" } else { "write" };
    lines.push(Line::styled(
        key_hints(
            app,
            Layer::Line,
            &[
                (&[Action::Accept], 1, verb),
                (&[Action::Cancel], 1, "cancel"),
            ],
            "   ",
        ),
        theme::dim(),
    ));
    let inner = draw_box(frame, area, "Export the view", lines);
    let x = inner
        .x
        .saturating_add(u16::try_from(LABEL + view.path.visual_cursor()).unwrap_or(u16::MAX));
    if x < inner.right() && inner.height > 0 {
        frame.set_cursor_position(Position::new(x, inner.y));
    }
}
