//! The summary (see `app::summary`), drawn in the detail pane while `All accounts` is selected
//! in the accounts pane, and whole in its overlay (`i`, `:summary`): the charts of charts.rs
//! (token ages, tokens per account) and a table per provider and account: tokens, privileged,
//! stale, disabled, the oldest token, and whether the list is complete, partial or failed, and
//! why (in the pane, short: `ok`, and the accounts pane's ◐ and ✗).

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Row, Table};
use time::OffsetDateTime;

use super::charts::{render_accounts, render_ages};
use super::{age, fit, theme, width_of};
use crate::app::App;
use crate::app::summary::{AccountLine, ListState, Summary};
use crate::app::token_table::view::Counts;
use crate::model::ProviderKind;

/// Charts this tall, with their titles, where there is room.
const CHART_HEIGHT: u16 = 10;
/// The state column needs at least this much.
const MIN_STATE: usize = 3;

/// How much the table says: the pane has one short word per state, the overlay the reasons.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Detail {
    Short,
    Full,
}

/// The summary in the detail pane's `area` (inside its border): tall panes stack the table over
/// the charts; short, wide ones put the charts beside it.
pub fn render_pane(
    app: &App,
    summary: &Summary,
    frame: &mut Frame,
    area: Rect,
    now: OffsetDateTime,
) {
    if area.height >= 2 * CHART_HEIGHT {
        let rows = table_height(app, summary).min(area.height / 2);
        // A bar per account and a title, the ages chart the rest (up to twice its height).
        let left = area.height.saturating_sub(rows + 1);
        let per_account = u16::try_from(app.accounts.len() + 1)
            .unwrap_or(u16::MAX)
            .clamp(3, left / 2);
        let ages_height = left
            .saturating_sub(per_account)
            .clamp(CHART_HEIGHT.min(left), 2 * CHART_HEIGHT);
        let [table, _, ages, accounts] = Layout::vertical([
            Constraint::Length(rows),
            Constraint::Length(1),
            Constraint::Length(ages_height),
            Constraint::Length(per_account + 1),
        ])
        .areas(area);
        render_table(app, summary, frame, table, now, Detail::Short, 0);
        render_ages(app, summary, frame, ages);
        render_accounts(app, summary, frame, accounts);
        return;
    }
    // Short and wide: the charts beside the table; the ages first, as the table has the
    // tokens per account in numbers too.
    if area.width >= 110 {
        let [table, ages, accounts] = Layout::horizontal([
            Constraint::Fill(1),
            Constraint::Percentage(25),
            Constraint::Percentage(23),
        ])
        .areas(area);
        render_table(app, summary, frame, table, now, Detail::Short, 0);
        render_ages(app, summary, frame, ages);
        render_accounts(app, summary, frame, accounts);
    } else if area.width >= 80 {
        let [table, ages] =
            Layout::horizontal([Constraint::Fill(1), Constraint::Percentage(35)]).areas(area);
        render_table(app, summary, frame, table, now, Detail::Short, 0);
        render_ages(app, summary, frame, ages);
    } else {
        render_table(app, summary, frame, area, now, Detail::Short, 0);
    }
}

/// The whole summary in the overlay's `area`: the charts side by side on top (one above the
/// other on narrow screens), the table below, scrolled by `scroll` account lines.
pub fn render_full(app: &App, frame: &mut Frame, area: Rect, now: OffsetDateTime, scroll: usize) {
    let summary = Summary::of(app);
    // The charts take what the table leaves, within reason.
    let spare = area.height.saturating_sub(table_height(app, &summary) + 1);
    let chart_height = spare
        .clamp(CHART_HEIGHT, 2 * CHART_HEIGHT)
        .min(area.height / 2);
    let [charts, _, table] = Layout::vertical([
        Constraint::Length(chart_height),
        Constraint::Length(1),
        Constraint::Fill(1),
    ])
    .areas(area);
    if area.width >= 70 {
        let [ages, accounts] =
            Layout::horizontal([Constraint::Fill(3), Constraint::Fill(2)]).areas(charts);
        render_ages(app, &summary, frame, ages);
        render_accounts(app, &summary, frame, accounts);
    } else {
        render_ages(app, &summary, frame, charts);
    }
    render_table(app, &summary, frame, table, now, Detail::Full, scroll);
}

