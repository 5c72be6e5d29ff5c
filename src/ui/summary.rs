//! The summary (see `app::summary`), drawn in the detail pane while `All accounts` is selected
//! in the accounts pane, and whole in its overlay (`i`, `:summary`). Charts come first, drawn
//! with ratatui's `BarChart`: the tokens' ages by the quarter (or year) they were created in,
//! stale ones in yellow, and tokens per account, partial accounts in yellow, failed ones in red.
//! Then a table per provider and account: tokens, privileged, stale, disabled, the oldest token,
//! and whether the list is complete, partial or failed, and why.

use ratatui::Frame;
use ratatui::layout::{Constraint, Direction, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Bar, BarChart, BarGroup, Block, Cell, Paragraph, Row, Table};
use time::OffsetDateTime;

use super::{age, fit, theme, width_of};
use crate::app::App;
use crate::app::summary::{AccountLine, ListState, Quarter, Summary};
use crate::app::token_table::view::Counts;
use crate::model::ProviderKind;

/// Charts this tall, with their titles, where there is room.
const CHART_HEIGHT: u16 = 10;
/// A bar of the ages chart: wide enough for `25Q3`, `2025` and `1.2k`.
const BAR: u16 = 4;
/// Account names in the per-account chart are cut to this.
const CHART_LABEL: usize = 14;
/// The state column needs at least this much.
const MIN_STATE: usize = 8;

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
        let [table, ages, accounts] = Layout::vertical([
            Constraint::Length(rows),
            Constraint::Length(CHART_HEIGHT),
            Constraint::Fill(1),
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
    let widths: Vec<usize> = headers.iter().map(|h| h.len().max(6)).collect();
    let used = name_width + widths.iter().sum::<usize>() + widths.len() + 1;
    let state_width = usize::from(area.width).saturating_sub(used).max(MIN_STATE);

    let mut rows = vec![line_row(
        "all accounts",
        &summary.total,
        summary.oldest,
        state_of_many(summary.accounts.iter()),
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
            state_of_many(lines.iter().copied()),
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

/// An account's list state: a word in the pane, the reason too in the overlay.
fn state_cell(state: &ListState, detail: Detail, width: usize) -> Line<'static> {
    let (word, reason, style) = match state {
        ListState::Loading => ("listing…", None, theme::dim()),
        ListState::Complete => ("complete", None, theme::ok()),
        ListState::Partial(why) => ("partial", Some(why), theme::warn()),
        ListState::Failed(why) => ("failed", Some(why), theme::error()),
    };
    let text = match (detail, reason) {
        (Detail::Full, Some(why)) => format!("{word}: {why}"),
        _ => word.to_owned(),
    };
    Line::styled(fit(&text, width), style)
}

/// A provider's or everyone's state: how many accounts are partial or failed, if any.
fn state_of_many<'a>(lines: impl Iterator<Item = &'a AccountLine>) -> Line<'static> {
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
    for (n, word, style) in [
        (failed, "failed", theme::error()),
        (partial, "partial", theme::warn()),
        (loading, "listing…", theme::dim()),
    ] {
        if n > 0 {
            if !spans.is_empty() {
                spans.push(Span::raw(", "));
            }
            spans.push(Span::styled(format!("{n} {word}"), style));
        }
    }
    Line::from(spans)
}

/// `999`, `1.2k`, `25k`, `1.5M`: a count in the four columns of a bar.
fn short_count(n: usize) -> String {
    match n {
        0..=999 => n.to_string(),
        1_000..=9_999 => format!("{:.1}k", n as f64 / 1_000.0),
        10_000..=999_999 => format!("{}k", n / 1_000),
        _ => format!("{:.1}M", n as f64 / 1_000_000.0),
    }
}

/// One bar of the ages chart: tokens created in a span of time.
struct AgeBar {
    label: String,
    tokens: usize,
    /// Every token in it is older than `stale_after_days`.
    stale: bool,
}

/// The quarters as bars; by year when the quarters do not fit in `bars`; the oldest years
/// merged into one `≤YYYY` bar when the years do not fit either.
fn age_bars(quarters: &[Quarter], bars: usize, stale_before: Option<(i32, u8)>) -> Vec<AgeBar> {
    let is_stale = |year: i32, quarter: u8| stale_before.is_some_and(|s| (year, quarter) < s);
    if quarters.len() <= bars {
        return quarters
            .iter()
            .map(|q| AgeBar {
                label: format!("{:02}Q{}", q.year.rem_euclid(100), q.quarter),
                tokens: q.tokens,
                stale: is_stale(q.year, q.quarter),
            })
            .collect();
    }
    let mut years: Vec<AgeBar> = Vec::new();
    let mut last_year = None;
    for q in quarters {
        if last_year != Some(q.year) {
            years.push(AgeBar {
                label: q.year.to_string(),
                tokens: 0,
                stale: true,
            });
            last_year = Some(q.year);
        }
        if let Some(bar) = years.last_mut() {
            bar.tokens += q.tokens;
            bar.stale &= is_stale(q.year, q.quarter);
        }
    }
    if years.len() > bars && bars > 1 {
        let merged = years.len() - bars + 1;
        let old: Vec<AgeBar> = years.drain(..merged).collect();
        let label = format!("≤{}", old.last().map_or("", |b| b.label.as_str()));
        years.insert(
            0,
            AgeBar {
                label,
                tokens: old.iter().map(|b| b.tokens).sum(),
                stale: old.iter().all(|b| b.stale),
            },
        );
    }
    years
}

fn render_ages(app: &App, summary: &Summary, frame: &mut Frame, area: Rect) {
    let block = Block::new().title(Line::styled("Token ages (created)", theme::header()));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if summary.quarters.is_empty() {
        frame.render_widget(
            Paragraph::new("No dated tokens yet.").style(theme::dim()),
            inner,
        );
        return;
    }
    // The quarter before which a whole quarter is stale: the one holding the stale cutoff.
    let stale_before = app.clock().map(|now| {
        let cutoff = (now - time::Duration::days(i64::from(app.stale_after_days) + 1))
            .to_offset(time::UtcOffset::UTC);
        (cutoff.year(), (u8::from(cutoff.month()) - 1) / 3 + 1)
    });
    let fits = usize::from((inner.width + 1) / (BAR + 1)).max(1);
    let bars: Vec<Bar> = age_bars(&summary.quarters, fits, stale_before)
        .into_iter()
        .map(|b| {
            let style = if b.stale {
                theme::warn()
            } else {
                theme::label()
            };
            Bar::with_label(b.label, b.tokens as u64)
                .text_value(short_count(b.tokens))
                .style(style)
                .value_style(style.add_modifier(ratatui::style::Modifier::REVERSED))
        })
        .collect();
    let chart = BarChart::default()
        .data(BarGroup::new(bars))
        .bar_width(BAR)
        .bar_gap(1);
    frame.render_widget(chart, inner);
}

fn render_accounts(app: &App, summary: &Summary, frame: &mut Frame, area: Rect) {
    let fits = usize::from(area.height.saturating_sub(1));
    let mut lines: Vec<&AccountLine> = summary.accounts.iter().collect();
    // The biggest first; failed ones (nothing listed) last, in red.
    lines.sort_by_key(|l| std::cmp::Reverse(l.counts.tokens));
    let title = if lines.len() > fits {
        format!("Tokens per account (largest {fits} of {})", lines.len())
    } else {
        "Tokens per account".to_owned()
    };
    let block = Block::new().title(Line::styled(title, theme::header()));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let bars: Vec<Bar> = lines
        .into_iter()
        .take(fits)
        .map(|l| {
            let name = fit(&app.accounts[l.account].info.name, CHART_LABEL);
            let (style, value) = match &l.state {
                ListState::Failed(_) => (theme::error(), "failed".to_owned()),
                ListState::Partial(_) => (theme::warn(), format!("{}+", l.counts.tokens)),
                ListState::Loading => (theme::dim(), "…".to_owned()),
                ListState::Complete => (theme::label(), l.counts.tokens.to_string()),
            };
            Bar::with_label(name, l.counts.tokens as u64)
                .text_value(value)
                .style(style)
                .value_style(style.add_modifier(ratatui::style::Modifier::REVERSED))
        })
        .collect();
    let chart = BarChart::default()
        .direction(Direction::Horizontal)
        .data(BarGroup::new(bars))
        .bar_width(1)
        .bar_gap(0);
    frame.render_widget(chart, inner);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(year: i32, quarter: u8, tokens: usize) -> Quarter {
        Quarter {
            year,
            quarter,
            tokens,
        }
    }

    #[test]
    fn ages_go_by_quarter_then_year_then_merge_the_oldest() {
        let quarters = [q(2024, 3, 1), q(2024, 4, 0), q(2025, 1, 2), q(2025, 2, 3)];
        let labels = |bars: Vec<AgeBar>| -> Vec<(String, usize, bool)> {
            bars.into_iter()
                .map(|b| (b.label, b.tokens, b.stale))
                .collect()
        };
        assert_eq!(
            labels(age_bars(&quarters, 4, Some((2025, 1)))),
            [
                ("24Q3".into(), 1, true),
                ("24Q4".into(), 0, true),
                ("25Q1".into(), 2, false),
                ("25Q2".into(), 3, false),
            ]
        );
        assert_eq!(
            labels(age_bars(&quarters, 3, Some((2025, 1)))),
            [("2024".into(), 1, true), ("2025".into(), 5, false)]
        );
        assert_eq!(
            labels(age_bars(&quarters, 1, None)),
            [("2024".into(), 1, false), ("2025".into(), 5, false)],
            "one bar: nothing to merge into"
        );
        let long: Vec<Quarter> = (2015..2026).map(|y| q(y, 1, 1)).collect();
        let bars = labels(age_bars(&long, 4, None));
        assert_eq!(bars[0], ("≤2022".into(), 8, false));
        assert_eq!(bars.len(), 4);
    }

    #[test]
    fn counts_fit_a_bar() {
        for (n, s) in [(7, "7"), (999, "999"), (1_234, "1.2k"), (25_000, "25k")] {
            assert_eq!(short_count(n), s);
            assert!(s.len() <= usize::from(BAR));
        }
    }
}