/// The totals in one line: `7 tokens, 1 privileged, 3 stale, 1 disabled; 1 account failed`.
pub fn totals_line(summary: &Summary) -> String {
    let t = &summary.total;
    let mut text = format!(
        "{} tokens, {} privileged, {} stale, {} disabled",
        t.tokens, t.privileged, t.stale, t.disabled
    );
    let partial = summary.partial();
    if t.failed > 0 || partial > 0 {
        text.push(';');
    }
    if partial > 0 {
        text.push_str(&format!(" {partial} listed in part"));
    }
    if t.failed > 0 {
        text.push_str(&format!(
            "{} {} failed",
            if partial > 0 { "," } else { "" },
            plural(t.failed, "account")
        ));
    }
    text
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// Header, the `all` line, then per provider a line with its totals and a line per account.
fn table_height(app: &App, summary: &Summary) -> u16 {
    let providers = ProviderKind::ALL
        .iter()
        .filter(|k| summary.accounts.iter().any(|a| a.kind == **k))
        .count();
    u16::try_from(2 + providers + app.accounts.len()).unwrap_or(u16::MAX)
}

fn render_table(
    app: &App,
    summary: &Summary,
    frame: &mut Frame,
    area: Rect,
    now: OffsetDateTime,
    detail: Detail,
    scroll: usize,
) {
    let name_width = app
        .accounts
        .iter()
        .map(|a| width_of(&a.info.name) + 2)
        .chain([12])
        .max()
        .unwrap_or(12)
        .min(24);
    let numbers: [(&str, &str); 5] = [
        ("tokens", "tok"),
        ("privileged", "priv"),
        ("stale", "stale"),
        ("disabled", "dis"),
        ("oldest", "oldest"),
    ];
    let headers: Vec<&str> = numbers
        .iter()
        .map(|(long, short)| {
            if detail == Detail::Full {
                *long
            } else {
                *short
            }
        })
        .collect();
    let widths: Vec<usize> = headers.iter().map(|h| h.len().max(5)).collect();
    let used = name_width + widths.iter().sum::<usize>() + widths.len() + 1;
    let state_width = usize::from(area.width).saturating_sub(used).max(MIN_STATE);

    let mut rows = vec![line_row(
        "all accounts",
        &summary.total,
        summary.oldest,
        state_of_many(summary.accounts.iter(), detail),
        now,
        name_width,
        theme::header(),
    )];
    let mut account_rows: Vec<Row> = Vec::new();
    for &kind in ProviderKind::ALL {
        let lines: Vec<&AccountLine> = summary.accounts.iter().filter(|a| a.kind == kind).collect();
        if lines.is_empty() {
            continue;
        }
        let mut total = Counts::default();
        for l in &lines {
            total.tokens += l.counts.tokens;
            total.privileged += l.counts.privileged;
            total.stale += l.counts.stale;
            total.disabled += l.counts.disabled;
        }
        let oldest = lines.iter().filter_map(|l| l.oldest).min();
        account_rows.push(line_row(
            kind.name(),
            &total,
            oldest,
            state_of_many(lines.iter().copied(), detail),
            now,
            name_width,
            theme::label(),
        ));
        for l in lines {
            let name = format!("  {}", app.accounts[l.account].info.name);
            let state = state_cell(&l.state, detail, state_width);
            account_rows.push(line_row(
                &name,
                &l.counts,
                l.oldest,
                state,
                now,
                name_width,
                Style::new(),
            ));
        }
    }
    rows.extend(account_rows.into_iter().skip(scroll));
    let mut constraints = vec![Constraint::Length(name_width as u16)];
    constraints.extend(widths.iter().map(|w| Constraint::Length(*w as u16)));
    constraints.push(Constraint::Fill(1));
    let mut header = vec![Cell::from("account")];
    header.extend(
        headers
            .iter()
            .zip(&widths)
            .map(|(h, w)| Cell::from(Line::from(format!("{h:>w$}")))),
    );
    header.push(Cell::from("list"));
    let table = Table::new(rows, constraints).header(Row::new(header).style(theme::header()));
    frame.render_widget(table, area);
}

/// One line of the table: a name, the counts (privileged in red and stale in yellow when there
/// are any), the oldest token's age and the state.
fn line_row(
    name: &str,
    counts: &Counts,
    oldest: Option<OffsetDateTime>,
    state: Line<'static>,
    now: OffsetDateTime,
    name_width: usize,
    style: Style,
) -> Row<'static> {
    let number = |n: usize, alarm: Style| {
        let style = if n > 0 { alarm } else { theme::dim() };
        Cell::from(Line::styled(n.to_string(), style).right_aligned())
    };
    let oldest = oldest.map_or_else(|| "—".to_owned(), |o| age(o, now));
    Row::new(vec![
        Cell::from(Span::styled(fit(name, name_width), style)),
        Cell::from(Line::from(counts.tokens.to_string()).right_aligned()),
        number(counts.privileged, theme::error()),
        number(counts.stale, theme::warn()),
        number(counts.disabled, Style::new()),
        Cell::from(Line::from(oldest).right_aligned()),
        Cell::from(state),
    ])
}

/// An account's list state: in the pane `ok` or the accounts pane's sign (◐ ✗), in the
/// overlay a word and the reason.
fn state_cell(state: &ListState, detail: Detail, width: usize) -> Line<'static> {
    let (sign, word, reason, style) = match state {
        ListState::Loading => ("…", "listing…", None, theme::dim()),
        // Not ✓: that sign is the accounts pane's, counted by the end-to-end tests.
        ListState::Complete => ("ok", "complete", None, theme::ok()),
        ListState::Partial(why) => ("◐", "partial", Some(why), theme::warn()),
        ListState::Failed(why) => ("✗", "failed", Some(why), theme::error()),
    };
    let text = match (detail, reason) {
        (Detail::Short, _) => sign.to_owned(),
        (Detail::Full, Some(why)) => format!("{word}: {why}"),
        (Detail::Full, None) => word.to_owned(),
    };
    Line::styled(fit(&text, width), style)
}

/// A provider's or everyone's state: how many accounts are partial or failed, if any (`1✗ 2◐`
/// in the pane).
fn state_of_many<'a>(
    lines: impl Iterator<Item = &'a AccountLine>,
    detail: Detail,
) -> Line<'static> {
    let (mut partial, mut failed, mut loading) = (0, 0, 0);
    for l in lines {
        match l.state {
            ListState::Partial(_) => partial += 1,
            ListState::Failed(_) => failed += 1,
            ListState::Loading => loading += 1,
            ListState::Complete => {}
        }
    }
    let mut spans = Vec::new();
    for (n, word, sign, style) in [
        (failed, "failed", "✗", theme::error()),
        (partial, "partial", "◐", theme::warn()),
        (loading, "listing…", "…", theme::dim()),
    ] {
        if n > 0 {
            if !spans.is_empty() {
                spans.push(Span::raw(if detail == Detail::Full { ", " } else { " " }));
            }
            let text = match detail {
                Detail::Full => format!("{n} {word}"),
                Detail::Short => format!("{n}{sign}"),
            };
            spans.push(Span::styled(text, style));
        }
    }
    Line::from(spans)
}
